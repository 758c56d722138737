# Several wordlists: -w FILE:KEY with {KEY} in the URL, headers and body,
# combined as clusterbomb or pitchfork, streamed, with chunks, shards and
# resume working as for one list.
. "$(dirname "$0")/lib.sh"
printf 'hit\ngbkhit\nw\n\nmissing\n' > kinds.txt  # a blank line: an empty {K}
seq 1 400 > nums.txt
awk 'NR==FNR { if ($0 != "") k[++n] = $0; next }
     { for (i = 1; i <= n; i++) if (k[i] ~ /^(hit|gbkhit)$/) print "http://" k[i] "-" $0 ".baidu.com/?n=" $0 }' \
    kinds.txt nums.txt > cb.expected
run() { "$SALVO" -j 3 -p baidu --connect-to "$CT" -u 'http://{K}-{N}.baidu.com/?n={N}' -w kinds.txt:K -w nums.txt:N "$@"; }

run -q > cb.out
check "clusterbomb: every combination, the baidu rules decide" same_set cb.out cb.expected
run -q --chunk 7 > cb7.out
check "clusterbomb in chunks of 7" same_set cb7.out cb.expected
run --summary-json cb.json > /dev/null 2> cb.err
# 5 kinds (the blank one an empty value: "-N.baidu.com", no host) x 400.
check "clusterbomb: 2000 probes" contains cb.err "2000 words, 800 hits"

# A blank line among extensions is the bare word, as in ffuf.
printf 'hit-1\n' > base.txt
printf '.php\n\n.bak\n' > exts.txt
"$SALVO" -q -j 1 -p none --mc all --connect-to "$CT" -u 'http://{W}.baidu.com/x{E}' \
    -w base.txt:W -w exts.txt:E -f jsonl > ext.jsonl
check "{W}{E}: a blank extension is the bare word" sh -c \
    "grep -c '\"url\":\"http://hit-1.baidu.com/x[\".]' ext.jsonl | grep -qx 3 &&
     grep -q '\"url\":\"http://hit-1.baidu.com/x\"' ext.jsonl"
: > union.out
for k in 1 2 3; do run -q --shard $k/3 >> union.out; done
check "shards of a clusterbomb: disjoint, complete" same_set union.out cb.expected
run -q -f jsonl | head -1 > one.jsonl
check "jsonl: the word of each list by name" python3 -c 'import json, re
r = json.load(open("one.jsonl"))
k, n = r["input"]["K"], r["input"]["N"]
assert r["word"] == k + ":" + n and r["url"] == "http://%s-%s.baidu.com/?n=%s" % (k, n, n), r'

# pitchfork: line i of each; the shorter list ends it, with a warning.
printf 'hit\nw\ngbkhit\nmissing\n' > pk.txt
printf '10\n20\n30\n' > pn.txt
"$SALVO" -q -j 2 -p baidu --connect-to "$CT" -u 'http://{K}-{N}.baidu.com' -w pk.txt:K -w pn.txt:N \
    --mode pitchfork > pf.out 2> pf.err
check "pitchfork: line i of each" same_set pf.out <(printf 'http://hit-10.baidu.com\nhttp://gbkhit-30.baidu.com\n')
"$SALVO" -j 2 -p baidu --connect-to "$CT" -u 'http://{K}-{N}.baidu.com' -w pk.txt:K -w pn.txt:N \
    --mode pitchfork > /dev/null 2> pf.err
check "pitchfork: the longer list's rest is named" contains pf.err "pitchfork: wordlist pn.txt ended at line 3; the rest of pk.txt is not used"
check "pitchfork: 3 probes" contains pf.err "3 words, 2 hits"

# {KEY} in a header: the test nginx serves the real page only with X-Probe: yes.
seq 1 20 > ids.txt
printf 'no\nyes\nmaybe\n' > answers.txt
"$SALVO" -q -j 2 -p baidu --connect-to "$CT" -u 'http://hdr-{I}.baidu.com' -H 'X-Probe: {V}' \
    -w ids.txt:I -w answers.txt:V -f jsonl > hdr.jsonl
check "header filled per word: exactly the yes ones" python3 -c 'import json
r = [json.loads(l) for l in open("hdr.jsonl")]
assert len(r) == 20 and all(x["input"]["V"] == "yes" for x in r), r
assert sorted(int(x["input"]["I"]) for x in r) == list(range(1, 21))'

# {KEY} in the body (-d): a small server that answers with what it got.
cat > echo.py <<'PY'
import http.server, sys
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200); self.end_headers()
        self.wfile.write(b"method=" + self.command.encode() + b" body=" + body)
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
PY
python3 echo.py > echo.port & epid=$!
for i in $(seq 50); do [ -s echo.port ] && break; sleep 0.1; done
printf 'alice\nbob\n' > users.txt
printf 'secret\n123456\n' > pw.txt
"$SALVO" -q -j 1 -p none -u "http://127.0.0.1:$(cat echo.port)/login" -d 'user={U}&pass={P}' \
    -w users.txt:U -w pw.txt:P --ms 'method=POST body=user=bob&pass=123456' > body.out
kill $epid
check "body filled per word, sent as POST" same_set body.out <(echo "http://127.0.0.1:$(cat echo.port)/login")

# Interrupted and resumed: the same output as one run.
seq 1 6000 > many.txt
full() { "$SALVO" -q -j 2 -t 20 --connect-to "$CT" -u 'http://{K}-{N}.baidu.com' -w kinds.txt:K -w many.txt:N "$@"; }
full > whole.out
"$SALVO" -q -j 2 -t 20 --connect-to "$CT" -u 'http://{K}-{N}.baidu.com' -w kinds.txt:K \
    -w many.txt:N --rate 4000 -o part.out --state st & pid=$!
sleep 1.5; kill -INT $pid; wait $pid; rc=$?
check "interrupted: exit 130 ($rc)" [ $rc -eq 130 ]
check "interrupted before the end" [ "$(wc -l < part.out)" -lt "$(wc -l < whole.out)" ]
full -o part.out --resume st
check "resumed: exit 0" [ $? -eq 0 ]
check "resumed: the output of one run, nothing lost or repeated" same_set part.out whole.out
printf '7\n' >> many.txt
full -o part.out --resume st 2> changed.err
check "resume refused when a list changed" contains changed.err "other options"

# Mistakes, before any request.
bad() { local name=$1 msg=$2; shift 2
    "$SALVO" -q --connect-to "$CT" "$@" > bad.out 2> bad.err; local rc=$?
    if [ $rc -eq 2 ] && grep -qF -- "$msg" bad.err; then ok "$name"; else fail "$name: exit $rc: $(cat bad.err)"; fi; }
bad "unknown key"        'has {X}, but no wordlist is named X' -u 'http://{K}-{X}.x' -w kinds.txt:K -w nums.txt:N
bad "unused key"         'wordlist N (nums.txt) is not used' -u 'http://{K}.x' -w kinds.txt:K -w nums.txt:N
bad "{} with names"      'has {}, but the wordlists are named' -u 'http://{}-{K}-{N}.x' -w kinds.txt:K -w nums.txt:N
bad "unnamed second list" 'each needs a name' -u 'http://{K}.x' -w kinds.txt:K -w nums.txt
bad "stdin inside a clusterbomb" 'stdin (-) can only be the first list' -u 'http://{K}-{N}.x' -w kinds.txt:K -w -:N
bad "same name twice"    'wordlist name K given twice' -u 'http://{K}.x' -w kinds.txt:K -w nums.txt:K
"$SALVO" -q --connect-to "$CT" -u 'http://{K}-{N}.x' -w kinds.txt:K -w /nonexistent:N > /dev/null 2> bad.err
check "missing list: exit 3, named" [ $? -eq 3 ]
check "missing list: exit 3, named (and)" contains bad.err "wordlist /nonexistent: No such file"
finish
