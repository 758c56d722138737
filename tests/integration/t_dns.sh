# The DNS stage against a real dnsmasq on loopback (and a misbehaving DNS
# server of the tests' own): NXDOMAIN, SERVFAIL and timeout as distinct
# errors that cost no HTTP, several resolvers with one dead, wildcard
# detection, dns_only, address families, nothing lost under load.
. "$(dirname "$0")/lib.sh"
: "${DNS_DIR:?}" "${HELPERS:?}"
R="127.0.0.1:$(cat "$DNS_DIR/port")"
U="http://{}.plain.dns.test:$PORT/"
python3 "$HELPERS/dnsfault.py" servfail > sf.port & sfpid=$!
python3 "$HELPERS/dnsfault.py" sink > sink.port & sinkpid=$!
for i in $(seq 50); do [ -s sf.port ] && [ -s sink.port ] && break; sleep 0.1; done
SF="127.0.0.1:$(cat sf.port)" SINK="127.0.0.1:$(cat sink.port)"
trap 'kill $sfpid $sinkpid 2>/dev/null' EXIT

# Names that exist are fetched; the others are DNS errors with their reason.
printf 'hit-1\nhit-2\nw-3\nnope-4\nnope-5\n' > w.txt
"$SALVO" -q -j 1 -r "$R" -p baidu -u "$U" -w w.txt --errors -f jsonl > a.jsonl
check "exit 0" [ $? -eq 0 ]
python3 - a.jsonl <<'PY' || fail "resolved names fetched, NXDOMAIN reported"
import json, sys
r = {d["word"]: d for d in map(json.loads, open(sys.argv[1]))}
assert set(r) == {"hit-1", "hit-2", "nope-4", "nope-5"}, r.keys()
for w in ("hit-1", "hit-2"):
    assert r[w]["verdict"] == "hit" and r[w]["status"] == 200 and r[w]["ips"] == ["127.0.0.1"], r[w]
for w in ("nope-4", "nope-5"):
    assert r[w]["error_class"] == "dns" and "NXDOMAIN" in r[w]["error"] and r[w]["status"] == 0, r[w]
print("ok: resolved names fetched, NXDOMAIN reported")
PY
"$SALVO" -j 1 -r "$R" -p baidu -u "$U" -w w.txt > /dev/null 2> a.err
check "no HTTP for names that do not exist" contains a.err "statuses: 200: 3"

# SERVFAIL and timeout: distinct reasons; another resolver is asked.
"$SALVO" -q -j 1 -r "$SF" -p baidu -u "$U" -w w.txt --errors -f jsonl > sf.jsonl
check "SERVFAIL named" [ "$(grep -c 'SERVFAIL' sf.jsonl)" -eq 5 ]
"$SALVO" -q -j 1 -r "$SINK" --dns-timeout 0.6 -p baidu -u "$U" -w w.txt --errors -f jsonl > to.jsonl
check "timeout named" [ "$(grep -c '"error":"dns: [^"]*timeout' to.jsonl)" -eq 5 ]
printf 'hit-%d\n' $(seq 1 100) > h100.txt
for bad in "$SINK" "$SF"; do
    "$SALVO" -q -j 2 -r "$bad,$R" --dns-timeout 1 -p baidu -u "$U" -w h100.txt > r.out 2> r.err
    check "one bad resolver of two ($bad): every name still found" [ "$(wc -l < r.out)" -eq 100 ]
done
printf '%s\n# a comment\n\n%s\n' "$SINK" "$R" > resolvers.txt
"$SALVO" -q -j 2 -r resolvers.txt --dns-timeout 1 -p baidu -u "$U" -w h100.txt > f.out
check "resolvers from a file" [ "$(wc -l < f.out)" -eq 100 ]

# Wildcard DNS: random names under the domain show the wildcard's answer.
printf 'hit-1\nw-2\nreal\n' > wild.txt
"$SALVO" -j 1 -r "$R" --wildcard-dns -p baidu -u "http://{}.wild.dns.test:$PORT/" -w wild.txt -f jsonl \
    > wild.jsonl 2> wild.err
check "wildcard learned and reported" contains wild.err "wildcard DNS: *.wild.dns.test 127.0.0.1; 2 names answered the same"
check "wildcard names flagged, still probed over HTTP" [ "$(grep -c '"dns_wildcard":true' wild.jsonl)" -eq 1 ]
"$SALVO" -q -j 1 -r "$R" --wildcard-dns --dns-only --show-filtered -u "http://{}.wild.dns.test/" \
    -w wild.txt -f jsonl > wdo.jsonl
check "dns_only: only the name with its own address is a hit" python3 -c 'import json
r = {d["word"]: d for d in map(json.loads, open("wdo.jsonl"))}
assert r["real"]["verdict"] == "hit" and r["real"]["ips"] == ["127.0.0.2"], r
assert r["hit-1"]["filtered_by"] == "wildcard-dns" and r["w-2"]["verdict"] == "filtered", r'

# Wildcard detection per shard: each of 4 shards learns the wildcard, and
# together they keep only the name with its own address.
awk 'BEGIN { for (i = 1; i <= 40; i++) print "w" i "x"; print "real" }' > wsh.txt
for k in 1 2 3 4; do
    "$SALVO" -j 1 -r "$R" --wildcard-dns --dns-only --shard "$k/4" \
        -u "http://{}.wild.dns.test/" -w wsh.txt > "wsh$k.out" 2> "wsh$k.err"
done
check "wildcard per shard: every shard learned it" [ "$(grep -l 'wildcard DNS: \*.wild.dns.test' wsh?.err | wc -l)" -eq 4 ]
check "wildcard per shard: together only the real name" [ "$(cat wsh?.out)" = "real.wild.dns.test" ]

# dns_only: the names that resolve, no HTTP at all (port 9 would refuse).
printf 'hit-7\nnope\nw-9\nsix\nboth\n' > d.txt
"$SALVO" -q -j 1 -r "$R" --dns-only -u 'http://{}.plain.dns.test:9/' -w d.txt > d4.out
check "dns_only, IPv4: names with an A record" same_set d4.out <(printf 'hit-7.plain.dns.test\nw-9.plain.dns.test\nboth.plain.dns.test\n')
"$SALVO" -q -j 1 -r "$R" --dns-only --dns-family ipv6 -u 'http://{}.plain.dns.test/' -w d.txt > d6.out
check "dns_only, IPv6: names with an AAAA record" same_set d6.out <(printf 'six.plain.dns.test\nboth.plain.dns.test\n')
"$SALVO" -q -j 1 -r "$R" --dns-only --dns-family any -u 'http://{}.plain.dns.test/' -w d.txt \
    -f jsonl > dany.jsonl
check "both families: IPv4 first" python3 -c 'import json
r = {d["word"]: d for d in map(json.loads, open("dany.jsonl"))}
assert set(r) == {"hit-7", "w-9", "six", "both"}, r
assert r["both"]["ips"] == ["127.0.0.1", "::1"] and r["six"]["ips"] == ["::1"], r'

# Load: 10,000 names, 1 % exist, 600 in flight against one dnsmasq with a
# cap of 50 per resolver: none lost, none timed out.
awk 'BEGIN { for (i = 1; i <= 10000; i++) print (i % 100 == 0 ? "hit-" (i / 100) : "nx" i) }' > load.txt
"$SALVO" -j 2 -t 300 -r "$R" --dns-per-resolver 50 -p baidu -u "$U" -w load.txt > load.out 2> load.err
check "10,000 names: every existing one found" [ "$(wc -l < load.out)" -eq 100 ]
check "no DNS timeout" [ -z "$(grep -i timeout load.err)" ]
check "the rest NXDOMAIN" contains load.err "9900 errors"

# dns_rate and --rate, each over its own stage (within 10 %), timed by the
# scan's own clock.
awk 'BEGIN { for (i = 1; i <= 600; i++) print "nx" i }' > nx600.txt
"$SALVO" -j 2 -r "$R" --dns-rate 300 -p baidu -u "$U" -w nx600.txt > /dev/null 2> dr.err
t=$(scan_secs dr.err)
check "dns_rate 300: 600 queries in ${t}s (2.0 s)" [ "$(echo "$t > 1.8 && $t < 2.2" | bc)" -eq 1 ]
printf 'hit-%d\n' $(seq 1 100) > h.txt
"$SALVO" -j 2 -r "$R" --rate 50 -p baidu -u "$U" -w h.txt > /dev/null 2> rr.err
t=$(scan_secs rr.err)
check "rate 50 with the DNS stage: 100 requests in ${t}s (2.0 s)" [ "$(echo "$t > 1.8 && $t < 2.2" | bc)" -eq 1 ]

# --connect-to and --resolve still decide for the hosts they name.
"$SALVO" -q -j 1 -r "$SINK" --dns-timeout 0.3 --connect-to "hit-1.plain.dns.test:$PORT:127.0.0.1:$PORT" \
    -p baidu -u "$U" -w w.txt > ct.out
check "--connect-to host skips the DNS stage" same_set ct.out <(echo "http://hit-1.plain.dns.test:$PORT/")
"$SALVO" -q -j 1 --resolver curl --connect-to "::127.0.0.1:$PORT" -p baidu -u "$U" -w w.txt > curl.out
check "--resolver curl" same_set curl.out <(printf 'http://hit-1.plain.dns.test:%s/\nhttp://hit-2.plain.dns.test:%s/\n' $PORT $PORT)

# Bad resolver settings stop salvo before any request.
"$SALVO" -q -r 'not-an-ip' -w w.txt 2> bad.err; rc=$?
check "bad resolver: exit 2, named" [ $rc -eq 2 ]
check "bad resolver: exit 2, named (and)" contains bad.err 'option --resolvers: "not-an-ip" is neither a file nor IP[:PORT]'
printf '127.0.0.1\nbogus line\n' > badr.txt
"$SALVO" -q -r badr.txt -w w.txt 2> bad.err; rc=$?
check "bad resolvers file: file:line" [ $rc -eq 2 ]
check "bad resolvers file: file:line (and)" contains bad.err 'badr.txt:2: "bogus line" is not IP[:PORT]'
# A new name per probe on one address (the default job) goes through
# salvo's own HTTP/1.1 client, keeping connections per address: the same
# verdicts, statuses and lengths as curl's, and not one transfer by curl.
{ printf 'hit-%d\n' $(seq 1 100); printf 'w-%d\n' $(seq 1 100); printf 'nope-%d\n' $(seq 1 20)
  echo both; } > many.txt
"$SALVO" -v -j 2 -r "$R" -p baidu -u "$U" -w many.txt --show-filtered --errors -f jsonl \
    > own.jsonl 2> own.err
"$SALVO" -j 2 -r "$R" -p baidu -u "$U" -w many.txt --show-filtered --errors -f jsonl \
    --http-client curl > curl.jsonl 2> curl.err
check "many names: every word answered by the own client, none by curl" \
    contains own.err "all transfers: 201 by salvo's HTTP/1.1 client, 0 by its HTTP/2 client, 0 by curl"
python3 - own.jsonl curl.jsonl <<'PY' || fail "many names: the own client answers as curl does"
import json, sys
def load(f):
    return {d["word"]: (d["verdict"], d["status"], d.get("length"), d.get("error_class"))
            for d in map(json.loads, open(f))}
own, curl = load(sys.argv[1]), load(sys.argv[2])
assert len(own) == 221, len(own)
assert own == curl, [(w, own.get(w), curl.get(w)) for w in set(own) | set(curl) if own.get(w) != curl.get(w)][:5]
assert sum(v[0] == "hit" for v in own.values()) >= 100
assert sum(v[3] == "dns" for v in own.values()) == 20
print("ok: many names: the own client answers as curl does")
PY
finish
