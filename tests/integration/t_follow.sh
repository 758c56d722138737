# salvo.follow() and a plugin's follow(): work a script adds to the running
# scan. On tree.test/f/ (files made here): scripts/robots.lua follows what
# robots.txt and sitemap.xml name; the links plugin (plugins/example/links.c)
# follows the links of pages, through a cycle and a chain deeper than
# --max-depth. Exact hits with depth and parent, the bounds and their
# messages, bad follow-ups as the script's error, and SIGKILL mid-way then
# --resume: exactly the hits of one run, none twice.
. "$(dirname "$0")/lib.sh"
echo "127.0.0.1 tree.test" > hosts
export SALVO_HOSTS="$WORK/hosts"
B="http://tree.test:$PORT/f"
U="$B/{}"
F="$NGX_DIR/www/tree/f"
rm -rf "$F" && mkdir -p "$F/private" "$F/static" "$F/sub"
LINKS="$TEST_PLUGINS/links.so"
printf 'User-agent: *\nDisallow: /f/private/\nDisallow: /f/hidden.html\nDisallow: /f/*.bak$\nAllow: /elsewhere/\nSitemap: %s/sitemap.xml\nSitemap: http://other.test/sm.xml\n' "$B" > "$F/robots.txt"
echo hidden > "$F/hidden.html"
echo secret > "$F/secret-page.html"
echo js > "$F/static/app.js"
printf '<?xml version="1.0"?>\n<urlset><url><loc>%s/static/app.js</loc></url><url><loc>%s/secret-page.html</loc></url><url><loc>%s/sitemap.xml</loc></url><url><loc>%s/gone.html</loc></url></urlset>\n' "$B" "$B" "$B" "$B" > "$F/sitemap.xml"

# 1. robots.txt and its sitemap: every path they name in the template's
# reach, once; the sitemap naming itself ends there.
printf 'robots.txt\na\ne\n' > w.txt
"$SALVO" -j 2 -p "$SRC_DIR/scripts/robots.lua" -u "$U" -w w.txt -f jsonl -o r.jsonl 2> r.err; rc=$?
check "robots: exit 0 ($rc)" [ $rc -eq 0 ]
grep -o '"url":"[^"]*"' r.jsonl | sed 's/"url":"//; s/"$//' > r.got
printf '%s\n' robots.txt private/ hidden.html sitemap.xml static/app.js secret-page.html | sed "s|^|$B/|" > r.exp
check "robots: exactly what robots.txt and the sitemap name" same_set r.got r.exp
check "robots: 9 probes (3 words, 6 followed)" contains r.err "salvo: 9 words, 6 hits, 0 errors, 6 followed in"
check "robots: depth 1 and its parent" grep -qF "\"url\":\"$B/hidden.html\"" r.jsonl
check "... depth 1 from robots.txt" [ "$(grep -F "$B/hidden.html" r.jsonl | grep -cF "\"depth\":1,\"parent\":\"$B/robots.txt\"")" -eq 1 ]
check "... depth 2 from the sitemap" [ "$(grep -F "$B/secret-page.html" r.jsonl | grep -cF "\"depth\":2,\"parent\":\"$B/sitemap.xml\"")" -eq 1 ]
check "... the wordlist's own: no depth" [ "$(grep -F "\"url\":\"$B/robots.txt\"" r.jsonl | grep -c '"depth"')" -eq 0 ]
"$SALVO" -q -j 2 -p "$SRC_DIR/scripts/robots.lua" -u "$U" -w w.txt -f csv -o r.csv 2> rc.err
check "csv without --recursion: depth and parent of a script's follow-ups" python3 -c '
import csv, sys
rows = {r["url"]: r for r in csv.DictReader(open(sys.argv[1], newline=""))}
b = sys.argv[2]
assert len(rows) == 6, rows
assert (rows[b + "/secret-page.html"]["depth"], rows[b + "/secret-page.html"]["parent"]) == ("2", b + "/sitemap.xml"), rows
assert (rows[b + "/robots.txt"]["depth"], rows[b + "/robots.txt"]["parent"]) == ("0", ""), rows' r.csv "$B"

# 1b. A follow-up that a pass probes anyway is not probed once more: the
# wordlist's words (-e's included: secret-page.html), and a directory's
# (--recursion: robots.txt names private/ and private/key.txt, and the
# directory private/ is scanned with the list, key.txt in it).
printf 'robots.txt\nhidden.html\nsecret-page\n' > w2.txt
"$SALVO" -j 2 -p "$SRC_DIR/scripts/robots.lua" -u "$U" -w w2.txt -e .html -f jsonl -o r2.jsonl 2> r2.err
grep -o '"url":"[^"]*"' r2.jsonl | sed 's/"url":"//; s/"$//' > r2.got
printf '%s\n' robots.txt hidden.html secret-page.html private/ sitemap.xml static/app.js | sed "s|^|$B/|" > r2.exp
check "in the list: each URL once" same_set r2.got r2.exp
check "... the list's own line (no depth)" [ "$(grep -F "\"url\":\"$B/hidden.html\"" r2.jsonl | grep -c '"depth"')" -eq 0 ]
check "... 4 followed (gone.html too), 6 words of the list" contains r2.err "salvo: 10 words, 6 hits, 0 errors, 4 followed in"
# The list from stdin (a FIFO the test holds): hidden.html given before
# robots.txt is probed once, as the list's; private/ given after
# robots.txt's result (and with it its follow-ups) is out is dropped from
# the list: the follow-up probes it (follow-ups wait for the list's end).
mkfifo in.fifo
"$SALVO" -j 1 -p "$SRC_DIR/scripts/robots.lua" -u "$U" -w - -f jsonl -o s.jsonl < in.fifo 2> s.err & spid=$!
exec 8> in.fifo
printf 'hidden.html\nrobots.txt\n' >&8
for _ in $(seq 200); do grep -q 'robots.txt' s.jsonl 2> /dev/null && break; sleep 0.05; done
printf 'private/\n' >&8
exec 8>&-
wait $spid; rc=$?
grep -o '"url":"[^"]*"' s.jsonl | sed 's/"url":"//; s/"$//' > s.got
printf '%s\n' hidden.html robots.txt private/ sitemap.xml static/app.js secret-page.html |
    sed "s|^|$B/|" > s.exp
check "stdin: exit 0 ($rc)" [ $rc -eq 0 ]
check "stdin: each URL once" same_set s.got s.exp
check "... hidden.html the list's (no depth)" [ "$(grep -F "\"url\":\"$B/hidden.html\"" s.jsonl | grep -c '"depth"')" -eq 0 ]
check "... private/ the follow-up's (depth 1)" [ "$(grep -F "\"url\":\"$B/private/\"" s.jsonl | grep -c '"depth":1')" -eq 1 ]
G="$NGX_DIR/www/tree/g"
rm -rf "$G" && mkdir -p "$G/private"
printf 'Disallow: /g/private/\nDisallow: /g/private/key.txt\nDisallow: /g/%%C3%%BC\n' > "$G/robots.txt"
echo key > "$G/private/key.txt"
echo u > "$G/ü"
printf 'robots.txt\nkey.txt\nü\n' > g.txt
"$SALVO" -j 2 -p "$SRC_DIR/scripts/robots.lua" --recursion -u "http://tree.test:$PORT/g/{}" -w g.txt \
    -f jsonl -o g.jsonl 2> g.err
grep -o '"url":"[^"]*"' g.jsonl | sed 's/"url":"//; s/"$//' > g.got
printf '%s\n' robots.txt private/ private/key.txt %C3%BC | sed "s|^|http://tree.test:$PORT/g/|" > g.exp
check "followed, then a directory's word; a link's %C3%BC, the list's ü: once each" same_set g.got g.exp

# 2. The links plugin: relative, absolute and full links; another site,
# fragments and mailto passed over; a cycle (a <-> b) probed once each; a
# chain past --max-depth 3 said at the end.
printf '<a href="a.html">a</a> <a href="sub/c.html">c</a> <img src="/f/abs.html"> <a href="%s/deep1.html">d</a> <a href="http://other.test/x">o</a> <a href="#top">t</a> <a href="mailto:x@y">m</a> <a href="missing.html">m</a>\n' "$B" > "$F/index.html"
echo '<a href="b.html">b</a>' > "$F/a.html"
echo '<a href="a.html">a</a> <a href="/f/a.html#x">a again</a>' > "$F/b.html"
echo '<a href="../abs.html">up</a>' > "$F/sub/c.html"
echo 'abs' > "$F/abs.html"
for i in 1 2 3 4; do echo "<a href=\"deep$((i + 1)).html\">next</a>" > "$F/deep$i.html"; done
echo end > "$F/deep5.html"
printf 'index.html\nnothing\n' > l.txt
"$SALVO" -j 2 -p "$LINKS" -u "$U" -w l.txt -f jsonl -o l.jsonl 2> l.err; rc=$?
check "links: exit 0 ($rc)" [ $rc -eq 0 ]
grep -o '"url":"[^"]*"' l.jsonl | sed 's/"url":"//; s/"$//' > l.got
printf '%s\n' index.html a.html b.html sub/c.html sub/../abs.html abs.html deep1.html deep2.html deep3.html | sed "s|^|$B/|" > l.exp
check "links: exactly the pages within 3 links, each once" same_set l.got l.exp
check "links: the chain's rest is said" contains l.err "--max-depth 3: 1 follow-up deeper were not probed (first: deep4.html (from $B/deep3.html))"
"$SALVO" -q -j 2 -p "$LINKS" -u "$U" -w l.txt --max-depth 1 -o d1.txt 2> d1.err
check "--max-depth 1: the first page's links only" [ "$(wc -l < d1.txt)" -eq 5 ]
"$SALVO" -q -j 1 -p "$LINKS" -u "$U" -w l.txt --max-follows 2 -o m2.txt 2> m2.err
check "--max-follows 2: 3 hits" [ "$(wc -l < m2.txt)" -eq 3 ]
check "--max-follows 2: says what it left" grep -q -- "--max-follows 2: [0-9]* more follow-ups were not probed" m2.err

# 3. Bad follow-ups are the word's error, naming the script; follow() only in match().
cat > bad.lua <<'LUA'
function match(res)
  if res.url:match("/a$") then salvo.follow("http://other.test/x") end
  if res.url:match("/e$") then salvo.follow("two\nlines") end
  return false
end
LUA
"$SALVO" -q -j 1 -p bad.lua -u "$U" -w w.txt -f jsonl --errors -o bad.jsonl 2> bad.err; rc=$?
check "bad follow-ups: the scan goes on to its end ($rc)" [ $rc -eq 0 ]
check "... a URL the template does not make" grep -qF "http://other.test/x is not a URL the template $U makes" bad.err
check "... a line break" grep -q 'is no word to follow' bad.err
check "... each the word's error line" [ "$(grep -c '"verdict":"error".*"error_class":"script"' bad.jsonl)" -eq 2 ]
printf 'function target(w) salvo.follow(w) end\n' > t.lua
"$SALVO" -q -j 1 -p t.lua -u "$U" -w w.txt -o /dev/null 2> t.err
check "follow in target(): refused" grep -q 'salvo.follow: only match() can follow' t.err

# 4. SIGKILL mid-way, then --resume: 200 pages each with a link to a page
# of its own: exactly 400 hits, none twice.
mkdir -p "$F/k$$"
for i in $(seq 200); do echo "<a href=\"q$i.html\">q</a>" > "$F/k$$/p$i.html"; echo q > "$F/k$$/q$i.html"; done
seq -f "k$$/p%g.html" 200 > k.txt
{ seq -f "$B/k$$/p%g.html" 200; seq -f "$B/k$$/q%g.html" 200; } > k.exp
"$SALVO" -q -j 2 -t 4 -p "$LINKS" -u "$U" -w k.txt --chunk 8 --rate 200 -f jsonl -o k.jsonl \
    --state k.state & pid=$!
# 150 of the followed pages asked for: 1.7 s in, past a save of the state.
for _ in $(seq 500); do [ "$(grep -c "/f/k$$/q" "$NGX_DIR/tree.log")" -ge 150 ] && break; sleep 0.02; done
kids=$(pgrep -P $pid)
kill -KILL $pid; wait $pid 2>/dev/null
for _ in $(seq 250); do kill -0 $kids 2>/dev/null || break; sleep 0.02; done
check "killed mid-way ($(wc -l < k.jsonl) of 400 out)" [ "$(wc -l < k.jsonl)" -lt 400 ]
check "the state names follow-ups" grep -q '^follow ' k.state
"$SALVO" -q -j 2 -t 4 -p "$LINKS" -u "$U" -w k.txt --chunk 8 --rate 200 -f jsonl -o k.jsonl \
    --resume k.state; rc=$?
check "resumed: exit 0 ($rc)" [ $rc -eq 0 ]
grep -o '"url":"[^"]*"' k.jsonl | sed 's/"url":"//; s/"$//' > k.got
check "resumed: exactly the 400 hits, none twice" same_set k.got k.exp
finish
