# A resolver with a capacity: it answers at most 1,000 queries a second and
# drops the rest, as an overloaded resolver does. The DNS stage learns its
# pace (shared by the workers) and asks again what was dropped, without
# counting it as a try: every name resolves, none is a dns error. A dead
# resolver (one that never answers) still gives timeouts.
. "$(dirname "$0")/lib.sh"
: "${HELPERS:?}"
python3 "$HELPERS/dnsfault.py" limit 1000 > lim.out & lpid=$!
trap 'kill $lpid 2>/dev/null' EXIT
for i in $(seq 50); do [ -s lim.out ] && break; sleep 0.1; done
LP=$(head -1 lim.out)
seq -f 'name%g' 5000 > names.txt
"$SALVO" -v --dns-only -r "127.0.0.1:$LP" -u 'http://{}.x.test/' -f jsonl --errors \
    -w names.txt > names.jsonl 2> names.err
rc=$?
kill -TERM $lpid; wait $lpid 2>/dev/null
check "exit 0 (got $rc)" [ $rc -eq 0 ]
check "every name resolved" [ "$(grep -c '"verdict":"hit"' names.jsonl)" -eq 5000 ]
check "no dns error" [ "$(grep -c '"error_class":"dns"' names.jsonl)" -eq 0 ]
check "the pace was learnt" grep -q 'answers fell behind the queries: paced at' names.err
echo "resolver: $(tail -1 lim.out)"
check "the resolver dropped queries (the test saw its capacity)" \
    [ "$(tail -1 lim.out | awk '{ print $4 }')" -gt 0 ]
# -t auto behind the same resolver: the pace, not the window, is the
# limit, and periods at the pace teach the window nothing (judged, the
# window halved at every period, as if smaller windows lost nothing).
python3 "$HELPERS/dnsfault.py" limit 1000 > lim2.out & l2pid=$!
trap 'kill $l2pid 2>/dev/null' EXIT
for i in $(seq 50); do [ -s lim2.out ] && break; sleep 0.1; done
seq -f 'auto%g' 3000 > auto.txt
"$SALVO" -v -j 1 -p none --mc all -r "127.0.0.1:$(head -1 lim2.out)" -u "http://{}.x.test:$PORT/" \
    -f jsonl --errors -w auto.txt > auto.jsonl 2> auto.err
rc=$?
kill -TERM $l2pid; wait $l2pid 2>/dev/null
check "-t auto behind a paced resolver: exit 0 ($rc), 3000 answers" [ $rc -eq 0 ]
check "-t auto behind a paced resolver: exit 0 ($rc), 3000 answers (and)" [ "$(grep -c '"status":' auto.jsonl)" -eq 3000 ]
check "... the pace was learnt" grep -q 'answers fell behind the queries: paced at' auto.err
check "... the window stayed while the pace was the limit: $(grep -o -- '-t auto: [0-9]* -> [0-9]*\|paced at [0-9]*' auto.err | tr '\n' ' ')" \
    awk '/paced at/ { paced = 1 } paced && /-t auto: [0-9]+ -> [0-9]+/ { moved = 1 } END { exit !(paced && !moved) }' auto.err
# A resolver that never answers: names time out (no free re-ask without
# answers to others), in bounded time.
python3 "$HELPERS/dnsfault.py" sink > sink.port & spid=$!
trap 'kill $spid 2>/dev/null' EXIT
for i in $(seq 50); do [ -s sink.port ] && break; sleep 0.1; done
printf 'a\nb\nc\n' > three.txt
"$SALVO" -q -j 1 --dns-only -r "127.0.0.1:$(cat sink.port)" --dns-timeout 1 -u 'http://{}.x.test/' \
    -f jsonl --errors -w three.txt > sink.jsonl 2>/dev/null
check "silent resolver: 3 dns timeouts" [ "$(grep -c '"error_class":"dns".*timeout' sink.jsonl)" -eq 3 ]
finish
