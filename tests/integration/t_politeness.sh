# Per-host politeness: a server of the suite's own (pushback.py) that
# answers 429 above a rate, 403 on /deny/ and slowly on /slow/, and an
# address where nothing listens. --auto-tune (the default) finds the rate
# and lets go again when the server does; --auto-bail and
# --max-time-per-host give a host up with a verdict for every word, which
# --retry-failed takes again.
. "$(dirname "$0")/lib.sh"
: "${HELPERS:?}"
serve() { # serve RATE: a fresh server; $sport, $spid
    rm -f s.port
    python3 "$HELPERS/pushback.py" "$1" > s.port & spid=$!
    for i in $(seq 50); do [ -s s.port ] && break; sleep 0.1; done
    sport=$(cat s.port)
}
stop() { kill $spid; wait $spid 2>/dev/null; }
sfield() { curl -s "http://127.0.0.1:$sport/_stats" | python3 -c 'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$1"; }
count() { grep -c "$2" "$1" || true; }

# 1. The rate found, and found again: 40/s, lifted after 150 answers.
serve 40
awk 'BEGIN { for (i = 1; i <= 900; i++) print "w" i }' > w.txt
( for i in $(seq 600); do [ "$(sfield ok)" -ge 150 ] 2>/dev/null && break; sleep 0.05; done
  curl -s "http://127.0.0.1:$sport/_rate?0" > /dev/null ) & lifter=$!
"$SALVO" -j 2 -p none --mc all -f jsonl -u "http://127.0.0.1:$sport/{}" -w w.txt \
    --stats-json s.json --stats-interval 0.5 > a.jsonl 2> a.err
wait $lifter
check "every word answered once" [ "$(wc -l < a.jsonl)" -eq 900 -a "$(grep -o '"url":"[^"]*"' a.jsonl | sort -u | wc -l)" -eq 900 ]
n429=$(count a.jsonl '"status":429')
check "429 final for at most 3 % of the words ($n429 of 900)" [ "$n429" -le 27 ]
check "the server accepted nearly every word ($(sfield ok) answers)" [ "$(sfield ok)" -ge 873 ]
check "the summary names the host slowed" contains a.err "127.0.0.1 pushed back (429/503): slowed down"
check "the stats file parses at every line" python3 -c '
import json, sys
for line in open(sys.argv[1]):
    json.loads(line)' s.json
check "the host slowed in --stats-json, then let go again" python3 -c '
import json, sys
last = [json.loads(l) for l in open(sys.argv[1])][-1]
h = last["hosts"][0]
assert last["hosts_slowed"] == 1 and h["addr"] == "127.0.0.1" and h["slowed"] >= 1, last
assert h["lowest_rate"] <= 45, h            # held near 40/s once
assert h["rate"] == 0 or h["rate"] >= 1.5 * h["lowest_rate"], h  # and freed after the lift
' s.json
stop

# --auto-tune=no: the old way, a 429 is an answer.
serve 40
"$SALVO" -j 1 -p none --mc all -f jsonl --auto-tune=no -u "http://127.0.0.1:$sport/{}" \
    -w <(head -200 w.txt) > b.jsonl 2> b.err
check "--auto-tune=no: 429s kept ($(count b.jsonl '"status":429'))" [ "$(count b.jsonl '"status":429')" -gt 20 ]
check "--auto-tune=no: no host named" [ -z "$(grep 'pushed back' b.err)" ]
stop

# 2. --auto-bail on errors in a row: one host down, one up, in one list.
serve 0
awk -v p="$sport" 'BEGIN { for (i = 1; i <= 100; i++) {
    print "http://127.0.0.1:" p "/ok" i; print "http://127.0.0.2:1/down" i } }' > list.txt
# -t 4: with a wider window, all of a short list is on its way before the
# first error comes back.
"$SALVO" -j 2 -t 4 -p none --mc all -f jsonl --errors --auto-bail --bail-errors 5 --state st \
    -l list.txt > c.jsonl 2> c.err
check "a verdict for every word (200)" [ "$(wc -l < c.jsonl)" -eq 200 ]
check "the live host answered all 100" [ "$(count c.jsonl '"status":200')" -eq 100 ]
skipped=$(count c.jsonl 'skipped: 127.0.0.2 was given up: ')
refused=$(count c.jsonl '"error":"connect')
check "the dead host: a few errors ($refused), the rest skipped ($skipped)" \
    [ $((skipped + refused)) -eq 100 -a "$refused" -ge 5 -a "$skipped" -ge 80 ]
check "the summary names it" contains c.err "127.0.0.2 given up: "
check "the summary counts its skipped words" contains c.err "; $skipped words skipped"
"$SALVO" -j 1 -p none --mc all -f jsonl --errors --retry-failed st -l list.txt > d.jsonl 2> d.err
check "--retry-failed takes the 100 again" [ "$(wc -l < d.jsonl)" -eq 100 -a "$(count d.jsonl 'down')" -eq 100 ]

# 3. --auto-bail on a share of 403: the first window gives it up.
awk 'BEGIN { for (i = 1; i <= 300; i++) print "d" i }' > d.txt
"$SALVO" -j 1 -t 4 -p none --mc all -f jsonl --errors --auto-bail --bail-window 20 \
    --bail-share 90 -u "http://127.0.0.1:$sport/deny/{}" -w d.txt > e.jsonl 2> e.err
n403=$(count e.jsonl '"status":403')
check "403 share: a verdict for every word" [ "$(wc -l < e.jsonl)" -eq 300 ]
check "403 share: given up after 20 answers ($n403 answered)" [ "$n403" -ge 20 -a "$n403" -le 30 ]
check "403 share: the reason" contains e.err "20 of 20 answers were 403 or 429 (--auto-bail)"

# 4. --max-time-per-host: a slow host gets 2 s, then its words are skipped.
"$SALVO" -j 1 -t 2 -p none --mc all -f jsonl --errors --max-time-per-host 2 \
    -u "http://127.0.0.1:$sport/slow/{}" -w <(head -100 d.txt) > f.jsonl 2> f.err
answered=$(count f.jsonl '"status":200')
check "per-host time: a verdict for every word" [ "$(wc -l < f.jsonl)" -eq 100 ]
check "per-host time: some answered ($answered), the rest skipped" \
    [ "$answered" -ge 4 -a "$answered" -le 40 -a "$(count f.jsonl 'skipped: ')" -eq $((100 - answered)) ]
check "per-host time: the reason" contains f.err "its time was up (--max-time-per-host 2)"
stop

# 5. The progress line names the hosts: one slowed (40/s), one given up.
serve 40
awk -v p="$sport" 'BEGIN { for (i = 1; i <= 150; i++) { print "http://127.0.0.1:" p "/pg" i;
                           if (i <= 60) print "http://127.0.0.2:1/gone" i } }' > pl.txt
script -qfec "\"$SALVO\" -j 1 -t 4 -p none --mc all --auto-bail --bail-errors 5 -l pl.txt" \
    pl.log > /dev/null
tr '\r' '\n' < pl.log | sed 's/\x1b\[K//g' > pl.lines
check "progress: a scan under a terminal" grep -q 'COMMAND_EXIT_CODE="0"' pl.log
check "progress: the host slowed, with its rate" grep -qE '  slowed 127\.0\.0\.1 \([0-9]+/s\)' pl.lines
check "progress: the host given up, by its address" grep -qE '  given up 127\.0\.0\.2( |$)' pl.lines
stop
finish
