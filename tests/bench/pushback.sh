#!/bin/bash
# pushback.sh: a server that answers 429 above RATE requests a second
# (nginx limit_req, no burst unless BURST is given): salvo with its default
# options, which must find the rate itself, against ffuf told the rate
# (Debian's ffuf 1.1 has no -rate: -p 1/RATE -t 1). One real file for 1
# word in 10, the rest 404. Prints each tool's wall time, how many words
# ended with a real answer and how many with 429, and the ratio of times
# (the target: salvo <= 1.2x ffuf's time, 429 final for <= 3 % of words).
#
# usage: tests/bench/pushback.sh [BUILD_DIR] [WORDS] [RATE] [BURST]
# Needs: nginx, ffuf.
set -euo pipefail
build=$(cd "${1:-build}" && pwd)
words=${2:-1000}
rate=${3:-50}
burst=${4:-0}
src=$(cd "$(dirname "$0")/../.." && pwd)
dir=$(mktemp -d /tmp/salvo-pushback.XXXXXX)
. "$src/tests/bench/lib.sh"
need "nginx-light ffuf" nginx ffuf
trap '[ -f "$dir/nginx.pid" ] && kill "$(cat "$dir/nginx.pid")"; rm -rf "$dir"' EXIT
mkdir -p "$dir/www"
chmod 755 "$dir" # nginx's workers run as nobody
awk -v n="$words" 'BEGIN { for (i = 1; i <= n; i++) print (i % 10 == 0 ? "hit-" i : "p" i "x") }' > "$dir/words.txt"
grep '^hit-' "$dir/words.txt" | while read -r f; do echo "page $f" > "$dir/www/$f"; done
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
[ "$burst" -gt 0 ] && lr="burst=$burst nodelay" || lr=""
cat > "$dir/nginx.conf" <<CONF
worker_processes 1;
pid $dir/nginx.pid;
events { worker_connections 4096; }
http {
    access_log off;
    limit_req_zone \$server_port zone=z:1m rate=${rate}r/s;
    limit_req_status 429;
    limit_req_log_level info;
    server {
        listen 127.0.0.1:$port;
        root $dir/www;
        location / { limit_req zone=z $lr; try_files \$uri =404; }
    }
}
CONF
nginx -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log"
for i in $(seq 50); do [ -f "$dir/nginx.pid" ] && break; sleep 0.1; done
echo "pushback: $words words, a server that takes $rate requests a second (burst $burst), $(nproc) cores"
# timed NAME CMD...: the wall time into $dir/NAME.t
timed() {
    local name=$1; shift
    local s e
    s=$(date +%s.%N)
    "$@" > "$dir/$name.out" 2> "$dir/$name.err" || true
    e=$(date +%s.%N)
    awk -v s="$s" -v e="$e" 'BEGIN { printf "%.2f\n", e - s }' > "$dir/$name.t"
    sleep 1.2 # the limiter forgets the run before the next one
}
timed salvo "$build/salvo" -v -u "http://127.0.0.1:$port/{}" -p none --mc all -f jsonl \
    -w "$dir/words.txt"
gap=$(awk -v r="$rate" 'BEGIN { printf "%.4f", 1 / r }')
timed ffuf ffuf -s -p "$gap" -t 1 -mc all -u "http://127.0.0.1:$port/FUZZ" -w "$dir/words.txt" \
    -o "$dir/ffuf.json" -of json
s_ok=$(grep -c '"status":\(200\|404\)' "$dir/salvo.out" || true)
s_429=$(grep -c '"status":429' "$dir/salvo.out" || true)
f_ok=$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"]; print(sum(x["status"] in (200, 404) for x in r), sum(x["status"] == 429 for x in r))' "$dir/ffuf.json")
printf '%-8s %8s s  %6s real answers  %5s ended with 429\n' salvo "$(cat "$dir/salvo.t")" "$s_ok" "$s_429"
printf '%-8s %8s s  %6s real answers  %5s ended with 429\n' ffuf "$(cat "$dir/ffuf.t")" ${f_ok% *} ${f_ok#* }
grep -v "debug" "$dir/salvo.err" | sed 's/^/  salvo: /' || true
awk -v s="$(cat "$dir/salvo.t")" -v f="$(cat "$dir/ffuf.t")" -v q="$s_429" -v n="$words" \
    'BEGIN { printf "ratio salvo/ffuf time: %.2fx (target <= 1.2x); 429 final: %.1f %% (target <= 3 %%)\n", s / f, 100 * q / n }'
