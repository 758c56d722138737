# Connections as HTTP allows: paths on one host share them (plain HTTP and
# HTTPS, through --connect-to, the DNS stage and a proxy), HTTP/2 carries
# many probes on one connection when the server offers it, plain-HTTP names
# on one address share them, and --reuse-connections=no gives every probe a
# connection of its own. The test nginx logs every request of the paths
# site with its connection number; each run tags its requests. The site
# ends a connection after 100 requests (GOAWAY over HTTP/2, Connection:
# close over HTTP/1.1), so 600 probes need at least 6 connections, and at
# most 6 more than the transfers in flight (20).
. "$(dirname "$0")/lib.sh"
: "${HELPERS:?}"
TLS=$(cat "$NGX_DIR/tlsport") TLS1=$(cat "$NGX_DIR/tls1port") PROXY=$(cat "$NGX_DIR/proxyport")
LOG="$NGX_DIR/paths.log"
python3 "$HELPERS/dnsfault.py" count queries.log > dns.port & dnspid=$!
for i in $(seq 50); do [ -s dns.port ] && break; sleep 0.1; done
trap 'kill $dnspid 2>/dev/null' EXIT
R="127.0.0.1:$(cat dns.port)"

# 600 words: four pages of the site and 596 that are not.
{ printf 'admin\nlogin.html\napp/config\npage\n'; seq 1 596 | sed 's/^/nope-/'; } > words.txt
expect() { sed "s|^|$1|; s|\$|$2|" <<< $'admin\nlogin.html\napp/config\npage'; }
# requests TAG / connections TAG / resumed TAG: what the site saw of one
# run (its log lines: connection, its request count, protocol, scheme,
# "/PATH?run=TAG", the host, "r" for a resumed TLS session or ".").
requests() { grep -c "run=$1 " "$2"; }
connections() { grep "run=$1 " "$2" | awk '{print $1}' | sort -u | wc -l; }
resumed() { grep "run=$1 " "$2" | awk '$2 == 1 && $NF == "r"' | wc -l; }
# kept TAG LOG MAX: the run used between 1 and MAX connections.
kept() { local n; n=$(connections "$1" "$2"); echo "($1: $n connections)"; [ "$n" -ge 1 ] && [ "$n" -le "$3" ]; }
# scan TAG URL-PREFIX ARGS...: the 600 words as paths under the prefix.
scan() {
    local tag=$1 pre=$2; shift 2
    "$SALVO" -q -j 1 -t 20 --timeout 30 -f jsonl -u "$pre{}?run=$tag" -w words.txt "$@" > "$tag.jsonl"
}
hits() { python3 -c 'import json,sys; [print(r["url"]) for r in map(json.loads, open(sys.argv[1])) if r["verdict"] == "hit"]' "$1"; }
protocols() { python3 -c 'import json,sys; print(" ".join(sorted({r.get("protocol", "-") for r in map(json.loads, open(sys.argv[1]))})))' "$1"; }

scan h1 "http://paths.test/" --connect-to "$CT"
check "HTTP paths: the four pages" same_set <(hits h1.jsonl) <(expect "http://paths.test/" "?run=h1")
check "HTTP paths: every word asked once" [ "$(requests h1 "$LOG")" -eq 600 ]
check "HTTP paths: at most a connection per transfer in flight" kept h1 "$LOG" 26
check "HTTP paths: HTTP/1.1 said" [ "$(protocols h1.jsonl)" = "HTTP/1.1" ]

scan fresh "http://paths.test/" --connect-to "$CT" --reuse-connections=no
check "--reuse-connections=no: a connection per probe" [ "$(connections fresh "$LOG")" -eq 600 ]
check "--reuse-connections=no: same pages" same_set <(hits fresh.jsonl) <(expect "http://paths.test/" "?run=fresh")

scan h2 "https://paths.test/" --connect-to "::127.0.0.1:$TLS"
check "HTTPS paths: the four pages" same_set <(hits h2.jsonl) <(expect "https://paths.test/" "?run=h2")
check "HTTPS paths: every word asked once" [ "$(requests h2 "$LOG")" -eq 600 ]
check "HTTPS paths, HTTP/2 offered: a few connections" kept h2 "$LOG" 8
check "HTTPS paths: HTTP/2 said in every record" [ "$(protocols h2.jsonl)" = "HTTP/2" ]

# Short and awkward words over HTTP/2 (its sockets corked while new
# streams start): every one answered on its own stream.
printf 'a\ne\npage\na:b\nx@y\n100%%\n#frag\n页面\nq?x=1\n' > odd.txt
"$SALVO" -q -j 1 -t 4 --timeout 30 -f jsonl -p none --mc 100-599 -u "https://paths.test/{}?run=odd" \
    --connect-to "::127.0.0.1:$TLS" -w odd.txt > odd.jsonl
check "HTTP/2, awkward words: each answered over HTTP/2, no error" python3 - odd.jsonl <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 9, len(recs)
assert all(r.get("protocol") == "HTTP/2" and r["status"] > 0 and not r.get("error") for r in recs), recs
assert {r["word"] for r in recs} == {"a", "e", "page", "a:b", "x@y", "100%", "#frag", "页面", "q?x=1"}
PY

scan h2x "https://paths.test/" --connect-to "::127.0.0.1:$TLS" --http1.1
check "--http1.1: HTTP/1.1 although HTTP/2 is offered" [ "$(protocols h2x.jsonl)" = "HTTP/1.1" ]
check "--http1.1: connections kept" kept h2x "$LOG" 26

scan t1 "https://paths.test/" --connect-to "::127.0.0.1:$TLS1"
check "HTTPS, HTTP/1.1 only: the four pages" same_set <(hits t1.jsonl) <(expect "https://paths.test/" "?run=t1")
check "HTTPS, HTTP/1.1 only: HTTP/1.1 said" [ "$(protocols t1.jsonl)" = "HTTP/1.1" ]
check "HTTPS, HTTP/1.1 only: connections kept" kept t1 "$LOG" 26

# The DNS stage: one name for every probe is asked for once per answer
# kept (the first burst of the window may ask before the first answer).
: > queries.log
scan dns "http://paths.test:$PORT/" --resolvers "$R"
check "DNS stage: the four pages" same_set <(hits dns.jsonl) <(expect "http://paths.test:$PORT/" "?run=dns")
check "DNS stage: at most a query per transfer of the first window ($(wc -l < queries.log))" \
    [ "$(wc -l < queries.log)" -le 20 ]
check "DNS stage: connections kept" kept dns "$LOG" 26
: > queries.log
scan dnstls "https://paths.test:$TLS/" --resolvers "$R"
check "DNS stage, HTTPS: the four pages" same_set <(hits dnstls.jsonl) <(expect "https://paths.test:$TLS/" "?run=dnstls")
check "DNS stage, HTTPS: a few connections" kept dnstls "$LOG" 8
check "DNS stage, HTTPS: few queries ($(wc -l < queries.log))" [ "$(wc -l < queries.log)" -le 20 ]

# Many connection ends (a GOAWAY every 100 requests): curl retries the
# requests the server did not take, and a recycled transfer never runs out
# of tries (curl 7.88 counts them per handle, over all its transfers).
seq 1 5000 | sed 's/^/churn-/' > churn.txt
"$SALVO" -q -j 1 -t 200 --timeout 30 -f jsonl --errors --mc 404 -u "https://paths.test/{}?run=churn" \
    --connect-to "::127.0.0.1:$TLS" -w churn.txt > churn.jsonl
check "HTTP/2 with a GOAWAY every 100 requests: all 5000 answered" [ "$(grep -c '"verdict":"hit"' churn.jsonl)" -eq 5000 ]
check "  ... and no errors" [ "$(grep -c '"verdict":"error"' churn.jsonl)" -eq 0 ]
# What went wrong, when something did: the records that are not hits.
grep -v '"verdict":"hit"' churn.jsonl | head -5 >&2
"$SALVO" -q -j 1 -t 200 --timeout 30 -f jsonl --errors --mc 404 -u "https://paths.test/{}?run=churn1" \
    --connect-to "::127.0.0.1:$TLS1" -w churn.txt > churn1.jsonl
check "HTTP/1.1 with Connection: close every 100 requests: all 5000 answered, no errors" \
    [ "$(grep -c '"verdict":"hit"' churn1.jsonl)" -eq 5000 ]

# TLS sessions. A connection per probe to one host resumes the session of
# an earlier one (curl's own cache, with tickets on) instead of a full
# handshake; names on one address resume the last session got there.
head -500 churn.txt > tls.txt
"$SALVO" -q -j 1 -t 10 --timeout 30 -f jsonl --mc 404 --reuse-connections=no -u "https://paths.test/{}?run=sess" \
    --connect-to "::127.0.0.1:$TLS1" -w tls.txt > sess.jsonl
check "TLS, one host, a connection per probe: sessions resumed ($(resumed sess "$LOG") of 500)" \
    [ "$(resumed sess "$LOG")" -ge 450 ]
"$SALVO" -q -j 1 -t 10 --timeout 30 -f jsonl -p none --mc 100-599 -u "https://{}.paths.test/?run=across" \
    --connect-to "::127.0.0.1:$TLS1" -w tls.txt > across.jsonl
check "TLS, names on one address: sessions resumed across names ($(resumed across "$LOG") of 500)" \
    [ "$(resumed across "$LOG")" -ge 450 ]
check "  ... every name answered" [ "$(grep -c '"status":404' across.jsonl)" -eq 500 ]
"$SALVO" -q -j 1 -t 10 --timeout 30 -f jsonl -p none --mc 100-599 -u "https://{}.paths.test/?run=noacross" \
    --connect-to "::127.0.0.1:$TLS1" -w tls.txt --resume-across-names=no > noacross.jsonl
check "--resume-across-names=no: a full handshake per name" [ "$(resumed noacross "$LOG")" -eq 0 ]
# What a scan finds does not depend on it: the baidu stand-in's kinds.
awk '{ k = NR % 4; print (k == 0 ? "hit-" : k == 1 ? "redir-" : k == 2 ? "missing-" : "w") NR }' tls.txt > kinds.txt
for x in yes no; do
    "$SALVO" -q -j 2 -t 20 --timeout 30 -f jsonl --errors --resume-across-names=$x -u "https://{}.baidu.com/" \
        --connect-to "::127.0.0.1:$TLS1" -w kinds.txt | python3 -c 'import json,sys; [print(r["url"], r["verdict"], r.get("status")) for r in map(json.loads, sys.stdin)]' > kinds-$x.txt
done
check "same results with sessions across names or not" same_set kinds-yes.txt kinds-no.txt
check "  ... and some of them" [ "$(wc -l < kinds-yes.txt)" -ge 125 ]

# A kept connection sends the very request a fresh one would: names (short,
# common, IDN) on one address with a path full of / : @ ; % ~ and a query.
printf 'a\ne\npage\nx-y_z\nb\303\274cher\n1-2\n' > sp.txt
for m in keep fresh; do
    extra=(); [ $m = fresh ] && extra=(--reuse-connections=no)
    "$SALVO" -q -j 1 -t 4 --timeout 30 -p none --mc 100-599 -f jsonl "${extra[@]}" \
        -u "http://{}.paths.test/a@b:c/%41~x;y/../z?q=1&r=/s&run=w$m" --connect-to "$CT" -w sp.txt > w$m.jsonl
    grep "run=w$m " "$LOG" | awk '{ sub(/run=w[a-z]+$/, "run=", $5); print $5, $6 }' | sort > w$m.req
done
check "special paths: every name asked on kept connections" [ "$(wc -l < wkeep.req)" = 6 ]
check "  ... the same requests (path and Host) as on fresh ones" diff wkeep.req wfresh.req
check "  ... the path as given, ../ and all" grep -qF '/a@b:c/%41~x;y/../z?q=1&r=/s&run= ' wkeep.req
check "  ... the IDN name as punycode in Host" grep -q ' xn--bcher-kva.paths.test$' wkeep.req
check "  ... on kept connections" kept wkeep "$LOG" 4

# A proxy: the connections to it are kept.
scan px "http://paths.test/" --proxy "http://127.0.0.1:$PROXY"
check "proxy: the four pages" same_set <(hits px.jsonl) <(expect "http://paths.test/" "?run=px")
check "proxy: connections to the proxy kept" kept px "$NGX_DIR/proxy.log" 20
# A proxy from the environment, taken as curl takes it: http_proxy for
# plain HTTP (the proxy resolves the name: paths.test is in no DNS here),
# and no_proxy sends a host direct.
http_proxy="http://127.0.0.1:$PROXY" scan envpx "http://paths.test/"
check "http_proxy: the four pages" same_set <(hits envpx.jsonl) <(expect "http://paths.test/" "?run=envpx")
check "http_proxy: every word through the proxy" [ "$(requests envpx "$NGX_DIR/proxy.log")" -eq 600 ]
HTTPS_PROXY="http://127.0.0.1:1" http_proxy="http://127.0.0.1:$PROXY" no_proxy="paths.test" \
    scan envnp "http://paths.test/" --connect-to "$CT"
check "no_proxy: the four pages" same_set <(hits envnp.jsonl) <(expect "http://paths.test/" "?run=envnp")
check "no_proxy: none through the proxy" [ "$(grep -c 'run=envnp ' "$NGX_DIR/proxy.log")" -eq 0 ]
check "no_proxy: every word direct" [ "$(requests envnp "$LOG")" -eq 600 ]
# HTTPS_PROXY is taken for https:// (a proxy that answers nothing: every
# probe fails), HTTP_PROXY in capitals is not for http:// (curl's rule).
HTTPS_PROXY="http://user:secret@127.0.0.1:1" scan envhs "https://paths.test/" --connect-to "::127.0.0.1:$TLS" \
    2> envhs.err && envhs=ok || envhs=failed
check "HTTPS_PROXY: taken for https (the scan fails)" [ "$envhs" = failed ]
check "HTTPS_PROXY: nothing reached the site" [ "$(requests envhs "$LOG")" -eq 0 ]
check "HTTPS_PROXY: the failure names the proxy from the environment" \
    grep -q 'every probe failed (600 errors): .*the proxy http://user:\*\*\*@127.0.0.1:1 from the environment' envhs.err
check "HTTPS_PROXY: its password not shown" bash -c '! grep -q secret envhs.err'
HTTP_PROXY="http://127.0.0.1:1" scan envup "http://paths.test/" --connect-to "$CT"
check "HTTP_PROXY in capitals: not for http" same_set <(hits envup.jsonl) <(expect "http://paths.test/" "?run=envup")

# Names on one address (--connect-to pins them): each name's request goes
# out on a kept connection, the Host header naming it.
sed 's|/|-|g; s|\.|-|g' words.txt > names.txt
"$SALVO" -q -j 1 -t 20 --timeout 30 -f jsonl -p none --mc 100-599 -u "http://{}.paths.test/admin?run=names" \
    --connect-to "$CT" -w names.txt > names.jsonl
check "names on one address: every name asked once" [ "$(requests names "$LOG")" -eq 600 ]
check "names on one address: connections kept" kept names "$LOG" 26
check "names on one address: each answer is its name's" python3 - names.jsonl <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
assert len(recs) == 600 and all(r["status"] == 200 for r in recs), len(recs)
assert all(r["url"] == "http://%s.paths.test/admin?run=names" % r["word"] for r in recs)
PY

# -t auto starts small for one origin (a few kept connections carry a near
# host's rate, and it grows from there) and at 200 for a name per probe.
"$SALVO" -q -v -j 1 -u "http://paths.test/{}?run=auto" --connect-to "$CT" -w words.txt > /dev/null 2> auto1.err
check "-t auto: one origin starts at 32" grep -q -- '-t auto: starts at 32 transfers in flight (one origin, kept connections)' auto1.err
"$SALVO" -q -v -j 1 --reuse-connections=no -u "http://paths.test/{}?run=auto" --connect-to "$CT" -w words.txt > /dev/null 2> auto2.err
check "-t auto: a connection per probe starts at 200" grep -q -- '-t auto: starts at 200 transfers in flight (a connection per probe)' auto2.err
# Over HTTP/2 it keeps one connection's streams in flight (100) once the
# first answers say so; not where the server speaks HTTP/1.1 only.
"$SALVO" -q -v -j 1 --timeout 30 -f jsonl -p none --mc 100-599 -u "https://paths.test/{}?run=auto3" \
    --connect-to "::127.0.0.1:$TLS" -w words.txt > auto3.jsonl 2> auto3.err
check "-t auto, HTTP/2: up to one connection's streams" grep -q -- '-t auto: HTTP/2: [0-9]* -> 100 transfers in flight' auto3.err
check "-t auto, HTTP/2: every word answered once" [ "$(requests auto3 "$LOG")" -eq 600 -a "$(wc -l < auto3.jsonl)" -eq 600 ]
"$SALVO" -q -v -j 1 --timeout 30 -u "https://paths.test/{}?run=auto4" --connect-to "::127.0.0.1:$TLS1" \
    -w words.txt > /dev/null 2> auto4.err
check "-t auto, HTTP/1.1 over TLS: every word asked once" [ "$(requests auto4 "$LOG")" -eq 600 ]
check "-t auto, HTTP/1.1 over TLS: stays at 32" bash -c '! grep -q -- "HTTP/2:" auto4.err'
finish
