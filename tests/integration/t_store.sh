# --store-responses DIR: the request as sent and the response as received,
# one file a probe, named in the output. A server of the suite's own
# (wiretap.py) records the bytes it got and sent; the files must hold
# exactly those, over salvo's HTTP/1.1 client and over curl, chunked,
# gzip'ed and cut at --max-body; over HTTP/2 both clients write the same
# files; misses are kept only with --store-all; a scan killed and resumed
# leaves one whole file per hit; a directory that cannot be written is
# refused, and a file that cannot be written costs no result.
. "$(dirname "$0")/lib.sh"
: "${HELPERS:?}"
mkdir wire
python3 "$HELPERS/wiretap.py" "$WORK/wire" > s.port & spid=$!
trap 'kill $spid 2>/dev/null' EXIT
for _ in $(seq 50); do [ -s s.port ] && break; sleep 0.1; done
SP=$(cat s.port) U="http://127.0.0.1:$(cat s.port)/{}"
storecheck() { python3 "$HELPERS/storecheck.py" "$@"; }
fresh() { rm -rf st wire/*; }

# 1. Plain HTTP, both clients: hits exact, misses not kept. Words of every
# kind: short, with / : @ # %, non-ASCII.
printf '%s\n' hit/a hit/e hit/page 'hit/a:b@c' 'hit/100%' 'hit/x#y' 'hit/ü' chunked/c \
    gzip/g miss/a miss/b miss/c > w.txt
for cl in auto curl; do
    fresh
    "$SALVO" -q -j 2 -p none --mc 200 --http-client $cl -u "$U" -w w.txt -f jsonl \
        --store-responses st > o.$cl.jsonl; rc=$?
    check "$cl: exit 0 ($rc), 9 hits" [ $rc -eq 0 -a "$(grep -c '"stored":' o.$cl.jsonl)" -eq 9 ]
    check "$cl: each file is the bytes on the wire" storecheck o.$cl.jsonl st wire
    fresh
    "$SALVO" -q -j 1 -p none --mc 200 --http-client $cl -u "$U" -w w.txt -f jsonl \
        -X PUT -d 'k={}&x=1' -H 'X-Word: {}' --store-responses st > p.$cl.jsonl
    check "$cl: PUT with a body and a word's header, exact" storecheck p.$cl.jsonl st wire
    fresh
    printf 'big/1\n' | "$SALVO" -q -j 1 -p none --mc 200 --http-client $cl -u "$U" -w - \
        -f jsonl --max-body 1000 --store-responses st > b.$cl.jsonl
    check "$cl: a body over --max-body: a prefix, said cut" storecheck b.$cl.jsonl st wire
    check "$cl: ... response-cut: yes" grep -q '^response-cut: yes' st/*/*.txt
done

# 2. --store-all: every exchange, and --show-filtered names the misses'.
fresh
"$SALVO" -q -j 2 -p none --mc 200 -u "$U" -w w.txt -f jsonl --show-filtered \
    --store-responses st --store-all > all.jsonl
check "--store-all: a file for each of the 12 words" [ "$(find st -name '*.txt' | wc -l)" -eq 12 ]
check "--store-all: exact, misses too" storecheck all.jsonl st wire
check "--store-all: a miss's file says filtered" grep -q '^verdict: filtered' st/*/*.txt

# 3. The other outputs name the file: csv, the text detail, the report.
fresh
"$SALVO" -q -j 1 -p none --mc 200 -u "$U" -w w.txt -f csv --store-responses st \
    --report r.html > o.csv
check "csv: a stored column with the file" python3 -c '
import csv, os, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
assert len(rows) == 9 and all(os.path.isfile(r["stored"]) for r in rows), rows'  o.csv
f=$(python3 -c 'import csv, sys; print(next(csv.DictReader(open(sys.argv[1], newline="")))["stored"])' o.csv)
check "the report names the file" grep -qF "$f" r.html
printf 'hit/a\n' | "$SALVO" -q -j 1 -p none --mc 200 -u "$U" -w - --detail always \
    --store-responses st > o.txt
check "text detail: Stored: the file" grep -q "Stored: st/127.0.0.1_$SP/[0-9a-f]*\.txt\]" o.txt

# 4. HTTP/2 (nginx, TLS): salvo's client and curl's write the same files.
# (nginx answers these PUTs with 405 at their headers, at times before
# the body went: curl 7.88 then lost the answer, see engine.c.)
TP=$(cat "$NGX_DIR/tlsport")
printf '%s\n' admin login.html page nope > h.txt
for cl in auto curl; do
    rm -rf "h2.$cl"
    "$SALVO" -q -j 1 -p none --mc 200,405 --http-client $cl -u "https://127.0.0.1:$TP/{}" \
        -H 'Host: paths.test' -w h.txt -f jsonl --errors -X PUT -d 'x={}' \
        --store-responses "h2.$cl" > h2.$cl.jsonl 2> h2.$cl.err
    n=$(grep -c '"stored":' h2.$cl.jsonl)
    [ "$n" -eq 3 ] || cat h2.$cl.jsonl h2.$cl.err >&2
    check "HTTP/2 $cl: three hits stored ($n)" [ "$n" -eq 3 ]
    check "HTTP/2 $cl: three files" storecheck h2.$cl.jsonl "h2.$cl"
done
check "HTTP/2: salvo's client and curl's wrote the same (but the time)" \
    diff <(cat h2.auto/*/*.txt | grep -v '^date:\|^time:') <(cat h2.curl/*/*.txt | grep -v '^date:\|^time:')
check "HTTP/2: the request's body is there" grep -q '^x=login.html' h2.auto/*/*.txt

# 5. Killed and resumed: one whole file per hit, none left over.
fresh
awk 'BEGIN { for (i = 1; i <= 300; i++) print "slow/" i }' > k.txt
kscan() { "$SALVO" -q -j 2 -t 4 -p none --mc 200 -u "$U" -w k.txt -f jsonl -o k.jsonl \
    --store-responses st "$@"; }
"$SALVO" -q -j 2 -t 4 -p none --mc 200 -u "$U" -w k.txt -f jsonl -o k.jsonl \
    --store-responses st --state k.state & pid=$!
for _ in $(seq 400); do [ "$(cat wire/index 2>/dev/null | wc -l)" -ge 60 ] && break; sleep 0.02; done
kids=$(pgrep -P $pid)
kill -KILL $pid; wait $pid 2>/dev/null
# The workers end when they see their parent gone (they hold the state's lock till then).
for _ in $(seq 250); do kill -0 $kids 2>/dev/null || break; sleep 0.02; done
check "killed mid-way ($(wc -l < k.jsonl) of 300 out)" [ "$(wc -l < k.jsonl)" -lt 300 ]
kscan --resume k.state; rc=$?
check "resume after SIGKILL: exit 0 ($rc), 300 hits once" \
    [ $rc -eq 0 -a "$(grep -o '"url":"[^"]*"' k.jsonl | sort -u | wc -l)" -eq 300 -a "$(wc -l < k.jsonl)" -eq 300 ]
find st -name '*.tmp' -delete # a write cut by the kill; never under a file's own name
check "resume: every file whole and named once, exact" storecheck k.jsonl st wire

# 6. Refusals, and a file that cannot be written.
: > afile
"$SALVO" -q -p none -u "$U" -w w.txt --store-responses afile > /dev/null 2> e1.txt; rc=$?
check "a file as DIR: exit 2 ($rc)" [ $rc -eq 2 ]
check "... says so" contains e1.txt "--store-responses afile: not a directory"
"$SALVO" -q -p none -u "$U" -w w.txt --store-all > /dev/null 2> e2.txt; rc=$?
check "--store-all alone: exit 2 ($rc)" [ $rc -eq 2 ]
check "... says what is missing" contains e2.txt "give the directory too"
fresh
mkdir st && : > "st/127.0.0.1_$SP" # the host's directory is a file
"$SALVO" -j 1 -p none --mc 200 -u "$U" -w w.txt -f jsonl --store-responses st > n.jsonl 2> n.err; rc=$?
check "unwritable: exit 0 ($rc), every hit still out, none named" \
    [ $rc -eq 0 -a "$(wc -l < n.jsonl)" -eq 9 -a "$(grep -c '"stored"' n.jsonl)" -eq 0 ]
check "unwritable: said once, then counted" [ "$(grep -c 'cannot write' n.err)" -eq 1 ]
check "... with the count" contains n.err "9 exchanges could not be stored"
finish
