# A paused process (SIGSTOP, a VM paused or migrated): the probes in flight
# when it stops would time out when it wakes. They are tried again, so
# every slow page is still answered and no timeout is reported.
. "$(dirname "$0")/lib.sh"
seq -f 'slow-%g' 1 40 > slow.txt     # each page takes about half a second
"$SALVO" -q -j 1 -t 20 --timeout 1.5 -p none --mc 200 -f jsonl --errors -u 'http://{}.baidu.com/' \
    --connect-to "$CT" -w slow.txt > paused.jsonl 2> paused.err &
pid=$!
for _ in $(seq 100); do [ -n "$(pgrep -P $pid)" ] && break; sleep 0.05; done
sleep 0.4                            # the first 20 in flight
pkill -STOP -P $pid; kill -STOP $pid
sleep 3                              # longer than --timeout
kill -CONT $pid; pkill -CONT -P $pid
wait $pid
check "a paused scan ends well" [ $? = 0 ]
check "every slow page answered" [ "$(grep -c '"verdict":"hit"' paused.jsonl)" = 40 ]
check "no timeout reported" [ "$(grep -c '"verdict":"error"' paused.jsonl)" = 0 ]
check "the pause is said" contains paused.err "did not run for"
finish
