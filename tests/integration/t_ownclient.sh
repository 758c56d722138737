# salvo's own HTTP/1.1 client (plain-HTTP scans of one origin) against
# curl, which it stands in for: the same request bytes for short, awkward
# and non-ASCII words, headers per word, removed and empty headers, a
# replaced Host, a body and HEAD; the same status, length, title and error
# class from every hostile server of faultserver.py; every word once over
# kept connections the server closes without a word; the same results
# from nginx over 2,000 kept-alive paths; and curl for what it does not take.
. "$(dirname "$0")/lib.sh"
: "${HELPERS:?}"
FS_LOG="$WORK/requests.log" python3 "$HELPERS/faultserver.py" > fs.port & fpid=$!
trap 'kill $fpid 2>/dev/null' EXIT
for i in $(seq 100); do [ "$(wc -l < fs.port 2>/dev/null)" = 2 ] && break; sleep 0.1; done
FP=$(sed -n 1p fs.port)
# by_own LOG: transfers salvo's client started, from the -v log (-j 1).
by_own() { sed -n "s/.*transfers: \([0-9]*\) by salvo's HTTP\/1.1 client, \([0-9]*\) by curl/\1 \2/p" "$1"; }

# 1. Request bytes: each run's requests as the server read them, the same
# for curl and salvo's client.
printf '%s\n' a e page 'a:b' 'x@y' '100%' '#frag' 'q?x=1' 'a?' '..%2f' 'a/b/../c' 'café' \
    'sp ace' '~user' 'semi;colon' 'star*' > aw.txt
requests() { # NAME ARGS...: run with curl and with salvo's client, compare
    local name=$1; shift
    for cl in curl auto; do
        : > requests.log
        "$SALVO" -j 1 -q -v -p none --http-client $cl -u "http://127.0.0.1:$FP/fault/echo/{}" \
            -w aw.txt -o /dev/null "$@" 2> "$name.$cl.err"
        sort requests.log > "$name.$cl.req"
    done
    check "$name: the same requests as curl's ($(wc -l < "$name.curl.req") of them)" \
        same_set "$name.curl.req" "$name.auto.req"
    check "$name: 15 sent by salvo's client, 1 (an empty query) left to curl" \
        [ "$(by_own "$name.auto.err")" = "15 1" ]
}
requests get -A 'ua/1' -H 'X-Static: 1' -H 'X-Word: w={}' -H 'Accept:'
requests post -d 'k={}&x=1' -H 'Content-Type: text/plain'
requests head -X HEAD -H 'Host: other.test:81'
requests put -X PUT -d '' -H 'User-Agent:'
check "get: a word's header went out" grep -q "X-Word: w=x@y" get.auto.req
check "--http-client curl: no transfer by salvo's client" [ -z "$(by_own get.curl.err)" ]

# 2. Hostile servers: per word the same verdict, status, error class, and
# (but for the 1 GiB body, read in other pieces) length and title.
kinds="ok resethdr resetbody slow huge bomb badchunk garbage manyhdr bighdr nul badcs gzip
chunked eof http10 continue nocontent notmod empty badlen halfhdr shortbody"
printf '%s\n' $kinds > k.txt
for cl in curl auto; do
    "$SALVO" -j 1 -t 8 -v -p none --show-filtered --timeout 2 --errors -f jsonl \
        --http-client $cl -u "http://127.0.0.1:$FP/fault/{}" -w k.txt > "k.$cl.jsonl" 2> "k.$cl.err"
    check "hostile servers, $cl: exit 0 or 1" [ $? -le 1 ]
    sed -E 's/.*"verdict":"([a-z]*)".*"word":"([^"]*)","status":([0-9]*).*/\2 \1 \3/' "k.$cl.jsonl" |
        sort > "k.$cl.vs"
    grep -o '"word":"[^"]*"\|"error_class":"[^"]*"' "k.$cl.jsonl" | paste -sd' ' |
        sed 's/ "word"/\n"word"/g' | sort > "k.$cl.cls"
    grep -v '"word":"huge"' "k.$cl.jsonl" | grep -o '"word":"[^"]*".*"length":[0-9]*' |
        sed 's/"status".*"length"/ "length"/' | sort > "k.$cl.len"
    grep -o '"word":"[^"]*"\|"title":"[^"]*"' "k.$cl.jsonl" | sort > "k.$cl.title"
done
check "hostile servers: every word reported" [ "$(wc -l < k.auto.vs)" -eq "$(wc -l < k.txt)" ]
# 300 KB of headers: curl's status varies with when the server's close
# reaches it (0 or 200); the error is the same.
check "hostile servers: the same verdicts and statuses as curl's" \
    same_set <(grep -v '^manyhdr ' k.curl.vs) <(grep -v '^manyhdr ' k.auto.vs)
check "hostile servers: 100,000 headers are too many, as for curl" contains k.auto.jsonl \
    '"word":"manyhdr","status":200,"length":0,"elapsed_ms"'
check "hostile servers: ... and it says so" contains k.auto.jsonl \
    'Too large response headers: 307'
check "hostile servers: the same error classes" same_set k.curl.cls k.auto.cls
check "hostile servers: the same lengths" same_set k.curl.len k.auto.len
check "hostile servers: the same titles" same_set k.curl.title k.auto.title
own=$(by_own k.auto.err)
check "hostile servers: salvo's client took them ($own), curl asked again for the gzip ones" \
    [ "$own" = "$(wc -l < k.txt) 2" ]

# 3. Kept connections the server closes without a word (every one of
# faultserver's): each request that finds its connection closed goes
# again on a new one; every word once, no error.
seq 1 400 | sed 's/^/ok-/' > ok.txt
"$SALVO" -j 1 -t 8 -v -p none --errors -f jsonl -u "http://127.0.0.1:$FP/fault/{}" -w ok.txt \
    > ok.jsonl 2> ok.err
check "closed kept connections: 400 answers" [ "$(grep -c '"status":200' ok.jsonl)" -eq 400 ]
check "closed kept connections: no error" [ "$(grep -c '"verdict":"error"' ok.jsonl)" -eq 0 ]
check "closed kept connections: every word once" \
    [ "$(grep -o '"word":"[^"]*"' ok.jsonl | sort -u | wc -l)" -eq 400 ]
check "closed kept connections: all by salvo's client" [ "$(by_own ok.err)" = "400 0" ]

# 4. nginx, kept alive: 2,000 paths, the same results with either client.
seq 1 2000 | sed 's/^/p/' > p.txt
printf 'admin\nlogin.html\npage\napp/config\nbackup.zip\n' >> p.txt
for cl in curl auto; do
    "$SALVO" -j 2 -p none --show-filtered --http-client $cl -f jsonl --errors \
        -u "http://127.0.0.1:$PORT/{}" -H 'Host: paths.test' -w p.txt > "p.$cl.jsonl"
    grep -o '"word":"[^"]*","status":[0-9]*,"length":[0-9]*' "p.$cl.jsonl" | sort > "p.$cl.sl"
done
check "nginx paths: 2,005 answers" [ "$(wc -l < p.auto.sl)" -eq 2005 ]
check "nginx paths: the same statuses and lengths as curl's" same_set p.curl.sl p.auto.sl
check "nginx paths: the real pages found" [ "$(grep -c '"status":200' p.auto.sl)" -eq 5 ]

# 5. What stays curl's: a proxy, redirects followed, --http2.
for args in "-x http://127.0.0.1:$(cat "$NGX_DIR/proxyport")" "--follow-redirects" "--http2"; do
    # shellcheck disable=SC2086
    "$SALVO" -j 1 -q -v -p none $args -u "http://127.0.0.1:$FP/fault/echo/{}" -w aw.txt \
        -o /dev/null 2> curlonly.err
    check "$args: curl for every probe" [ -z "$(by_own curlonly.err)" ]
done
finish
