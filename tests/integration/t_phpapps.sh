# Real applications as users meet them: Debian's DokuWiki and phpMyAdmin on
# apache2 prefork with mod_php, 40 workers (MaxRequestWorkers 40).
# 1. 4,010 paths at its root with default options, three runs: the same 10
#    findings each time, not one error (default scans once opened hundreds
#    of connections at once here and lost findings to timeouts).
# 2. Its not-found page (doku.php?id=wiki:WORD answers 200 "This topic does
#    not exist yet" and repeats the word, normalised, in title and body)
#    with --calibrate: its 3 real pages, no false hit, among short, odd and
#    non-ASCII words.
# 3. A PHP page for every probe (the server's 40 workers busy): every word
#    answered (with a 10 s timeout, see below).
# 4. phpMyAdmin (no database behind it: its pages and files are there), 4,000
#    paths and its own 14 entries, three runs: all 14 found each time.
. "$(dirname "$0")/lib.sh"
: "${SRC_DIR:?}"
DW=/usr/share/dokuwiki
PMA=/usr/share/phpmyadmin
[ -f "$DW/doku.php" ] && [ -f "$PMA/index.php" ] ||
    { echo "skip: Debian's dokuwiki and phpmyadmin are not both installed (the README's test command installs them)"; exit 77; }
. "$SRC_DIR/tests/fixtures/servers.sh"
trap servers_stop EXIT
gen_paths() { # SEED REAL: 4,000 made-up paths and REAL's lines, shuffled
    python3 - "$@" <<'PY'
import random, sys
random.seed(int(sys.argv[1]))
real = open(sys.argv[2]).read().split()
syl = ["ad", "min", "log", "in", "up", "load", "back", "api", "v1", "test", "old", "new", "dev",
       "tmp", "conf", "data", "img", "css", "js", "user", "pass", "priv", "pub", "cgi", "sql",
       "www", "site", "web", "app"]
words = set()
while len(words) < 4000:
    words.add("".join(random.choice(syl) for _ in range(random.randint(1, 3))) +
              random.choice(["", ".php", ".bak", ".txt", "/", ".old"]))
words = sorted(words - set(real)) + real
random.shuffle(words)
print("\n".join(words))
PY
}
php_up "$DW" 40 || fail "apache2 with mod_php starts"
U="http://127.0.0.1:$PHP_PORT"
check "DokuWiki answers" sh -c "curl -s --noproxy '*' '$U/doku.php?id=wiki:syntax' | grep -q 'DokuWiki'"

printf '%s\n' VERSION bin doku.php feed.php inc index.php install.php lib vendor .htaccess \
    > dw-real.txt
gen_paths 7 dw-real.txt > paths.txt
want='".htaccess":200 "VERSION":200 "bin":403 "doku.php":200 "feed.php":200 "inc":301 "index.php":302 "install.php":200 "lib":301 "vendor":301 '
for run in 1 2 3; do
    "$SALVO" -v -p none -f jsonl --errors -u "$U/{}" -w paths.txt > r$run.jsonl 2> r$run.err
    check "paths, run $run: exit 0" [ $? -eq 0 ]
    got=$(grep -o '"word":"[^"]*","status":[0-9]*' r$run.jsonl | sed 's/"word"://; s/,"status"//' |
        sort | tr '\n' ' ')
    check "paths, run $run: the 10 findings ($got)" [ "$got" = "$want" ]
    check "paths, run $run: every word answered, none an error" \
        contains r$run.err "4010 words, 10 hits, 0 errors"
done

{ cat "$SRC_DIR/conf/words.txt"
  printf '%s\n' .bashrc "Program Files" a e page Admin LOGIN wiki/start a:b x@y 100% über \
      syntax welcome dokuwiki; } > cal.txt
"$SALVO" -v -p none --calibrate -f jsonl -u "$U/doku.php?id=wiki:{}" -w cal.txt > cal.jsonl 2> cal.err
check "soft-404: exit 0" [ $? -eq 0 ]
got=$(grep -o '"word":"[^"]*"' cal.jsonl | sort | tr '\n' ' ')
check "soft-404: the 3 real pages, no false hit ($got)" \
    [ "$got" = '"word":"dokuwiki" "word":"syntax" "word":"welcome" ' ]
check "soft-404: every other word learnt as not found" contains cal.err "turned down: 0 by the plugin, 0 by the rules, 303 as not-found pages"

# A PHP page takes 10-40 ms alone; on a machine busy with other tests (and
# under ASan) salvo's default 2 s timeout was seen too short for some of
# them while the 40 workers were saturated: 10 s, ffuf's default.
head -400 paths.txt > php.txt
"$SALVO" -v -p none --show-filtered -f jsonl --errors --timeout 10 -u "$U/doku.php?id={}" \
    -w php.txt > php.jsonl 2> php.err
check "PHP for every probe: 400 answers, no error" contains php.err "400 words, 400 hits, 0 errors"
servers_stop

php_up "$PMA" 40 || fail "apache2 with mod_php starts for phpMyAdmin"
U="http://127.0.0.1:$PHP_PORT"
ls -A "$PMA" > real.txt
gen_paths 9 real.txt > pma.txt
n=$(wc -l < real.txt)
for run in 1 2 3; do
    "$SALVO" -v -p none -f jsonl --errors -u "$U/{}" -w pma.txt > pma$run.jsonl 2> pma$run.err
    check "phpMyAdmin, run $run: exit 0" [ $? -eq 0 ]
    check "phpMyAdmin, run $run: its $n entries, nothing else" same_set real.txt \
        <(grep -o '"word":"[^"]*"' pma$run.jsonl | sed 's/"word":"//; s/"$//')
    check "phpMyAdmin, run $run: no error" contains pma$run.err "$(wc -l < pma.txt) words, $n hits, 0 errors"
done
finish
