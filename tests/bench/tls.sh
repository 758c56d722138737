#!/bin/bash
# tls.sh: the default scan's shape over HTTPS: every probe a new name, so a
# new TLS handshake each (no session can be resumed across names). salvo
# and ffuf with the same total concurrency against the bench nginx's HTTPS
# listener (an ECDSA P-256 certificate for *.bench.test, one worker), each
# measured for probes/s and the CPU of its whole process tree; CPU per
# probe is the client's cost of one handshake and request. salvo runs
# three ways: its defaults (the last session of the address offered to the
# next name, a short handshake), the same window as ffuf, and with
# --resume-across-names=no (a full handshake per name, as ffuf does).
#
# usage: sudo tests/bench/tls.sh [BUILD_DIR] [WORDS]
#   WORDS  probes per run (default 20000)
# Needs: ip (iproute2), dnsmasq, nginx, openssl, ffuf, time.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-20000}
src=$(cd "$(dirname "$0")/../.." && pwd)
ns=salvo-tls-$$
dir=$(mktemp -d /tmp/salvo-tls.XXXXXX)
conc=400
procs=$(nproc)
. "$src/tests/bench/lib.sh"
need "iproute2 dnsmasq-base nginx-light openssl ffuf time" ip dnsmasq nginx openssl ffuf /usr/bin/time
bench_up "$src"
gen "$words" > "$dir/words.txt"
per=$(( conc / procs ))
echo "bench: $words names over HTTPS, $conc in flight per tool, $procs cores, target https://*.bench.test/"
measure salvo "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" -u 'https://{}.bench.test/' -p baidu
measure salvo-auto "$words" "$build/salvo" -w "$dir/words.txt" -u 'https://{}.bench.test/' -p baidu
measure salvo-full "$words" "$build/salvo" -j "$procs" -t "$per" -w "$dir/words.txt" -u 'https://{}.bench.test/' -p baidu \
    --resume-across-names=no
measure ffuf "$words" ffuf -s -t "$conc" -timeout 2 -w "$dir/words.txt" -u 'https://FUZZ.bench.test/' -mc 200 -fr '不存在'
for t in salvo salvo-auto salvo-full ffuf; do
    got=$(grep -c . "$dir/$t.out" || true)
    [ "$got" -eq $(( words / 100 )) ] || echo "bench: warning: $t found $got hits, expected $(( words / 100 ))" >&2
done
awk -v n="$words" '{ r[$1] = $3; c[$1] = $4 }
     END { printf "CPU per probe (handshake + request): salvo %.0f us, salvo defaults %.0f us, salvo full handshakes %.0f us, ffuf %.0f us\n",
           1e6 * c["salvo"] / n, 1e6 * c["salvo-auto"] / n, 1e6 * c["salvo-full"] / n, 1e6 * c["ffuf"] / n;
           printf "full handshakes: salvo %.0f probes/s, %.2fx ffuf\n", r["salvo-full"], r["salvo-full"] / r["ffuf"];
           printf "ratio salvo/ffuf: probes/s %.2fx (defaults %.2fx), CPU per probe %.2fx less\n",
           r["salvo"] / r["ffuf"], r["salvo-auto"] / r["ffuf"], c["ffuf"] / c["salvo"] }' "$dir/summary"
