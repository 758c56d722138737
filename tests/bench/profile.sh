#!/bin/bash
# profile.sh: where the CPU of the default job goes, per library and per
# function, for one or more builds in the same sitting (the same namespace,
# dnsmasq and nginx as bench.sh), so that a before and an after can be set
# side by side.
#
# Each build scans WORDS names with its defaults under `perf record -g`;
# only salvo's own processes are kept (not the nginx or dnsmasq it talks
# to). Printed per build: the share of each library (DSO), the top symbols
# by self time, and the hits (which must be WORDS / 100).
#
# usage: sudo tests/bench/profile.sh [WORDS] BUILD_DIR...
# Needs: ip (iproute2), dnsmasq, nginx, perf.
# Cleans up after itself (KEEP=1 keeps the perf data).
set -euo pipefail
words=${1:-100000}
shift
[ $# -ge 1 ] || { echo "usage: profile.sh [WORDS] BUILD_DIR..." >&2; exit 2; }
src=$(cd "$(dirname "$0")/../.." && pwd)
ns=salvo-prof-$$
dir=$(mktemp -d /tmp/salvo-prof.XXXXXX)

. "$src/tests/bench/lib.sh"
need "iproute2 dnsmasq-base nginx-light linux-perf" ip dnsmasq nginx perf
bench_up "$src"
gen "$words" > "$dir/words.txt"

n=0
for b in "$@"; do
    n=$((n + 1))
    build=$(cd "$b" && pwd)
    data="$dir/perf-$n.data"
    in_ns perf record -q -g -o "$data" -- "$build/salvo" -w "$dir/words.txt" \
        -u 'http://{}.bench.test/' -p baidu > "$dir/out-$n" 2> "$dir/err-$n" ||
        { echo "profile: $build/salvo failed:" >&2; tail -3 "$dir/err-$n" >&2; exit 1; }
    echo "== $build: $(grep -c . "$dir/out-$n" || true) hits of $((words / 100)) expected"
    echo "-- by library (self time of salvo's processes)"
    perf report -i "$data" --comm salvo --no-children --sort dso --stdio 2>/dev/null |
        grep -E '^ +[0-9.]+%' | head -8 || true # head's early exit is no failure
    echo "-- top symbols"
    perf report -i "$data" --comm salvo --no-children --sort dso,sym --stdio -g none 2>/dev/null |
        grep -E '^ +[0-9.]+%' | head -"${TOP:-15}" || true
done
