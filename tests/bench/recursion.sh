#!/bin/bash
# recursion.sh: --recursion against ffuf -recursion and dirsearch -r on one
# tree: 4 directories, 2 below each, 2 below those (28 in all, three
# levels), two files in each directory and in the root, WORDS words of
# which 10 name something. Each tool scans the whole tree (depth 3); wall
# time, CPU, peak memory and what each found, and salvo's ratios. Every
# tool's request goes to an nginx in a network namespace of its own.
#
# usage: sudo [NGINX_WORKERS=N] [PEERS=no] [TOP=N] tests/bench/recursion.sh [BUILD_DIR] [WORDS]
# PEERS=no runs salvo alone (its peak memory on a long list: flat);
# SALVO_ARGS adds options to salvo's command line (-t 64, -v). TOP=N
# puts N directories at the top instead of 4 (7N in all: TOP=8 makes 56).
# Needs: ip (iproute2), dnsmasq, nginx, openssl, ffuf, dirsearch, time.
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
# Directories as their 301s, and the files: what every tool should list.
expect=$(( $(find "$t" -mindepth 1 -type d | wc -l) + $(find "$t" -type f | wc -l) ))
dirs=$(find "$t" -mindepth 1 -type d | wc -l)
echo "recursion: $words words, $dirs directories (3 levels), $expect files and directories to find, $(nproc) cores"
measure salvo $(( words * (dirs + 1) )) "$build/salvo" -q -p none -w "$dir/words.txt" \
    -u 'http://tree.test/{}' --recursion --recursion-depth 3 ${SALVO_ARGS:-}
if [ "${PEERS:-yes}" = no ]; then
    [ "$(grep -c . "$dir/salvo.out")" -eq "$expect" ] && echo "salvo: all $expect found"
    exit 0
fi
measure ffuf $(( words * (dirs + 1) )) ffuf -s -t 200 -w "$dir/words.txt" -u 'http://tree.test/FUZZ' \
    -recursion -recursion-depth 3 -of json -o "$dir/ffuf.json"
# dirsearch runs on Debian's own python3 (its modules are there).
# -R 4: dirsearch counts the root as a level.
measure dirsearch $(( words * (dirs + 1) )) env PATH=/usr/bin:/bin dirsearch -q --no-color -t 50 \
    -u http://tree.test/ -w "$dir/words.txt" -r -R 4
# The same set from each: the URLs each listed (ffuf's from its JSON output; its command line names a URL with FUZZ).
(cd "$t" && find . -mindepth 1 | sed 's|^\./||' | sort) > "$dir/expect.txt"
sed 's|^http://tree.test/||' "$dir/salvo.out" | sort > "$dir/salvo.set"
grep -o '"url":"[^"]*"' "$dir/ffuf.json" | sed 's|"url":"http://tree.test/||; s|"$||' | grep -v 'FUZZ$' | sort > "$dir/ffuf.set"
# dirsearch lists a directory with its slash (t1/), the tree's find without.
sed -n 's|.* http://tree.test/\([^ ]*\).*|\1|p' "$dir/dirsearch.out" | sed 's|/$||' | sort > "$dir/dirsearch.set"
for tool in salvo ffuf dirsearch; do
    if cmp -s "$dir/$tool.set" "$dir/expect.txt"; then echo "$tool: exactly the $expect expected"
    else echo "$tool: $(wc -l < "$dir/$tool.set") found, not the expected $expect:"; diff "$dir/$tool.set" "$dir/expect.txt" | head -5 || true; fi
done
awk '{ t[$1] = $2; c[$1] = $4 }
     END { printf "salvo is %.2fx faster than ffuf -recursion (CPU %.2fx less), %.2fx faster than dirsearch -r (CPU %.2fx less)\n",
               t["ffuf"] / t["salvo"], c["ffuf"] / c["salvo"], t["dirsearch"] / t["salvo"], c["dirsearch"] / c["salvo"] }' "$dir/summary"
