#!/bin/bash
# recursion.sh: --recursion against ffuf -recursion and dirsearch -r on one
# tree: 4 directories, 2 below each, 2 below those (28 in all, three
# levels), two files in each directory and in the root, WORDS words of
# which 10 name something. Each tool scans the whole tree (depth 3); wall
# time, CPU, peak memory and what each found, and salvo's ratios. Every
# tool's request goes to an nginx in a network namespace of its own.
#
# usage: sudo [NGINX_WORKERS=N] [PEERS=no|ffuf] [ROUNDS=N] [TOP=N] [FAR_MS=N] tests/bench/recursion.sh [BUILD_DIR] [WORDS]
# PEERS=no runs salvo alone (its peak memory on a long list: flat);
# PEERS=ffuf leaves dirsearch out (it takes minutes). ROUNDS=N: see below.
# SALVO_ARGS adds options to salvo's command line (-t 64, -v). TOP=N
# puts N directories at the top instead of 4 (7N in all: TOP=8 makes 56).
# FAR_MS=N: the tree is served N ms after each request (a site across a
# network rather than on the scanner's own cores; the echo module's
# echo_sleep, which holds no worker), on port 8080.
# Needs: ip (iproute2), dnsmasq, nginx, openssl, ffuf, dirsearch, time
# (and libnginx-mod-http-echo for FAR_MS).
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-2000}
src=$(cd "$(dirname "$0")/../.." && pwd)
ns=salvo-rec-$$
dir=$(mktemp -d /tmp/salvo-rec.XXXXXX)
. "$src/tests/bench/lib.sh"
need "iproute2 dnsmasq-base nginx-light openssl ffuf dirsearch time" ip dnsmasq nginx openssl ffuf \
    dirsearch /usr/bin/time
bench_up "$src"
t="$dir/www/tree"
mkdir -p "$t"
for a in $(seq -f 't%g' "${TOP:-4}"); do for b in m1 m2; do for c in l1 l2; do mkdir -p "$t/$a/$b/$c"; done; done; done
find "$t" -type d | while read -r d; do echo one > "$d/page1"; echo two > "$d/page2"; done
{ seq -f 't%g' "${TOP:-4}"; printf '%s\n' m1 m2 l1 l2 page1 page2; seq -f 'n%g' $(( 7 + ${TOP:-4} )) "$words"; } \
    > "$dir/words.txt"
origin=http://tree.test
if [ -n "${FAR_MS:-}" ]; then
    echo_mod=/usr/lib/nginx/modules/ngx_http_echo_module.so
    [ -f $echo_mod ] || { echo "bench: $echo_mod is missing (apt-get install libnginx-mod-http-echo)" >&2; exit 2; }
    # The same files, directories' 301s and 404s, each after the delay.
    cat > "$dir/far.conf" <<CONF
load_module $echo_mod; user root root;
worker_processes ${NGINX_WORKERS:-1}; worker_rlimit_nofile 100000; pid $dir/far.pid;
error_log $dir/far-error.log warn;
events { worker_connections 60000; }
http { access_log off; log_not_found off;
  server { listen 127.0.0.1:8080 backlog=65535; server_name tree.test; root $t;
    location / { echo_sleep $(awk -v d="$FAR_MS" 'BEGIN { printf "%.3f", d / 1000 }'); echo_exec @tree; }
    location @tree { } } }
CONF
    in_ns nginx -p "$dir" -c "$dir/far.conf" -e "$dir/far-error.log"
    origin=http://tree.test:8080 server=far
fi
# Directories as their 301s, and the files: what every tool should list.
expect=$(( $(find "$t" -mindepth 1 -type d | wc -l) + $(find "$t" -type f | wc -l) ))
dirs=$(find "$t" -mindepth 1 -type d | wc -l)
echo "recursion: $words words, $dirs directories (3 levels), $expect files and directories to find, $(nproc) cores${FAR_MS:+, each answer after $FAR_MS ms}"
# ROUNDS=N: salvo and ffuf in turns N times (two cores shared with the
# server make single runs vary by a third); the ratio is of the medians.
for round in $(seq "${ROUNDS:-1}"); do
    measure salvo $(( words * (dirs + 1) )) "$build/salvo" -q -p none -w "$dir/words.txt" \
        -u "$origin/{}" --recursion --recursion-depth 3 ${SALVO_ARGS:-}
    [ "${PEERS:-yes}" = no ] && continue
    measure ffuf $(( words * (dirs + 1) )) ffuf -s -t 200 -w "$dir/words.txt" -u "$origin/FUZZ" \
        -recursion -recursion-depth 3 -of json -o "$dir/ffuf.json"
done
if [ "${PEERS:-yes}" = no ]; then
    [ "$(grep -c . "$dir/salvo.out")" -eq "$expect" ] && echo "salvo: all $expect found"
    exit 0
fi
tools="salvo ffuf"
# dirsearch runs on Debian's own python3 (its modules are there).
# -R 4: dirsearch counts the root as a level.
if [ "${PEERS:-yes}" != ffuf ]; then
    measure dirsearch $(( words * (dirs + 1) )) env PATH=/usr/bin:/bin dirsearch -q --no-color -t 50 \
        -u "$origin/" -w "$dir/words.txt" -r -R 4
    tools="$tools dirsearch"
fi
# The same set from each: the URLs each listed (ffuf's from its JSON output; its command line names a URL with FUZZ).
(cd "$t" && find . -mindepth 1 | sed 's|^\./||' | sort) > "$dir/expect.txt"
sed "s|^$origin/||" "$dir/salvo.out" | sort > "$dir/salvo.set"
grep -o '"url":"[^"]*"' "$dir/ffuf.json" | sed "s|\"url\":\"$origin/||; s|\"\$||" | grep -v 'FUZZ$' | sort > "$dir/ffuf.set"
# dirsearch lists a directory with its slash (t1/), the tree's find without.
[ -f "$dir/dirsearch.out" ] && sed -n "s|.* $origin/\\([^ ]*\\).*|\\1|p" "$dir/dirsearch.out" | sed 's|/$||' | sort > "$dir/dirsearch.set"
for tool in $tools; do
    if cmp -s "$dir/$tool.set" "$dir/expect.txt"; then echo "$tool: exactly the $expect expected"
    else echo "$tool: $(wc -l < "$dir/$tool.set") found, not the expected $expect:"; diff "$dir/$tool.set" "$dir/expect.txt" | head -5 || true; fi
done
# The medians of each tool's wall and CPU over its runs.
awk '{ n[$1]++; t[$1, n[$1]] = $2; c[$1, n[$1]] = $4 }
     function med(a, k, m,   v, i, j, x) {
         for (i = 1; i <= m; i++) v[i] = a[k, i]
         for (i = 2; i <= m; i++) { x = v[i]; for (j = i - 1; j >= 1 && v[j] > x; j--) v[j + 1] = v[j]; v[j + 1] = x }
         return m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2 }
     END { for (k in n) { mt[k] = med(t, k, n[k]); mc[k] = med(c, k, n[k]) }
           if (n["salvo"] > 1) printf "medians of %d runs: salvo %.2f s, ffuf %.2f s\n", n["salvo"], mt["salvo"], mt["ffuf"]
           printf "salvo is %.2fx faster than ffuf -recursion (CPU %.2fx less)", mt["ffuf"] / mt["salvo"], mc["ffuf"] / mc["salvo"]
           if ("dirsearch" in n) printf ", %.2fx faster than dirsearch -r (CPU %.2fx less)", mt["dirsearch"] / mt["salvo"], mc["dirsearch"] / mc["salvo"]
           printf "\n" }' "$dir/summary"
