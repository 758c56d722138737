# SIGINT: stop taking words, finish what is in flight, exit 130; a second
# one stops at once.
. "$(dirname "$0")/lib.sh"
seq -f "w%g" 1 5000 > words.txt
"$BLACKHOLE" > bh.port & bh=$!
for i in $(seq 50); do [ -s bh.port ] && break; sleep 0.1; done
"$SALVO" -j 2 -t 20 --timeout 1 --connect-to "::127.0.0.1:$(cat bh.port)" -w words.txt \
    > out.txt 2> err.txt & pid=$!
sleep 0.5
kill -INT $pid
start=$(date +%s)
wait $pid; rc=$?
took=$(( $(date +%s) - start ))
check "exit 130 after SIGINT (got $rc)" [ $rc -eq 130 ]
check "in-flight probes finished, not the whole list (${took}s)" [ $took -le 4 ]
check "the interruption is said" contains err.txt "interrupted"

"$SALVO" -j 2 -t 20 --timeout 30 --connect-to "::127.0.0.1:$(cat bh.port)" -w words.txt \
    > out.txt 2> err.txt & pid=$!
sleep 0.5; kill -INT $pid; sleep 0.3; kill -INT $pid
start=$(date +%s); wait $pid; rc=$?; took=$(( $(date +%s) - start ))
check "second SIGINT stops at once (${took}s, exit $rc)" [ $took -le 2 -a $rc -eq 130 ]
kill $bh
finish
