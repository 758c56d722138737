# Shared by the integration tests: paths, the nginx port, assertions.
set -u
: "${SALVO:?}" "${NGX_DIR:?}" "${WORK:?}"
PORT=$(cat "$NGX_DIR/port")
CT="::127.0.0.1:$PORT"      # every host goes to the test nginx
rm -rf "$WORK" && mkdir -p "$WORK" && cd "$WORK"
fails=0

fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
ok() { echo "ok: $*"; }
# check DESCRIPTION COMMAND...: the command must succeed.
check() { local d=$1; shift; if "$@"; then ok "$d"; else fail "$d"; fi; }
# same_set A B: the two files hold the same lines, duplicates included.
same_set() { diff <(sort "$1") <(sort "$2") > "$WORK/diff.txt" || { head -20 "$WORK/diff.txt" >&2; return 1; }; }
contains() { grep -qF -- "$2" "$1" || { echo "--- $1 lacks: $2" >&2; cat "$1" >&2; return 1; }; }
# The scan's own time from salvo's summary line in FILE: from the pool's
# start to its end, without the process's start-up (seconds under ASan on a
# busy machine) that a wall clock around the command also counts.
scan_secs() { sed -n 's/^salvo: .* in \([0-9.]*\) s (.*/\1/p' "$1" | tail -1; }
# wait_lines FILE PATTERN N: until FILE holds N lines with PATTERN (a fixed
# string), at most 10 s. nginx writes its log line after the answer went
# out, so a client may be done before the line is there.
wait_lines() { for _ in $(seq 100); do [ "$(grep -cF -- "$2" "$1")" -ge "$3" ] && return 0; sleep 0.1; done; return 1; }
finish() { [ "$fails" -eq 0 ] && { echo "all passed"; exit 0; }; echo "$fails failed"; exit 1; }

# gen_words N: words.txt with N words of every kind the test nginx knows,
# shuffled, and expected.txt with the URLs that must be reported.
gen_words() {
    awk -v n="$1" 'BEGIN {
        srand(42);
        split("hit gbkhit metahit big gbk404 meta404 redir missing broken", k, " ");
        for (i = 1; i <= n; i++) {
            r = i % 20;
            if (r == 0) w = "hit-" i; else if (r == 1) w = "gbkhit-" i;
            else if (r == 2) w = "metahit-" i; else if (r == 3 && i % 100 == 3) w = "big-" i;
            else if (r == 4) w = "gbk404-" i; else if (r == 5) w = "meta404-" i;
            else if (r == 6) w = "redir-" i; else if (r == 7) w = "missing-" i;
            else if (r == 8) w = "broken-" i; else w = "w" i "x";
            print w > "words.txt";
            if (w ~ /^(hit|gbkhit|metahit|big)-/) print "http://" w ".baidu.com" > "expected.txt";
        }
    }'
}
