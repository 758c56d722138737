# Plugins and scripts that misbehave cannot hang, truncate or corrupt a
# scan: a loop in match() (C, a Lua pattern inside C, a looping __gc) is
# killed by the watchdog and its word quarantined; exit(0) in match() is a
# death; exit(0) in init() stops the scan before any request; a finish()
# that never returns is killed once everything is written; errors in
# script code outside the hooks proper are the word's error verdict; one
# SIGINT ends a scan whose plugin hangs. Every other word gets its verdict,
# once.
. "$(dirname "$0")/lib.sh"
MB="$TEST_PLUGINS/misbehave.so"
words() { seq 1 "$1" | sed 's/^/w/'; }
# verdicts FILE: each word once, and how many lines
once() { [ "$(grep -o '"word":"[^"]*"' "$1" | sort | uniq -d | wc -l)" -eq 0 ]; }
hits() { grep -c '"verdict":"hit"' "$1"; }
# ended WHAT RC FILE HITS TOTAL: the scan exited 0 with every other word a
# hit, each word's verdict once, TOTAL verdicts in all.
ended() {
    check "$1: exit 0" [ "$2" -eq 0 ]
    check "$1: every other word a hit" [ "$(hits "$3")" -eq "$4" ]
    check "$1: every word once" once "$3"
    check "$1: $5 verdicts" [ "$(wc -l < "$3")" -eq "$5" ]
}

# A loop in match() on one word, an exit(0) in match() on another.
{ words 40; echo hang-1; words 80 | tail -40; echo exit-1; } > mb.txt
"$SALVO" -j 2 -p "$MB" --judge-timeout 1 --connect-to "$CT" -f jsonl --errors -w mb.txt \
    > mb.jsonl 2> mb.err
ended "hang and exit(0)" $? mb.jsonl 80 82
check "the hung word is quarantined with the reason" contains mb.jsonl \
    '"word":"hang-1","status":0,"length":0,"elapsed_ms":0.000,"error_class":"crash","error":"quarantined: its plugin code ran on the word for more than 1 s (--judge-timeout)"'
check "exit(0) in match() is a death, quarantined after two" contains mb.jsonl \
    '"word":"exit-1","status":0,"length":0,"elapsed_ms":0.000,"error_class":"crash","error":"quarantined: killed 2 workers (exit status 0, not asked to exit)"'
check "the parent names the hung word" contains mb.err 'while judging the word "hang-1"'

# The same words resumed: the state is exact (nothing probed twice).
"$SALVO" -j 2 -p "$MB" --judge-timeout 1 --connect-to "$CT" -f jsonl --errors -w mb.txt \
    --state mb.state -o mb2.jsonl 2> mb2.err
vw() { grep -o '"verdict":"[a-z]*","url":"[^"]*","word":"[^"]*"' "$1" | sort > "$1.vw"; }
vw mb.jsonl; vw mb2.jsonl
check "with --state: the same verdicts" same_set mb.jsonl.vw mb2.jsonl.vw

# exit(0) in init(): the scan stops before any request, non-zero.
"$SALVO" -j 2 -p "$MB" -a init=exit --connect-to "$CT" -w mb.txt > init.txt 2> init.err
rc=$?
check "exit(0) in init(): exit 4 (got $rc)" [ $rc -eq 4 ]
check "exit(0) in init(): said so" contains init.err "while starting: the plugin's init() did not finish"
check "exit(0) in init(): no result" [ ! -s init.txt ]

# finish() never returns: killed after the exit grace, every result kept.
words 50 > fin.txt
"$SALVO" -j 2 -p "$MB" -a finish=hang --judge-timeout 1 --timeout 1 --connect-to "$CT" \
    -w fin.txt > fin.out 2> fin.err
check "finish() hangs: exit 0" [ $? -eq 0 ]
check "finish() hangs: all 50 results" [ "$(wc -l < fin.out)" -eq 50 ]
check "finish() hangs: killed and said so" contains fin.err "it did not exit within 4 s of its last word"

# Lua: errors and loops in what the glue runs (a returned table's __index,
# a field's __tostring), a pattern that runs inside C, a looping __gc.
{ words 30; printf 'tt-1\ntl-1\ncloop-1\ngc-1\nts-1\n'; words 60 | tail -30; } > lua.txt
"$SALVO" -j 2 -p "$SRC_DIR/tests/scripts/misbehave.lua" --judge-timeout 2 --lua-instructions 100000 \
    --connect-to "$CT" -f jsonl --errors -w lua.txt > lua.jsonl 2> lua.err
ended "Lua misbehaving" $? lua.jsonl 60 65
check "__index raising in target()'s table: the word's error with traceback" contains lua.jsonl \
    'boom in __index\u000astack traceback'
check "__index looping: the budget stops it" contains lua.jsonl \
    '"word":"tl-1","status":0,"length":0,"elapsed_ms":0.000,"error_class":"script","error":"target: lua: instruction budget'
check "__tostring looping in a field: the budget stops it" contains lua.jsonl \
    '"word":"ts-1","status":200'
check "a pattern inside C: the watchdog" contains lua.jsonl \
    '"word":"cloop-1","status":0,"length":0,"elapsed_ms":0.000,"error_class":"crash"'
check "a looping __gc: the watchdog" contains lua.jsonl \
    '"word":"gc-1","status":0,"length":0,"elapsed_ms":0.000,"error_class":"crash"'

# A plugin that takes memory without end: --worker-memory makes its own
# allocations fail (the worker dies, the word is quarantined). Not in a
# sanitizer build, which cannot limit its address space.
if ldd "$SALVO" | grep -q libasan; then
    echo "skip: --worker-memory in a sanitizer build"
else
    { words 20; echo hog-1; words 40 | tail -20; } > hog.txt
    "$SALVO" -j 2 -p "$MB" --worker-memory 268435456 --connect-to "$CT" -f jsonl --errors \
        -w hog.txt > hog.jsonl 2> hog.err
    check "memory hog: exit 0" [ $? -eq 0 ]
    check "memory hog: every other word a hit" [ "$(hits hog.jsonl)" -eq 40 ]
    check "memory hog: quarantined after two deaths" contains hog.jsonl \
        '"word":"hog-1","status":0,"length":0,"elapsed_ms":0.000,"error_class":"crash","error":"quarantined: killed 2 workers (signal 11'
fi

# One SIGINT while the only worker hangs in match(): the scan ends, 130,
# within the judge timeout and the transfer timeout (bounded wait).
{ echo hang-0; words 5000; } > int.txt
"$SALVO" -j 1 -p "$MB" --judge-timeout 2 --timeout 1 --connect-to "$CT" -w int.txt \
    > int.out 2> int.err &
pid=$!
# Wait for the worker to be inside match(): the parent sent it the chunk
# and nothing can come back while it hangs; a beacon is not visible from
# here, so wait for the worker process to burn CPU time (bounded).
for _ in $(seq 100); do
    w=$(pgrep -P $pid | head -1)
    [ -n "$w" ] && [ "$(awk '{ print $14 }' /proc/$w/stat 2>/dev/null || echo 0)" -gt 10 ] && break
    sleep 0.1
done
start=$(date +%s)
kill -INT $pid
timeout 60 tail --pid=$pid -f /dev/null
wait $pid
rc=$?
took=$(( $(date +%s) - start ))
check "SIGINT with a hung plugin: exit 130 (got $rc)" [ $rc -eq 130 ]
check "SIGINT with a hung plugin: ended in ${took}s (bound: judge 2 s + timeout 1 s + grace)" [ $took -le 20 ]
finish
