# Output formats read back by real parsers (Python's json and csv), field
# by field, with hostile bytes in words, pages and plugin fields; error
# records with their stable class.
. "$(dirname "$0")/lib.sh"
printf 'a"b\nc,d\ne\\f\ng\001h\n\377\376x\n百度\nq r\n' > h.txt
cat > h.lua <<'LUA'
function match(res)
  if res.status ~= 200 then return false end
  return true, { quote = 'say "hi", then\nleave', ctl = "\1\2\27", bad = "\xff\xfe ok", cjk = "百度" }
LUA
echo end >> h.lua
for f in jsonl csv; do
    "$SALVO" -q -j 1 -p ./h.lua -u "http://hit-1.x/{}" --connect-to "$CT" -w h.txt -f $f > out.$f
    check "$f scan ok" [ $? -eq 0 ]
done
python3 - h.txt out.jsonl out.csv <<'PY' || fail "formats read back"
import base64, csv, json, sys
words = open(sys.argv[1], "rb").read().split(b"\n")[:-1]
hits = words
fields = {"quote": 'say "hi", then\nleave', "ctl": "\x01\x02\x1b", "bad": "\u00ff\u00fe ok", "cjk": "百度"}
recs = [json.loads(l) for l in open(sys.argv[2], encoding="utf-8")]
got = [base64.b64decode(r["word_base64"]) if "word_base64" in r else r["word"].encode() for r in recs]
assert sorted(got) == sorted(hits), got
for r in recs:
    assert r["verdict"] == "hit" and r["status"] == 200 and r["length"] == 140, r
    assert r["words"] == 5 and r["lines"] == 4 and r["title"] == "百度一下", r
    assert r["content_type"] == "text/html; charset=utf-8" and r["charset"] == "utf-8", r
    assert r["ip"] == "127.0.0.1" and 0 < r["elapsed_ms"] < 2000, r
    assert r["fields"] == fields, r["fields"]
    assert r["url"].startswith("http://hit-1.x/"), r
assert [r for r in recs if r["word"] == "\u00ff\u00fex"][0]["word_base64"] == "//54"
with open(sys.argv[3], encoding="utf-8", errors="surrogateescape", newline="") as f:
    rows = list(csv.DictReader(f))
assert sorted(r["word"].encode("utf-8", "surrogateescape") for r in rows) == sorted(hits)
for r in rows:
    assert r["verdict"] == "hit" and r["status"] == "200" and r["words"] == "5", r
    assert r["title"] == "百度一下" and r["lines"] == "4" and r["ip"] == "127.0.0.1", r
    assert json.loads(r["fields"]) == fields, r["fields"]
print("ok: jsonl and csv read back, every field")
PY

# --errors: error records with a stable class, in both formats.
cat > boom.lua <<'LUA'
function match(res) error("boom") end
LUA
"$BLACKHOLE" > bh.port & bh=$!
for i in $(seq 50); do [ -s bh.port ] && break; sleep 0.1; done
run_err() { # CLASS ARGS...: one word, one error record of that class
    local cls=$1; shift
    "$SALVO" -q -j 1 --errors -f jsonl --timeout 1 "$@" > e.jsonl 2> e.err
    python3 -c 'import json, sys
r = [json.loads(l) for l in open("e.jsonl")]
assert len(r) == 1 and r[0]["verdict"] == "error" and r[0]["error_class"] == sys.argv[1], r
assert r[0]["error"], r' "$cls" && ok "error class $cls" || { fail "error class $cls"; cat e.jsonl e.err >&2; }
}
printf 'hit-1\n' > one.txt
run_err connect  -p none -u 'http://{}.x:1/' --connect-to ::127.0.0.1:1 -w one.txt
run_err timeout  -p none -u "http://{}.x:$(cat bh.port)/" -w one.txt --connect-to "::127.0.0.1:$(cat bh.port)"
run_err tls      -p none -u 'https://{}.x/' --connect-to "::127.0.0.1:$PORT" -w one.txt
run_err script   -p ./boom.lua --connect-to "$CT" -w one.txt
printf 'refuse-1\n' > bad.txt
run_err plugin   -p "$TEST_PLUGINS/hooks.so" --connect-to "$CT" -w bad.txt
printf 'bad word\n' > badw.txt
run_err input    --connect-to "$CT" -w badw.txt
printf 'a\0b\n' > nul.txt
run_err input    -p none --connect-to "$CT" -w nul.txt
kill $bh 2>/dev/null
"$SALVO" -q -j 1 --errors -f csv -p none -u 'http://{}.x:1/' --connect-to ::127.0.0.1:1 -w one.txt > e.csv
check "csv error record with its class" python3 -c 'import csv
r = list(csv.DictReader(open("e.csv", newline="")))
assert len(r) == 1 and r[0]["verdict"] == "error" and r[0]["error_class"] == "connect", r'

# Every word ends with a verdict: with --errors and --show-filtered, one
# record per word (hit, filtered with its reason, or error with its class).
printf 'hit-1\nw2x\nmissing-3\nredir-4\nbad word\ngbkhit-5\n' > all.txt
"$SALVO" -q -j 2 --connect-to "$CT" --errors --show-filtered -f jsonl -w all.txt > all.jsonl
check "one verdict per word" python3 -c 'import json
r = {d["word"]: d for d in map(json.loads, open("all.jsonl"))}
assert len(r) == 6, r.keys()
assert r["hit-1"]["verdict"] == r["gbkhit-5"]["verdict"] == "hit"
assert r["w2x"]["filtered_by"] == r["missing-3"]["filtered_by"] == "baidu"
assert r["bad word"]["error_class"] == "input"'

# The summary: on stderr and as JSON.
gen_words 2000
"$SALVO" -j 2 --connect-to "$CT" -w words.txt --summary-json s.json > /dev/null 2> s.err
check "summary: statuses" contains s.err "statuses: 200: "
check "summary: what turned responses down" contains s.err "turned down: "
python3 - s.json expected.txt <<'PY' || fail "summary JSON"
import json, sys
s = json.load(open(sys.argv[1]))
hits = sum(1 for _ in open(sys.argv[2]))
assert s["words"] == 2000 and s["hits"] == hits and s["errors"] == 0, s
assert sum(s["status"].values()) == 2000, s["status"]
assert s["turned_down"]["plugin"] == 2000 - hits, s
assert s["workers"] == 2 and s["elapsed_s"] > 0 and s["calibration"] == {"enabled": False}, s
print("ok: summary JSON")
PY
"$SALVO" -q -j 1 --connect-to "$CT" -w words.txt --summary-json /nonexistent/dir/s.json > /dev/null 2> s2.err
check "summary JSON that cannot be written: exit 1, said" [ $? -eq 1 ]
check "and named" contains s2.err "summary /nonexistent/dir/s.json"
# Text for a reader: a scan of your own at a terminal gets ffuf's details
# (status coloured, NO_COLOR respected); a pipe or file, and the default
# job, keep the bare URL line.
printf 'hit-1\nredir-2\n' > tt.txt
cmd="$SALVO -q -j 1 -u 'http://{}.baidu.com' --connect-to $CT -w tt.txt"
TERM=xterm script -qfec "$cmd" tt.log > /dev/null
check "terminal: status, size, words, lines, title" grep -q 'http://hit-1.baidu.com \[.*Status: 200.*, Size: [0-9]*, Words: [0-9]*, Lines: [0-9]*, Title: "' tt.log
check "terminal: the redirect target" grep -q 'http://redir-2.baidu.com \[.*Status: 301.*\] -> http://hit-redirected.baidu.com/' tt.log
check "terminal: coloured" grep -q $'\033\[32mStatus: 200' tt.log
NO_COLOR=1 TERM=xterm script -qfec "$cmd" nc.log > /dev/null
check "NO_COLOR: no colour" sh -c "! grep -q $'\033\\[3' nc.log && grep -q 'Status: 200' nc.log"
eval "$cmd" > pipe.txt
check "a pipe: the bare URL lines" same_set pipe.txt <(printf 'http://hit-1.baidu.com\nhttp://redir-2.baidu.com\n')
eval "$cmd --detail always" > always.txt
check "--detail always: details in a file, no colour" sh -c "grep -q '^http://hit-1.baidu.com \\[Status: 200, Size: ' always.txt && ! grep -q $'\033' always.txt"
TERM=xterm script -qfec "$cmd --detail never" never.log > /dev/null
check "--detail never: the bare line at a terminal" grep -qx $'http://hit-1.baidu.com\r\\?' never.log
TERM=xterm script -qfec "$SALVO -q -j 1 --connect-to $CT -w tt.txt" def.log > /dev/null
check "the default job at a terminal: the bare URL line" grep -qx $'http://hit-1.baidu.com\r\\?' def.log
finish
