# HTTP/2 servers that end connections early: nginx with keepalive_requests
# 7 (GOAWAY after seven streams, the rest of a hundred refused), 50 over
# 1,000 paths, and 7 with three streams at once and a one-second idle
# timeout. Refused streams are sent again on another connection without
# spending the word's tries, the cap is learnt, no probe is lost; a HEAD's
# answer ends at its headers; a failed stream names no status.
. "$(dirname "$0")/lib.sh"
: "${HELPERS:?}"
mkdir -p ng/www ng/tmp
for i in $(seq 200); do echo "file $i" > "ng/www/f$i"; done
port=0
for try in $(seq 20); do
    port=$(( 20000 + (RANDOM % 20000) ))
    cat > ng/nginx.conf <<CONF
worker_processes 1;
pid $WORK/ng/nginx.pid;
error_log $WORK/ng/error.log warn;
daemon on;
user root root;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $WORK/ng/tmp/body;
    proxy_temp_path $WORK/ng/tmp/proxy;
    fastcgi_temp_path $WORK/ng/tmp/fastcgi;
    uwsgi_temp_path $WORK/ng/tmp/uwsgi;
    scgi_temp_path $WORK/ng/tmp/scgi;
    ssl_certificate $NGX_DIR/tls.crt;
    ssl_certificate_key $NGX_DIR/tls.key;
    root $WORK/ng/www;
    server { listen 127.0.0.1:$port ssl http2; keepalive_requests 7; }
    server { listen 127.0.0.1:$((port + 1)) ssl http2; keepalive_requests 50; }
    server { listen 127.0.0.1:$((port + 2)) ssl http2; keepalive_requests 7;
             http2_max_concurrent_streams 3; keepalive_timeout 1s; }
}
CONF
    nginx -p "$WORK/ng" -c "$WORK/ng/nginx.conf" -e "$WORK/ng/error.log" 2> ng/start.log && break
    port=0
done
[ "$port" -ne 0 ] || { cat ng/start.log >&2; exit 1; }
trap 'kill $(cat "$WORK/ng/nginx.pid") 2>/dev/null' EXIT

# 329 paths: 200 files, 129 missing; 1,000 paths: 200 files, 800 missing.
{ seq -f 'f%g' 200; seq -f 'none%g' 129; } | shuf --random-source=<(yes) > p329.txt
{ seq -f 'f%g' 200; seq -f 'none%g' 800; } | shuf --random-source=<(yes) > p1000.txt

run() { # NAME PORT WORDS CLIENT [OPTIONS...]
    local name=$1 p=$2 words=$3 client=$4
    shift 4
    "$SALVO" -v -j 1 -p none --mc 200 --errors -f jsonl --http-client "$client" "$@" \
        -u "https://127.0.0.1:$p/{}" -w "$words" > "$name.jsonl" 2> "$name.err"
    local rc=$?
    local n; n=$(wc -l < "$words")
    check "$name: exit 0 (got $rc)" [ $rc -eq 0 ]
    check "$name: no error" [ "$(grep -c '"verdict":"error"' "$name.jsonl")" -eq 0 ]
    check "$name: the 200 files are hits" [ "$(grep -c '"verdict":"hit"' "$name.jsonl")" -eq 200 ]
    check "$name: every word judged" contains "$name.err" "$n words,"
}
run req7 $port p329.txt auto
check "req7: carried by the own HTTP/2 client" grep -q "by its HTTP/2 client" req7.err
check "req7: nothing by curl" grep -q ", 0 by curl" req7.err
run req50 $((port + 1)) p1000.txt auto
run req7s3 $((port + 2)) p329.txt auto
# A small window, paced by --rate, so that connections also meet the
# one-second idle timeout (GOAWAY with nothing in flight).
run req7slow $((port + 2)) p329.txt auto -t 4 --rate 200

# A HEAD ends at its headers; a server that sends a body after them (as
# Apache's mod_http2 does) still gives a whole answer.
python3 "$HELPERS/h2fault.py" "$NGX_DIR/tls.crt" "$NGX_DIR/tls.key" > h2.ports & hpid=$!
trap 'kill $(cat "$WORK/ng/nginx.pid") $hpid 2>/dev/null' EXIT
for i in $(seq 100); do grep -q '^headdata ' h2.ports 2>/dev/null && break; sleep 0.1; done
HP=$(awk '$1 == "headdata" { print $2 }' h2.ports)
printf 'a\nb\nc\n' > abc.txt
"$SALVO" -v -j 1 -p none --mc 200 --errors -f jsonl -X HEAD -u "https://127.0.0.1:$HP/{}" \
    -w abc.txt > head.jsonl 2> head.err
check "HEAD with a body after its headers: 3 hits" [ "$(grep -c '"verdict":"hit","url":"[^"]*","word":"[abc]","status":200' head.jsonl)" -eq 3 ]
check "HEAD: by the own client" grep -q ", 0 by curl" head.err
# A failed stream names no status (the reset comes after a 200's headers).
RP=$(awk '$1 == "cut" { print $2 }' h2.ports)
"$SALVO" -j 1 -p none --mc 200 --errors -f jsonl -u "https://127.0.0.1:$RP/{}" -w abc.txt > cut.jsonl 2>/dev/null
check "a stream cut short: status 0, no protocol" \
    [ "$(grep -c '"verdict":"error".*"status":0' cut.jsonl)" -eq 3 ]
check "a stream cut short: no HTTP/2 protocol named" sh -c "! grep -q '\"protocol\"' cut.jsonl"
finish
