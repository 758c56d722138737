# Interrupt and resume, exactly once: after SIGINT, after SIGKILL of the
# parent, after SIGKILL of every worker, the output equals that of an
# uninterrupted run, with no line missing and none repeated.
. "$(dirname "$0")/lib.sh"
gen_words 50000
run() { "$SALVO" -j 4 -t 50 --connect-to "$CT" -w words.txt -o out.txt "$@"; }
# start ARGS...: run in the background; $pid is salvo's own
start() { "$SALVO" -j 4 -t 50 --connect-to "$CT" -w words.txt -o out.txt "$@" & pid=$!; }
at() { awk -v s=$RANDOM 'BEGIN { srand(s); printf "%.2f", 0.4 + rand() * 1.2 }'; }
exact() { # exact NAME: out.txt equals expected.txt as a multiset
    check "$1: no line repeated" [ -z "$(sort out.txt | uniq -d | head -3)" ]
    check "$1: no line missing or extra" same_set out.txt expected.txt
}

# 1. SIGINT at a random point, then --resume
rm -f out.txt st
start -q --state st > /dev/null 2> err1.txt
t=$(at); sleep "$t"; kill -INT $pid; wait $pid; rc=$?
check "SIGINT after ${t}s: exit 130 (got $rc)" [ $rc -eq 130 ]
check "SIGINT: the state was saved before the scan ended" [ -s st -a "$(wc -l < out.txt)" -lt "$(wc -l < expected.txt)" ]
run -q --resume st > /dev/null 2> err2.txt
check "resume after SIGINT: exit 0 (got $?)" [ $? -eq 0 ]
exact "SIGINT + resume"

# 2. SIGKILL of the parent at a random point, then --resume
rm -f out.txt st
start -q --state st > /dev/null 2>&1
t=$(at); sleep "$t"; kill -KILL $pid; wait $pid 2>/dev/null
sleep 0.3 # the workers notice their parent is gone and exit
check "SIGKILL after ${t}s: a valid state is on disk" grep -q '^salvo-state 2$' st
run -q --resume st > /dev/null 2> err3.txt
check "resume after SIGKILL: exit 0 (got $?)" [ $? -eq 0 ]
exact "SIGKILL + resume"

# 3. SIGKILL of every worker at a random point: replaced, no resume needed
rm -f out.txt
start -q > /dev/null 2> err4.txt
t=$(at); sleep "$t"; pkill -KILL -P $pid; wait $pid; rc=$?
check "workers killed after ${t}s: the scan completes (exit $rc)" [ $rc -eq 0 ]
exact "SIGKILL of the workers"

# 4. Interrupted without --state: a state is made and named
rm -f out.txt salvo-*.state
start > /dev/null 2> err5.txt
sleep 0.5; kill -TERM $pid; wait $pid; rc=$?
check "SIGTERM: exit 143 (got $rc)" [ $rc -eq 143 ]
state=$(ls salvo-*.state 2>/dev/null | head -1)
check "SIGTERM without --state: the state path is printed" contains err5.txt "state saved in $state: continue with --resume $state"
run -q --resume "$state" > /dev/null
exact "SIGTERM + resume from the printed state"

# 5. Refusals
cp words.txt words.orig; echo extra-word >> words.txt
run -q --resume "$state" 2> err6.txt; rc=$?
check "changed wordlist refused (exit $rc)" [ $rc -eq 2 ]
check "changed wordlist refused (exit $rc) (and)" contains err6.txt "is not the one it was made with"
cp words.orig words.txt; touch -r "$state" words.txt
"$SALVO" -j 4 --connect-to "$CT" -w words.txt -o out.txt -u 'http://{}.example.com' -q --resume "$state" 2> err7.txt
check "changed options refused" contains err7.txt "written by a scan with other options"
printf 'bogus\n' > bad.state
run -q --resume bad.state 2> err8.txt
check "a damaged state is refused" contains err8.txt "bad.state:1: not a salvo state file"
# One digit edited: the checksum refuses it (it would skip words silently).
sed 's/^low \([0-9]*\)[0-9]$/low \19/' "$state" > edited.state
if cmp -s "$state" edited.state; then sed -i 's/^config 0/config 1/' edited.state; fi
run -q --resume edited.state 2> err10.txt; rc=$?
check "an edited state is refused (exit $rc)" [ $rc -eq 2 ]
check "an edited state is refused (exit $rc) (and)" contains err10.txt "its checksum does not match: the file was changed or cut"
# A state in use: a second scan on it is refused while the first runs.
"$SALVO" -j 1 --rate 20 --connect-to "$CT" -w words.txt -o busy.out --state busy.st -q \
    2> busy1.err &
busy=$!
for _ in $(seq 100); do [ -s busy.st.lock ] && break; sleep 0.1; done
"$SALVO" -j 1 --connect-to "$CT" -w words.txt -o busy2.out --state busy.st -q 2> busy2.err
rc=$?
check "a state in use is refused (exit $rc)" [ $rc -eq 2 ]
check "a state in use is refused (exit $rc) (and)" contains busy2.err "state busy.st is in use by another salvo (pid $busy)"
check "a state in use: the first scan's output untouched" [ ! -e busy2.out ]
kill -INT $busy; wait $busy
# --shard auto/N: the state covers the shard this job resolved to.
JOB_COMPLETION_INDEX=0 "$SALVO" -j 1 --connect-to "$CT" -w words.txt -o sh.out --shard auto/2 \
    --state sh.st -q 2> /dev/null
JOB_COMPLETION_INDEX=1 "$SALVO" -j 1 --connect-to "$CT" -w words.txt -o sh.out --shard auto/2 \
    --resume sh.st -q 2> sh.err
rc=$?
check "auto/N resumed under another job index is refused (exit $rc)" [ $rc -eq 2 ]
check "auto/N resumed under another job index is refused (exit $rc) (and)" contains sh.err "written by a scan with other options"
JOB_COMPLETION_INDEX=0 "$SALVO" -j 1 --connect-to "$CT" -w words.txt -o sh.out --shard auto/2 \
    --resume sh.st -q 2> sh2.err
check "auto/N resumed under the same job index is taken" [ $? -eq 0 ]

# 6. A full disk stops the scan, and the state saved so far is named
"$SALVO" -j 2 --connect-to "$CT" -w words.txt -o /dev/full --state full.st 2> err9.txt
rc=$?
check "full disk: exit 1 (got $rc)" [ $rc -eq 1 ]
check "full disk: said, with the state to resume from" contains err9.txt \
    "output /dev/full: No space left on device: stopping; continue later with --resume full.st"
check "full disk: the state is a valid one" grep -q '^salvo-state 2$' full.st
finish
