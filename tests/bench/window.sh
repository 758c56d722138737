#!/bin/bash
# window.sh: does one worker's -t auto window grow until its CPU or the
# target is the limit? salvo runs with one worker (-j 1) pinned to CPU 0,
# the bench's nginx and dnsmasq pinned to the other CPUs, so that the two
# limits can be told apart: salvo's share of its core, and the servers'
# share of theirs. The default job runs with -t auto and then with fixed
# windows; -t auto should reach the best fixed window's rate (within about
# 10 %), with one of the two sides near a full core.
#
# With DELAY_MS=100 in the environment the target answers that much later
# (latency.sh's nginx): the window must grow to rate x latency, thousands
# in flight, before either side is the limit. Both rounds print each
# core's busy share (softirq included: on loopback much of the receiving
# is done in the sender's system calls, so neither process's own CPU says
# it all).
#
# usage: sudo tests/bench/window.sh [BUILD_DIR] [WORDS] [WINDOWS]
#   WORDS    probes per run (default 100000)
#   WINDOWS  the fixed windows (default "25 50 100 200 400 800", with
#            DELAY_MS "500 1000 2000 3000 4000 6000")
# Needs: ip (iproute2), dnsmasq, nginx, taskset, time; 2 cores at least;
# with DELAY_MS, libnginx-mod-http-echo.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-100000}
delay=${DELAY_MS:-}
if [ -n "$delay" ]; then windows=${3:-500 1000 2000 3000 4000 6000}; else windows=${3:-25 50 100 200 400 800}; fi
echo_mod=/usr/lib/nginx/modules/ngx_http_echo_module.so
src=$(cd "$(dirname "$0")/../.." && pwd)
ns=salvo-win-$$
dir=$(mktemp -d /tmp/salvo-win.XXXXXX)
procs=$(nproc)
[ "$procs" -ge 2 ] || { echo "bench: needs 2 cores (salvo on one, the servers on the rest)" >&2; exit 2; }

. "$src/tests/bench/lib.sh"
need "iproute2 dnsmasq-base nginx-light time util-linux" ip dnsmasq nginx /usr/bin/time taskset
NGINX_WORKERS=$(( procs - 1 ))
export NGINX_WORKERS
url='http://{}.bench.test/'
if [ -n "$delay" ]; then
    [ -f $echo_mod ] || { echo "bench: $echo_mod is missing (apt-get install libnginx-mod-http-echo)" >&2; exit 2; }
    trap ns_down EXIT
    ns_up
    wildcard_dns_up
    delay_nginx_up "$delay"
    url="http://{}.bench.test:$(( 8000 + delay ))/"
else
    bench_up "$src"
fi

# The servers off salvo's core: every nginx process and dnsmasq.
rest=1-$(( procs - 1 ))
master=$(cat "$dir/nginx.pid")
for p in $master $(pgrep -P "$master") $(cat "$dir/dnsmasq.pid"); do
    taskset -apc "$rest" "$p" > /dev/null
done

gen "$words" > "$dir/words.txt"
expected=$(( words / 100 ))

# servers_ticks: CPU ticks of nginx (all processes) and dnsmasq so far.
servers_ticks() {
    for p in $master $(pgrep -P "$master") $(cat "$dir/dnsmasq.pid"); do
        awk '{ print $14 + $15 }' "/proc/$p/stat" 2>/dev/null || true
    done | awk '{ s += $1 } END { print s + 0 }'
}

# busy_ticks CPU: the ticks CPU has not been idle (or waiting on I/O) so
# far, from /proc/stat: softirq work of loopback is counted here, not in
# any process.
busy_ticks() {
    awk -v c="cpu$1" '$1 == c { print $2 + $3 + $4 + $7 + $8 + $9 }' /proc/stat
}
hz=$(getconf CLK_TCK)
echo "bench: $words words, one salvo worker on CPU 0, nginx and dnsmasq on CPU $rest, ${delay:-no} delay"
printf '%-10s %10s %10s %11s %15s %10s %10s %7s\n' window probes/s "CPU/probe" "salvo" "servers" "CPU 0" "CPU $rest" hits
printf '%-10s %10s %10s %11s %15s %10s %10s\n' "" "" "(salvo)" "(its core)" "(their cores)" "(busy)" "(busy)"
one() {
    local name=$1; shift
    local s0 s1 a0 a1 b0=0 b1=0 c
    s0=$(servers_ticks)
    a0=$(busy_ticks 0)
    for c in $(seq 1 $(( procs - 1 ))); do b0=$(( b0 + $(busy_ticks "$c") )); done
    run "$name" taskset -c 0 "$build/salvo" -j 1 -w "$dir/words.txt" -u "$url" \
        -p baidu "$@"
    s1=$(servers_ticks)
    a1=$(busy_ticks 0)
    for c in $(seq 1 $(( procs - 1 ))); do b1=$(( b1 + $(busy_ticks "$c") )); done
    read -r start end _ < "$dir/$name.res"
    local hits
    hits=$(grep -c . "$dir/$name.out" || true)
    [ "$hits" -eq "$expected" ] || echo "bench: warning: $name found $hits hits, expected $expected" >&2
    awk -v n="$name" -v w="$words" -v s="$start" -v e="$end" -v srv=$(( s1 - s0 )) -v hz="$hz" \
        -v rest="$NGINX_WORKERS" -v h="$hits" -v a=$(( a1 - a0 )) -v b=$(( b1 - b0 )) -v cpu="$(awk '{ print $1 + $2 }' "$dir/$name.cpu")" 'BEGIN {
        t = e - s;
        printf "%-10s %10.0f %7.1f us %9.0f %% %13.0f %% %8.0f %% %8.0f %% %7d\n", n, w / t, 1e6 * cpu / w,
            100 * cpu / t, 100 * srv / hz / t / rest, 100 * a / hz / t, 100 * b / hz / t / rest, h;
        print n, w / t > "/dev/stderr" }' 2>> "$dir/rates"
}

one auto -v
grep -o -- '-t auto: [0-9]* -> [0-9]*' "$dir/auto.err" |
    awk '{ if (NR == 1) printf "bench: -t auto, the window: %s", $3; printf " -> %s", $5 } END { if (NR) print "" }'
for t in $windows; do
    one "t$t" -t "$t"
done
awk '{ r[$1] = $2; if ($1 != "auto" && $2 > best) { best = $2; at = $1 } }
     END { printf "ratio -t auto / best fixed window (%s): %.2fx\n", at, r["auto"] / best }' "$dir/rates"
