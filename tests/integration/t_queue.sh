# The Redis work queue, against a redis-server of its own on 127.0.0.1
# (persistence on): three "machines", one SIGKILLed mid-scan; Redis
# restarted mid-scan; workers that start before Redis and before the push;
# the fingerprint check; AUTH; bad URLs and an unreachable Redis.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/redis.sh"
Q=(--redis "$R" --connect-to "$CT")
# hits URL list from a jsonl file, and whether any appears twice
hits() { python3 -c 'import json,sys
u=[json.loads(l)["url"] for l in open(sys.argv[1]) if l.strip()]
print("\n".join(u))' "$1"; }
status_json() { "$SALVO" queue status "${Q[@]}" "$@" -f jsonl; }
field() { python3 -c 'import json,sys; print(json.loads(sys.stdin.read())[sys.argv[1]])' "$1"; }
# wait_done FRACTION: until that share of the chunks is done
wait_done() { for _ in $(seq 300); do
    status_json | python3 -c 'import json,sys
s=json.load(sys.stdin); sys.exit(0 if s["done"] >= float(sys.argv[1]) * s["chunks"] else 1)' "$1" \
        2> /dev/null && return 0; sleep 0.1; done; return 1; }
# mid_scan: some chunks done, not all
mid_scan() { status_json | python3 -c 'import json,sys
s=json.load(sys.stdin); sys.exit(0 if 0 < s["done"] < s["chunks"] else 1)'; }
# wait_for FILE TEXT: until FILE holds TEXT (10 s at most)
wait_for() { for _ in $(seq 100); do grep -qF -- "$2" "$1" && return 0; sleep 0.1; done; return 1; }

gen_words 20000
"$SALVO" -q -j 2 --connect-to "$CT" -w words.txt -f jsonl -o single.jsonl
hits single.jsonl > single.txt
check "single machine: the expected hits" same_set single.txt expected.txt

# --- three machines, one killed -----------------------------------------
"$SALVO" queue push "${Q[@]}" -w words.txt --chunk 100 2> push.err
check "push: 20000 words in 200 chunks" contains push.err 'queue "salvo": 20000 words in 200 chunks'
check "status before any worker: 200 waiting" [ "$(status_json | field waiting)" = 200 ]
for m in 1 2 3; do
    "$SALVO" queue work "${Q[@]}" -j 2 --rate 800 --claim-idle 2 -f jsonl -o m$m.jsonl \
        2> m$m.err &
    eval "pid$m=$!"
done
check "a tenth of the chunks done" wait_done 0.1
check "the kill comes mid-scan" mid_scan
kill -9 "$pid2"
wait "$pid1"; rc1=$?
wait "$pid3"; rc3=$?
check "the two other machines finish (exit 0)" [ "$rc1$rc3" = 00 ]
check "status: finished, 200 done, none pending" \
    [ "$(status_json | python3 -c 'import json,sys; s=json.load(sys.stdin); print(s["finished"], s["done"], s["pending"])')" = "True 200 0" ]
check "the killed machine's chunks were taken over" grep -q "took over" m1.err m3.err
"$SALVO" queue collect "${Q[@]}" -f jsonl > collected.jsonl 2> collect.err
hits collected.jsonl > collected.txt
check "collect equals the single-machine result" same_set collected.txt single.txt
check "each hit once" [ -z "$(sort collected.txt | uniq -d)" ]
check "status counts the hits" [ "$(status_json | field hits)" = "$(wc -l < single.txt)" ]
"$SALVO" queue collect "${Q[@]}" -f csv -o collected.csv
check "collect as csv: one row per hit" [ "$(python3 -c 'import csv,sys; print(sum(1 for r in csv.DictReader(open("collected.csv"))))')" = "$(wc -l < single.txt)" ]
"$SALVO" queue collect "${Q[@]}" > collected.txt2
check "collect as text: the URLs" same_set collected.txt2 single.txt
check "three workers seen" [ "$(status_json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["workers"]))')" = 3 ]
sleep 0.5
check "no worker process of the killed machine is left" \
    [ -z "$(pgrep -f "queue work --redis $R" || true)" ]

# --- Redis restarted mid-scan ---------------------------------------------
"$SALVO" queue drop "${Q[@]}" 2> /dev/null
"$SALVO" queue push "${Q[@]}" -w words.txt --chunk 100 2> /dev/null
for m in 1 2; do
    "$SALVO" queue work "${Q[@]}" -j 2 --rate 1000 -f jsonl -o r$m.jsonl 2> r$m.err &
    eval "pid$m=$!"
done
check "restart: a tenth done" wait_done 0.1
check "restart: Redis goes away mid-scan" mid_scan
redis_stop
sleep 1.5
check "restart: Redis is back (same data dir)" redis_start
wait "$pid1"; rc1=$?
wait "$pid2"; rc2=$?
check "restart: both workers finish (exit 0)" [ "$rc1$rc2" = 00 ]
check "restart: the workers said Redis went away" grep -q "waiting for it and connecting again" r1.err
check "restart: and that they connected again" grep -q "connected again" r1.err
"$SALVO" queue collect "${Q[@]}" -f jsonl -q > rc.jsonl
hits rc.jsonl > rc.txt
check "restart: collect equals the single-machine result" same_set rc.txt single.txt
check "restart: each hit once" [ -z "$(sort rc.txt | uniq -d)" ]

# --- workers first, Redis later, push last --------------------------------
"$SALVO" queue drop "${Q[@]}" 2> /dev/null
head -2000 words.txt > w2k.txt
grep -E '^(hit|gbkhit|metahit|big)-' w2k.txt | sed 's|.*|http://&.baidu.com|' > exp2k.txt
redis_stop
"$SALVO" queue work "${Q[@]}" -j 1 -f jsonl -o early.jsonl 2> early.err &
pe=$!
sleep 1.5
redis_start
wait_for early.err "waiting for salvo queue push"
"$SALVO" queue push "${Q[@]}" -w w2k.txt 2> /dev/null
wait "$pe"
check "early worker: exit 0 once the queue is done" [ $? = 0 ]
check "early worker: waited for Redis" contains early.err "waiting for it and connecting again"
check "early worker: waited for the push" contains early.err "waiting for salvo queue push"
hits early.jsonl > early.txt
check "early worker: every hit" same_set early.txt exp2k.txt

# --- Ctrl-C on a worker: what is whole is stored, the rest is taken over ----
"$SALVO" queue drop "${Q[@]}" -q
"$SALVO" queue push "${Q[@]}" -w w2k.txt --chunk 50 2> /dev/null
"$SALVO" queue work "${Q[@]}" -j 1 --rate 250 -f jsonl -o int1.jsonl 2> int1.err &
pi=$!
check "SIGINT: a quarter done while the worker runs" wait_done 0.25
check "SIGINT: the worker is still running" kill -0 "$pi"
status_json > int-status.json
kill -INT "$pi"
check "status: the running worker holds chunks" python3 -c 'import json
s = json.load(open("int-status.json"))
assert any(w["holds"] > 0 for w in s["workers"]), s'
redis-cli -p "$RPORT" HSET salvo:salvo:workers 'odd "name"\' "$(date +%s)" > /dev/null
check "status: a worker name with quotes is still JSON" python3 -c 'import json,subprocess,sys
s = json.loads(subprocess.check_output(sys.argv[1:]))
assert "odd \"name\"\\" in [w["name"] for w in s["workers"]], s' \
    "$SALVO" queue status "${Q[@]}" -f jsonl
wait "$pi"
check "SIGINT: the worker stops with 130" [ $? = 130 ]
check "SIGINT: it says its unfinished chunks go to others" contains int1.err "taken and not finished"
# With --claim-idle 600, only chunks that were let go can be taken now.
timeout 60 "$SALVO" queue work "${Q[@]}" -j 1 --claim-idle 600 -f jsonl -o int2.jsonl 2> int2.err
check "SIGINT: a second worker takes the chunks let go and finishes the queue" [ $? = 0 ]
"$SALVO" queue collect "${Q[@]}" -f jsonl -q > int.jsonl
hits int.jsonl > int.txt
check "SIGINT: collect has every hit once" same_set int.txt exp2k.txt

# --- -e: push hands out each word with each extension -------------------------
head -10 w2k.txt > w10.txt
"$SALVO" queue push "${Q[@]}" --queue ext -w w10.txt -e .a,.b 2> ext.err
check "push -e: 10 words x 3" contains ext.err 'queue "ext": 30 words in'
"$SALVO" queue drop "${Q[@]}" --queue ext 2> /dev/null

# --- the configuration fingerprint ------------------------------------------
"$SALVO" queue push "${Q[@]}" --queue fp -w w2k.txt 2> /dev/null
"$SALVO" queue work "${Q[@]}" --queue fp -H 'X-Other: 1' --mc 200 -j 1 -o fp.txt 2> fp.err
check "other options: exit 2" [ $? = 2 ]
check "other options: refused with both fingerprints" contains fp.err "was pushed with configuration"
check "other options: the differing lines are named" contains fp.err "this worker: header = X-Other: 1"
check "other options: nothing scanned" [ ! -s fp.txt ]
# What the refused worker took is let go at once: a worker with the right
# options (and the default claim_idle of 60 s) does the whole queue now.
timeout 30 "$SALVO" queue work "${Q[@]}" --queue fp -q -j 1 -o fp-ok.txt 2> fp-ok.err
check "after a refused worker, a right one finishes at once (not after claim_idle)" [ $? = 0 ]
check "  ... with every hit" same_set fp-ok.txt exp2k.txt
# A script of the same name with other contents (another machine's copy):
# refused, with the line that differs; the same contents: taken.
mkdir -p ma mb mc
printf 'function match(res)\n  return res.status == 200\nend\n' > ma/m.lua
printf 'function match(res)\n  return true\nend\n' > mb/m.lua
cp ma/m.lua mc/m.lua
(cd ma && "$SALVO" queue push "${Q[@]}" --queue sc -p m.lua -w ../w2k.txt 2> /dev/null)
(cd mb && "$SALVO" queue work "${Q[@]}" --queue sc -p m.lua -j 1 -o ../sc.txt 2> ../sc.err)
check "a script of the same name, other contents: refused (exit 2)" [ $? = 2 ]
check "  ... naming the contents' line" contains sc.err "plugin contents ="
check "  ... nothing scanned" [ ! -s sc.txt ]
(cd mc && "$SALVO" queue work "${Q[@]}" --queue sc -p m.lua -q -j 1 -o ../sc2.txt 2> ../sc2.err)
check "the same contents elsewhere: taken" [ $? = 0 ]
"$SALVO" queue drop "${Q[@]}" --queue sc -q
"$SALVO" queue push "${Q[@]}" --queue fp -w w2k.txt 2> again.err
check "push to an existing queue: exit 5" [ $? = 5 ]
check "push to an existing queue: says so" contains again.err 'queue "fp" already exists'

# --- a queue dropped and pushed again while a worker still runs -----------------
# The late worker's results of the first push are refused (they name its
# generation); the second push's results are exactly its own hits.
G=(--redis "$R" --connect-to "$CT" --queue gen)
seq 1 1000 | awk '{ print ($1 % 10 == 0 ? "hit-b" $1 : "nob" $1) }' > wb.txt
grep '^hit-' wb.txt | sed 's|.*|http://&.baidu.com|' > expb.txt
"$SALVO" queue push "${G[@]}" -w w2k.txt --chunk 50 2> /dev/null
"$SALVO" queue work "${G[@]}" -j 1 --rate 300 -f jsonl -o late.jsonl 2> late.err & late=$!
gen_done() { for _ in $(seq 300); do [ "$("$SALVO" queue status "${G[@]}" -f jsonl | field done)" -ge "$1" ] && return 0; sleep 0.1; done; return 1; }
check "generation: the late worker is mid-scan" gen_done 2
"$SALVO" queue drop "${G[@]}" -q
"$SALVO" queue push "${G[@]}" -w wb.txt --chunk 50 2> /dev/null
"$SALVO" queue work "${G[@]}" -q -j 1 -o /dev/null
wait "$late"
"$SALVO" queue collect "${G[@]}" -q -f jsonl > gen.jsonl
hits gen.jsonl > gen.txt
check "dropped and pushed again: exactly the new push's hits" same_set gen.txt expb.txt
check "  ... the late worker said its old chunk's results were not stored" contains late.err \
    "was taken from a push that is gone"
"$SALVO" queue drop "${G[@]}" -q

# --- errors stored with their chunk; status counts; old workers forgotten -------
E=(--redis "$R" --connect-to "$CT" --queue err --timeout 0.2)
{ seq -f 'slow-%g' 1 20; seq -f 'hit-%g' 1 80; } > we.txt   # slow pages time out
"$SALVO" queue push "${E[@]}" -w we.txt --chunk 10 2> /dev/null
"$SALVO" queue work "${E[@]}" -q -j 1 -o /dev/null
"$SALVO" queue status "${E[@]}" -f jsonl > est.json
check "status: every word done, 80 hits, 20 errors" [ "$(python3 -c 'import json,sys
s=json.load(open(sys.argv[1])); print(s["words_done"], s["hits"], s["errors"], s["words"])' est.json)" = "100 80 20 100" ]
"$SALVO" queue collect "${E[@]}" -q -f jsonl > ecol.jsonl
check "collect: the hits alone" [ "$(grep -c . ecol.jsonl)" = 80 ]
"$SALVO" queue collect "${E[@]}" -q -f jsonl --errors > ecol2.jsonl
check "collect --errors: and the 20 errors, each its slow page's" [ "$(python3 -c 'import json,sys
r=[json.loads(l) for l in open(sys.argv[1])]
e=sorted(x["word"] for x in r if x["verdict"] == "error" and x["error_class"] == "timeout")
print(len(r), len(e), e == sorted("slow-%d" % i for i in range(1, 21)))' ecol2.jsonl)" = "100 20 True" ]
"$SALVO" queue status "${E[@]}" --json > est-json.json
check "status --json: the same object as -f jsonl" python3 -c 'import json,sys
a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
assert (a["words_done"], a["hits"], a["errors"]) == (b["words_done"], b["hits"], b["errors"]), (a, b)' est-json.json est.json
"$SALVO" queue status "${E[@]}" > est.txt
check "status text: words done, errors" sh -c "grep -q 'words      100: 100 done' est.txt && grep -q 'errors 20' est.txt"
redis-cli -p "$RPORT" HSET salvo:err:workers ghost:1 $(( $(date +%s) - 7200 )) > /dev/null
"$SALVO" queue status "${E[@]}" -f jsonl > est2.json
check "a worker gone for two hours, holding nothing: not listed" sh -c "! grep -q ghost est2.json"
check "  ... and forgotten" [ "$(redis-cli -p "$RPORT" HEXISTS salvo:err:workers ghost:1)" = 0 ]
"$SALVO" queue collect "${E[@]}" -q --errors --report ecol.html -o /dev/null
check "collect --report: a page with every result" python3 - ecol.html <<'PY'
import json, re, sys
t = open(sys.argv[1], encoding="utf-8").read()
assert t.count("http://hit-") >= 80, "rows"
assert re.search(r'"hits",\s*"80"', t) and re.search(r'"errors",\s*"20"', t), "summary"
PY
"$SALVO" queue drop "${E[@]}" -q
"$SALVO" queue push "${E[@]}" -w we.txt --chunk 10 2> /dev/null
"$SALVO" queue work "${E[@]}" -q -j 1 -o /dev/null --report ework.html
check "queue work --report: this machine's page" python3 - ework.html <<'PY'
import re, sys
t = open(sys.argv[1], encoding="utf-8").read()
assert t.count("http://hit-") >= 80, "rows"
assert re.search(r'"hits",\s*"80"', t), "summary"
PY
"$SALVO" queue drop "${E[@]}" -q

# --- a worker paused for less than claim_idle -----------------------------------
# Its probes in flight time out when it wakes; they are tried again, so the
# chunk is stored with every page answered, none as a timeout.
P=(--redis "$R" --connect-to "$CT" --queue pause --timeout 1.5 -p none --mc 200)
seq -f 'slow-%g' 1 40 > wp.txt
"$SALVO" queue push "${P[@]}" -w wp.txt --chunk 40 2> /dev/null
"$SALVO" queue work "${P[@]}" -q -j 1 -t 20 -o /dev/null 2> pause.err & pw=$!
for _ in $(seq 100); do [ -n "$(pgrep -P $pw)" ] && break; sleep 0.05; done
sleep 0.4
pkill -STOP -P $pw; kill -STOP $pw
sleep 3
kill -CONT $pw; pkill -CONT -P $pw
wait $pw
"$SALVO" queue status "${P[@]}" -f jsonl > pst.json
check "a paused queue worker: 40 hits stored, no error" [ "$(python3 -c 'import json,sys
s=json.load(open(sys.argv[1])); print(s["hits"], s["errors"], s["words_done"])' pst.json)" = "40 0 40" ]
check "  ... no ETA for a finished queue" sh -c "! grep -q eta_s pst.json"
"$SALVO" queue drop "${P[@]}" -q

# --- a slow server: chunks that take longer than claim_idle -----------------------
# A chunk of 12 slow pages (each sent at 4 KB/s, about 1.5 s), 2 at a
# time, takes about 9 s, three times --claim-idle; the other chunk's 12
# pages are quick, and its worker then waits for the queue to end,
# looking for idle chunks. The slow chunk's worker claims it again while
# it works, so it is not taken over and not scanned twice.
SQ=(--redis "$R" --connect-to "$CT" --queue slowq --timeout 10 -p none --mc 200)
{ seq -f 'slow-%g' 1 12; seq -f 'hit-%g' 1 12; } > wsl.txt
"$SALVO" queue push "${SQ[@]}" -w wsl.txt --chunk 12 2> /dev/null
"$SALVO" queue work "${SQ[@]}" -j 1 -t 2 --claim-idle 3 -f jsonl -o sl1.jsonl 2> sl1.err & sp=$!
"$SALVO" queue work "${SQ[@]}" -j 1 -t 2 --claim-idle 3 -f jsonl -o sl2.jsonl 2> sl2.err; rc2=$?
wait $sp; rc1=$?
check "slow chunks: both workers exit 0 ($rc1, $rc2)" [ "$rc1" = 0 ]
check "slow chunks: both workers exit 0 ($rc1, $rc2) (and)" [ "$rc2" = 0 ]
cat sl1.jsonl sl2.jsonl | grep -o '"url":"[^"]*"' | sort > sl.urls
check "slow chunks: the 24 pages ($(wc -l < sl.urls) lines)" [ "$(wc -l < sl.urls)" = 24 ]
check "slow chunks: each once ($(sort -u sl.urls | wc -l) apart)" [ "$(sort -u sl.urls | wc -l)" = 24 ]
check "slow chunks: none taken over from a live worker" sh -c '! grep -l "taking over" sl1.err sl2.err'
"$SALVO" queue drop "${SQ[@]}" -q

# --- secrets: never shown, never stored ---------------------------------------------
S=(-H 'Authorization: Bearer t0psecret' -H 'X-Api: k3ysecret' --secret-header X-Api
   --proxy 'http://pu:pr0xysecret@127.0.0.1:9' --redis 'redis://u:p4sssecret@127.0.0.1:1')
"$SALVO" --dump-config "${S[@]}" > sec.ini
check "--dump-config shows no secret" sh -c "! grep -qE 't0p|k3y|pr0xy|p4ss' sec.ini"
check "  ... but says where one was" sh -c "grep -q 'header = Authorization: \*\*\*' sec.ini &&
    grep -q 'header = X-Api: \*\*\*' sec.ini && grep -q 'pu:\*\*\*@' sec.ini && grep -q 'u:\*\*\*@' sec.ini"
"$SALVO" queue status --redis 'redis://u:p4sssecret@127.0.0.1:nope' 2> badurl.err
check "a bad Redis URL's message shows no password" sh -c "grep -q 'bad port' badurl.err && ! grep -q p4ss badurl.err"
printf 'hit-1\nw2\n' > sw.txt
"$SALVO" -q -j 1 --connect-to "$CT" -H 'Authorization: Bearer t0psecret' -w sw.txt --report sec.html > /dev/null
check "the report shows no secret" sh -c "grep -q 'Authorization: \*\*\*' sec.html && ! grep -q t0psecret sec.html"
"$SALVO" queue push --redis "$R" --connect-to "$CT" --queue sec -H 'Authorization: Bearer t0psecret' \
    -H 'X-Api: k3ysecret' --secret-header X-Api -w w2k.txt 2> /dev/null
"$SALVO" queue work --redis "$R" --connect-to "$CT" --queue sec -H 'Authorization: Bearer t0psecret' \
    -H 'X-Api: k3ysecret' --secret-header X-Api -q -j 1 -o sec.txt
check "a worker with the same secrets is taken" same_set sec.txt exp2k.txt
for k in $(redis-cli -p "$RPORT" --scan --pattern 'salvo:sec:*'); do
    redis-cli -p "$RPORT" --no-raw DUMP "$k"
    redis-cli -p "$RPORT" HGETALL "$k" 2> /dev/null
done > sec.redis
check "Redis holds no secret" sh -c "[ -s sec.redis ] && ! grep -aqE 't0p|k3y' sec.redis"
"$SALVO" queue drop --redis "$R" --queue sec -q
"$SALVO" queue push --redis "$R" --connect-to "$CT" --queue sec -H 'Authorization: Bearer t0psecret' \
    -H 'X-Api: k3ysecret' --secret-header X-Api -w w2k.txt 2> /dev/null
"$SALVO" queue work --redis "$R" --connect-to "$CT" --queue sec -H 'Authorization: Bearer other' \
    -H 'X-Api: k3ysecret' --secret-header X-Api -q -j 1 -o /dev/null 2> /dev/null
check "  ... yet a worker with another secret is refused" [ $? = 2 ]
"$SALVO" queue drop --redis "$R" --queue sec -q
# A password in the template's user info: fetched with, reported without.
U=(--redis "$R" --connect-to "$CT" --queue secu -p baidu -u 'http://scan:pw5ecret@{}.baidu.com/')
"$SALVO" queue push "${U[@]}" -w w2k.txt 2> /dev/null
"$SALVO" queue work "${U[@]}" -q -j 1 -f jsonl -o secu.jsonl
"$SALVO" queue collect "${U[@]}" -q -f jsonl > secu2.jsonl
for k in $(redis-cli -p "$RPORT" --scan --pattern 'salvo:secu:*'); do
    redis-cli -p "$RPORT" --no-raw DUMP "$k"; redis-cli -p "$RPORT" HGETALL "$k" 2> /dev/null
done > secu.redis
check "a template's password: in no result, local or collected, nor in Redis" sh -c "
    ! grep -q pw5ecret secu.jsonl secu2.jsonl secu.redis && grep -q 'scan:\*\*\*@hit-' secu2.jsonl"
check "  ... and every hit found" [ "$(grep -c '"verdict":"hit"' secu2.jsonl)" = "$(grep -c . exp2k.txt)" ]
"$SALVO" queue drop "${U[@]}" -q

# --- entries that are not salvo's -------------------------------------------------
"$SALVO" queue drop "${Q[@]}" -q
"$SALVO" queue push "${Q[@]}" -w w2k.txt --chunk 500 2> /dev/null
redis-cli -p "$RPORT" XADD salvo:salvo:chunks '*' junk 1 > /dev/null
redis-cli -p "$RPORT" XADD salvo:salvo:results '*' chunk 1 index 2 result garbage > /dev/null
"$SALVO" queue work "${Q[@]}" -j 1 -o /dev/null 2> junk.err
check "a foreign chunk entry: skipped, and the queue finishes" [ $? = 0 ]
check "a foreign chunk entry: named" contains junk.err "is not a salvo chunk: skipped"
"$SALVO" queue collect "${Q[@]}" -q > junk.txt 2> junkc.err
check "a foreign result entry: skipped with a warning" contains junkc.err "1 entries of the results stream are not salvo results"
check "a foreign result entry: the real results all there" same_set junk.txt exp2k.txt
"$SALVO" queue push "${Q[@]}" --queue sh --shard 1/2 -w w2k.txt 2> shard.err
check "--shard with the queue: refused" contains shard.err "--shard is for static shards"

# --- under valgrind: push, work (hiredis in the loop), collect ------------------
# (not for the sanitizer build: valgrind cannot run it; the normal build runs this)
if ldd "$SALVO" | grep -q libasan; then
    echo "skipped: valgrind part (sanitizer build)"
elif command -v valgrind > /dev/null; then
    head -300 words.txt > w300.txt
    # Valgrind makes every transfer ~50x slower; beside other work on the
    # same cores the default 2 s timeout expired and hits went missing.
    # This part checks memory, not speed: a timeout that cannot expire.
    V=(--redis "$R" --connect-to "$CT" --queue vg --timeout 120 -t 20)
    vg() { valgrind -q --leak-check=full --errors-for-leak-kinds=definite \
        --show-leak-kinds=definite --error-exitcode=99 "$SALVO" "$@"; }
    vg queue push "${V[@]}" -q -w w300.txt --chunk 30 2> vg1.err &&
        vg queue work "${V[@]}" -q -j 2 -o vg.txt 2> vg2.err &&
        vg queue collect "${V[@]}" -q -f csv -o vg.csv 2> vg3.err
    check "valgrind: push, work and collect clean (exit 0)" [ $? = 0 ]
    check "valgrind: no report" [ -z "$(cat vg?.err | grep '^==[0-9]*==' || true)" ]
    grep -E '^(hit|gbkhit|metahit|big)-' w300.txt | sed 's|.*|http://&.baidu.com|' > exp300.txt
    check "valgrind: the hits" same_set vg.txt exp300.txt
else
    fail "valgrind is missing (apt-get install valgrind)"
fi

# --- AUTH, bad URLs, no Redis -------------------------------------------------
# the ACL that docs/deploy/redis-queue.md gives
redis-cli -p "$RPORT" ACL SETUSER scanner on '>s3cr%t' '~salvo:*' +@stream +@hash +@set \
    +@scripting +ping +select +del > /dev/null
A=(--redis "redis://scanner:s3cr%25t@127.0.0.1:$RPORT" --connect-to "$CT" --queue acl)
"$SALVO" queue push "${A[@]}" -w w2k.txt 2> /dev/null && "$SALVO" queue work "${A[@]}" -q -j 1 -o /dev/null &&
    "$SALVO" queue collect "${A[@]}" -q > acl.txt && "$SALVO" queue drop "${A[@]}" -q
check "the documented ACL is enough for push, work, collect and drop" [ $? = 0 ]
check "ACL user: every hit" same_set acl.txt exp2k.txt
# Errors no retry mends end queue work at once, exit 5, naming what is
# missing: a user without EVAL (NOPERM when storing), and no password at
# all for a Redis that wants one (NOAUTH).
redis-cli -p "$RPORT" ACL SETUSER noeval on '>pw' '~salvo:*' +@stream +@hash +@set +ping +select \
    +del > /dev/null
redis-cli -p "$RPORT" ACL SETUSER noeval -@scripting > /dev/null
"$SALVO" queue push --redis "$R" --queue perm --connect-to "$CT" -w w2k.txt 2> /dev/null
timeout 60 "$SALVO" queue work --redis "redis://noeval:pw@127.0.0.1:$RPORT" --queue perm \
    --connect-to "$CT" -q -j 1 -o /dev/null 2> noperm.err
check "NOPERM: queue work ends with exit 5" [ $? = 5 ]
check "  ... naming the refused command" grep -q "NOPERM.*eval" noperm.err
check "  ... and what the user needs" contains noperm.err "may run XREADGROUP"
P2=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
redis-server --port "$P2" --bind 127.0.0.1 --requirepass pw2 --save "" --appendonly no \
    --daemonize yes --pidfile "$WORK/redis2.pid" --logfile "$WORK/redis2.log"
for _ in $(seq 50); do redis-cli -p "$P2" -a pw2 --no-auth-warning ping > /dev/null 2>&1 && break; sleep 0.1; done
timeout 60 "$SALVO" queue work --redis "redis://127.0.0.1:$P2" --queue perm --connect-to "$CT" -q -j 1 \
    -o /dev/null 2> noauth.err
check "NOAUTH: queue work ends with exit 5" [ $? = 5 ]
check "  ... and says so" grep -q "NOAUTH" noauth.err
redis-cli -p "$P2" -a pw2 --no-auth-warning shutdown nosave > /dev/null 2>&1
"$SALVO" queue drop --redis "$R" --queue perm -q 2> /dev/null
"$SALVO" queue status --redis "redis://scanner:s3cr%25t@127.0.0.1:$RPORT" --queue fp > auth.txt
check "AUTH user:password (URL-escaped)" contains auth.txt "queue fp on 127.0.0.1:$RPORT"
SALVO_REDIS_PASSWORD='s3cr%t' "$SALVO" queue status --redis "redis://scanner@127.0.0.1:$RPORT" \
    --queue fp > /dev/null 2> auth.err
check "AUTH password from SALVO_REDIS_PASSWORD" [ $? = 0 ]
printf 's3cr%%t\n' > pw.txt
"$SALVO" queue status --redis "redis://scanner@127.0.0.1:$RPORT" --redis-password-file pw.txt \
    --queue fp > /dev/null 2> pwf.err
check "AUTH password from --redis-password-file" [ $? = 0 ]
"$SALVO" queue status --redis "redis://scanner@127.0.0.1:$RPORT" --redis-password-file nope.txt \
    --queue fp > /dev/null 2> pwf2.err
check "--redis-password-file that cannot be read: exit 2, named" sh -c "[ $? = 2 ] && grep -q 'nope.txt' pwf2.err"
"$SALVO" --dump-config --redis-password-file pw.txt > dump.txt
check "  ... and the password is not in --dump-config" sh -c "! grep -q 's3cr' dump.txt"
"$SALVO" queue status --redis "redis://scanner:wrong@127.0.0.1:$RPORT" 2> wrong.err
check "wrong password: exit 5" [ $? = 5 ]
check "wrong password: says so" contains wrong.err "AUTH as scanner: WRONGPASS"
"$SALVO" queue work --redis "redis://scanner:wrong@127.0.0.1:$RPORT" -j 1 -q 2> wwrong.err
check "worker with a wrong password: exit 5, not a wait" [ $? = 5 ]
"$SALVO" queue status --redis redis://127.0.0.1:1 2> down.err
check "no Redis: exit 5" [ $? = 5 ]
check "no Redis: says so" contains down.err "redis 127.0.0.1:1: Connection refused"
"$SALVO" queue status --redis rediss://127.0.0.1:1 2> tls.err
check "rediss://: exit 2" [ $? = 2 ]
check "rediss://: explains the TLS tunnel" contains tls.err "TLS (rediss://) is not built in"
"$SALVO" queue status --redis http://x 2> url.err
check "not redis://: exit 2" [ $? = 2 ]
"$SALVO" queue status --queue 'a b' 2> name.err
check "bad queue name: exit 2" contains name.err 'queue name "a b"'
"$SALVO" queue frobnicate 2> sub.err
check "unknown subcommand: exit 2 and usage" contains sub.err "usage: salvo queue push|work|status|collect|drop"
"$SALVO" queue status "${Q[@]}" --queue nothere 2> none.err
check "status of no queue: exit 5" [ $? = 5 ]
finish
