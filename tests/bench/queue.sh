#!/bin/bash
# queue.sh: what the Redis work queue costs. The same wordlist, the same
# options and the same total of worker processes, three ways, on this one
# machine: a plain scan; `queue push` + one `queue work`; `queue push` + two
# `queue work` (two "machines" with half the processes each). Every host is
# pinned to the tests' nginx (--connect-to), so the runs differ only in how
# the words reach the workers and the results leave them. Prints wall time,
# words/s, the ratio to the plain scan, and checks that all three found the
# same hits.
#
# usage: tests/bench/queue.sh [BUILD_DIR] [WORDS]   (default 100000 words)
# Needs: nginx, redis-server, time. Loopback only; cleans up after itself.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-100000}
src=$(cd "$(dirname "$0")/../.." && pwd)
salvo=$build/salvo
dir=$(mktemp -d /tmp/salvo-qbench.XXXXXX)
procs=$(nproc)
for t in nginx redis-server redis-cli /usr/bin/time; do
    command -v $t > /dev/null || { echo "queue.sh: $t is missing (apt-get install nginx-light redis-server time)" >&2; exit 2; }
done
rport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cleanup() {
    redis-cli -p "$rport" shutdown nosave > /dev/null 2>&1 || true
    "$src/tests/fixtures/nginx.sh" stop "$dir/ngx" > /dev/null 2>&1 || true
    rm -rf "$dir"
}
trap cleanup EXIT
"$src/tests/fixtures/nginx.sh" start "$dir/ngx"
ct="::127.0.0.1:$(cat "$dir/ngx/port")"
redis-server --port "$rport" --bind 127.0.0.1 --dir "$dir" --save "" --appendonly no \
    --daemonize yes --logfile "$dir/redis.log"
for _ in $(seq 50); do redis-cli -p "$rport" ping > /dev/null 2>&1 && break; sleep 0.1; done
awk -v n="$words" 'BEGIN { for (i = 1; i <= n; i++) print (i % 20 == 0 ? "hit-" i : "w" i "x") }' \
    > "$dir/words.txt"
q=(--redis "redis://127.0.0.1:$rport" --connect-to "$ct")
secs() { /usr/bin/time -f %e -o "$dir/t" "$@"; cat "$dir/t"; }

plain=$(secs "$salvo" -q -j "$procs" --connect-to "$ct" -w "$dir/words.txt" -o "$dir/plain.txt")

"$salvo" queue push "${q[@]}" -q -w "$dir/words.txt"
one=$(secs "$salvo" queue work "${q[@]}" -q -j "$procs" -o "$dir/one.txt")

"$salvo" queue drop "${q[@]}" -q
"$salvo" queue push "${q[@]}" -q -w "$dir/words.txt"
half=$(( procs > 1 ? procs / 2 : 1 ))
start=$(date +%s.%N)
"$salvo" queue work "${q[@]}" -q -j "$half" -o "$dir/two-a.txt" &
a=$!
"$salvo" queue work "${q[@]}" -q -j "$half" -o "$dir/two-b.txt"
wait $a
two=$(echo "$(date +%s.%N) - $start" | bc)
cat "$dir/two-a.txt" "$dir/two-b.txt" > "$dir/two.txt"

same() { diff -q <(sort "$1") <(sort "$2") > /dev/null && echo same || echo DIFFERENT; }
printf '%-34s %8s %12s %10s %s\n' run seconds words/s "vs plain" hits
row() { printf '%-34s %8.2f %12.0f %9.2fx %s\n' "$1" "$2" "$(echo "$words / $2" | bc -l)" \
    "$(echo "$plain / $2" | bc -l)" "$(wc -l < "$3") ($4)"; }
row "plain scan, -j $procs" "$plain" "$dir/plain.txt" reference
row "queue work, 1 machine, -j $procs" "$one" "$dir/one.txt" "$(same "$dir/one.txt" "$dir/plain.txt")"
row "queue work, 2 machines, -j $half each" "$two" "$dir/two.txt" "$(same "$dir/two.txt" "$dir/plain.txt")"
