# retries: connect errors, timeouts and 429/503 are tried again with
# backoff (Retry-After honoured); definite answers never; all counted.
. "$(dirname "$0")/lib.sh"
seq -f "w%g" 1 10 > words.txt
"$SALVO" -j 1 --retries 2 --connect-to ::127.0.0.1:1 --errors -w words.txt > out.txt 2> err.txt
check "refused: 2 retries per word counted" contains err.txt "10 words, 0 hits, 10 errors, 20 retries"

"$BLACKHOLE" > bh.port & bh=$!
for i in $(seq 50); do [ -s bh.port ] && break; sleep 0.1; done
start=$(date +%s.%N)
"$SALVO" -j 1 --retries 1 --timeout 0.5 --connect-to "::127.0.0.1:$(cat bh.port)" -w words.txt 2> err.txt
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
kill $bh
check "timeouts retried once each" contains err.txt "10 errors, 10 retries"
check "a retry costs another timeout (${took}s >= 1.0)" awk -v t="$took" 'BEGIN { exit !(t >= 1.0 && t < 4) }'

printf 'busy-1\nhit-2\nmissing-3\n' > w2.txt
start=$(date +%s.%N)
"$SALVO" -j 1 -p none --status 200 --retries 1 --auto-tune=no --connect-to "$CT" -f jsonl -w w2.txt > out.jsonl 2> err.txt
took=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }')
check "429: one retry, after Retry-After: 1 (${took}s)" awk -v t="$took" 'BEGIN { exit !(t >= 0.95 && t < 3) }'
check "429 counted, 404 and 200 never retried" contains err.txt "3 words, 1 hits, 0 errors, 1 retries"
check "the hit is still found" contains out.jsonl '"url":"http://hit-2.baidu.com"'
# With --auto-tune (the default), an answer that says "later" gets 4 tries
# more than --retries, each after its Retry-After; then it is final.
"$SALVO" -j 1 -p none --status 200 --connect-to "$CT" -f jsonl -w w2.txt > out2.jsonl 2> err.txt
check "--auto-tune: 429 tried 4 more times" contains err.txt "3 words, 1 hits, 0 errors, 4 retries"
check "--auto-tune: the hit is found" contains out2.jsonl '"url":"http://hit-2.baidu.com"'
"$SALVO" -j 1 -p none --retries 3 --connect-to "$CT" -w <(printf 'missing-1\nbroken-2\n') 2> err.txt > /dev/null
check "definite answers (404, 500) are not retried" [ -z "$(grep retries err.txt)" ]
finish
