# --calibrate against a wiki that answers 200 for every id and reflects the
# id as it normalised it, in its title and four more places (DokuWiki's
# doku.php?id=: ".bashrc" shows as "wiki:bashrc", "Program Files" as
# "wiki:program_files"), with words that are also part of its own text
# and title: only the two real pages are hits.
. "$(dirname "$0")/lib.sh"
: "${HELPERS:?}"
python3 "$HELPERS/wikiserver.py" > wiki.port & wpid=$!
trap 'kill $wpid 2>/dev/null' EXIT
for i in $(seq 50); do [ -s wiki.port ] && break; sleep 0.1; done
WP=$(cat wiki.port)
cat > words.txt <<'W'
start
.bashrc
Program Files
wiki
DokuWiki
a/b
Start
topic
page
exist
create
x@y.z
100%
..
a
e
_private
CVS/Entries
log in
Trace
syntax
backlinks
.htaccess
admin
Login
naïve
W
"$SALVO" -j 1 -p none --calibrate --mc 200 -f jsonl -u "http://127.0.0.1:$WP/doku.php?id=wiki:{}" \
    -w words.txt > wiki.jsonl 2> wiki.err
check "exit 0" [ $? -eq 0 ]
python3 - wiki.jsonl <<'PY' || fail "only the real pages"
import json, sys
hits = sorted(d["word"] for d in map(json.loads, open(sys.argv[1])) if d["verdict"] == "hit")
# "Start" is the start page too: DokuWiki shows it for any case.
assert hits == ["Start", "start", "syntax"], hits
print("ok: only the real pages are hits")
PY
check "the not-found page was learned" contains wiki.err "1 not-found page learned"
finish
