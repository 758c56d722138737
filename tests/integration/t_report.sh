# --report: one self-contained HTML page, opened in headless Chromium: the
# table shows the hits, the charts render, nothing is fetched.
. "$(dirname "$0")/lib.sh"
gen_words 2000
{ cat words.txt; printf 'bad word\n'; } > w.txt
"$SALVO" -j 2 -q --connect-to "$CT" --report report.html -w w.txt > out.txt
check "scan ok" [ $? -eq 0 ]
check "no external resource" [ -z "$(grep -Eo '(src|href)="[^"#]+' report.html)" ]
check "no fetch or XHR in the page" [ -z "$(grep -E 'fetch\(|XMLHttpRequest|import ' report.html)" ]

chrome() {
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$WORK/chrome" --window-size=1000,1600 --virtual-time-budget=3000 "$@" \
        "file://$WORK/report.html" 2> chrome.log
}
chrome --dump-dom > dom.html
rows=$(grep -o '<tr class="hit">' dom.html | wc -l)
check "the table shows every hit ($rows of $(wc -l < expected.txt))" [ "$rows" -eq "$(wc -l < expected.txt)" ]
for u in $(shuf -n 5 --random-source=expected.txt expected.txt); do
    check "hit $u is in the table" grep -qF ">$u<" dom.html
done
check "status chart drawn" [ "$(grep -o '<rect class="bar"' dom.html | wc -l)" -ge 6 ]
check "status histogram has 200, 301, 404, 500" sh -c 'for s in 200 301 404 500; do grep -q "<title>$s: " dom.html || exit 1; done'
check "size chart drawn" grep -q '<svg id="sizes"[^>]*><rect class="bar"' dom.html
check "errors by class" grep -q '<td>input</td><td>1</td>' dom.html
check "configuration shown" grep -qF 'template = http://{}.baidu.com' dom.html
chrome --screenshot="$WORK/report.png"
check "screenshot kept at $WORK/report.png" [ -s "$WORK/report.png" ]
"$SALVO" -q --report /nonexistent/dir/r.html -w w.txt 2> bad.txt
check "unwritable report refused before the scan (exit $?)" contains bad.txt "report /nonexistent/dir/r.html: No such file"
# A scan of one's own: every column, URLs as links, failed probes listed by
# class, and the filters (also from the address: #status=301&class=...&q=...).
printf 'hit-1\nhit-2\nhit-3\nredir-4\nredir-5\nmissing-6\nbad word\n' > own.txt
"$SALVO" -q -j 1 -p none --mc 200,301,404 -u 'http://{}.baidu.com/' --connect-to "$CT" \
    --report own.html -w own.txt > /dev/null
page() { timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$WORK/chrome2" --virtual-time-budget=3000 --dump-dom "file://$WORK/own.html$1" \
    2> chrome2.log; }
page "" > own-dom.html
check "report: title, redirect, words and lines columns" grep -q '<th>words</th><th>lines</th><th>title</th><th>redirect</th>' own-dom.html
check "report: a hit's URL is a link" grep -q '<a href="http://hit-1.baidu.com/" rel="noreferrer">' own-dom.html
check "report: a redirect's target shown" grep -qF '>http://hit-redirected.baidu.com/<' own-dom.html
check "report: the failed probe, by class, with its URL" grep -q '<tr class="failed"><td>input</td>' own-dom.html
check "report: 6 hits listed" [ "$(grep -o '<tr class="hit">' own-dom.html | wc -l)" = 6 ]
page "#status=301" > own-301.html
check "report: #status=301 shows the two redirects only" [ "$(grep -o '<tr class="hit">' own-301.html | wc -l)" = 2 ]
page "#q=missing" > own-q.html
check "report: #q=missing filters by text" [ "$(grep -o '<tr class="hit">' own-q.html | wc -l)" = 1 ]
page "#class=dns" > own-c.html
check "report: #class=dns hides the input failure" [ "$(grep -o '<tr class="failed">' own-c.html | wc -l)" = 0 ]
page "#class=input" > own-i.html
check "report: #class=input shows it" [ "$(grep -o '<tr class="failed">' own-i.html | wc -l)" = 1 ]
check "report: bars filter on a click" grep -q 'r.onclick = () => pick(label)' own.html
finish
