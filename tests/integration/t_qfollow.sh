# Follow-ups and --recursion shared through `salvo queue`. Two machines run the links
# plugin (plugins/example/links.c) on 200 pages of tree.test, each with a
# link to a page of its own (depth 1), that one to a third (depth 2), and
# all to one shared page; one machine is SIGKILLed mid-way. The queue ends
# with exactly the pages of one run, each once, with depth and parent; the
# shared page is followed once over both machines; --max-follows bounds
# the whole queue and says so. Then --recursion on a tree of 12
# directories: two machines, one killed mid-way, find exactly what one
# salvo finds, each directory scanned once; collected as csv too. A
# directory found while the push still reads its list waits for it. And
# --recursion through the queue on Python's http.server over IPv6.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/redis.sh"
echo "127.0.0.1 tree.test" > hosts
export SALVO_HOSTS="$WORK/hosts"
# A tree of its own (it_follow makes tree/f anew while it runs)
B="http://tree.test:$PORT"
D="qf$$"
F="$NGX_DIR/www/tree/$D"
rm -rf "$F" && mkdir -p "$F"
LINKS="$TEST_PLUGINS/links.so"
for i in $(seq 200); do
    echo "<a href=\"q$i.html\">q</a> <a href=\"shared.html\">s</a>" > "$F/p$i.html"
    echo "<a href=\"r$i.html\">r</a>" > "$F/q$i.html"
    echo r > "$F/r$i.html"
done
echo shared > "$F/shared.html"
seq -f "$D/p%g.html" 200 > w.txt
{ for x in p q r; do seq -f "$B/$D/$x%g.html" 200; done; echo "$B/$D/shared.html"; } > exp.txt
S=(-p "$LINKS" -u "$B/{}")
Q=(--redis "$R")
status_json() { "$SALVO" queue status "${Q[@]}" "$@" -f jsonl; }
# field NAME...: those fields of the status, space-separated
fields() { status_json | python3 -c 'import json,sys
s=json.load(sys.stdin); print(" ".join(str(s[k]) for k in sys.argv[1:]))' "$@"; }
# kill_one OUT RATE FIELD MIN DONE OPTIONS...: two machines work the
# queue (OUT1.jsonl, OUT2.jsonl and their .err); machine 2 is SIGKILLed
# once status's FIELD is MIN or more and DONE chunks are done (20 s at
# most); at_field, at_done, at_chunks are what status said then, rc1
# machine 1's exit status.
kill_one() {
    local out=$1 rate=$2 field=$3 min=$4 done=$5 m
    shift 5
    for m in 1 2; do
        "$SALVO" queue work "${Q[@]}" "$@" -j 2 -t 4 --rate "$rate" --claim-idle 2 -f jsonl \
            -o "$out$m.jsonl" 2> "$out$m.err" &
        eval "pid$m=$!"
    done
    for _ in $(seq 400); do
        read -r at_field at_done at_chunks <<< "$(fields "$field" done chunks)"
        [ "${at_field:-0}" -ge "$min" ] && [ "${at_done:-0}" -ge "$done" ] && break; sleep 0.05
    done
    kill -9 "$pid2"
    wait "$pid1"; rc1=$?
}
urls() { grep -o '"url":"[^"]*"' "$1" | sed 's/"url":"//; s/"$//'; }

"$SALVO" queue push "${Q[@]}" "${S[@]}" -w w.txt --chunk 8 2> push.err
check "push: 200 words in 25 chunks" contains push.err 'queue "salvo": 200 words in 25 chunks'
# Kill machine 2 once follow-ups are queued and some of them done (slowly
# enough, 60 pages/s a machine, that a poll of the status on a busy
# machine does not come after the end).
kill_one m 60 follows 100 60 "${S[@]}"
check "the kill comes mid-scan ($at_done of $at_chunks chunks done, $at_field follow-ups)" \
    [ "${at_done:-0}" -lt "${at_chunks:-0}" ]
check "the other machine finishes (exit $rc1)" [ "$rc1" = 0 ]
check "status: finished, 401 follow-ups, 426 chunks, none pending" \
    [ "$(fields finished follows chunks done pending)" = "True 401 426 426 0" ]
"$SALVO" queue collect "${Q[@]}" -f jsonl > all.jsonl 2> collect.err
urls all.jsonl > got.txt
check "collect: exactly the 601 pages" same_set got.txt exp.txt
check "each once" [ -z "$(sort got.txt | uniq -d)" ]
check "the shared page: once, from one of the pages" \
    [ "$(grep -F "/$D/shared.html" all.jsonl | grep -c "\"depth\":1,\"parent\":\"$B/$D/p[0-9]*.html\"")" = 1 ]
check "depth 1 with its parent: q7 once" [ "$(grep -cF "\"url\":\"$B/$D/q7.html\"" all.jsonl)" = 1 ]
check "... its depth and parent" [ "$(grep -F "\"url\":\"$B/$D/q7.html\"" all.jsonl | grep -cF "\"depth\":1,\"parent\":\"$B/$D/p7.html\"")" = 1 ]
check "depth 2 with its parent" [ "$(grep -F "\"url\":\"$B/$D/r7.html\"" all.jsonl | grep -cF "\"depth\":2,\"parent\":\"$B/$D/q7.html\"")" = 1 ]
check "the wordlist's own pages: no depth" [ "$(grep -F "\"url\":\"$B/$D/p7.html\"" all.jsonl | grep -c '"depth"')" = 0 ]
"$SALVO" queue collect "${Q[@]}" -f csv -o all.csv 2> /dev/null
check "collect as csv: 601 rows" [ "$(python3 -c 'import csv,sys; print(sum(1 for r in csv.DictReader(open("all.csv"))))')" = 601 ]
check "the surviving machine's own output has follow-ups" grep -q '"depth":2' m1.jsonl
check "the surviving machine counts what it followed" grep -q ' followed in' m1.err

# --max-follows bounds the queue as a whole, and says so.
"$SALVO" queue drop "${Q[@]}" 2> /dev/null
check "drop removes the followed set" [ "$(redis-cli -p "$RPORT" exists salvo:salvo:seen)" = 0 ]
"$SALVO" queue push "${Q[@]}" "${S[@]}" --max-follows 5 -w w.txt --chunk 8 2> /dev/null
"$SALVO" queue work "${Q[@]}" "${S[@]}" --max-follows 5 -j 2 -f jsonl -o b.jsonl 2> b.err; rc=$?
check "bounded: exit 0 ($rc)" [ $rc = 0 ]
# 201 pages named at depth 1 (200 of their own and the shared one), 5 of
# them probed; each of those but the shared page names one more.
set -- $(fields follows follows_over finished)
check "bounded: 5 follow-ups, 200 or 201 over ($1, $2)" [ "$1" = 5 ]
check "bounded: 5 follow-ups, 200 or 201 over ($1, $2) (and)" [ "$3" = True ]
check "bounded: 5 follow-ups, 200 or 201 over ($1, $2) (and)" [ "$2" -ge 200 ]
check "bounded: 5 follow-ups, 200 or 201 over ($1, $2) (and)" [ "$2" -le 201 ]
check "bounded: the worker says it" grep -q -- "--max-follows 5: $2 more follow-ups were not probed" b.err
"$SALVO" queue status "${Q[@]}" > st.txt
check "bounded: status names the first left out" \
    grep -q "$2 more over --max-follows, not probed (first: $D/[pqrs].*(from $B/$D/" st.txt
check "bounded: 205 results" [ "$(wc -l < b.jsonl)" = 205 ]

# --recursion through the queue: a directory found becomes the push's
# chunks again (their words kept in Redis), with the directory's path.
T="$F/tree"
for a in t1 t2 t3 t4; do for b in m1 m2; do mkdir -p "$T/$a/$b"; echo p > "$T/$a/$b/page1"; done
    echo p > "$T/$a/page1"; done
echo p > "$T/page1"
{ printf '%s\n' t1 t2 t3 t4 m1 m2 page1; seq -f 'n%g' 293; } > rw.txt
RS=(-p none -u "$B/$D/tree/{}" --recursion)
"$SALVO" -q -j 2 "${RS[@]}" -w rw.txt -f jsonl -o one.jsonl 2> one.err
urls one.jsonl > one.txt
check "one salvo: the 25 files and directories" [ "$(wc -l < one.txt)" = 25 ]
"$SALVO" queue drop "${Q[@]}" 2> /dev/null
"$SALVO" queue push "${Q[@]}" "${RS[@]}" -w rw.txt --chunk 8 2> rpush.err
check "push: 300 words in 38 chunks" contains rpush.err 'queue "salvo": 300 words in 38 chunks'
check "push keeps the words for the directories" [ "$(redis-cli -p "$RPORT" hlen salvo:salvo:list)" = 38 ]
kill_one rm 250 directories 6 150 "${RS[@]}"
check "the kill comes mid-recursion ($at_done of $at_chunks chunks done, $at_field directories)" \
    [ "${at_done:-0}" -lt "${at_chunks:-0}" ]
check "the other machine finishes (exit $rc1)" [ "$rc1" = 0 ]
check "status: 12 directories, 13 x 38 chunks, all done" \
    [ "$(fields directories chunks done finished)" = "12 494 494 True" ]
"$SALVO" queue collect "${Q[@]}" -f jsonl > rall.jsonl 2> /dev/null
urls rall.jsonl > rall.txt
check "collect: exactly what one salvo finds" same_set rall.txt one.txt
check "each once" [ -z "$(sort rall.txt | uniq -d)" ]
check "depth 2 with its parent" [ "$(grep -F "\"url\":\"$B/$D/tree/t3/m2/page1\"" rall.jsonl | grep -cF "\"depth\":2,\"parent\":\"$B/$D/tree/t3/m2\"")" = 1 ]
"$SALVO" queue collect "${Q[@]}" -f csv -o rall.csv 2> /dev/null
check "collect as csv: the 25 rows, t3/m2/page1 at depth 2 from t3/m2" [ "$(python3 -c '
import csv, sys
rows = list(csv.DictReader(open("rall.csv")))
r = [x for x in rows if x["url"].endswith("/tree/t3/m2/page1")]
print(len(rows), len(r), r[0]["depth"] if r else "", r[0]["parent"].endswith("/tree/t3/m2") if r else "")
')" = "25 1 2 True" ]

# A directory found while the push still reads its list (here a FIFO the
# test holds open): its chunk waits, and is stored once the push is whole.
"$SALVO" queue drop "${Q[@]}" 2> /dev/null
{ cat rw.txt; seq -f 'x%g' 1200; } > fw.txt
"$SALVO" -q -j 2 "${RS[@]}" -w fw.txt -f jsonl -o fone.jsonl 2> /dev/null
urls fone.jsonl > fone.txt
mkfifo fw.fifo
"$SALVO" queue push "${Q[@]}" "${RS[@]}" -w fw.fifo --chunk 8 2> fpush.err & ppid=$!
exec 7> fw.fifo
# The push sends its chunks 128 at a time: 1,200 lines make the first ones
# visible while it waits for the rest.
head -1200 fw.txt >&7
# (7>&-: a worker holding the FIFO open would keep the push from its end)
"$SALVO" queue work "${Q[@]}" "${RS[@]}" -j 1 -f jsonl -o fw.jsonl 2> fw.err 7>&- & wpid=$!
for _ in $(seq 300); do grep -q "a directory was found before the push ended" fw.err && break; sleep 0.1; done
check "the worker waits for the push with its directories" \
    grep -q "a directory was found before the push ended" fw.err
tail -n +1201 fw.txt >&7
exec 7>&-
wait $ppid; rc=$?
check "the push ends (exit $rc)" [ $rc = 0 ]
wait $wpid; rc=$?
check "the worker ends (exit $rc)" [ $rc = 0 ]
urls fw.jsonl > fw.txt
check "the worker found exactly what one salvo finds" same_set fw.txt fone.txt

# A directory's words gone from the queue (its list entry deleted by hand):
# each such directory is named, the rest of the scan goes on, and the exit
# status says words were left unprobed.
"$SALVO" queue drop "${Q[@]}" 2> /dev/null
"$SALVO" queue push "${Q[@]}" "${RS[@]}" -w rw.txt --chunk 8 2> /dev/null
redis-cli -p "$RPORT" hdel salvo:salvo:list 0 > /dev/null
"$SALVO" queue work "${Q[@]}" "${RS[@]}" -j 1 -f jsonl -o ml.jsonl 2> ml.err; rc=$?
check "words left unprobed: exit 1 ($rc)" [ $rc = 1 ]
check "each directory without its words is named" \
    [ "$(grep -c "the words of directory t[1-4]/ (the push's chunk 0) are not in salvo:salvo:list" ml.err)" = 4 ]
check "and counted at the end" grep -q '4 directory chunk(s) had no words in the queue' ml.err
urls ml.jsonl > ml.txt
grep -v '/tree/t[1-4]/' one.txt > top.txt
check "the rest is scanned: the 5 results of the top level" same_set ml.txt top.txt
# A follow-up that the list's chunks or a directory's probe anyway is
# probed once: idx.html links to top.html (a word of the list), to
# sub/k.html (sub is a directory of the list, k.html a word of it), to
# late/k.html and to only.html, which links to late: the directory late/
# is found after late/k.html was followed, and its chunks leave it out.
# One salvo, then two machines through the queue.
L="$F/lst"
mkdir -p "$L/sub" "$L/late"
echo '<a href="top.html">t</a> <a href="sub/k.html">k</a> <a href="late/k.html">l</a> <a href="only.html">o</a>' > "$L/idx.html"
echo '<a href="late">l</a>' > "$L/only.html"
echo top > "$L/top.html"; echo k > "$L/sub/k.html"; echo k > "$L/late/k.html"
printf '%s\n' idx.html top.html k.html sub > lw.txt
LK=(-p "$LINKS" -u "$B/$D/lst/{}" --recursion)
printf "$B/$D/lst/%s\n" idx.html top.html sub sub/k.html only.html late late/k.html > lexp.txt
"$SALVO" -q -j 2 "${LK[@]}" -w lw.txt -f jsonl -o lone.jsonl 2> lone.err
urls lone.jsonl > lone.txt
check "followed and in the list: one salvo probes each once" same_set lone.txt lexp.txt
"$SALVO" queue drop "${Q[@]}" 2> /dev/null
"$SALVO" queue push "${Q[@]}" "${LK[@]}" -w lw.txt --chunk 1 2> /dev/null
"$SALVO" queue work "${Q[@]}" "${LK[@]}" -v -j 1 -f jsonl -o lm1.jsonl 2> lm1.err & lw1=$!
"$SALVO" queue work "${Q[@]}" "${LK[@]}" -v -j 1 -f jsonl -o lm2.jsonl 2> lm2.err; rc2=$?
wait $lw1; rc1=$?
check "followed and in the list, queue: the first machine exits 0 ($rc1)" [ "$rc1" = 0 ]
check "followed and in the list, queue: the second machine exits 0 ($rc2)" [ "$rc2" = 0 ]
"$SALVO" queue collect "${Q[@]}" -f jsonl > lall.jsonl 2> /dev/null
urls lall.jsonl > lall.txt
check "followed and in the list, queue: each once" same_set lall.txt lexp.txt
check "... late/k.html left out of the chunks of late/" [ "$(sed -n 's/.* and \([0-9]*\) directory word(s) not probed.*/\1/p' lm1.err lm2.err | awk '{ s += $1 } END { print s + 0 }')" = 1 ]
# A worker that outlives a drop and a push of another list of the same
# name reads the new list's words: top.html, a word of the first list
# only, is a follow-up of the second's idx.html, and is probed.
"$SALVO" queue drop "${Q[@]}" 2> /dev/null
{ printf '%s\n' idx.html top.html; seq -f 'slow%g' 1000; } > ow.txt
echo idx.html > nw.txt
"$SALVO" -q -j 1 "${LK[@]}" -w nw.txt -f jsonl -o none.jsonl 2> /dev/null
urls none.jsonl > none.txt
check "one salvo on the second list: top.html followed" grep -qx "$B/$D/lst/top.html" none.txt
"$SALVO" queue push "${Q[@]}" "${LK[@]}" -w ow.txt --chunk 1 2> /dev/null
"$SALVO" queue work "${Q[@]}" "${LK[@]}" -j 1 --rate 40 -f jsonl -o ow.jsonl 2> ow.err & owp=$!
for _ in $(seq 300); do [ "$(fields follows)" -ge 1 ] && break; sleep 0.1; done
check "the first list's follow-ups are stored" [ "$(fields follows)" -ge 1 ]
"$SALVO" queue drop "${Q[@]}" 2> /dev/null
check "the worker outlives the drop" kill -0 $owp
"$SALVO" queue push "${Q[@]}" "${LK[@]}" -w nw.txt --chunk 1 2> /dev/null
wait $owp; rc=$?
check "the worker ends (exit $rc)" [ $rc = 0 ]
"$SALVO" queue collect "${Q[@]}" -f jsonl > nall.jsonl 2> /dev/null
urls nall.jsonl > nall.txt
check "the second list's scan: exactly one salvo's" same_set nall.txt none.txt
# --recursion through the queue against another server, over IPv6:
# Python's http.server on [::1] (a directory without '/' is a 301 to it,
# with '/' a listing). Two machines find what one salvo finds.
mkdir -p v6/a/b
echo x > v6/top; echo x > v6/a/f1; echo x > v6/a/b/f2
V6P=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET6); s.bind(("::1", 0)); print(s.getsockname()[1])')
python3 -m http.server "$V6P" --bind ::1 --directory v6 > v6.log 2>&1 &
for _ in $(seq 50); do (exec 3<>"/dev/tcp/::1/$V6P") 2>/dev/null && break; sleep 0.1; done
{ printf '%s\n' a b f1 f2 top; seq -f 'v%g' 40; } > v6w.txt
V6=(-p none -u "http://[::1]:$V6P/{}" --recursion)
"$SALVO" -q -j 2 "${V6[@]}" -w v6w.txt -f jsonl -o v6one.jsonl 2> v6one.err
urls v6one.jsonl > v6one.txt
printf 'http://[::1]:%s/%s\n' "$V6P" a "$V6P" a/b "$V6P" top "$V6P" a/f1 "$V6P" a/b/f2 > v6exp.txt
check "IPv6, one salvo: the 2 directories and 3 files" same_set v6one.txt v6exp.txt
"$SALVO" queue drop "${Q[@]}" 2> /dev/null
"$SALVO" queue push "${Q[@]}" "${V6[@]}" -w v6w.txt --chunk 4 2> /dev/null
"$SALVO" queue work "${Q[@]}" "${V6[@]}" -j 1 -f jsonl -o v6m1.jsonl 2> v6m1.err & v6w=$!
"$SALVO" queue work "${Q[@]}" "${V6[@]}" -j 1 -f jsonl -o v6m2.jsonl 2> v6m2.err; rc2=$?
wait $v6w; rc1=$?
check "IPv6 queue: both machines exit 0 ($rc1, $rc2)" [ "$rc1" = 0 ]
check "IPv6 queue: both machines exit 0 ($rc1, $rc2) (and)" [ "$rc2" = 0 ]
cat v6m1.jsonl v6m2.jsonl > v6m.jsonl
urls v6m.jsonl > v6m.txt
check "IPv6 queue: exactly one salvo's, each once" same_set v6m.txt v6exp.txt
check "IPv6 queue: over ::1" [ "$(grep -c '"ip":"::1"' v6m.jsonl)" = 5 ]
finish
