#!/bin/bash
# latency.sh: a site far away. An nginx of the bench's own answers every
# request after a fixed delay (0, 50, 100, 200 ms; the echo module's
# echo_sleep, which holds no worker), per Host like the real site: a real
# page for hit-* names, the 不存在 soft-404 for the rest. salvo with its
# default options, salvo with fixed windows (-t N per worker), and ffuf with
# its default and a tuned concurrency run the same words against each, in
# a network namespace with its own DNS, and every hit must be found. At
# 100 ms also paths on one host, over HTTP/1.1 and over HTTPS (HTTP/2).
#
# usage: sudo tests/bench/latency.sh [BUILD_DIR] [WORDS] [DELAYS_MS]
#   WORDS      probes per run (default 100000; ffuf with its defaults gets a tenth)
#   DELAYS_MS  default "0 50 100 200"; the window sweep runs at 100 ms
#   NO_FFUF=1 in the environment skips ffuf (quicker, for tuning salvo)
# Needs: ip (iproute2), dnsmasq, nginx with libnginx-mod-http-echo, openssl, ffuf, time.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-100000}
delays=${3:-0 50 100 200}
src=$(cd "$(dirname "$0")/../.." && pwd)
ns=salvo-lat-$$
dir=$(mktemp -d /tmp/salvo-lat.XXXXXX)
procs=$(nproc)
echo_mod=/usr/lib/nginx/modules/ngx_http_echo_module.so

[ -f $echo_mod ] || { echo "bench: $echo_mod is missing (apt-get install libnginx-mod-http-echo)" >&2; exit 2; }

. "$src/tests/bench/lib.sh"
need "iproute2 dnsmasq-base nginx-light libnginx-mod-http-echo openssl ffuf time" ip dnsmasq nginx openssl ffuf /usr/bin/time
trap ns_down EXIT
ns_up
wildcard_dns_up

delay_nginx_up "$delays"

gen "$words" > "$dir/words.txt"
# ffuf's default 40 threads make 400 probes/s at 100 ms: it gets a tenth.
few=$(( words / 10 ))
gen "$few" > "$dir/few.txt"
echo "bench: $words words a run, $procs cores, delays: $delays ms"

for d in $delays; do
    url="http://{}.bench.test:$((8000 + d))/"
    measure "salvo-$d" "$words" "$build/salvo" -q -w "$dir/words.txt" -u "$url" -p baidu
    [ -n "${NO_FFUF:-}" ] && continue
    measure "ffuf-$d" "$few" ffuf -s -timeout 10 -w "$dir/few.txt" -u "${url/\{\}/FUZZ}" -mc 200 -fr '不存在'
    measure "ffuf1000-$d" "$words" ffuf -s -t 1000 -timeout 10 -w "$dir/words.txt" -u "${url/\{\}/FUZZ}" -mc 200 -fr '不存在'
done
if [[ " $delays " == *" 100 "* ]]; then
    url="http://{}.bench.test:8100/"
    for t in auto 200 500 1000 2000 3000; do
        measure "salvo-t$t" "$words" "$build/salvo" -q -t $t -w "$dir/words.txt" -u "$url" -p baidu
    done
    # Paths on one host 100 ms away (kept connections; -t auto starts at 32).
    url="http://paths.test:8100/{}"
    for t in auto 250 500 1000 2000; do
        measure "paths-t$t" "$words" "$build/salvo" -q -t $t -w "$dir/words.txt" -u "$url" -p baidu
    done
    if [ -z "${NO_FFUF:-}" ]; then measure "ffuf1000-paths" "$words" ffuf -s -t 1000 -timeout 10 -w "$dir/words.txt" -u "${url/\{\}/FUZZ}" -mc 200 -fr '不存在'; fi
    # The same over HTTPS (HTTP/2: streams on a few connections).
    url="https://paths.test:9100/{}"
    for t in auto 250 500 1000 2000; do
        measure "tlspaths-t$t" "$words" "$build/salvo" -q -t $t -w "$dir/words.txt" -u "$url" -p baidu
    done
    if [ -z "${NO_FFUF:-}" ]; then measure "ffuf1000-tlspaths" "$words" ffuf -s -t 1000 -timeout 10 -w "$dir/words.txt" -u "${url/\{\}/FUZZ}" -mc 200 -fr '不存在'; fi
fi
for f in "$dir"/*.out; do
    expected=$(( words / 100 ))
    [[ $f == */ffuf-* ]] && expected=$(( few / 100 ))
    got=$(grep -c . "$f" || true)
    [ "$got" -eq "$expected" ] || echo "bench: $(basename "$f" .out) found $got hits of $expected" >&2
done
awk -v delays="$delays" '{ r[$1] = $3; c[$1] = $4 }
     function one_host(p, what,    best, bt, k) {
         if (!((p "-tauto") in r)) return;
         best = 0; bt = "";
         for (k in r) if (k ~ ("^" p "-t[0-9]") && r[k] > best) { best = r[k]; bt = k }
         printf "100 ms, %s on one host: best fixed window %s %.0f/s; defaults reach %.0f%% of it",
             what, bt, best, 100 * r[p "-tauto"] / best;
         if (("ffuf1000-" p) in r) printf "; ffuf -t 1000 %.0f/s (%.2fx)", r["ffuf1000-" p], r[p "-tauto"] / r["ffuf1000-" p];
         printf "\n" }
     END { n = split(delays, d, " ");
           for (i = 1; i <= n; i++)
               printf "%3d ms: salvo (defaults) %7.0f/s, ffuf %7.0f/s (%.2fx), ffuf -t 1000 %7.0f/s (%.2fx)\n",
                   d[i], r["salvo-" d[i]], r["ffuf-" d[i]], r["salvo-" d[i]] / r["ffuf-" d[i]],
                   r["ffuf1000-" d[i]], r["salvo-" d[i]] / r["ffuf1000-" d[i]];
           if ("salvo-t200" in r) {
               best = 0; bt = "";
               for (k in r) if (k ~ /^salvo-t[0-9]/ && r[k] > best) { best = r[k]; bt = k }
               printf "100 ms: best fixed window %s %.0f/s; defaults reach %.0f%% of it, -t auto %.0f%%\n",
                   bt, best, 100 * r["salvo-100"] / best, 100 * r["salvo-tauto"] / best }
           one_host("paths", "paths");
           one_host("tlspaths", "HTTPS paths") }' "$dir/summary"
