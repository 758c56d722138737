# Politeness per address: per_ip_concurrency and per_ip_rate hold across
# all workers, together with the global --rate. Every name of the wildcard
# zone resolves to 127.0.0.1, where a counting server records how many
# requests it had at once and when they came.
. "$(dirname "$0")/lib.sh"
: "${DNS_DIR:?}" "${HELPERS:?}"
R="127.0.0.1:$(cat "$DNS_DIR/port")"
serve() { # serve DELAY: a fresh counting server; $sport, $spid
    rm -f s.port
    python3 "$HELPERS/concserver.py" "$1" > s.port & spid=$!
    for i in $(seq 50); do [ -s s.port ] && break; sleep 0.1; done
    sport=$(cat s.port)
}
stats() { curl -s "http://127.0.0.1:$sport/_stats"; kill $spid; wait $spid 2>/dev/null; }
field() { python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
scan() { "$SALVO" -q -j 2 -t 50 -p none -r "$R" --timeout 5 -u "http://{}.wild.dns.test:$sport/" "$@"; }
awk 'BEGIN { for (i = 1; i <= 40; i++) print "n" i }' > w.txt

serve 0.2
scan -w w.txt > a.out
check "no cap: 40 answers" [ "$(wc -l < a.out)" -eq 40 ]
peak=$(stats | python3 -c 'import json, sys; print(json.load(sys.stdin)["peak"])')
check "no cap: many at once ($peak)" [ "$peak" -gt 3 ]

serve 0.2
scan -w w.txt --per-ip-concurrency 3 > b.out
check "per_ip_concurrency 3: 40 answers" [ "$(wc -l < b.out)" -eq 40 ]
peak=$(stats | python3 -c 'import json, sys; print(json.load(sys.stdin)["peak"])')
check "per_ip_concurrency 3 over two workers: at most 3 at once ($peak)" [ "$peak" -le 3 -a "$peak" -ge 2 ]

# A numeric host needs no DNS stage: the cap holds all the same, on salvo's
# own HTTP/1.1 client, and a worker never has more connections to the
# address than the cap (idle ones are reused, not added to).
serve 0.05
"$SALVO" -q -v -j 2 -t 50 -p none --show-filtered --per-ip-concurrency 3 \
    -u "http://127.0.0.1:$sport/{}" -w w.txt > n.out 2> n.err
s=$(stats)
peak=$(echo "$s" | field peak)
conns=$(echo "$s" | field conns)
check "numeric host: 40 answers" [ "$(wc -l < n.out)" -eq 40 ]
check "numeric host: at most 3 at once ($peak)" [ "$peak" -le 3 ]
check "numeric host: at most 3 connections a worker ($conns)" [ "$conns" -le 6 ]
check "numeric host: salvo's own client carried them" contains n.err "40 by salvo's HTTP/1.1 client"

# Plain HTTP to a resolved address: requests for many names share kept-alive
# connections to it (the Host header names the site); with
# --reuse-connections=no, a connection each.
awk 'BEGIN { for (i = 1; i <= 300; i++) print "k" i }' > k.txt
serve 0
scan -w k.txt -t 10 -j 1 > k.out
conns=$(stats | field conns)
check "keep-alive: 300 answers" [ "$(wc -l < k.out)" -eq 300 ]
check "keep-alive: 300 names on at most 10 connections ($conns)" [ "$conns" -le 10 ]
serve 0
scan -w k.txt -t 10 -j 1 --reuse-connections=no > k2.out
conns=$(stats | field conns)
check "--reuse-connections=no: a connection per name ($conns)" [ "$conns" -eq 300 -a "$(wc -l < k2.out)" -eq 300 ]

# rate of the requests the server saw, from first to last arrival
seen_rate() { python3 -c 'import json, sys
t = json.load(sys.stdin)["times"]
print("%.1f" % ((len(t) - 1) / (max(t) - min(t))))'; }
serve 0
scan -w w.txt --per-ip-rate 20 > c.out
r=$(stats | seen_rate)
check "per_ip_rate 20: $r/s (within 10 %)" [ "$(echo "$r >= 18 && $r <= 22" | bc)" -eq 1 ]
serve 0
head -20 w.txt > w20.txt
scan -w w20.txt --per-ip-rate 40 --rate 10 > d.out
r=$(stats | seen_rate)
check "per_ip_rate 40 with --rate 10: the lower one holds, $r/s" [ "$(echo "$r >= 9 && $r <= 11" | bc)" -eq 1 ]
finish
