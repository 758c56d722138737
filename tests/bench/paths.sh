#!/bin/bash
# paths.sh: paths on one host (https://paths.test/{} and http://...), the
# job of ffuf and gobuster dir. The bench nginx serves a directory with a
# real file for 1 word in 100 and a plain 404 for the rest; salvo, ffuf and
# gobuster run the same words with their defaults and with a tuned
# concurrency (and salvo once more with curl for every probe), in a
# network namespace whose dnsmasq answers paths.test. Each is measured
# for paths/s, CPU, peak RSS and the server's CPU, and must find every
# file.
#
# usage: sudo tests/bench/paths.sh [BUILD_DIR] [WORDS]
#   WORDS  paths per run (default 100000)
# Needs: ip (iproute2), dnsmasq, nginx, openssl, ffuf, gobuster, time.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-100000}
src=$(cd "$(dirname "$0")/../.." && pwd)
ns=salvo-paths-$$
dir=$(mktemp -d /tmp/salvo-paths.XXXXXX)
. "$src/tests/bench/lib.sh"
need "iproute2 dnsmasq-base nginx-light openssl ffuf gobuster time" ip dnsmasq nginx openssl ffuf gobuster /usr/bin/time
bench_up "$src"
awk -v n="$words" 'BEGIN { for (i = 1; i <= n; i++) print (i % 100 == 0 ? "hit-" i : "p" i "x") }' > "$dir/words.txt"
grep '^hit-' "$dir/words.txt" | while read -r f; do echo "page $f" > "$dir/www/paths/$f"; done
expected=$(( words / 100 ))

echo "bench: $words paths on one host, $(nproc) cores"
for scheme in https http; do
    base="$scheme://paths.test/"
    measure "salvo-$scheme" "$words" "$build/salvo" -q -w "$dir/words.txt" -u "${base}{}"
    measure "salvocurl-$scheme" "$words" "$build/salvo" -q --http-client curl -w "$dir/words.txt" -u "${base}{}"
    measure "ffuf-$scheme" "$words" ffuf -s -w "$dir/words.txt" -u "${base}FUZZ"
    measure "ffuf200-$scheme" "$words" ffuf -s -t 200 -w "$dir/words.txt" -u "${base}FUZZ"
    measure "gobuster-$scheme" "$words" gobuster dir -q -z -k -w "$dir/words.txt" -u "$base"
    measure "gobuster200-$scheme" "$words" gobuster dir -q -z -k -t 200 -w "$dir/words.txt" -u "$base"
done
for f in "$dir"/*.out; do
    got=$(grep -c 'hit-' "$f" || true)
    [ "$got" -eq "$expected" ] || echo "bench: $(basename "$f" .out) found $got of $expected files" >&2
done
awk -v n="$words" '{ r[$1] = $3; c[$1] = $4; sv[$1] = $6 }
     function best(a, b) { return a > b ? a : b }
     END { split("https http", s, " ");
           for (i = 1; i <= 2; i++) {
               k = s[i]; f = best(r["ffuf-" k], r["ffuf200-" k]); g = best(r["gobuster-" k], r["gobuster200-" k]);
               cs = c["salvo-" k] / n * 1e6; cf = c["ffuf-" k] / n * 1e6;
               ss = sv["salvo-" k] / n * 1e6; sf = sv["ffuf-" k] / n * 1e6;
               printf "%-5s paths: salvo %.0f/s, best ffuf %.0f/s (%.2fx), best gobuster %.0f/s (%.2fx); client CPU per path salvo %.0f us, ffuf (defaults) %.0f us (%.2fx less); the server'"'"'s CPU per path with salvo %.0f us, with ffuf %.0f us; salvo with --http-client curl %.0f/s (%.2fx ffuf)\n",
                   k, r["salvo-" k], f, r["salvo-" k] / f, g, r["salvo-" k] / g, cs, cf, cf / cs, ss, sf,
                   r["salvocurl-" k], r["salvocurl-" k] / f } }' "$dir/summary"
