# --calibrate: not-found pages learned from random words, without any
# rule naming them.
. "$(dirname "$0")/lib.sh"

# A wildcard whose soft-404 echoes the host and the path and carries a
# request id and a timestamp, so that its length varies: calibration alone
# must find exactly the real pages, by host and by path.
awk 'BEGIN { for (i = 1; i <= 3000; i++) {
    r = i % 10; w = (r == 0 ? "hit-" i : r == 1 ? "gbkhit-" i : "w" i "x" substr("abcdefghij", 1, i % 9));
    print w > "wild.txt"
    if (r <= 1) print "http://" w ".wild.test/" > "wild.expected"
    if (r <= 1) print "http://" w ".baidu.com" > "path.expected"
} }'
"$SALVO" -j 2 -p none --calibrate -u 'http://{}.wild.test/' --connect-to "$CT" -w wild.txt \
    --summary-json wild.json > wild.out 2> wild.err
check "wildcard echoing the host: exactly the real pages" same_set wild.out wild.expected
check "the summary says what was learned" contains wild.err 'calibration: 6 random words, 1 not-found page learned: calibration#1(status=200): status=200 text_size='
check "learned the echoed page by its title" contains wild.err 'title="Not here"'
python3 - wild.json <<'PY' || fail "summary JSON"
import json, sys
s = json.load(open(sys.argv[1]))
c = s["calibration"]
assert c["enabled"] and c["probes"] == 6 and len(c["pages"]) == 1, c
assert c["pages"][0]["status"] == 200 and c["pages"][0]["title"] == "Not here", c
assert s["turned_down"]["calibration"] == 2400, s["turned_down"]
assert s["hits"] == 600 and s["words"] == 3000, s
print("ok: summary JSON")
PY
sed 's|^http://\(.*\)\.baidu\.com$|http://x.wild.test/\1|' path.expected > path2.expected
"$SALVO" -q -j 2 -p none --calibrate -u 'http://x.wild.test/{}' --connect-to "$CT" -w wild.txt \
    > path.out
# Every path of one host gets the soft-404 there, the real pages included:
# only the calibration's view matters, which must filter all of them.
check "wildcard echoing the path: every page filtered" [ ! -s path.out ]

# Words people bring: short and common ones that also stand in the
# not-found page's own text ("a", "page", "here", "not", ...), in any case.
# The fixed page (the baidu soft-404) and the pages that echo the host or
# the path must all be filtered: not one of these words is a real page.
{ printf '%s\n' a e m t s o p no at has html page here not sorry request title body head \
      www index admin test 1 x y Sorry NOT Here A E; echo hit-5; echo gbkhit-7; } > common.txt
"$SALVO" -q -j 2 -p none --calibrate -u 'http://{}.wild.test/' --connect-to "$CT" -w common.txt \
    > common-host.out
printf 'http://hit-5.wild.test/\nhttp://gbkhit-7.wild.test/\n' > common-host.expected
check "short words, host echoed: only the real pages" same_set common-host.out common-host.expected
"$SALVO" -q -j 2 -p none --calibrate -u 'http://x.wild.test/{}' --connect-to "$CT" -w common.txt \
    > common-path.out
check "short words, path echoed: every page filtered" [ ! -s common-path.out ]
"$SALVO" -q -j 2 -p none --mc 200 --calibrate --connect-to "$CT" -w common.txt > common-fixed.out
printf 'http://hit-5.baidu.com\nhttp://gbkhit-7.baidu.com\n' > common-fixed.expected
check "short words, a fixed not-found page: only the real pages" \
    same_set common-fixed.out common-fixed.expected

# The baidu case without the word 不存在: the default soft-404 is learned;
# the GBK and <meta> soft-404s that only some names get are other pages.
gen_words 4000
grep -E '^(gbk404|meta404)-' words.txt | sed 's|.*|http://&.baidu.com|' > other404.txt
cat expected.txt other404.txt > baidu.expected
"$SALVO" -q -j 2 -p none --mc 200 --calibrate --connect-to "$CT" -w words.txt > baidu.out
check "baidu soft-404 learned, no 不存在 rule" same_set baidu.out baidu.expected

# No wildcard (every unknown name gets a plain 404): the 404 page is learned
# and no real page is filtered.
sed 's/\.baidu\.com$/.plain.test/' expected.txt > plain.expected
"$SALVO" -q -j 2 -p none --mc 200 -u 'http://{}.plain.test' --connect-to "$CT" -w words.txt > plain.nocal
"$SALVO" -j 2 -p none --mc 200 --calibrate -u 'http://{}.plain.test' --connect-to "$CT" -w words.txt \
    > plain.out 2> plain.err
check "no wildcard: the same hits as without calibration" same_set plain.out plain.nocal
check "no wildcard: the real pages" same_set <(grep -vE '//(gbk404|meta404)-' plain.out) plain.expected
check "no wildcard: learned the plain 404" contains plain.err "status=404"

# A wildcard that redirects every name to a URL naming it.
"$SALVO" -q -j 2 -p none --calibrate -u 'http://{}.wredir.test' --connect-to "$CT" -w wild.txt \
    -f jsonl --show-filtered > wredir.jsonl
python3 - wredir.jsonl <<'PY' || fail "redirect wildcard"
import json, sys
hits, filt = [], []
for l in open(sys.argv[1]):
    d = json.loads(l)
    (hits if d["verdict"] == "hit" else filt).append(d)
assert len(hits) == 600 and all(d["status"] == 200 for d in hits), len(hits)
assert len(filt) == 2400 and all(d["filtered_by"] == "calibration#1(status=302)" for d in filt)
assert all(d["location"] == "http://landing.test/?from=" + d["word"] + ".wredir.test" for d in filt)
print("ok: redirect wildcard learned by its location, word taken out")
PY

# Calibration probes that get no answer: nothing learned, nothing filtered.
"$SALVO" -j 1 -p none --calibrate -u "http://127.0.0.1:9/{}" -w wild.txt --timeout 1 \
    > refused.out 2> refused.err
check "no answer: said so" contains refused.err "6 random words got no answer (no wildcard): nothing to filter"

# The not-found page changes during the scan (*.flip.test switches to
# another soft-404 when the file "flipped" appears): the worker's periodic
# check notices, learns the new page, says so, and filters it from then on.
awk 'BEGIN { for (i = 1; i <= 4000; i++) print (i % 10 == 0 ? "hit-" i : "w" i "x") }' > seq.txt
rm -f "$NGX_DIR/flipped"
"$SALVO" -j 1 -t 20 --rate 1000 -p none --calibrate --recalibrate 200 -u 'http://{}.flip.test' \
    --connect-to "$CT" -w seq.txt --summary-json flip.json > flip.out 2> flip.err &
pid=$!
sleep 1.5
touch "$NGX_DIR/flipped"
wait $pid
rc=$?
rm -f "$NGX_DIR/flipped"
check "scan ok" [ "$rc" -eq 0 ]
check "the change is reported when it is seen" contains flip.err "the not-found page changed during the scan, now also status=200"
check "and in the summary" contains flip.err "changed 1 time during the scan"
check "every real page found" same_set <(grep '//hit-' flip.out) <(grep '^hit-' seq.txt | sed 's|.*|http://&.flip.test|')
leak=$(grep -vc '//hit-' flip.out)
check "new soft-404s let through only until the check ($leak)" [ "$leak" -le 250 ]
check "summary JSON counts the change" python3 -c 'import json, sys
c = json.load(open(sys.argv[1]))["calibration"]
assert c["changes"] == 1 and len(c["pages"]) == 2, c' flip.json

"$SALVO" -j 1 -t 20 -p none --calibrate --recalibrate 200 -u 'http://{}.wild.test/' \
    --connect-to "$CT" -w seq.txt > seq.out 2> seq.err
check "a steady not-found page: no change reported" [ -z "$(grep 'changed' seq.err)" ]
finish
