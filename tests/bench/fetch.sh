#!/bin/bash
# fetch.sh: what salvo.fetch() costs. The paths job (one host over http, a
# real file for 1 word in 100) judged by a Lua match() that only reads the
# status, and by one that, for each hit, fetches a second URL (the file's
# "-2" sibling): 1 fetch per 100 words. In turns, ROUNDS times each; the
# medians of requests a second (words and fetches) and the ratio (the
# target: the fetching scan within 5 % of the other per request: a fetch
# costs what its request costs). ffuf runs the words once, for scale.
#
# usage: sudo tests/bench/fetch.sh [BUILD_DIR] [WORDS] [ROUNDS]
# Needs: ip (iproute2), dnsmasq, nginx, openssl, ffuf, time.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-100000}
rounds=${3:-3}
src=$(cd "$(dirname "$0")/../.." && pwd)
ns=salvo-fetch-$$
dir=$(mktemp -d /tmp/salvo-fetch.XXXXXX)
. "$src/tests/bench/lib.sh"
need "iproute2 dnsmasq-base nginx-light openssl ffuf time" ip dnsmasq nginx openssl ffuf /usr/bin/time
bench_up "$src"
awk -v n="$words" 'BEGIN { for (i = 1; i <= n; i++) print (i % 100 == 0 ? "hit-" i : "p" i "x") }' > "$dir/words.txt"
grep '^hit-' "$dir/words.txt" | while read -r f; do
    echo "page $f" > "$dir/www/paths/$f"; echo "second $f" > "$dir/www/paths/$f-2"; done
hits=$(( words / 100 ))
cat > "$dir/plain.lua" <<'LUA'
function match(res) return res.status == 200 end
LUA
cat > "$dir/fetch.lua" <<'LUA'
function match(res)
  if res.status ~= 200 then return false end
  return salvo.fetch(res.url .. "-2").status == 200
end
LUA
echo "fetch: $words paths on one host over http, $hits fetches, $rounds rounds, $(nproc) cores"
for r in $(seq "$rounds"); do
    for v in plain fetch; do
        measure "$v-$r" "$words" "$build/salvo" -q -w "$dir/words.txt" -u 'http://paths.test/{}' \
            -p "$dir/$v.lua"
    done
done
measure ffuf "$words" ffuf -s -t 200 -w "$dir/words.txt" -u 'http://paths.test/FUZZ'
for f in "$dir"/plain-*.out "$dir"/fetch-*.out; do
    got=$(grep -c 'hit-' "$f" || true)
    [ "$got" -eq "$hits" ] || echo "bench: $(basename "$f" .out) found $got of $hits files" >&2
done
awk -v w="$words" -v h="$hits" '{ n = $1; sub(/-[0-9]+$/, "", n); t[n] = t[n] " " $2; c[n] = c[n] " " $4 }
     function median(s,   a, n, i, j, x) {
         n = split(s, a, " ");
         for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { x = a[i]; a[i] = a[j]; a[j] = x }
         return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
     END { p = w / median(t["plain"]); f = (w + h) / median(t["fetch"]);
           printf "plain      %9.0f requests/s  CPU %.2f s\n", p, median(c["plain"]);
           printf "fetch      %9.0f requests/s  CPU %.2f s  %.3fx plain per request (words %.3fx)\n",
               f, median(c["fetch"]), f / p, (w / median(t["fetch"])) / p;
           printf "ffuf       %9.0f requests/s  (salvo plain: %.2fx)\n", w / median(t["ffuf"]), p / (w / median(t["ffuf"])) }' "$dir/summary"
