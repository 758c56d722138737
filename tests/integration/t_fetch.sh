# salvo.fetch(): a script's match() makes requests of its own without
# holding up the scan. scripts/git.lua confirms an exposed .git with a
# second request (true and false cases, exact under concurrency, each
# confirmation fetched once); tests/scripts/fetcher.lua shows what fetch
# gives (relative URLs, tables, pcall, two answers kept, a failed fetch)
# and what it refuses (out of scope, over --max-fetches, from target(), an
# error after a resume), each as an error on its word, never a cut scan.
. "$(dirname "$0")/lib.sh"
tag=f$$
W="$NGX_DIR/www/paths"
echo "127.0.0.1 paths.test" > hosts
export SALVO_HOSTS="$WORK/hosts"
mkdir -p "$W/g-real/.git" "$W/g-fake/.git"
printf 'ref: refs/heads/main\n' > "$W/g-real/.git/HEAD"
printf '[core]\n\trepositoryformatversion = 0\n' > "$W/g-real/.git/config"
printf 'ref: refs/heads/main\n' > "$W/g-fake/.git/HEAD"
: > words.txt; : > expected.txt
for i in $(seq 1 90); do
    case $((i % 3)) in
    0) d="$tag-real-$i"; mkdir -p "$W/$d/.git"; cp "$W/g-real/.git/"* "$W/$d/.git/"
       echo "http://paths.test:$PORT/$d/.git/HEAD" >> expected.txt ;;
    1) d="$tag-fake-$i"; mkdir -p "$W/$d/.git"; cp "$W/g-fake/.git/HEAD" "$W/$d/.git/" ;;
    2) d="$tag-none-$i" ;;
    esac
    echo "$d" >> words.txt
done
LOG="$NGX_DIR/paths.log"

# 1. git.lua: exact, concurrently.
"$SALVO" -q -j 2 -t 16 -p "$SRC_DIR/scripts/git.lua" -u "http://paths.test:$PORT/{}/.git/HEAD" \
    -w words.txt > hits.txt 2> err.txt; rc=$?
check "git.lua: exit 0 ($rc)" [ $rc -eq 0 ]
check "git.lua: exactly the real repositories (30)" same_set hits.txt expected.txt
wait_lines "$LOG" "/$tag-" 150
check "git.lua: one config fetched for each HEAD that answered (60)" \
    [ "$(grep -c "/$tag-[a-z]*-[0-9]*/.git/config" "$LOG")" -eq 60 ]
check "git.lua: no config fetched for a missing HEAD" [ -z "$(grep "/$tag-none-[0-9]*/.git/config" "$LOG")" ]
# Counted: the summary, its JSON, the progress line (a terminal, --rate 60
# so that it is drawn).
script -qfec "\"$SALVO\" -j 1 -p \"$SRC_DIR/scripts/git.lua\" -u 'http://paths.test:$PORT/{}/.git/HEAD' -w words.txt --rate 60 --summary-json s.json -o /dev/null" g.log > /dev/null
tr '\r' '\n' < g.log | sed 's/\x1b\[K//g' > g.lines
check "the summary counts the fetches" grep -q '^salvo: 90 words, 30 hits, 0 errors, 60 fetched by the script in ' g.lines
check "so does its JSON" python3 -c 'import json; assert json.load(open("s.json"))["fetches"] == 60'
# 150 requests at --rate 60: 2.5 s if the fetches take their turn, 1.5 s if not.
took=$(scan_secs g.lines)
check "fetches wait for --rate like words (${took}s)" python3 -c "assert $took >= 2.2"
check "and the progress line" grep -qE '^[0-9,]+/90 words \(\+[0-9]+ fetched\) \(' g.lines

# 2. What fetch gives and refuses, a word each.
printf '%s\n' scope loop raise relative table pcall keep intarget plain budget > f.txt
"$SALVO" -j 1 -t 8 -p "$SRC_DIR/tests/scripts/fetcher.lua" --max-fetches 3 \
    --lua-instructions 1000000 -u "http://paths.test:$PORT/{}" -w f.txt -f jsonl --errors \
    --show-filtered > f.jsonl 2> f.err; rc=$?
check "fetcher: exit 0 ($rc), a verdict for each of 10 words" [ $rc -eq 0 -a "$(wc -l < f.jsonl)" -eq 10 ]
v() { python3 -c 'import json, sys
r = {d["word"]: d for d in map(json.loads, open("f.jsonl"))}[sys.argv[1]]
print(r["verdict"], r.get("error_class", ""), r.get("error", "").split("\n")[0])' "$1"; }
check "a relative URL: hit" [ "$(v relative)" = "hit  " ]
check "a table with headers: hit" [ "$(v table)" = "hit  " ]
check "inside pcall: hit" [ "$(v pcall)" = "hit  " ]
check "two answers kept, and the word's own: hit" [ "$(v keep)" = "hit  " ]
check "no fetch: filtered" [ "$(v plain | cut -d' ' -f1)" = "filtered" ]
check "the budget counts per resume: hit" [ "$(v budget)" = "hit  " ]
printf 'budget\n' | "$SALVO" -q -j 1 -p "$SRC_DIR/tests/scripts/fetcher.lua" \
    --lua-instructions 500000 -u "http://paths.test:$PORT/{}" -w - -f jsonl --errors > b.jsonl
check "... and still stops a resume that spends too much" grep -q 'instruction budget of 500000 exceeded' b.jsonl
# verr WORD PATTERN: the word's "verdict class error" line matches.
verr() { v "$1" | grep -q -- "$2"; }
check "out of scope: the script's error" verr scope '^error script .*salvo.fetch: http://elsewhere.test/ is out of scope (--fetch-scope origin'
check "over --max-fetches: the script's error" verr loop '^error script .*more than 3 fetches for one word (--max-fetches)'
check "an error after a resume: said, with the fetched status" verr raise '^error script .*after the fetch: 404'
check "from target(): refused" verr intarget '^error script .*salvo.fetch: only match() can fetch'
# Fetches: relative, table, pcall, raise, budget 1 each, keep 2, loop 3
# (the 4th refused); scope and intarget none.
check "the summary counts the 10 fetches" contains f.err ", 10 fetched by the script in "
check "their answers are among the statuses (9 words answered + 10)" contains f.err "statuses: 200: 9, 404: 10"
# A fetch that fails is an answer too: error and class, and the word goes on.
printf 'down\n' | "$SALVO" -q -j 1 -p "$SRC_DIR/tests/scripts/fetcher.lua" --fetch-scope any \
    -u "http://paths.test:$PORT/{}" -w - -f jsonl > d.jsonl
check "a failed fetch: its error class in the answer" grep -q '"fields":{"class":"connect"}' d.jsonl
printf 'scope\n' | "$SALVO" -q -j 1 -p "$SRC_DIR/tests/scripts/fetcher.lua" --fetch-scope host \
    -u "http://paths.test:$PORT/{}" -w - -f jsonl --errors > s.jsonl
check "--fetch-scope host: another host is still out" grep -q 'out of scope (--fetch-scope host' s.jsonl

# 3. A compiled plugin: the shipped example (plugins/example/confirm.c)
# finds exactly what git.lua finds, and the cases of tests/plugins/fetcher.c.
: "${TEST_PLUGINS:?}"
"$SALVO" -q -j 2 -t 16 -p "$TEST_PLUGINS/confirm.so" -u "http://paths.test:$PORT/{}/.git/HEAD" \
    -w words.txt -f jsonl > c.jsonl 2> c.err; rc=$?
check "confirm.so: exit 0 ($rc)" [ $rc -eq 0 ]
grep -o '"url":"[^"]*"' c.jsonl | sed 's/"url":"//; s/"$//' > c.txt
check "confirm.so: exactly the real repositories (30)" same_set c.txt expected.txt
check "confirm.so: the field from the fetched answer" grep -q '"confirmed_by":"http://paths.test:[0-9]*/[^"]*/.git/config"' c.jsonl
printf '%s\n' chain twice noask scope down other > p.txt
"$SALVO" -q -j 1 -p "$TEST_PLUGINS/fetcher.so" --fetch-scope host -u "http://paths.test:$PORT/{}" \
    -w p.txt -f jsonl --errors --show-filtered > p.jsonl 2> p.err; rc=$?
check "fetcher.so: exit 0 ($rc), a verdict for each of 6 words" [ $rc -eq 0 -a "$(wc -l < p.jsonl)" -eq 6 ]
pv() { python3 -c 'import json, sys
r = {d["word"]: d for d in map(json.loads, open("p.jsonl"))}[sys.argv[1]]
print(r["verdict"], r.get("error_class", ""), r.get("error", ""), json.dumps(r.get("fields", {})))' "$1"; }
pverr() { pv "$1" | grep -q -- "$2"; }
check "two fetches one after the other: hit, n = 2" [ "$(pv chain)" = 'hit   {"n": "2"}' ]
check "two fetch() in one call: refused" pverr twice '^error plugin fetch(): one a call'
check "SALVO_FETCH without fetch(): refused" pverr noask '^error plugin SALVO_FETCH without a fetch() first'
check "another host (--fetch-scope host): refused" pverr scope '^error plugin fetch(): http://elsewhere.test/ is out of scope (--fetch-scope host'
check "a fetch that fails: its error in the answer" pverr down '^hit .*"error": "'
check "no fetch: filtered" pverr other '^filtered'
finish
