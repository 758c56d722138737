# Failed probes: a port that refuses and one that never answers (the
# timeout must be honoured), reported with --errors in the recipe's format.
. "$(dirname "$0")/lib.sh"
seq -f "w%g" 1 50 > words.txt

"$SALVO" -q -j 2 --connect-to ::127.0.0.1:1 --errors -w words.txt > out.txt 2> err.txt
check "refused everywhere: exit 1 (every probe failed)" [ $? -eq 1 ]
check "refused everywhere: said so" contains err.txt "every probe failed (50 errors)"
check "refused: no hit" [ ! -s out.txt ]
check "refused: one [-] line per word" [ "$(grep -c '^\[-\] fa http://w[0-9]*\.baidu\.com (connect: ' err.txt)" -eq 50 ]

"$SALVO" -q -j 2 --connect-to ::127.0.0.1:1 -w words.txt > out.txt 2> err.txt
check "without --errors, failures are silent (no [-] line)" [ "$(grep -c '^\[-\]' err.txt)" -eq 0 ]

"$BLACKHOLE" > bh.port & bh=$!
for i in $(seq 50); do [ -s bh.port ] && break; sleep 0.1; done
start=$(date +%s.%N)
"$SALVO" -j 2 -t 100 --timeout 1 --connect-to "::127.0.0.1:$(cat bh.port)" --errors \
    -w words.txt > out.txt 2> err.txt
end=$(date +%s.%N)
kill $bh
took=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
check "timeout: every word times out" [ "$(grep -c '(timeout: ' err.txt)" -eq 50 ]
check "timeout: 1 s honoured (took $took s)" awk -v t="$took" 'BEGIN { exit !(t >= 0.9 && t < 4) }'
check "summary counts the errors" contains err.txt "50 words, 0 hits, 50 errors"

"$SALVO" -q --connect-to "$CT" -f jsonl --errors -w <(printf 'hit-1\nbad word\n') > e.jsonl
check "jsonl carries errors when asked" contains e.jsonl '"verdict":"error","url":"http://bad word.baidu.com"'
finish
