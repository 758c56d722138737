#!/bin/bash
# ab.sh: two builds of salvo on the default job, interleaved, to tell a
# real change in speed from the machine's noise ("no slower than before").
#
# The same target as bench.sh (a namespace with dnsmasq and nginx, a new
# name per probe, 1 in 100 a real page); the two builds run in turns,
# ROUNDS times each, and the medians of probes/s and CPU seconds are
# compared. Then, where valgrind is installed, each build scans 5,000
# words once under callgrind with one worker: instructions per probe vary
# by a few per cent from run to run (the DNS stage paces itself by what
# the resolver answers in time), far less than the timings on a busy
# machine.
#
# usage: sudo tests/bench/ab.sh OLD_BUILD NEW_BUILD [WORDS] [ROUNDS]
#   OLD_ARGS / NEW_ARGS in the environment replace each side's "-t N" (the
#   same build twice with OLD_ARGS="-t 200" NEW_ARGS="-t auto" compares
#   options; NEW_ARGS="" runs the new build with its defaults)
# Needs: ip (iproute2), dnsmasq, nginx, time; valgrind for the second part.
# Cleans up after itself.
set -euo pipefail
old=$(cd "$1" && pwd)
new=$(cd "$2" && pwd)
words=${3:-100000}
rounds=${4:-5}
src=$(cd "$(dirname "$0")/../.." && pwd)
ns=salvo-ab-$$
dir=$(mktemp -d /tmp/salvo-ab.XXXXXX)
procs=$(nproc)
per=$(( 400 / procs ))

. "$src/tests/bench/lib.sh"
need "iproute2 dnsmasq-base nginx-light time" ip dnsmasq nginx /usr/bin/time
bench_up "$src"
gen "$words" > "$dir/words.txt"

echo "ab: $words words, $rounds rounds each, -j $procs -t $per, old $old, new $new"
for r in $(seq "$rounds"); do
    for b in old new; do
        build=$old args=${OLD_ARGS--t $per}
        [ $b = new ] && build=$new args=${NEW_ARGS--t $per}
        # shellcheck disable=SC2086
        measure "$b" "$words" "$build/salvo" -j "$procs" $args -w "$dir/words.txt" \
            -u 'http://{}.bench.test/' -p baidu
        got=$(grep -c . "$dir/$b.out" || true)
        [ "$got" -eq $(( words / 100 )) ] || echo "ab: warning: $b found $got hits" >&2
    done
done
awk '{ r[$1] = r[$1] " " $3; c[$1] = c[$1] " " $4 }
     function median(s,   a, n, i, j, t) {
         n = split(s, a, " ");
         for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
         return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
     END { ro = median(r["old"]); rn = median(r["new"]); co = median(c["old"]); cn = median(c["new"]);
           printf "median old: %.0f probes/s, %.2f CPU s\n", ro, co;
           printf "median new: %.0f probes/s, %.2f CPU s\n", rn, cn;
           printf "ratio new/old: probes/s %.3fx, CPU %.3fx\n", rn / ro, cn / co }' "$dir/summary"

command -v valgrind >/dev/null || exit 0
gen 5000 > "$dir/small.txt"
# A run counts only when it was clean: its one worker lived to the end
# (under valgrind a word's judging can pass --judge-timeout's 5 s, and a
# worker the watchdog kills writes no profile while its chunk runs again
# in another: figures from 28k to 127k instructions a probe came from such
# runs) and all 50 hits came out. Up to three tries a build.
cg_run() {
    local b=$1 build=$2 try
    for try in 1 2 3; do
        rm -f "$dir"/cg-$b.*
        in_ns valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$dir/cg-$b.%p" \
            "$build/salvo" -j 1 -t 50 --judge-timeout 600 -w "$dir/small.txt" \
            -u 'http://{}.bench.test/' -p baidu > "$dir/cg-out" 2> "$dir/cg-err" || true
        if [ "$(ls "$dir"/cg-$b.* | wc -l)" -eq 2 ] && ! grep -q 'died' "$dir/cg-err" &&
            [ "$(grep -c . "$dir/cg-out")" -eq 50 ]; then
            # The parent and the worker: the sum of both processes' instructions.
            cat "$dir"/cg-$b.* | awk -v b=$b '/^summary:/ { s += $2 } END { printf "%s %.0f\n", b, s }'
            return
        fi
        echo "ab: callgrind run $try of $b was not clean, again" >&2
    done
    echo "$b nan"
}
for b in old new; do
    build=$old; [ $b = new ] && build=$new
    cg_run $b "$build"
done | awk '{ ir[$1] = $2 } END {
    printf "callgrind, 5000 probes, one worker: old %.0f, new %.0f instructions per probe: %.4fx\n",
        ir["old"] / 5000, ir["new"] / 5000, ir["new"] / ir["old"] }'
