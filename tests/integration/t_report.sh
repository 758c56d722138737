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
finish
