# --retry-failed STATE: probe again only the words whose verdict was an
# error in the scan that STATE recorded.
. "$(dirname "$0")/lib.sh"
{ seq -f "hit-%g" 1 50; printf 'bad word\n\n'; seq -f "w%g" 1 50; } > words.txt
# Everything fails: the server is not there.
"$SALVO" -q -j 2 --connect-to ::127.0.0.1:1 -w words.txt -o first.txt --state st 2> err.txt
check "first run: nothing found" [ ! -s first.txt ]
check "failed words recorded beside the state" [ "$(wc -l < st.failed)" -eq 101 ]
# Again, with the server there: only the failed words, and the hits found.
"$SALVO" -j 2 --connect-to "$CT" -w words.txt -o second.txt --retry-failed st 2> err2.txt
check "retry: exit 0" [ $? -eq 0 ]
check "retry: the hits among the failed words" same_set second.txt <(seq -f "http://hit-%g.baidu.com" 1 50)
check "retry: 101 words probed, 1 still failing" contains err2.txt "101 words, 50 hits, 1 errors"

# A scan where only some words fail: the retry probes those alone.
"$SALVO" -q -j 2 --connect-to "$CT" -w words.txt -o third.txt --state st3
"$SALVO" -j 2 --connect-to "$CT" -w words.txt -o fourth.txt --retry-failed st3 2> err4.txt
check "retry of a good scan: only the one bad word" contains err4.txt "1 words, 0 hits, 1 errors"
echo more >> words.txt
"$SALVO" -q --connect-to "$CT" -w words.txt --retry-failed st3 2> err5.txt
check "retry with another wordlist refused" contains err5.txt "is not the one it was made with"
finish
