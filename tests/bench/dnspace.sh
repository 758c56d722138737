#!/bin/bash
# dnspace.sh: the DNS stage against a resolver with a capacity: it answers
# at most RATE queries a second and drops the rest (tests/helpers/
# dnsfault.py limit), as an overloaded resolver does. salvo --dns-only
# resolves WORDS names, and so does an OLD_BUILD when given; printed per
# build: wall time, its ratio to the resolver's own pace (WORDS / RATE
# seconds), names resolved, names lost, and what the resolver dropped.
# (gobuster dns hides every name that resolves like a random one, as each
# name does here, so it cannot be counted against this resolver.)
#
# usage: tests/bench/dnspace.sh [BUILD_DIR] [WORDS] [RATE] [OLD_BUILD]   (30000, 3000)
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-30000}
rate=${3:-3000}
old=${4:+$(cd "$4" && pwd)}
src=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/salvo-dnspace.XXXXXX)
trap 'kill $lpid 2>/dev/null; rm -rf "$dir"' EXIT
seq -f 'name%g' "$words" > "$dir/names.txt"
pace=$(echo "scale=2; $words / $rate" | bc)
echo "resolver: $rate queries/s; $words names; its pace: $pace s"
printf '%-10s %8s %8s %9s %7s %9s\n' tool time/s x_pace resolved lost dropped
start_resolver() {
    python3 "$src/tests/helpers/dnsfault.py" limit "$rate" > "$dir/lim.out" & lpid=$!
    for i in $(seq 50); do [ -s "$dir/lim.out" ] && break; sleep 0.1; done
    port=$(head -1 "$dir/lim.out")
}
stop_resolver() { kill -TERM $lpid; wait $lpid 2>/dev/null || true; tail -1 "$dir/lim.out" | awk '{ print $4 }'; }
row() { # TOOL SECONDS RESOLVED DROPPED
    printf '%-10s %8.2f %8.2f %9d %7d %9d\n' "$1" "$2" "$(echo "scale=2; $2 / $pace" | bc)" "$3" \
        $(( words - $3 )) "$4"
}

start_resolver
t0=$(date +%s.%N)
"$build/salvo" -q --dns-only -r "127.0.0.1:$port" -u 'http://{}.x.test/' -w "$dir/names.txt" \
    > "$dir/salvo.out" 2>/dev/null || true
t1=$(date +%s.%N)
row salvo "$(echo "$t1 - $t0" | bc)" "$(wc -l < "$dir/salvo.out")" "$(stop_resolver)"

if [ -n "$old" ]; then
    start_resolver
    t0=$(date +%s.%N)
    "$old/salvo" -q --dns-only -r "127.0.0.1:$port" -u 'http://{}.x.test/' -w "$dir/names.txt" \
        > "$dir/old.out" 2>/dev/null || true
    t1=$(date +%s.%N)
    row "salvo-old" "$(echo "$t1 - $t0" | bc)" "$(wc -l < "$dir/old.out")" "$(stop_resolver)"
fi
