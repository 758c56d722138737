# --max-time: the scan stops as on SIGINT once it has run that long (the
# probes in flight finished, exit 6, the state kept), and --resume goes on
# to exactly the results of a scan never stopped.
. "$(dirname "$0")/lib.sh"
gen_words 20000
run() { "$SALVO" -j 2 -t 20 --rate 4000 --connect-to "$CT" -w words.txt -o out.txt "$@"; }
rm -f out.txt st
run --state st --max-time 1 > /dev/null 2> err1.txt; rc=$?
check "exit 6 at --max-time (got $rc)" [ $rc -eq 6 ]
check "the limit is said" contains err1.txt "--max-time 1 s reached: finishing the probes in flight"
check "the state is kept and said" contains err1.txt "state saved in st: continue with --resume st"
secs=$(scan_secs err1.txt)
check "stopped near the limit (${secs} s)" awk -v s="$secs" 'BEGIN { exit !(s >= 1 && s < 4) }'
check "stopped before the end" [ "$(wc -l < out.txt)" -lt "$(wc -l < expected.txt)" ]
run -q --resume st > /dev/null 2> err2.txt; rc=$?
check "resume after --max-time, without it: exit 0 (got $rc)" [ $rc -eq 0 ]
check "no line repeated" [ -z "$(sort out.txt | uniq -d | head -3)" ]
check "no line missing or extra" same_set out.txt expected.txt
# Without --state, what is done is kept in salvo-PID.state, as on SIGINT.
rm -f out.txt salvo-*.state
run -q --max-time 0.5 > /dev/null 2> err3.txt; rc=$?
check "no --state: exit 6 (got $rc)" [ $rc -eq 6 ]
check "no --state: a state file is named" grep -q 'state saved in salvo-[0-9]*\.state' err3.txt
printf '[scan]\nmax_time = 0.5\n' > mt.ini
run -q -c mt.ini > /dev/null 2> err4.txt; rc=$?
check "max_time in the INI file (exit $rc)" [ $rc -eq 6 ]
run -q --max-time soon > /dev/null 2> err5.txt; rc=$?
check "a bad --max-time is refused (exit $rc)" [ $rc -eq 2 ]
check "a bad --max-time is refused (exit $rc) (and)" contains err5.txt '--max-time: "soon" is not a number'
finish
