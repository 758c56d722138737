#!/bin/bash
# options.sh: what the scan's extra options cost on the paths job (one
# host, a real file for 1 word in 100): salvo with its defaults, then with
# --stats-json (a line every 0.2 s), -A random, --extract, --max-time (a
# limit never reached), --store-responses (a file a hit; and with
# --store-all, a file a probe: no target, for scale) and all of them but
# --store-all together, in turns, ROUNDS times
# each; the medians of paths/s and the ratio of each to the defaults (the
# target: none costs over 5 %). ffuf runs the same words once, for scale.
#
# usage: sudo tests/bench/options.sh [BUILD_DIR] [WORDS] [ROUNDS]
#   (VARIANTS="defaults store" runs only those; defaults must be one)
# Needs: ip (iproute2), dnsmasq, nginx, openssl, ffuf, time.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-100000}
rounds=${3:-3}
src=$(cd "$(dirname "$0")/../.." && pwd)
ns=salvo-opts-$$
dir=$(mktemp -d /tmp/salvo-opts.XXXXXX)
. "$src/tests/bench/lib.sh"
need "iproute2 dnsmasq-base nginx-light openssl ffuf time" ip dnsmasq nginx openssl ffuf /usr/bin/time
bench_up "$src"
awk -v n="$words" 'BEGIN { for (i = 1; i <= n; i++) print (i % 100 == 0 ? "hit-" i : "p" i "x") }' > "$dir/words.txt"
grep '^hit-' "$dir/words.txt" | while read -r f; do echo "page $f" > "$dir/www/paths/$f"; done
expected=$(( words / 100 ))
echo "options: $words paths on one host over http, $rounds rounds, $(nproc) cores"
# variant NAME: its options into the array opts.
variant() {
    case $1 in
        defaults) opts=() ;;
        statsjson) opts=(--stats-json "$dir/s.json" --stats-interval 0.2) ;;
        random-ua) opts=(-A random) ;;
        extract) opts=(--extract 'p:page (hit-[0-9]+)') ;;
        max-time) opts=(--max-time 3600) ;;
        store) opts=(--store-responses "$dir/st-$r") ;;
        store-all) opts=(--store-responses "$dir/sta-$r" --store-all) ;;
        all) opts=(--stats-json "$dir/s.json" --stats-interval 0.2 -A random
                   --extract 'p:page (hit-[0-9]+)' --max-time 3600 --store-responses "$dir/sa-$r") ;;
    esac
}
names=${VARIANTS:-"defaults statsjson random-ua extract max-time store store-all all"}
for r in $(seq "$rounds"); do
    for v in $names; do
        variant "$v"
        # Each run writes new files into a directory of its own, none
        # deleted while the bench runs: a rename over an old file (a second
        # run into one DIR) costs ext4 a writeback at once, and creating
        # files where many were just deleted costs it a search of the
        # inode tables. The last run's files are written back first.
        sync
        measure "$v-$r" "$words" "$build/salvo" -q -w "$dir/words.txt" -u 'http://paths.test/{}' "${opts[@]}"
    done
done
measure ffuf "$words" ffuf -s -t 200 -w "$dir/words.txt" -u 'http://paths.test/FUZZ'
for f in "$dir"/*.out; do
    got=$(grep -c 'hit-' "$f" || true)
    [ "$got" -eq "$expected" ] || echo "bench: $(basename "$f" .out) found $got of $expected files" >&2
done
awk -v names="$names" '{ n = $1; sub(/-[0-9]+$/, "", n); r[n] = r[n] " " $3; c[n] = c[n] " " $4 }
     function median(s,   a, n, i, j, t) {
         n = split(s, a, " ");
         for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
         return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
     END { k = split(names, v, " "); base = median(r["defaults"]); cb = median(c["defaults"]);
           for (i = 1; i <= k; i++)
               printf "%-10s %9.0f paths/s  %.3fx the defaults; CPU %.2f s, %.3fx\n", v[i],
                   median(r[v[i]]), median(r[v[i]]) / base, median(c[v[i]]), median(c[v[i]]) / cb;
           printf "%-10s %9.0f paths/s  (salvo with its defaults: %.2fx ffuf -t 200)\n", "ffuf", median(r["ffuf"]), base / median(r["ffuf"]) }' "$dir/summary"
