# Every case of tests/fixtures/malformed.txt sent by a server that closes
# after it: salvo's own client gives the outcome decided for it (status and
# length, or the error kind), and curl gives its own recorded one ("=" when
# it agrees). unit_h1parse replays the same table on the parser alone.
. "$(dirname "$0")/lib.sh"
: "${HELPERS:?}" "${SRC_DIR:?}"
cases="$SRC_DIR/tests/fixtures/malformed.txt"
python3 "$HELPERS/rawserver.py" "$cases" > rs.port & rpid=$!
trap 'kill $rpid 2>/dev/null' EXIT
for i in $(seq 100); do [ -s rs.port ] && break; sleep 0.1; done
RP=$(cat rs.port)
grep -v '^#' "$cases" | cut -f1 | grep . > w.txt
# curl on a connection per probe, as in it_ownclient (what curl 7.88
# makes of a kept connection the server closed varies).
for client in auto curl; do
    reuse=yes
    [ $client = curl ] && reuse=no
    "$SALVO" -v -j 1 -t 8 -p none --show-filtered --errors -f jsonl --timeout 5 \
        --reuse-connections=$reuse --http-client $client \
        -u "http://127.0.0.1:$RP/case/{}" -w w.txt > $client.jsonl 2> $client.err
    check "$client: exit 0 or 1" [ $? -le 1 ]
done
check "auto: the own client took every case it keeps" contains auto.err "by salvo's HTTP/1.1 client"
python3 - "$cases" auto.jsonl curl.jsonl <<'PY' || fail "outcomes"
import json, sys
table, auto, curl = sys.argv[1:]
want = {}
for line in open(table, encoding="utf-8"):
    if line.startswith("#") or not line.strip():
        continue
    name, own, cu = line.rstrip("\n").split("\t")[:3]
    want[name] = (own, own if cu == "=" else cu)

def seen(d):
    if d["verdict"] == "error":
        return "err " + d["error"].split(":")[0]
    return "ok %d %d" % (d["status"], d["length"])

def read(path):
    return {d["word"]: seen(d) for d in map(json.loads, open(path))}

got = {"auto": read(auto), "curl": read(curl)}
bad = 0
for name, (own, cu) in want.items():
    for client, expect in (("auto", own), ("curl", cu)):
        g = got[client].get(name)
        if expect == "curl":  # handed to curl: curl's answer, whatever it is
            expect = got["curl"].get(name)
        e = " ".join(expect.split()[:3]) if expect and expect.startswith("ok") else expect
        if g != e:
            print("%s, %s: %s, want %s" % (name, client, g, e))
            bad += 1
print("%d cases, %d outcomes differ from the table" % (len(want), bad))
sys.exit(bad > 0)
PY
finish
