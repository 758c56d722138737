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
check "-j 1: all 800 hits" [ "$(sort -u one.txt | wc -l)" -eq 800 -a "$(wc -l < one.txt)" -eq 800 ]

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

# Every word kills: the scan gives up past the budget. Whatever it found and
# every word of the chunks it had handed out get their line (the words no
# worker was left to take: not-probed), the summary counts the lines, the
# state is kept for --resume, and --retry-failed takes the not-probed ones.
awk 'BEGIN { for (i = 1; i <= 3000; i++) print "crash-" i }' > all.txt
"$SALVO" -j 2 -t 20 --chunk 10 -p "$TEST_PLUGINS/crash_match.so" --connect-to "$CT" \
    -f jsonl --errors -w all.txt --state all.state -o all.jsonl 2> all.err
rc=$?
check "gave up: exit 1 (got $rc)" [ $rc -eq 1 ]
check "gave up: it says so" contains all.err "not starting another"
lines=$(wc -l < all.jsonl)
np=$(grep -c '"error_class":"crash","error":"not-probed: no worker was left to take it"' all.jsonl)
check "gave up: words not taken are named ($np)" [ "$np" -gt 0 ]
check "gave up: ... and counted" contains all.err "$np words were not probed"
check "gave up: every line is a quarantined or not-probed word" \
    [ "$(grep -c '"error_class":"crash"' all.jsonl)" -eq "$lines" ]
check "gave up: one line a word" [ "$(grep -o '"word":"[^"]*"' all.jsonl | sort -u | wc -l)" -eq "$lines" ]
check "gave up: the summary counts the lines" contains all.err "$lines words, 0 hits, $lines errors"
check "gave up: --retry-failed is named" contains all.err "--retry-failed takes them again"
check "gave up: the failed words recorded" [ "$(wc -l < all.state.failed)" -eq "$lines" ]
# The rest of the list is the state's to go on with: the same scan resumed
# goes on where it gave up (and gives up again), no word twice.
"$SALVO" -j 2 -t 20 --chunk 10 -p "$TEST_PLUGINS/crash_match.so" --connect-to "$CT" \
    -f jsonl --errors -w all.txt --resume all.state -o all.jsonl 2> rest.err
check "resumed: more words judged" [ "$(wc -l < all.jsonl)" -gt "$lines" ]
check "resumed: no word twice" [ -z "$(grep -o '"word":"[^"]*"' all.jsonl | sort | uniq -d)" ]
finish
