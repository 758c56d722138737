# Servers that take only a few connections: Python's http.server (one
# thread, a listen backlog of 5) behind salvo's own HTTP/1.1 client with
# default options. Connections past what the server takes are accepted by
# the kernel and never answered; the client learns the address's cap,
# sends the probes that met the overload again, and every word gets its
# answer, the same findings every run. A server that never answers at all
# still ends each probe as a timeout, in bounded time.
. "$(dirname "$0")/lib.sh"
: "${BLACKHOLE:?}"
mkdir -p www
for i in $(seq 200); do echo "file $i" > "www/f$i"; done
{ seq -f 'f%g' 200; seq -f 'none%g' 129; } | shuf --random-source=<(yes) > p.txt
port=0
for try in $(seq 20); do
    port=$(( 20000 + (RANDOM % 20000) ))
    python3 -m http.server "$port" --bind 127.0.0.1 --directory www > srv.log 2>&1 & spid=$!
    for i in $(seq 50); do
        (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
        kill -0 $spid 2>/dev/null || break
        sleep 0.1
    done
    kill -0 $spid 2>/dev/null && break
    port=0
done
[ "$port" -ne 0 ] || { cat srv.log >&2; exit 1; }
trap 'kill $spid 2>/dev/null' EXIT
for run in 1 2; do
    "$SALVO" -v -p none --mc 200 --errors -f jsonl -u "http://127.0.0.1:$port/{}" -w p.txt \
        > run$run.jsonl 2> run$run.err
    rc=$?
    check "run $run: exit 0 (got $rc)" [ $rc -eq 0 ]
    check "run $run: no probe lost" [ "$(grep -c '"verdict":"error"' run$run.jsonl)" -eq 0 ]
    check "run $run: the 200 files found" [ "$(grep -c '"verdict":"hit"' run$run.jsonl)" -eq 200 ]
    check "run $run: own client" grep -q ', 0 by curl' run$run.err
done
# The same over IPv6, on the own client.
python3 -m http.server "$port" --bind ::1 --directory www > srv6.log 2>&1 & s6pid=$!
trap 'kill $spid $s6pid 2>/dev/null' EXIT
for i in $(seq 50); do (exec 3<>"/dev/tcp/::1/$port") 2>/dev/null && break; sleep 0.1; done
"$SALVO" -v -p none --mc 200 --errors -f jsonl -u "http://[::1]:$port/{}" -w p.txt > v6.jsonl 2> v6.err
check "IPv6: the 200 files found" [ "$(grep -c '"verdict":"hit".*"ip":"::1"' v6.jsonl)" -eq 200 ]
check "IPv6: nothing lost" [ "$(grep -c '"verdict":"error"' v6.jsonl)" -eq 0 ]
check "IPv6: own client" grep -q ', 0 by curl' v6.err
# A server that accepts and never answers: timeouts, not a scan that hangs.
"$BLACKHOLE" > bh.port & bpid=$!
trap 'kill $spid $s6pid $bpid 2>/dev/null' EXIT
for i in $(seq 50); do [ -s bh.port ] && break; sleep 0.1; done
printf 'a\nb\nc\nd\ne\n' > five.txt
start=$(date +%s)
"$SALVO" -j 1 -p none --mc 200 --errors -f jsonl --timeout 1 \
    -u "http://127.0.0.1:$(cat bh.port)/{}" -w five.txt > bh.jsonl 2> bh.err
took=$(( $(date +%s) - start ))
check "silent server: 5 timeouts" [ "$(grep -c '"error_class":"timeout"' bh.jsonl)" -eq 5 ]
check "silent server: ended in ${took} s (each probe at most 3 timeouts)" [ "$took" -le 20 ]
check "silent server: the summary says the words got no answer" \
    contains bh.err "5 words got no answer (timeout 5, no connection 0): --errors lists them"
"$SALVO" -j 1 -p none --mc 200 --timeout 1 --state st2 -u "http://127.0.0.1:$(cat bh.port)/{}" \
    -w five.txt > /dev/null 2> st2.err
check "with --state: the command that takes them again" \
    contains st2.err "salvo --retry-failed st2 -w five.txt, with this scan's options"
finish
