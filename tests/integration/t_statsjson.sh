# --stats-json: a JSON object a line every --stats-interval seconds and one
# at the end; every line parses whenever it is read, the counts only grow,
# the last one says final and agrees with the summary.
. "$(dirname "$0")/lib.sh"
gen_words 3000
"$SALVO" -j 2 --rate 2000 --connect-to "$CT" -w words.txt --stats-json s.json \
    --stats-interval 0.2 --summary-json sum.json > out.txt 2> err.txt; rc=$?
check "scan with --stats-json (exit $rc)" [ $rc -eq 0 ]
check "every line parses; counts grow; the last is final and exact" python3 - s.json sum.json <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
assert len(lines) >= 4, len(lines)  # 1.5 s at 0.2 s a line, and the last
done = [l["words_done"] for l in lines]
assert done == sorted(done), done
assert all(not l["final"] for l in lines[:-1]) and lines[-1]["final"], lines[-1]
s = json.load(open(sys.argv[2]))
last = lines[-1]
assert last["words_done"] == last["words_total"] == 3000 == s["words"], (last, s)
assert last["hits"] == s["hits"] and last["errors"] == s["errors"], (last, s)
for l in lines:
    assert set(l) >= {"time", "elapsed_s", "words_done", "words_total", "percent", "hits",
                      "errors", "errors_by_class", "rate_now", "rate_avg", "window",
                      "workers", "eta_s", "final"}, l
PY
# While the scan runs, a reader sees whole lines only.
"$SALVO" -j 2 --rate 1500 --connect-to "$CT" -w words.txt --stats-json live.json \
    --stats-interval 0.1 > /dev/null 2>&1 & pid=$!
torn=0
while kill -0 $pid 2> /dev/null; do
    python3 -c 'import json,sys
for l in open(sys.argv[1]).read().split("\n")[:-1]: json.loads(l)' live.json 2> /dev/null || torn=1
    sleep 0.05
done
wait $pid
check "while the scan runs, every whole line parses" [ $torn -eq 0 ]
"$SALVO" -q -j 1 --connect-to "$CT" -w words.txt --stats-json - > /dev/null 2> e.txt
check "'-' is standard error" python3 -c 'import json,sys; l=[json.loads(x) for x in open(sys.argv[1]) if x.startswith("{")]; assert l and l[-1]["final"]' e.txt
"$SALVO" -q --connect-to "$CT" -w words.txt --stats-json /nonexistent/dir/s.json > /dev/null 2> bad.err; rc=$?
check "an unwritable path is refused (exit $rc)" [ $rc -eq 2 ]
check "an unwritable path is refused (exit $rc) (and)" contains bad.err "--stats-json /nonexistent/dir/s.json"
finish
