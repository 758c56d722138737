# -e, --extensions (ffuf's -e): each word also with each extension after
# it, as given. Exact hits on the paths site, the counts (summary, progress
# total) in probes, a line with CR LF, the refusals, and an interrupted
# scan resumed exactly.
. "$(dirname "$0")/lib.sh"
echo "127.0.0.1 paths.test" > hosts
export SALVO_HOSTS="$WORK/hosts"
U="http://paths.test:$PORT/{}"
printf 'admin\nlogin\r\nbackup\n\npage\nnope\n' > w.txt
"$SALVO" -j 1 -p none -u "$U" -w w.txt -e .html,.zip > out.txt 2> err.txt; rc=$?
printf 'http://paths.test:%s/%s\n' "$PORT" admin "$PORT" login.html "$PORT" backup.zip "$PORT" page > expected.txt
check "exit 0 ($rc)" [ $rc -eq 0 ]
check "the hits: words and word+extension (CR LF stripped first)" same_set out.txt expected.txt
check "15 probes counted as words" contains err.txt "salvo: 15 words, 4 hits, 0 errors"
check "statuses of all 15" contains err.txt "statuses: 200: 4, 404: 11"
"$SALVO" -q -j 1 -p none -u "$U" -w w.txt --extensions=.html -f jsonl --show-filtered > l.jsonl
check "--extensions= spelling: 10 probes" [ "$(wc -l < l.jsonl)" -eq 10 ]
check "the word shown is the one probed" grep -q '"word":"login.html"' l.jsonl

# The progress total counts probes too.
awk 'BEGIN { for (i = 1; i <= 300; i++) print "x" i }' > p.txt
script -qfec "\"$SALVO\" -j 1 -p none -u '$U' -w p.txt -e .a,.b --rate 600" p.log > /dev/null
tr '\r' '\n' < p.log | sed 's/\x1b\[K//g' > p.lines
check "progress: the total is words x 3" grep -qE '^[0-9,]+/900 words' p.lines

# Refused: several wordlists, an empty or odd extension.
printf 'a\n' > k.txt
"$SALVO" -q -p none -w w.txt:W -w k.txt:K -u 'http://paths.test/{W}{K}' -e .php > /dev/null 2> r1.txt; rc=$?
check "-e with two wordlists: exit 2 ($rc)" [ $rc -eq 2 ]
check "... says what to do" contains r1.txt "give the extensions a list of their own"
"$SALVO" -q -p none -u "$U" -w w.txt -e '.php,,.bak' > /dev/null 2> r2.txt; rc=$?
check "an empty extension: exit 2 ($rc)" [ $rc -eq 2 ]
check "... names it" contains r2.txt '-e .php,,.bak: "" is no extension'

# Interrupted, then resumed: the same hits as one run, none twice.
tag=e$$
for i in $(seq 1 40); do echo "page $i" > "$NGX_DIR/www/paths/$tag-$i.bak"; done
awk -v t=$tag 'BEGIN { for (i = 1; i <= 400; i++) print t "-" i }' > r.txt
seq 1 40 | sed "s|.*|http://paths.test:$PORT/$tag-&.bak|" > rexp.txt
"$SALVO" -q -j 2 -p none -u "$U" -w r.txt -e .bak,.old --rate 400 --chunk 32 --state st \
    -o r.out & pid=$!
for _ in $(seq 300); do [ "$(grep -c "/$tag-" "$NGX_DIR/paths.log")" -ge 300 ] && break; sleep 0.02; done
kill -INT $pid; wait $pid; rc=$?
check "interrupted (exit $rc)" [ $rc -eq 130 ]
"$SALVO" -q -j 2 -p none -u "$U" -w r.txt -e .bak,.old --rate 400 --chunk 32 --resume st \
    -o r.out; rc=$?
check "resumed: exit 0 ($rc)" [ $rc -eq 0 ]
check "resumed: exactly the 40 hits" same_set r.out rexp.txt
finish
