# The DNS stage reads the hosts file as getaddrinfo does (files, then DNS):
# `localhost`, and names only the hosts file knows, reach the server on
# salvo's own client instead of failing as NXDOMAIN or "no resolver
# reachable". The file is $SALVO_HOSTS here, so the test changes nothing
# of the machine's; the resolver given is one that never answers, so a
# name asked of it would fail.
. "$(dirname "$0")/lib.sh"
: "${HELPERS:?}"
python3 "$HELPERS/dnsfault.py" sink > sink.port & sinkpid=$!
trap 'kill $sinkpid 2>/dev/null' EXIT
for i in $(seq 50); do [ -s sink.port ] && break; sleep 0.1; done
SINK="127.0.0.1:$(cat sink.port)"
printf '# names for the test\n127.0.0.1 paths.test alias.test\n' > hosts
printf 'admin\nlogin.html\npage\nnone-1\nnone-2\n' > w.txt
SALVO_HOSTS=$PWD/hosts "$SALVO" -v -j 1 -r "$SINK" --timeout 1 -p none --mc 200 --errors \
    -f jsonl -u "http://paths.test:$PORT/{}" -w w.txt > files.jsonl 2> files.err
check "a name from the hosts file: exit 0" [ $? -eq 0 ]
check "a name from the hosts file: the 3 pages are hits" [ "$(grep -c '"verdict":"hit"' files.jsonl)" -eq 3 ]
check "a name from the hosts file: no error" sh -c "! grep -q '\"verdict\":\"error\"' files.jsonl"
check "a name from the hosts file: the own client carried it" grep -q ', 0 by curl' files.err
# Any case and a trailing dot, as getaddrinfo.
SALVO_HOSTS=$PWD/hosts "$SALVO" -q -j 1 -r "$SINK" --timeout 1 -p none --mc 200 --errors \
    -f jsonl -u "http://ALIAS.test.:$PORT/{}" -w w.txt > alias.jsonl 2> alias.err
check "an alias in capitals with a dot: no dns error" sh -c "! grep -q '\"error_class\":\"dns\"' alias.jsonl"
# localhost is the loopback whatever the file says (here: nothing).
: > empty
SALVO_HOSTS=$PWD/empty "$SALVO" -v -j 1 -r "$SINK" --timeout 1 -p none --mc 200,404 --errors \
    -f jsonl -u "http://localhost:$PORT/_k/{}" -w w.txt > lh.jsonl 2> lh.err
check "localhost: every word answered" [ "$(grep -c '"status":[1-9]' lh.jsonl)" -eq 5 ]
check "localhost: no error" sh -c "! grep -q '\"verdict\":\"error\"' lh.jsonl"
check "localhost: the own client carried it" grep -q ', 0 by curl' lh.err
# An IPv6 address from the file (--dns-family ipv6): the own client
# connects to [::1].
python3 -m http.server 0 --bind ::1 --directory "$NGX_DIR/www/paths" > v6.log 2>&1 & v6pid=$!
trap 'kill $sinkpid $v6pid 2>/dev/null' EXIT
for i in $(seq 50); do grep -q 'port [0-9]*' v6.log 2>/dev/null && break; sleep 0.1; done
V6=$(grep -o 'port [0-9]*' v6.log | head -1 | cut -d' ' -f2)
printf '::1 six.test\n' > hosts6
SALVO_HOSTS=$PWD/hosts6 "$SALVO" -v -j 1 -r "$SINK" --timeout 1 --dns-family ipv6 -p none --mc 200 \
    --errors -f jsonl -u "http://six.test:$V6/{}" -w w.txt > six.jsonl 2> six.err
check "an IPv6 name from the hosts file: the 3 pages, over ::1" \
    [ "$(grep -c '"verdict":"hit".*"ip":"::1"' six.jsonl)" -eq 3 ]
check "an IPv6 name: the own client carried it" grep -q ', 0 by curl' six.err
# A name the file does not list still goes to DNS (here: a resolver that
# never answers, so a dns error).
printf 'x\n' > one.txt
SALVO_HOSTS=$PWD/hosts "$SALVO" -q -j 1 -r "$SINK" --timeout 1 -p none --mc 200 --errors \
    -f jsonl -u "http://other.test:$PORT/{}" -w one.txt > other.jsonl 2> other.err
check "a name not in the file: asked of DNS" contains other.jsonl '"error_class":"dns"'
finish
