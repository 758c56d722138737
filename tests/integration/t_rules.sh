# [match] and [filter] rules, each alone and combined, on pages of the test
# nginx whose status, size, words, lines, headers and time are known.
. "$(dirname "$0")/lib.sh"
printf 'hit-1\ntech-2\nmissing-3\nbroken-4\nredir-5\nslow-6\ntoken-7\nw8x\ngbkhit-9\n' > r.txt

# rules NAME EXPECTED-WORDS ARGS...: -p none, the rules alone decide.
rules() {
    local name=$1 want=$2; shift 2
    "$SALVO" -q -j 2 -p none --connect-to "$CT" -w r.txt -f jsonl "$@" > "$name.jsonl" 2> "$name.err"
    local rc=$?
    got=$(python3 -c 'import sys, json
print(" ".join(sorted(json.loads(l)["word"] for l in open(sys.argv[1]))))' "$name.jsonl")
    want=$(echo "$want" | tr ' ' '\n' | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')
    if [ "$rc" -eq 0 ] && [ "$got" = "$want" ]; then ok "$name"; else
        fail "$name: exit $rc, got [$got], want [$want]"; cat "$name.err" >&2; fi
}
all200="hit-1 tech-2 slow-6 token-7 w8x gbkhit-9"
rules status          "$all200" --mc 200
rules status-range    "missing-3 redir-5" --mc 301-302,404
# A filter alone narrows ffuf's default statuses (no 404), never widens them.
rules status-filter   "broken-4 redir-5" --fc 200
rules match-and-filter "" --mc 200 --fc 200-299
rules contains        "hit-1 tech-2" --ms 欢迎
rules contains-gbk    "gbkhit-9" --ms 中文页面
rules contains-raw    "" --ms 中文页面 --raw
rules contains-filter "hit-1 tech-2 broken-4 redir-5 slow-6 token-7 gbkhit-9" --fs 不存在
rules regex           "token-7" --mr 'api_key: "[A-Za-z0-9_]{20}"'
rules regex-filter    "hit-1 tech-2 slow-6 token-7 w8x gbkhit-9" --fr 'nginx/\d+\.\d+'
rules regex-unicode   "gbkhit-9" --mr '^<html><head><title>百度文库'
rules size            "hit-1 tech-2" --msize 140
rules size-filter     "slow-6" --fsize '<200'
rules size-ranges     "token-7 gbkhit-9 slow-6" --msize '0-100,>5000'
# Words and lines as ffuf counts them: spaces + 1, newlines + 1.
rules words           "hit-1 tech-2 missing-3 redir-5" --mw 5
rules words-filter    "hit-1 tech-2 redir-5 slow-6 token-7 w8x gbkhit-9" --fw 7
rules lines           "slow-6 token-7" --ml 1-2
rules lines-filter    "slow-6 token-7 gbkhit-9" --fl '>3'
rules header          "tech-2" --mh 'X-Powered-By: ^PHP/8\.'
rules header-filter   "missing-3 broken-4" --mc 300-599 --fh 'location: hit-redirected'
rules time            "slow-6" --mt '>500' --timeout 5
rules time-filter     "hit-1 tech-2 token-7 w8x gbkhit-9" --mc 200 --ft '>500' --timeout 5
rules mode-any        "hit-1 tech-2 missing-3" --mc 404 --ms 欢迎 --match-mode any
rules combined        "hit-1" --mc 200 --ms 欢迎 --fh 'X-Powered-By: PHP'
rules repeated        "tech-2" --ms 欢迎 --mh 'X-Powered-By: .' --ms 'A real page'

# The same rules from an INI file.
cat > r.ini <<'INI'
[match]
status = 200
contains = 欢迎
[filter]
header = X-Powered-By: PHP
INI
rules ini "hit-1" -c r.ini

# --show-filtered: every turned-down response, with the rule that did it.
"$SALVO" -q -j 1 -p none --connect-to "$CT" -w r.txt -f jsonl --mc 200 --fs 不存在 \
    --show-filtered > shown.jsonl
check "filtered_by names the match rule" contains shown.jsonl '"word":"missing-3"'
python3 - shown.jsonl <<'PY' || fail "filtered_by of each response"
import json, sys
by = {}
for l in open(sys.argv[1]):
    d = json.loads(l)
    by[d["word"]] = (d["verdict"], d.get("filtered_by"))
want = {"missing-3": ("filtered", "match.status=200"), "broken-4": ("filtered", "match.status=200"),
        "redir-5": ("filtered", "match.status=200"), "w8x": ("filtered", "filter.contains=不存在"),
        "hit-1": ("hit", None), "slow-6": ("hit", None)}
for w, v in want.items():
    assert by[w] == v, (w, by[w], v)
print("ok: filtered_by of each response")
PY
"$SALVO" -q -j 1 -p none --connect-to "$CT" -w r.txt --mc 200 --show-filtered > shown.txt 2> shown.err
check "text format: hits on stdout only" [ "$(wc -l < shown.txt)" -eq 6 ]
check "text format: filtered on stderr with the reason" \
    contains shown.err "[~] http://missing-3.baidu.com (404, filtered by match.status=200)"

# Rules first, then the plugin or script: a script sees only what passed.
cat > count.lua <<'LUA'
function match(res)
  salvo.log("match called for " .. res.url)
  return true
end
LUA
"$SALVO" -j 1 -p ./count.lua --connect-to "$CT" -w r.txt --mc 404,500 > lua.txt 2> lua.err
check "the script ran only on what the rules passed" [ "$(grep -c 'match called' lua.err)" -eq 2 ]
check "and decided on those" same_set lua.txt <(printf 'http://missing-3.baidu.com\nhttp://broken-4.baidu.com\n')
"$SALVO" -q -j 1 -p baidu --connect-to "$CT" -w r.txt --fc 200 > baidu.txt
check "the baidu plugin after a filter that drops every 200: no hit" [ ! -s baidu.txt ]

# Bad rules stop salvo before any request, naming the key.
bad() {
    local name=$1 msg=$2; shift 2
    "$SALVO" -q -p none --connect-to "$CT" -w r.txt "$@" > bad.out 2> bad.err
    local rc=$?
    if [ "$rc" -eq 2 ] && [ ! -s bad.out ] && grep -qF -- "$msg" bad.err; then ok "$name"; else
        fail "$name: exit $rc, stderr: $(cat bad.err)"; fi
}
bad "invalid regex"           "option --mr: regex \"(\": missing closing parenthesis at offset 1" --mr '('
bad "invalid header rule"     "option --mh: \"nocolon\" is not 'Header-Name: regex'" --mh nocolon
bad "invalid header regex"    "option --fh: regex \"[\"" --fh 'Server: ['
bad "invalid size"            "option --msize: \"12x\" is not a list of numbers" --msize 12x
bad "invalid time"            "option --mt: \"-5\" is not a list of numbers" --mt=-5
bad "invalid mode"            "option --match-mode: \"some\" is not one of all|any" --match-mode some
printf '[filter]\nregex = a(b\n' > badre.ini
bad "invalid regex in INI"    "badre.ini:2: [filter] regex: regex \"a(b\": missing closing parenthesis" -c badre.ini

# ffuf's -fs is a size filter: a numeric --fs gets a hint.
"$SALVO" -q -p none --connect-to "$CT" -w r.txt --fs 140 > /dev/null 2> fs.err
check "a numeric --fs gets a hint" contains fs.err "--fsize"
# Your own template: no plugin unless one is named. With a rule, the rule
# alone decides (the baidu plugin would turn every 301 down, silently);
# with no rule, ffuf's default statuses.
printf 'hit-1\nredir-2\nmissing-3\nbroken-4\n' > own.txt
"$SALVO" -q -j 1 -u 'http://{}.baidu.com' --connect-to "$CT" -w own.txt --mc 301,404 > own1.txt
check "own -u with --mc 301,404: those pages, no plugin" same_set own1.txt \
    <(printf 'http://redir-2.baidu.com\nhttp://missing-3.baidu.com\n')
"$SALVO" -q -j 1 -u 'http://{}.baidu.com' --connect-to "$CT" -w own.txt > own2.txt
check "own -u, no rule: ffuf's statuses (200, 301, 500; not 404)" same_set own2.txt \
    <(printf 'http://hit-1.baidu.com\nhttp://redir-2.baidu.com\nhttp://broken-4.baidu.com\n')
"$SALVO" -q -j 1 --connect-to "$CT" -w own.txt > own3.txt
check "the default job keeps the baidu plugin" same_set own3.txt <(echo http://hit-1.baidu.com)
"$SALVO" --dump-config -u 'http://{}.example.com' > own.ini
check "--dump-config says which plugin applies" grep -qx 'plugin = none' own.ini
check "--dump-config says the default match" grep -qx 'status = 200-299,301,302,307,401,403,405,500' own.ini
"$SALVO" -q -j 1 -p baidu -u 'http://{}.baidu.com' --connect-to "$CT" -w own.txt > own4.txt
check "a named plugin still applies to your own template" same_set own4.txt <(echo http://hit-1.baidu.com)
finish
