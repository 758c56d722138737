#!/bin/bash
# bench.sh: salvo and ffuf side by side on the same realistic target.
#
# Every probe goes to a different host name, resolved through real DNS, on
# a new connection: a network namespace made here holds a dnsmasq (with a
# wildcard record for bench.test) and an nginx that answers per Host header
# like the real site (a few real pages, a 不存在 soft-404 for every other
# name). Both tools run inside it with their plain URL templates and the
# same total concurrency, and each is measured for wall time, probes/s, CPU
# seconds and peak RSS of its whole process tree.
#
# usage: sudo tests/bench/bench.sh [BUILD_DIR] [WORDS] [BIG_WORDS]
#   WORDS      probes per run (default 100000)
#   BIG_WORDS  words for salvo's memory check (default 1000000; 0 = skip)
# Needs: ip (iproute2), dnsmasq, nginx, ffuf, time. Cleans up after itself.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-100000}
big=${3:-1000000}
src=$(cd "$(dirname "$0")/../.." && pwd)
ns=salvo-bench-$$
dir=$(mktemp -d /tmp/salvo-bench.XXXXXX)
conc=400                         # total transfers in flight for each tool
procs=$(nproc)

for t in ip dnsmasq nginx ffuf /usr/bin/time; do
    command -v $t >/dev/null || { echo "bench: $t is missing (apt-get install iproute2 dnsmasq-base nginx-light ffuf time)" >&2; exit 2; }
done

cleanup() {
    [ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")" 2>/dev/null || true
    [ -f "$dir/dnsmasq.pid" ] && kill "$(cat "$dir/dnsmasq.pid")" 2>/dev/null || true
    ip netns del "$ns" 2>/dev/null || true
    rm -rf "/etc/netns/$ns"
    [ -n "${KEEP:-}" ] && echo "bench: kept $dir" >&2 || rm -rf "$dir"
}
trap cleanup EXIT

ip netns add "$ns"
ip -n "$ns" link set lo up
mkdir -p "/etc/netns/$ns"
echo "nameserver 127.0.0.1" > "/etc/netns/$ns/resolv.conf"
in_ns() { ip netns exec "$ns" "$@"; }

in_ns dnsmasq --no-resolv --no-hosts --listen-address=127.0.0.1 --bind-interfaces \
    --address=/bench.test/127.0.0.1 --cache-size=0 --pid-file="$dir/dnsmasq.pid" \
    --dns-forward-max=10000 --user=root

# The test nginx, on port 80 in the namespace.
mkdir -p "$dir/www" "$dir/tmp"
cp "$src"/tests/fixtures/nginx/www/*.html "$src"/tests/fixtures/nginx/www/*.js "$dir/www/"
for f in "$src"/tests/fixtures/nginx/www/*.src; do
    iconv -f UTF-8 -t GBK "$f" > "$dir/www/$(basename "$f" .src).html"
done
sed -e "s|@DIR@|$dir|g" -e "s|@PORT@|80|g" -e "s|^worker_processes .*|worker_processes 1;|" \
    "$src/tests/fixtures/nginx/nginx.conf.in" > "$dir/nginx.conf"
in_ns nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"

# Words: one in 100 a real page, the rest soft-404s.
gen() { awk -v n="$1" 'BEGIN { for (i = 1; i <= n; i++) print (i % 100 == 0 ? "hit-" i : "w" i "x") }'; }
gen "$words" > "$dir/words.txt"
expected=$(( words / 100 ))

# tree_rss PID: resident KB of all descendants of PID (PID is time(1)).
tree_rss() {
    ps -e -o pid=,ppid=,rss= | awk -v root="$1" '
        { parent[$1] = $2; rss[$1] = $3 }
        END { for (p in rss) { if (p == root) continue; q = parent[p];
                  while (q != "" && q != 0 && q != 1) {
                      if (q == root) { s += rss[p]; break } q = parent[q] } }
              print s + 0 }'
}

# run NAME CMD...: wall, CPU (user+sys of the tree), peak RSS (sum over the
# tree, sampled every 50 ms) and hits, as one line in $dir/NAME.res
run() {
    local name=$1; shift
    local start end
    start=$(date +%s.%N)
    # time(1) reports the CPU of the tool and every process it waited for
    # (salvo's workers), not that of this script's sampling.
    in_ns /usr/bin/time -f "%U %S" -o "$dir/$name.cpu" "$@" > "$dir/$name.out" 2> "$dir/$name.err" &
    local pid=$! peak=0 rss
    while kill -0 $pid 2>/dev/null; do
        rss=$(tree_rss $pid)
        if [ "$rss" -gt "$peak" ]; then peak=$rss; fi
        sleep 0.05
    done
    wait $pid || true
    end=$(date +%s.%N)
    echo "$start $end $peak" > "$dir/$name.res"
}

measure() {
    local name=$1 n=$2; shift 2
    run "$name" "$@"
    read -r start end peak < "$dir/$name.res"
    local cpu
    cpu=$(awk '{ print $1 + $2 }' "$dir/$name.cpu")
    local hits
    hits=$(grep -c . "$dir/$name.out" || true)
    awk -v n="$name" -v w="$n" -v s="$start" -v e="$end" -v cpu="$cpu" \
        -v p="$peak" -v h="$hits" 'BEGIN {
        t = e - s;
        printf "%-14s %9d words %8.2f s %9.0f probes/s %8.2f CPU s %9.1f MB peak RSS %7d hits\n",
            n, w, t, w / t, cpu, p / 1024, h;
        printf "%s %f %f %f %d\n", n, t, w / t, cpu, p > "/dev/stderr" }' 2>> "$dir/summary"
}

echo "bench: $words words, $conc in flight per tool, $procs cores, target http://*.bench.test/"
per=$(( conc / procs ))
measure salvo "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" -u 'http://{}.bench.test/'
measure ffuf "$words" ffuf -s -t "$conc" -timeout 2 -w "$dir/words.txt" -u 'http://FUZZ.bench.test/' -mc 200 -fr '不存在'
for t in salvo ffuf; do
    got=$(grep -c . "$dir/$t.out" || true)
    [ "$got" -eq "$expected" ] || echo "bench: warning: $t found $got hits, expected $expected" >&2
done
awk '{ t[$1] = $2; r[$1] = $3; c[$1] = $4; m[$1] = $5 }
     END { printf "ratio salvo/ffuf: probes/s %.2fx, wall %.2fx less, CPU %.2fx less, peak RSS %.2fx less\n",
           r["salvo"] / r["ffuf"], t["ffuf"] / t["salvo"], c["ffuf"] / c["salvo"], m["ffuf"] / m["salvo"] }' "$dir/summary"

# The Lua baidu script against the compiled plugin: once as above (DNS and
# all), once pinned with --connect-to (no DNS), where the match costs most.
measure salvo-lua "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" \
    -u 'http://{}.bench.test/' -p "$src/scripts/baidu.lua"
measure salvo-pinned "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" \
    -u 'http://{}.bench.test/' --connect-to ::127.0.0.1:80
measure salvo-lua-pinned "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" \
    -u 'http://{}.bench.test/' --connect-to ::127.0.0.1:80 -p "$src/scripts/baidu.lua"
awk '{ r[$1] = $3; c[$1] = $4 }
     END { printf "Lua baidu.lua vs compiled plugin: probes/s %+.1f%% (DNS), %+.1f%% (pinned); CPU %+.1f%% (DNS), %+.1f%% (pinned)\n",
           100 * (r["salvo-lua"] / r["salvo"] - 1), 100 * (r["salvo-lua-pinned"] / r["salvo-pinned"] - 1),
           100 * (c["salvo-lua"] / c["salvo"] - 1), 100 * (c["salvo-lua-pinned"] / c["salvo-pinned"] - 1) }' "$dir/summary"

if [ "$big" -gt 0 ]; then
    gen "$big" > "$dir/big.txt"
    measure salvo-big "$big" "$build/salvo" -j "$procs" -t "$per" -w "$dir/big.txt" -u 'http://{}.bench.test/'
    awk '{ m[$1] = $5 } END { printf "salvo peak RSS: %d words %.1f MB, %d words %.1f MB: %+.1f%%\n",
           '"$words"', m["salvo"] / 1024, '"$big"', m["salvo-big"] / 1024,
           100 * (m["salvo-big"] - m["salvo"]) / m["salvo"] }' "$dir/summary"
fi
