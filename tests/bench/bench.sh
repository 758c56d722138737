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
# Needs: ip (iproute2), dnsmasq, nginx, ffuf, time; wrk for its comparison.
# Cleans up after itself.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-100000}
big=${3:-1000000}
src=$(cd "$(dirname "$0")/../.." && pwd)
ns=salvo-bench-$$
dir=$(mktemp -d /tmp/salvo-bench.XXXXXX)
conc=400                         # total transfers in flight for each tool
procs=$(nproc)


. "$src/tests/bench/lib.sh"
need "iproute2 dnsmasq-base nginx-light ffuf time" ip dnsmasq nginx ffuf /usr/bin/time
bench_up "$src"

gen "$words" > "$dir/words.txt"
expected=$(( words / 100 ))

echo "bench: $words words, $conc in flight per tool, $procs cores, target http://*.bench.test/"
per=$(( conc / procs ))
measure salvo "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" -u 'http://{}.bench.test/' -p baidu
measure salvo-curldns "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" \
    -u 'http://{}.bench.test/' -p baidu --resolver curl
measure ffuf "$words" ffuf -s -t "$conc" -timeout 2 -w "$dir/words.txt" -u 'http://FUZZ.bench.test/' -mc 200 -fr '不存在'
for t in salvo salvo-curldns ffuf; do
    got=$(grep -c . "$dir/$t.out" || true)
    [ "$got" -eq "$expected" ] || echo "bench: warning: $t found $got hits, expected $expected" >&2
done
awk '{ t[$1] = $2; r[$1] = $3; c[$1] = $4; m[$1] = $5 }
     END { printf "ratio salvo/ffuf: probes/s %.2fx, wall %.2fx less, CPU %.2fx less, peak RSS %.2fx less\n",
           r["salvo"] / r["ffuf"], t["ffuf"] / t["salvo"], c["ffuf"] / c["salvo"], m["ffuf"] / m["salvo"];
           printf "ratio salvo (curl resolving)/ffuf: probes/s %.2fx, CPU %.2fx less\n",
           r["salvo-curldns"] / r["ffuf"], c["ffuf"] / c["salvo-curldns"];
           printf "DNS stage vs curl resolving: probes/s %.2fx, CPU %.2fx less\n",
           r["salvo"] / r["salvo-curldns"], c["salvo-curldns"] / c["salvo"] }' "$dir/summary"

# The Lua baidu script against the compiled plugin: once as above (DNS and
# all), once pinned with --connect-to (no DNS), where the match costs most.
# The default job against what a client with no DNS and no keep-alive
# reaches on the same nginx: wrk with a new connection per request (one
# name in Host; it resolves nothing), and salvo with its defaults (-t auto).
measure salvo-defaults "$words" "$build/salvo" -w "$dir/words.txt" -u 'http://{}.bench.test/' -p baidu
if command -v wrk > /dev/null; then
    run wrk wrk -t "$procs" -c "$conc" -d 5s -H 'Connection: close' -H 'Host: w1x.bench.test' \
        http://127.0.0.1/
    wrk_n=$(sed -n 's/^ *\([0-9]*\) requests in.*/\1/p' "$dir/wrk.out")
    wrk_rate=$(awk '/^Requests\/sec:/ { print $2 }' "$dir/wrk.out")
    wrk_cpu=$(awk '{ print $1 + $2 }' "$dir/wrk.cpu")
    printf '%-14s %9d requests %7.0f requests/s %8.2f CPU s (Connection: close, no DNS)\n' \
        wrk "$wrk_n" "$wrk_rate" "$wrk_cpu"
    awk -v wr="$wrk_rate" -v wn="$wrk_n" -v wc="$wrk_cpu" -v n="$words" '{ r[$1] = $3; c[$1] = $4 }
         END { printf "default job: salvo defaults %.0f/s = %.2fx ffuf, %.2fx wrk Connection: close; salvo -t %d: %.2fx wrk\n",
               r["salvo-defaults"], r["salvo-defaults"] / r["ffuf"], r["salvo-defaults"] / wr, '"$per"', r["salvo"] / wr;
               printf "CPU per probe: salvo defaults %.0f us (DNS included), salvo -t %d %.0f us, ffuf %.0f us, wrk %.0f us per request\n",
               1e6 * c["salvo-defaults"] / n, '"$per"', 1e6 * c["salvo"] / n, 1e6 * c["ffuf"] / n, 1e6 * wc / wn }' "$dir/summary"
else
    echo "bench: wrk is not installed (apt-get install wrk): no comparison with it"
fi

measure salvo-lua "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" \
    -u 'http://{}.bench.test/' -p "$src/scripts/baidu.lua"
measure salvo-pinned "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" \
    -u 'http://{}.bench.test/' -p baidu --connect-to ::127.0.0.1:80
measure salvo-lua-pinned "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" \
    -u 'http://{}.bench.test/' --connect-to ::127.0.0.1:80 -p "$src/scripts/baidu.lua"
awk '{ r[$1] = $3; c[$1] = $4 }
     END { printf "Lua baidu.lua vs compiled plugin: probes/s %+.1f%% (DNS), %+.1f%% (pinned); CPU %+.1f%% (DNS), %+.1f%% (pinned)\n",
           100 * (r["salvo-lua"] / r["salvo"] - 1), 100 * (r["salvo-lua-pinned"] / r["salvo-pinned"] - 1),
           100 * (c["salvo-lua"] / c["salvo"] - 1), 100 * (c["salvo-lua-pinned"] / c["salvo-pinned"] - 1) }' "$dir/summary"

if [ "$big" -gt 0 ]; then
    gen "$big" > "$dir/big.txt"
    measure salvo-big "$big" "$build/salvo" -j "$procs" -t "$per" -w "$dir/big.txt" -u 'http://{}.bench.test/' -p baidu
    awk '{ m[$1] = $5 } END { printf "salvo peak RSS: %d words %.1f MB, %d words %.1f MB: %+.1f%%\n",
           '"$words"', m["salvo"] / 1024, '"$big"', m["salvo-big"] / 1024,
           100 * (m["salvo-big"] - m["salvo"]) / m["salvo"] }' "$dir/summary"
fi
