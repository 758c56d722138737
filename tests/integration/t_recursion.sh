# --recursion: a directory found is scanned with the whole wordlist under
# it. A tree of four levels on the test nginx (tree.test): directories that
# redirect to their '/', a directory hit by a word that ends in '/', a
# redirect loop, and a soft-404 page (200) of its own in /soft/ and
# /soft/deep/ that only a calibration per directory filters. Exact hits,
# depth and parent, the bound, dedup, the refusals, SIGKILL mid-way
# then --resume: exactly the hits of one run, none twice; and the same
# tree through `salvo queue` on two machines, calibrated per directory.
. "$(dirname "$0")/lib.sh"
echo "127.0.0.1 tree.test" > hosts
export SALVO_HOSTS="$WORK/hosts"
U="http://tree.test:$PORT/{}"
B="http://tree.test:$PORT"
T="$NGX_DIR/www/tree"
# (only this test's own entries: it_follow has its own under $T/f)
rm -rf "$T/admin" "$T/docs" "$T/static" "$T/soft" "$T"/r[0-9]*
mkdir -p "$T/admin/users/secret" "$T/docs/api" "$T/static" "$T/soft/deep"
echo root > "$T/index.html"
echo list > "$T/admin/users/list.html"
echo key > "$T/admin/users/secret/key.txt"
echo guide > "$T/docs/guide.html"
echo v1 > "$T/docs/api/v1.html"
echo js > "$T/static/app.js"
echo real > "$T/soft/real.html"
echo "nothing here at soft" > "$T/soft/notfound.txt"
echo "the deep directory has no such page, sorry" > "$T/soft/deep/notfound.txt"
echo real2 > "$T/soft/deep/real2.html"
printf '%s\n' admin users secret docs api static loop soft deep index.html list.html key.txt \
    guide.html v1.html app.js real.html real2.html nothing a e page 'a:b@c' '100%' 'ü' admin/ > w.txt
sed "s|^|$B/|" > expected.txt <<'EOF'
admin
admin/
admin/users
admin/users/list.html
admin/users/secret
admin/users/secret/key.txt
docs
docs/api
docs/api/v1.html
docs/guide.html
index.html
loop
soft
soft/deep
soft/deep/real2.html
soft/real.html
static
static/app.js
EOF

# 1. The whole tree, exact: 10 passes of the 25 words (the root, admin/,
# admin/users/, admin/users/secret/, docs/, docs/api/, static/, loop/,
# soft/, soft/deep/). "admin" (a 301) and "admin/" (a 403) name one
# directory: it is scanned once.
"$SALVO" -j 2 -p none -u "$U" -w w.txt --recursion --calibrate -o out.txt 2> err.txt; rc=$?
check "exit 0 ($rc)" [ $rc -eq 0 ]
check "exactly the tree's files and directories" same_set out.txt expected.txt
check "250 words: 10 passes, each directory once" contains err.txt "salvo: 250 words, 18 hits, 0 errors, 9 directories scanned in"
"$SALVO" -q -j 2 -p none -u "$U" -w w.txt --recursion --calibrate -f jsonl -o t.jsonl
check "jsonl: depth 3 and its parent" grep -qF "\"url\":\"$B/admin/users/secret/key.txt\",\"word\":\"admin/users/secret/key.txt\"" t.jsonl
check "... its depth and parent" grep -qF "\"depth\":3,\"parent\":\"$B/admin/users/secret\"}" t.jsonl
check "the root's words: depth 0, no parent" grep -qF '"word":"index.html"' t.jsonl
check "... depth 0" [ "$(grep '"word":"index.html"' t.jsonl | grep -c '"depth":0}')" -eq 1 ]
"$SALVO" -q -j 2 -p none -u "$U" -w w.txt --recursion --calibrate -f csv -o t.csv
check "csv: depth and parent columns" grep -q ',stored,depth,parent$' t.csv
check "csv: a row with them" grep -qF ",2,$B/docs/api" t.csv
"$SALVO" -q -j 2 -p none -u "$U" -w w.txt --recursion --calibrate -f csv --report t.html -o /dev/null
check "report: depth and parent columns" grep -qF '<th>depth</th><th>parent</th>' t.html

# 2. Without calibration per directory, /soft/'s 200 page is a hit for
# every word: the calibration learned at the root does not filter it.
"$SALVO" -q -j 2 -p none -u "$U" -w w.txt --recursion -o soft.txt
check "no --calibrate: soft pages flood (more than 40 under soft/)" \
    [ "$(grep -c "$B/soft/" soft.txt)" -gt 40 ]

# 3. The bound: --recursion-depth 1 scans the directories the root finds,
# and says how many deeper ones it left.
"$SALVO" -j 2 -p none -u "$U" -w w.txt --recursion --recursion-depth 1 --calibrate \
    -o d1.txt 2> d1.err; rc=$?
grep -vE '/admin/users/|/docs/api/|/soft/deep/' expected.txt > d1.exp
check "depth 1: exit 0 ($rc)" [ $rc -eq 0 ]
check "depth 1: the root's and one level down" same_set d1.txt d1.exp
check "depth 1: says what it left out" contains d1.err "--recursion-depth 1: 3 directories deeper were not scanned"

# 4. The loop (/loop -> /loop/ -> /loop) ends: /loop/ is one directory,
# and its words redirect elsewhere, not to themselves plus '/'.
check "the redirect loop: one directory, scanned once" [ "$(grep -c "^$B/loop" out.txt)" -eq 1 ]

# 5. Refused, with what to do.
refused() { "$SALVO" -q -p none --recursion "$@" > /dev/null 2> ref.txt; }
refused -u "$U" -w - < w.txt; rc=$?
check "stdin: exit 2 ($rc)" [ $rc -eq 2 ]
check "... says why" contains ref.txt "--recursion: the wordlist is read again under each directory"
refused -u "http://{}.tree.test/" -w w.txt; rc=$?
check "a word in the host: exit 2 ($rc)" [ $rc -eq 2 ]
check "... says why" contains ref.txt "the word must be in the template's path"
refused -u "$U" -w w.txt --shard 1/2; rc=$?
check "--shard: exit 2 ($rc)" [ $rc -eq 2 ]
printf 'x\n' > k.txt
refused -u "$B/{W}{K}" -w w.txt:W -w k.txt:K; rc=$?
check "two wordlists: exit 2 ($rc)" [ $rc -eq 2 ]

# 6. SIGKILL mid-recursion, then --resume: exactly the hits of one run.
# 4 directories with 3 below each, files at both levels, 300 more words.
R="$T/r$$"
mkdir -p "$R"
for d in d1 d2 d3 d4; do
    for s in s1 s2 s3; do mkdir -p "$R/$d/$s"; for f in f1 f2; do echo x > "$R/$d/$s/$f"; done; done
    echo x > "$R/$d/f3"
done
{ printf '%s\n' d1 d2 d3 d4 s1 s2 s3 f1 f2 f3; seq -f 'n%g' 1 300; } > k.txt
(cd "$T" && find "r$$" -mindepth 1 | sed "s|^|$B/|") > k.exp
UK="$B/r$$/{}"
kscan() { "$SALVO" -q -j 2 -t 8 -p none -u "$UK" -w k.txt --recursion --chunk 16 --rate 1500 \
    -f jsonl -o k.jsonl "$@"; }
"$SALVO" -q -j 2 -t 8 -p none -u "$UK" -w k.txt --recursion --chunk 16 --rate 1500 \
    -f jsonl -o k.jsonl --state k.state & pid=$!
for _ in $(seq 500); do [ "$(grep -c "/r$$/d" "$NGX_DIR/tree.log")" -ge 1500 ] && break; sleep 0.02; done
kids=$(pgrep -P $pid)
kill -KILL $pid; wait $pid 2>/dev/null
for _ in $(seq 250); do kill -0 $kids 2>/dev/null || break; sleep 0.02; done
check "killed mid-way, inside the directories ($(grep -c '"depth":[12]' k.jsonl) found below)" \
    [ "$(wc -l < k.jsonl)" -lt "$(wc -l < k.exp)" ]
check "the state names directories found" grep -q '^root ' k.state
kscan --resume k.state 2> k.err; rc=$?
check "resumed: exit 0 ($rc)" [ $rc -eq 0 ]
grep -o '"url":"[^"]*"' k.jsonl | sed 's/"url":"//; s/"$//' > k.got
check "resumed: exactly the 64 hits, none twice" same_set k.got k.exp
check "resumed: 17 passes in all" [ "$(grep -c '^root ' k.state)" -eq 16 ]

# 7. Through `salvo queue`, with --calibrate: two machines find exactly
# what one salvo found in 1., /soft/'s and /soft/deep/'s own not-found
# pages learnt per directory by whichever machine scans it.
. "$(dirname "$0")/redis.sh"
QS=(--redis "$R" -p none -u "$U" --recursion --calibrate)
"$SALVO" queue push "${QS[@]}" -w w.txt --chunk 4 2> qpush.err; rc=$?
check "queue push --recursion --calibrate: exit 0 ($rc)" [ $rc -eq 0 ]
"$SALVO" queue work "${QS[@]}" -j 1 -o q1.txt 2> q1.err & qp=$!
"$SALVO" queue work "${QS[@]}" -j 1 -o q2.txt 2> q2.err; rc2=$?
wait $qp; rc1=$?
check "queue: both machines exit 0 ($rc1, $rc2)" [ "$rc1" -eq 0 ]
check "queue: both machines exit 0 ($rc1, $rc2) (and)" [ "$rc2" -eq 0 ]
cat q1.txt q2.txt > q.txt
check "queue: exactly the tree's files and directories, each once" same_set q.txt expected.txt
"$SALVO" queue collect --redis "$R" > qc.txt 2> /dev/null
check "queue collect: the same" same_set qc.txt expected.txt
check "queue: no soft page of /soft/ or /soft/deep/ passed" \
    [ "$(grep -c "$B/soft/" qc.txt)" -eq "$(grep -c "$B/soft/" expected.txt)" ]
finish
