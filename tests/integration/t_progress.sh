# The progress line: on a terminal (a pseudo-terminal made by script(1)) it
# is drawn and hits never tear it; on a pipe and with -q it is not drawn.
. "$(dirname "$0")/lib.sh"
{ seq -f "hit-%g" 1 1500; seq -f "w%g" 1 1500; } | shuf --random-source=/dev/zero > words.txt
cmd="\"$SALVO\" -j 2 --rate 2000 --connect-to $CT -w words.txt"
script -qfec "$cmd" tty.log > /dev/null
check "scan under a terminal ok" grep -q 'COMMAND_EXIT_CODE="0"' tty.log
tr '\r' '\n' < tty.log | sed 's/\x1b\[K//g' > lines.txt
check "progress drawn with total, elapsed time and ETA" grep -qE '^[0-9,]+/3,000 words \([0-9]+%\) .* [0-9]+:[0-9]{2} elapsed  ETA [0-9]+:[0-9]{2}$' lines.txt
check "no ETA before a rate is known" grep -qE '^0/3,000 words .* 0:00 elapsed  ETA -$' lines.txt
check "hits never above the words done" python3 - lines.txt <<'PY'
import re, sys
for l in open(sys.argv[1]):
    m = re.match(r"^([0-9,]+)/3,000 words .* ([0-9]+) hits", l)
    if m:
        assert int(m.group(2)) <= int(m.group(1).replace(",", "")), l
PY
check "the count moves by less than a chunk" python3 - lines.txt <<'PY'
import re, sys
done = sorted({int(m.group(1).replace(",", "")) for m in (re.match(r"^([0-9,]+)/3,000 words", l) for l in open(sys.argv[1])) if m})
assert any(d % 256 for d in done if 0 < d < 3000), done
PY
check "progress shows hits and rates" grep -qE '/s now +[0-9]+/s avg +[0-9]+ hits' lines.txt
check "progress shows the transfers in flight, per worker" grep -qE ' errors +-t [1-9][0-9]* x2 +[0-9]+:[0-9]{2} elapsed' lines.txt
check "every hit is a whole line" [ "$(grep -c '^http://hit-[0-9]*\.baidu\.com$' lines.txt)" -eq 1500 ]
check "no hit mixed with progress" [ -z "$(grep 'baidu\.com' lines.txt | grep -v '^http://hit-[0-9]*\.baidu\.com$')" ]
check "summary on its own line" grep -qx 'salvo: 3000 words, 1500 hits, 0 errors in .*' lines.txt

# Blank lines are no words: the total, the count and the summary agree,
# and the summary says what was skipped; -t shows as asked.
{ echo; head -1000 words.txt; printf '\n\r\n'; tail -2000 words.txt; echo; } > blanks.txt
script -qfec "\"$SALVO\" -j 2 -t 10 --rate 2000 --connect-to $CT -w blanks.txt" blanks.log > /dev/null
tr '\r' '\n' < blanks.log | sed 's/\x1b\[K//g' > blines.txt
check "blank lines: the total counts words" grep -qE '^[0-9,]+/3,000 words' blines.txt
check "blank lines: the count never passes the words" python3 - blines.txt <<'PY'
import re, sys
done = [int(m.group(1).replace(",", "")) for m in (re.match(r"^([0-9,]+)/3,000 words", l) for l in open(sys.argv[1])) if m]
assert done and max(done) <= 3000, done
PY
check "blank lines: said at the end" grep -q 'blanks.txt: 4 blank lines skipped: no word (first: line 1)' blines.txt
check "-t 10 shows as -t 10 x2" grep -qE ' -t 10 x2 ' blines.txt
check "blank lines: the summary counts words" grep -qx 'salvo: 3000 words, 1500 hits, 0 errors in .*' blines.txt

"$SALVO" -j 2 --connect-to "$CT" -w words.txt > out.txt 2> err.txt
check "no progress on a pipe" [ -z "$(grep -e 'ETA' -e $'\x1b' err.txt)" ]
script -qfec "$cmd -q" quiet.log > /dev/null
check "no progress with -q" [ -z "$(grep 'ETA' quiet.log)" ]
finish
