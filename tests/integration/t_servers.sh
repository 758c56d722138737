# Conformance: salvo's own HTTP clients against servers nobody here wrote
# (Debian's apache2 with mod_http2, lighttpd, h2o, nghttpd), over HTTP and
# HTTPS, IPv4 and IPv6, each result compared with curl's (--http-client curl): the same
# status and length for every path (files of 0 B to over --max-body,
# directories, odd and encoded names, missing ones, HEAD), and no probe
# lost. A prefork apache2 with 5 workers and 40 paths a second more than it
# can take: every probe answered with default options, the same findings
# in every run; one with 8 workers keeping connections 30 s, two salvo
# workers: the same.
. "$(dirname "$0")/lib.sh"
. "$SRC_DIR/tests/fixtures/servers.sh"
trap servers_stop EXIT
mkdir -p www/dir www/sub
for n in 0 1 100 4095 4096 65536 1048577; do head -c "$n" /dev/zero | tr '\0' 'z' > "www/size$n"; done
for i in $(seq 60); do echo "page $i" > "www/p$i"; done
echo upper > www/UPPER; echo tilde > 'www/~t'; echo dash > www/-d; echo dot > www/a.b.c
echo space > 'www/a b'; echo 'capital A' > www/A; echo inner > www/sub/x
echo '<html><title>index</title></html>' > www/index.html
chmod -R a+rX www
cp "$NGX_DIR/tls.crt" "$NGX_DIR/tls.key" .
{ seq -f 'p%g' 60; seq -f 'missing%g' 60
  printf '%s\n' size0 size1 size100 size4095 size4096 size65536 size1048577 UPPER upper '~t' -d \
      a.b.c 'a%20b' %41 sub/x sub sub/ dir dir/ index.html '' . .. '../p1' 'p1?q=1' 'p1#frag' \
      'p1;x' 'non-ascii-é' 'x%00y' 'a:b' 'x@y' '%2e%2e' a e page; } > words.txt
cp -r www "$SERVERS_DIR/" # where the servers' www-data children can read it
R=$SERVERS_DIR/www
apache_up "$R" "$PWD/tls.crt" "$PWD/tls.key" || fail "apache2 starts"
lighttpd_up "$R" "$PWD/tls.crt" "$PWD/tls.key" || fail "lighttpd starts"
h2o_up "$R" "$PWD/tls.crt" "$PWD/tls.key" || fail "h2o starts"
nghttpd_up "$R" "$PWD/tls.crt" "$PWD/tls.key" || fail "nghttpd starts"

# scan NAME URL [OPTIONS...]: with the own client and with curl.
scan() {
    local name=$1 url=$2
    shift 2
    for client in auto curl; do
        "$SALVO" -v -j 1 -p none --mc 100-599 --errors -f jsonl --http-client $client "$@" \
            -u "$url" -w words.txt > "$name.$client.jsonl" 2> "$name.$client.err"
    done
    python3 - "$name" <<'PY' || fail "$name: the same answers as curl"
import json, sys
name = sys.argv[1]
def load(c):
    return {d["word"]: d for d in map(json.loads, open("%s.%s.jsonl" % (name, c)))}
own, curl = load("auto"), load("curl")
words = [w.rstrip("\n") for w in open("words.txt") if w.strip()]
assert set(own) == set(words) and set(curl) == set(words), (set(words) ^ set(own), set(words) ^ set(curl))
bad = []
for w in words:
    a, b = own[w], curl[w]
    if a.get("error_class") or b.get("error_class") or a["status"] != b["status"] or a["length"] != b["length"]:
        bad.append((w, {k: a.get(k) for k in ("status", "length", "error")},
                       {k: b.get(k) for k in ("status", "length", "error")}))
assert not bad, bad[:5]
# the files are really served (a server that answers 403 to all would pass
# the comparison): the 60 pages and the sized files
found = sum(1 for w in words if own[w]["status"] == 200 and (w[:1] == "p" and w[1:].isdigit() or w.startswith("size")))
assert found == 67, found
print("ok: %s: %d paths, the same status and length as curl, no error" % (name, len(words)))
PY
    check "$name: no transfer left the own client" grep -q ', 0 by curl' "$name.auto.err"
}
scan apache-http "http://127.0.0.1:$APACHE_PORT/{}"
scan apache-h2 "https://127.0.0.1:$APACHE_TLS/{}"
scan apache-h2-head "https://127.0.0.1:$APACHE_TLS/{}" -X HEAD
scan lighttpd-http "http://127.0.0.1:$LIGHTTPD_PORT/{}"
scan lighttpd-h2 "https://127.0.0.1:$LIGHTTPD_TLS/{}"
scan h2o-http "http://127.0.0.1:$H2O_PORT/{}"
scan h2o-h2 "https://127.0.0.1:$H2O_TLS/{}"
scan nghttpd-h2 "https://127.0.0.1:$NGHTTPD_TLS/{}"
# IPv6: the own clients connect to [::1] too (HTTP/2 here, HTTP/1.1 in
# it_capacity and it_hosts).
nghttpd_up "$R" "$PWD/tls.crt" "$PWD/tls.key" ::1 || fail "nghttpd on ::1 starts"
scan nghttpd-h2-v6 "https://[::1]:$NGHTTPD_TLS/{}"
check "IPv6: the address reported" grep -q '"ip":"::1"' nghttpd-h2-v6.auto.jsonl

# h2c: --http2 on http:// (prior knowledge). Debian's curl 7.88.1 breaks a
# reused prior-knowledge connection (327 of 329 probes failed): curl
# carries these with a connection each, and loses none.
h2c_up "$R" || fail "nghttpd --no-tls starts"
"$SALVO" -j 1 -p none --mc 100-599 --errors -f jsonl --http2 -u "http://127.0.0.1:$H2C_PORT/{}" \
    -w words.txt > h2c.jsonl 2> h2c.err
check "h2c: every path answered over HTTP/2" \
    [ "$(grep -c '"protocol":"HTTP/2"' h2c.jsonl)" -eq "$(grep -c . words.txt)" ]
check "h2c: no error" sh -c "! grep -q '\"verdict\":\"error\"' h2c.jsonl"

# A prefork apache2 that takes five connections at once.
prefork_up "$R" 5 || fail "prefork apache2 starts"
{ seq -f 'p%g' 60; seq -f 'missing%g' 400; } > many.txt
for run in 1 2; do
    "$SALVO" -p none --mc 200 --errors -f jsonl -u "http://127.0.0.1:$PREFORK_PORT/{}" -w many.txt \
        > prefork$run.jsonl 2> prefork$run.err
    check "prefork run $run: no probe lost" [ "$(grep -c '"verdict":"error"' prefork$run.jsonl)" -eq 0 ]
    check "prefork run $run: the 60 pages" [ "$(grep -c '"verdict":"hit"' prefork$run.jsonl)" -eq 60 ]
done

# A prefork apache2 with 8 workers that keeps a connection for 30 s and
# any number of requests, and two salvo workers of 32 connections each: a
# worker whose words ran out once held its 8 kept connections, and the
# other's probes waited in the server's backlog until they timed out
# three times (lost); new connections the server had not taken waited
# their timeout while the taken ones answered hundreds.
prefork_up "$R" 8 30 || fail "prefork apache2 (kept connections) starts"
{ seq -f 'p%g' 60; seq -f 'missing%g' 20000; } > kept.txt
for run in 1 2; do
    "$SALVO" -v -j 2 -p none --mc 200 --errors -f jsonl -u "http://127.0.0.1:$PREFORK_PORT/{}" \
        -w kept.txt > kept$run.jsonl 2> kept$run.err
    check "kept connections, run $run: exit 0" [ $? -eq 0 ]
    check "kept connections, run $run: the 60 pages, no probe lost" \
        contains kept$run.err "20060 words, 60 hits, 0 errors"
    check "kept connections, run $run: probes moved off connections the server had not taken" \
        grep -q "transfers moved off new connections the server had not taken" kept$run.err
done
finish
