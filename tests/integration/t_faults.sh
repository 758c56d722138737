# Hostile servers: a fault-injecting server of the tests' own answers per
# Host with resets, slow-loris, a 1 GiB body, a gzip bomb, broken chunking,
# a garbage status line, 100,000 headers, a 10 MB header, NUL bytes and
# invalid UTF-8, an unknown charset, a redirect loop, and a TLS handshake
# that never completes. Each probe gets its verdict or error class, every
# other probe of the same scan is unaffected, and memory stays bounded.
. "$(dirname "$0")/lib.sh"
: "${HELPERS:?}"
python3 "$HELPERS/faultserver.py" > fs.port & fpid=$!
trap 'kill $fpid 2>/dev/null' EXIT
for i in $(seq 100); do [ "$(wc -l < fs.port 2>/dev/null)" = 2 ] && break; sleep 0.1; done
FP=$(sed -n 1p fs.port) STALL=$(sed -n 2p fs.port)
kinds="resethdr resetbody slow huge bomb badchunk garbage manyhdr bighdr nul badcs loop"
{ for k in $kinds; do echo "$k-1"; done; for i in $(seq 1 60); do echo "ok-$i"; done; } |
    awk 'BEGIN { srand(7) } { print rand() "\t" $0 }' | sort | cut -f2 > w.txt
/usr/bin/time -f "%M" -o rss.txt "$SALVO" -j 2 -t 50 -p none --mc 200 --errors -f jsonl \
    --follow-redirects --connect-to "::127.0.0.1:$FP" -w w.txt > f.jsonl 2> f.err
check "scan completes: exit 0" [ $? -eq 0 ]
rss=$(cat rss.txt)
check "peak RSS of the scan ${rss} KB, under 100 MB with a 1 GiB body and a 2 GiB bomb" [ "$rss" -lt 102400 ]
python3 - f.jsonl <<'PY' || fail "verdicts"
import json, sys
r = {d["word"]: d for d in map(json.loads, open(sys.argv[1]))}
oks = [w for w in r if w.startswith("ok-")]
assert len(oks) == 60 and all(r[w]["verdict"] == "hit" and r[w]["title"] == "fine" for w in oks), oks
want = {  # word: (verdict, error class or None)
    "resethdr-1": ("error", "http"), "resetbody-1": ("error", "http"),
    "slow-1": ("error", "timeout"), "huge-1": ("hit", None), "bomb-1": ("hit", None),
    "badchunk-1": ("error", "http"), "garbage-1": ("error", "http"),
    "manyhdr-1": ("error", "http"), "bighdr-1": ("error", "http"),
    "nul-1": ("hit", None), "badcs-1": ("hit", None), "loop-1": ("error", "http"),
}
for w, (v, cls) in want.items():
    d = r[w]
    assert d["verdict"] == v and d.get("error_class") == cls, (w, d)
assert r["huge-1"]["length"] <= 1100000, r["huge-1"]      # stopped at max_body
assert r["bomb-1"]["length"] <= 1100000, r["bomb-1"]      # never inflated
assert "redirects" in r["loop-1"]["error"] and "HTTP/0.9" in r["garbage-1"]["error"]
assert "header over curl's 100 KB limit" in r["bighdr-1"]["error"], r["bighdr-1"]
print("ok: every probe has its verdict, the 60 good ones are hits")
PY
printf 'a\nb\n' > t.txt
"$SALVO" -q -j 1 -p none --errors -f jsonl --timeout 1 -u "https://{}.x:$STALL/" \
    --connect-to "::127.0.0.1:$STALL" -w t.txt > tls.jsonl
check "TLS handshake that never completes: timeouts" [ "$(grep -c '"error_class":"timeout"' tls.jsonl)" -eq 2 ]
# A server that gzips whether asked or not: the body is inflated before the
# rules see it.
printf 'gzip-1\n' > gz.txt
"$SALVO" -q -j 1 -p none --ms 'hello gzip world' -f jsonl -u "http://{}.x:$FP/" \
    --connect-to "::127.0.0.1:$FP" -w gz.txt > gz.jsonl 2> gz.err
check "gzip without being asked: decoded, the rule matches" contains gz.jsonl '"title":"zipped"'
finish
