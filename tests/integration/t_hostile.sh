# Answers that once killed workers: a first header line that starts with a
# space (obs-fold), plain and gzipped, after ordinary answers on the same
# curl handle. Debian's libcurl 7.88.1 unfolded it onto the previous
# transfer's freed header (a heap use after free: ASan saw it, the release
# build died of SIGSEGV or SIGABRT). Every word gets its verdict, no worker
# dies, with curl alone and with salvo's own client.
. "$(dirname "$0")/lib.sh"
: "${HELPERS:?}"
python3 "$HELPERS/faultserver.py" > fs.port & fpid=$!
trap 'kill $fpid 2>/dev/null' EXIT
for i in $(seq 100); do [ "$(wc -l < fs.port 2>/dev/null)" = 2 ] && break; sleep 0.1; done
FP=$(sed -n 1p fs.port)
for i in $(seq 300); do printf "ok-%d\nfold-%d\nfoldgz-%d\n" "$i" "$i" "$i"; done > w.txt
# curl alone (every handle carries many transfers), and salvo's own client,
# which inflates the gzipped answers itself.
for client in curl auto; do
    "$SALVO" -v -j 1 -t 20 -p none --mc 200 --errors -f jsonl --http-client $client \
        -u "http://127.0.0.1:$FP/fault/{}" -w w.txt > $client.jsonl 2> $client.err
    rc=$?
    check "$client: exit 0 (got $rc)" [ $rc -eq 0 ]
    check "$client: no worker died" sh -c "! grep -q 'died' $client.err"
    check "$client: the summary counts 900 words" contains $client.err "900 words,"
done
check "auto: the own client carried the scan" contains auto.err "by salvo's HTTP/1.1 client"
python3 - curl.jsonl auto.jsonl <<'PY' || fail "verdicts"
import json, sys
for path in sys.argv[1:]:
    r = {d["word"]: d for d in map(json.loads, open(path))}
    assert len(r) == 900, (path, len(r))
    for w, d in r.items():
        kind = w.split("-")[0]
        if kind == "ok":
            assert d["verdict"] == "hit" and d["title"] == "fine", d
        elif "curl" in path:
            # curl refuses a header line folded onto nothing, and says so
            assert d["verdict"] == "error" and d["error_class"] == "http", d
            assert "a header line curl refuses" in d["error"], d
        else:
            # the own client skips it (RFC 9112 5.2 lets a recipient do
            # either) and inflates the gzipped one itself
            assert d["verdict"] == "hit" and d["title"] == kind, d
print("ok: every word has its verdict")
PY
finish
