#!/bin/bash
# dns.sh: the DNS stage side by side with salvo's curl resolving, ffuf and
# gobuster dns, on a subdomain list where 1 % of the names exist.
#
# A network namespace made here holds a dnsmasq that knows 1 % of the
# names (the rest are NXDOMAIN: local=/dnsb.test/) and the test nginx.
# Every tool gets the same resolver (127.0.0.1:53, the namespace's
# resolv.conf) and the same total concurrency. Measured per tool: wall
# time, names/s, CPU seconds of its process tree, peak RSS, names found.
#
# usage: sudo tests/bench/dns.sh [BUILD_DIR] [WORDS]   (default 100000)
# Needs: ip (iproute2), dnsmasq, nginx, ffuf, gobuster, time.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-100000}
src=$(cd "$(dirname "$0")/../.." && pwd)
ns=salvo-dnsb-$$
dir=$(mktemp -d /tmp/salvo-dnsb.XXXXXX)
conc=400
procs=$(nproc)
per=$(( conc / procs ))
. "$src/tests/bench/lib.sh"
need "iproute2 dnsmasq-base nginx-light ffuf gobuster time" ip dnsmasq nginx ffuf gobuster /usr/bin/time
trap ns_down EXIT
ns_up

# Every 100th word exists (alternately a real page and the soft-404).
awk -v n="$words" 'BEGIN { for (i = 1; i <= n; i++) print (i % 200 == 0 ? "hit-" i : i % 100 == 0 ? "w" i "x" : "nx" i) }' > "$dir/words.txt"
{
    printf 'no-resolv\nno-hosts\nbind-interfaces\nlisten-address=127.0.0.1\ncache-size=0\n'
    printf 'dns-forward-max=10000\nlocal=/dnsb.test/\n'
    grep -E '^(hit-|w)' "$dir/words.txt" | sed 's/.*/host-record=&.dnsb.test,127.0.0.1/'
} > "$dir/dnsmasq.conf"
in_ns dnsmasq -C "$dir/dnsmasq.conf" --pid-file="$dir/dnsmasq.pid" --user=root
nginx_up "$src"
exist=$(grep -cE '^(hit-|w)' "$dir/words.txt")
pages=$(grep -c '^hit-' "$dir/words.txt")

echo "bench: $words names, $exist exist ($pages real pages), $conc in flight per tool, $procs cores"
# HTTP probes of every name (the default baidu job: hits are the real pages).
measure salvo "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" -u 'http://{}.dnsb.test/' -p baidu
measure salvo-curldns "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" \
    -u 'http://{}.dnsb.test/' -p baidu --resolver curl
measure ffuf "$words" ffuf -s -t "$conc" -timeout 2 -w "$dir/words.txt" -u 'http://FUZZ.dnsb.test/' \
    -mc 200 -fr '不存在'
# DNS alone: which names resolve.
measure salvo-dnsonly "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" \
    -u 'http://{}.dnsb.test/' --dns-only
measure gobuster "$words" gobuster dns -q -z -d dnsb.test -w "$dir/words.txt" -r 127.0.0.1:53 \
    -t "$conc" --timeout 2s
for t in salvo salvo-curldns ffuf; do
    got=$(grep -c . "$dir/$t.out" || true)
    [ "$got" -eq "$pages" ] || echo "bench: $t found $got real pages of $pages" >&2
done
for t in salvo-dnsonly gobuster; do
    got=$(grep -c 'dnsb.test' "$dir/$t.out" || true)
    echo "bench: $t found $got of $exist names ($(( exist - got )) lost)" >&2
done
awk '{ r[$1] = $3; c[$1] = $4; m[$1] = $5 }
     END { printf "HTTP job, DNS stage vs curl resolving: names/s %.2fx, CPU %.2fx less\n",
           r["salvo"] / r["salvo-curldns"], c["salvo-curldns"] / c["salvo"];
           printf "HTTP job, salvo vs ffuf: names/s %.2fx, CPU %.2fx less, RSS %.2fx less\n",
           r["salvo"] / r["ffuf"], c["ffuf"] / c["salvo"], m["ffuf"] / m["salvo"];
           printf "DNS only, salvo vs gobuster dns: names/s %.2fx, CPU %.2fx less, RSS %.2fx less\n",
           r["salvo-dnsonly"] / r["gobuster"], c["gobuster"] / c["salvo-dnsonly"],
           m["gobuster"] / m["salvo-dnsonly"] }' "$dir/summary"
