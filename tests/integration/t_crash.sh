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

# One word in 300 kills a worker: 200 deaths, far past the 64 that once
# ended any scan. Replacements grow with the words judged, so the scan ends
# with every verdict and the summary agrees with the output.
awk 'BEGIN { for (i = 1; i <= 30000; i++) print (i % 300 == 150 ? "crash-" i : "hit-" i) }' > many.txt
"$SALVO" -j 2 -t 50 -p "$TEST_PLUGINS/crash_match.so" --connect-to "$CT" \
    -f jsonl --errors -w many.txt > many.jsonl 2> many.err
rc=$?
check "200 deaths: exit 0 (got $rc)" [ $rc -eq 0 ]
check "200 deaths: every hit" [ "$(grep -c '"verdict":"hit"' many.jsonl)" -eq 29900 ]
check "200 deaths: every killer quarantined" \
    [ "$(grep -c '"word":"crash-[0-9]*",.*"error_class":"crash"' many.jsonl)" -eq 100 ]
check "200 deaths: one line a word" [ "$(grep -o '"word":"[^"]*"' many.jsonl | sort -u | wc -l)" -eq 30000 ]
check "200 deaths: the summary counts every word" contains many.err "30000 words, 29900 hits, 100 errors"
check "200 deaths: nothing lost" sh -c "! grep -q 'not probed' many.err"
finish
