# --recursion and follow-ups on servers other than nginx: Debian's apache2
# (HTTP/1.1, and HTTP/2 over TLS), lighttpd and h2o, each of which
# redirects a directory to its '/' in its own way (an absolute URL or a
# path), reached by 127.0.0.1 and by `localhost`. The same tree on each:
# exactly its files and directories, depth and parent; the links plugin's
# follow-ups over HTTPS; a directory found twice (with and without its
# '/') scanned once.
. "$(dirname "$0")/lib.sh"
. "$SRC_DIR/tests/fixtures/servers.sh"
trap servers_stop EXIT
mkdir -p www/rt/d1/d2/d3
echo a > www/rt/a.html
echo b > www/rt/d1/b.html
echo c > www/rt/d1/d2/c.html
echo e > www/rt/d1/d2/d3/e.html
echo index > www/rt/d1/d2/d3/index.html
printf '<a href="d1/b.html">b</a> <a href="/rt/d1/d2/c.html">c</a> <a href="d1/d2/d3/">d3</a> <a href="d1/nothing.html">n</a>\n' \
    > www/rt/links.html
chmod -R a+rX www
cp "$NGX_DIR/tls.crt" "$NGX_DIR/tls.key" .
cp -r www "$SERVERS_DIR/"
R=$SERVERS_DIR/www
apache_up "$R" "$PWD/tls.crt" "$PWD/tls.key" || fail "apache2 starts"
lighttpd_up "$R" "$PWD/tls.crt" "$PWD/tls.key" || fail "lighttpd starts"
h2o_up "$R" "$PWD/tls.crt" "$PWD/tls.key" || fail "h2o starts"
printf '%s\n' a.html b.html c.html e.html d1 d2 d3 missing a e page > w.txt
printf '%s\n' a.html d1 d1/b.html d1/d2 d1/d2/c.html d1/d2/d3 d1/d2/d3/e.html > tree.txt

# tree NAME BASE [OPTIONS...]: --recursion on BASE/rt/ finds exactly the tree.
tree() {
    local name=$1 base=$2
    shift 2
    "$SALVO" -j 2 -p none -u "$base/rt/{}" -w w.txt --recursion -f jsonl -o "$name.jsonl" \
        "$@" 2> "$name.err"
    grep -o '"url":"[^"]*"' "$name.jsonl" | sed 's/"url":"//; s/"$//' > "$name.got"
    sed "s|^|$base/rt/|" tree.txt > "$name.exp"
    check "$name: exactly the tree" same_set "$name.got" "$name.exp"
    check "$name: 3 directories scanned, 44 words" contains "$name.err" "salvo: 44 words, 7 hits, 0 errors, 3 directories scanned in"
    check "$name: depth 3 and its parent" [ "$(grep -F "\"url\":\"$base/rt/d1/d2/d3/e.html\"" "$name.jsonl" | grep -cF "\"depth\":3,\"parent\":\"$base/rt/d1/d2/d3\"")" = 1 ]
}
tree apache-http "http://127.0.0.1:$APACHE_PORT"
tree apache-h2 "https://127.0.0.1:$APACHE_TLS"
check "apache-h2: over HTTP/2" grep -q '"protocol":"HTTP/2"' apache-h2.jsonl
tree apache-localhost "http://localhost:$APACHE_PORT"
tree lighttpd-http "http://127.0.0.1:$LIGHTTPD_PORT"
tree lighttpd-https "https://127.0.0.1:$LIGHTTPD_TLS"
tree h2o-http "http://127.0.0.1:$H2O_PORT"
tree h2o-h2 "https://127.0.0.1:$H2O_TLS"

# "d1" (a redirect) and "d1/" (the directory itself) name one directory.
printf 'd1\nd1/\nb.html\n' > w2.txt
"$SALVO" -j 1 -p none -u "http://127.0.0.1:$APACHE_PORT/rt/{}" -w w2.txt --recursion -o twice.txt \
    2> twice.err
check "d1 and d1/: scanned once (6 words)" contains twice.err "salvo: 6 words,"

# Follow-ups over HTTPS on h2o and apache: the links of a page, relative
# and absolute, each once.
for s in "h2o https://127.0.0.1:$H2O_TLS" "apache https://127.0.0.1:$APACHE_TLS"; do
    set -- $s
    echo links.html > l.txt
    "$SALVO" -j 1 -p "$TEST_PLUGINS/links.so" -u "$2/rt/{}" -w l.txt -f jsonl -o "l-$1.jsonl" \
        2> "l-$1.err"
    grep -o '"url":"[^"]*"' "l-$1.jsonl" | sed 's/"url":"//; s/"$//' > "l-$1.got"
    printf '%s\n' links.html d1/b.html d1/d2/c.html d1/d2/d3/ | sed "s|^|$2/rt/|" > "l-$1.exp"
    check "$1: the page's links over HTTPS, each once" same_set "l-$1.got" "l-$1.exp"
    check "$1: depth 1 from the page" [ "$(grep -cF "\"depth\":1,\"parent\":\"$2/rt/links.html\"" "l-$1.jsonl")" = 3 ]
done

# Follow-ups that a pass probes anyway, with --recursion: d1/b.html and
# /rt/d1/d2/c.html are words of the list under directories the scan
# finds: each is probed once (the list's 6 words at the root and in each
# of the 3 directories, and 2 follow-ups: 26), on two more servers.
printf '%s\n' links.html b.html c.html d1 d2 missing > lw.txt
printf '%s\n' links.html d1 d1/b.html d1/d2 d1/d2/c.html d1/d2/d3/ > lw.exp
for s in "apache http://127.0.0.1:$APACHE_PORT" "lighttpd http://127.0.0.1:$LIGHTTPD_PORT" \
         "h2o https://127.0.0.1:$H2O_TLS"; do
    set -- $s
    for j in 1 2; do
        "$SALVO" -j $j -p "$TEST_PLUGINS/links.so" -u "$2/rt/{}" -w lw.txt --recursion -f jsonl \
            -o "lw-$1$j.jsonl" 2> "lw-$1$j.err"
        grep -o '"url":"[^"]*"' "lw-$1$j.jsonl" | sed "s|\"url\":\"$2/rt/||; s/\"$//" > "lw-$1$j.got"
        check "$1 -j $j: followed and in the list, each once" same_set "lw-$1$j.got" lw.exp
        check "$1 -j $j: 26 probes" contains "lw-$1$j.err" "salvo: 26 words, 6 hits, 0 errors, 3 directories scanned"
    done
done
finish
