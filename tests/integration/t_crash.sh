# A plugin that segfaults on one word: the parent names the word, hands the
# dead worker's chunks to a new worker without writing any result twice,
# quarantines the word after it killed two workers, and the scan completes
# with every other hit.
. "$(dirname "$0")/lib.sh"
{ seq -f "hit-%g" 1 400; echo crash; seq -f "hit-%g" 401 800; } > words.txt
"$SALVO" -j 2 -t 20 --chunk 50 -p "$TEST_PLUGINS/crash_match.so" --connect-to "$CT" \
    -f jsonl --errors -w words.txt > out.jsonl 2> err.txt
rc=$?
check "the scan completes: exit 0 (got $rc)" [ $rc -eq 0 ]
check "the word that killed it is named" contains err.txt 'died (signal 11, Segmentation fault) while judging the word "crash"'
check "quarantined after two deaths" contains err.txt 'the word "crash" is quarantined: it killed 2 workers'
check "every other hit is there" [ "$(grep -c '"verdict":"hit"' out.jsonl)" -eq 800 ]
check "no hit written twice" [ -z "$(grep -o '"url":"[^"]*"' out.jsonl | sort | uniq -d)" ]
check "the word gets an error verdict" contains out.jsonl '"word":"crash","status":0,"length":0,"elapsed_ms":0.000,"error_class":"crash","error":"quarantined: killed 2 workers (signal 11, Segmentation fault)"'
check "fields from match() in jsonl" contains out.jsonl '"fields":{"len":"x"}'
check "no torn json line" [ -z "$(grep -v '^{.*}$' out.jsonl)" ]
check "summary counts every word" contains err.txt "801 words, 800 hits, 1 errors"

# One worker only: it is replaced each time and the scan still completes.
"$SALVO" -j 1 -t 5 --chunk 10 -p "$TEST_PLUGINS/crash_match.so" --connect-to "$CT" \
    -w words.txt > one.txt 2> one.err
rc=$?
check "-j 1: exit 0 (got $rc)" [ $rc -eq 0 ]
check "-j 1: all 800 hits" [ "$(sort -u one.txt | wc -l)" -eq 800 ] && [ "$(wc -l < one.txt)" -eq 800 ]
finish
