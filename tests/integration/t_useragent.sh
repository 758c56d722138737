# -A random: each worker sends one browser User-Agent of user-agents.txt
# (the shipped list, or the user's in ~/.config/salvo/ instead); a missing
# or empty list is refused before anything is sent.
. "$(dirname "$0")/lib.sh"
tag=ua$$
seq -f "$tag-%g" 1 400 > w.txt
"$SALVO" -q -j 2 -A random -p none --connect-to "$CT" -u 'http://echo.test/{}' -w w.txt > /dev/null 2> r.err
check "-A random runs (exit $?)" [ $? -eq 0 ]
wait_lines "$NGX_DIR/echo.log" " /$tag-" 400
grep " /$tag-" "$NGX_DIR/echo.log" | sed 's/.* ua=\(.*\) accept=.*/\1/' | sort -u > sent.txt
check "every request had a User-Agent of the shipped list" python3 - sent.txt "$SRC_DIR/conf/user-agents.txt" <<'PY'
import sys
sent = [l.rstrip("\n") for l in open(sys.argv[1])]
known = {l.rstrip("\n") for l in open(sys.argv[2]) if l.strip()}
assert sent and all(s in known for s in sent), sent
assert 1 <= len(sent) <= 2, sent  # one per worker
PY
check "all 400 requests were sent" [ "$(grep -c " /$tag-" "$NGX_DIR/echo.log")" -ge 400 ]
# The user's own list replaces the shipped one.
mkdir -p home/salvo
printf '# mine\n\nMyBrowser/1.0 (test)\n' > home/salvo/user-agents.txt
XDG_CONFIG_HOME=$PWD/home "$SALVO" -q -j 1 -A random -p none --connect-to "$CT" \
    -u "http://echo.test/$tag-own-{}" -w w.txt > /dev/null
wait_lines "$NGX_DIR/echo.log" " /$tag-own-" 400
check "the user's list replaces the shipped one" \
    [ "$(grep " /$tag-own-" "$NGX_DIR/echo.log" | grep -c 'ua=MyBrowser/1.0 (test) accept')" -eq 400 ]
printf '# nothing\n\n' > home/salvo/user-agents.txt
XDG_CONFIG_HOME=$PWD/home "$SALVO" -q -A random -p none --connect-to "$CT" \
    -u "http://echo.test/{}" -w w.txt > /dev/null 2> empty.err; rc=$?
check "an empty list is refused (exit $rc)" [ $rc -eq 2 ]
check "an empty list is refused (exit $rc) (and)" contains empty.err "no User-Agent in it"
finish
