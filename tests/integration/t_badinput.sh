# Bad input of every kind: a clear message naming what and where, a
# defined exit status, and never a crash.
. "$(dirname "$0")/lib.sh"
printf 'hit-1\n' > words.txt

expect() { # expect STATUS NEEDLE -- salvo args...
    local want=$1 needle=$2; shift 3
    "$SALVO" "$@" > out.txt 2> err.txt; local rc=$?
    if [ $rc -eq "$want" ] && grep -qF -- "$needle" err.txt; then ok "exit $want: $needle"
    else fail "want exit $want and \"$needle\", got $rc: $(cat err.txt)"; fi
}
printf '[scan]\ntemplate = http://{}.x\n[http]\ntimeout = 2s\n' > bad.ini
expect 2 "bad.ini:4: [http] timeout: \"2s\" is not a number" -- -c bad.ini -w words.txt
printf '[scan]\nplugins = baidu\n' > typo.ini
expect 2 "typo.ini:2: [scan] plugins: unknown key" -- -c typo.ini -w words.txt
printf '[sacn]\n' > sec.ini
expect 2 "sec.ini:1: unknown section [sacn]" -- -c sec.ini -w words.txt
{ printf '[http]\nheader = X-Long: '; head -c 300 /dev/zero | tr '\0' a; echo; } > long.ini
expect 2 "long.ini:2: line longer than" -- -c long.ini -w words.txt
expect 2 "/nonexistent.ini: cannot open config" -- -c /nonexistent.ini -w words.txt
expect 2 "has no {} for the word" -- -u http://www.baidu.com -w words.txt
expect 2 "option --concurrency" -- -t 0 -w words.txt
expect 2 "no wordlist" --
expect 3 "wordlist /nonexistent/words: No such file" -- -w /nonexistent/words
expect 4 "abi_mismatch.so: built for plugin ABI 2" -- -p "$TEST_PLUGINS/abi_mismatch.so" -w words.txt
expect 4 "no_entry.so: no salvo_plugin_entry() entry point" -- -p "$TEST_PLUGINS/no_entry.so" -w words.txt
expect 4 "plugin /nope/x.so: no such file" -- -p /nope/x.so -w words.txt
expect 4 "plugin \"nosuch\": no nosuch.so in the plugin path" -- -p nosuch -w words.txt

# A plugin whose init() refuses: the scan stops before any request (a
# request to the refusing port would show as a [-] line).
expect 4 "plugin init_fails: init: key is unset" -- -p "$TEST_PLUGINS/init_fails.so" \
    --connect-to ::127.0.0.1:1 --errors -w words.txt
check "no request before init succeeded" [ -z "$(grep -F '[-] fa' err.txt)" ]
"$SALVO" -q -p "$TEST_PLUGINS/init_fails.so" -a key=good --connect-to "$CT" -w words.txt > out.txt
check "plugin args reach init" [ $? -eq 0 ]

# Hostile wordlist bytes: NUL, control bytes, invalid UTF-8, spaces, URL
# syntax, an overlong line. Good words around them are still found.
{ printf 'hit-1\n\0nul\nsp ace\nhit-2\r\n\001\002\n\377\376\nhttp://x/\n../../etc\n'
  head -c 20000 /dev/zero | tr '\0' a; printf '\nhit-3'; } > hostile.txt
"$SALVO" -j 2 --connect-to "$CT" --errors -w hostile.txt > out.txt 2> err.txt
check "hostile words: exit 0" [ $? -eq 0 ]
check "hostile words: good words still hit" same_set out.txt \
    <(printf 'http://hit-1.baidu.com\nhttp://hit-2.baidu.com\nhttp://hit-3.baidu.com\n')
check "hostile words: overlong line reported" contains err.txt "line(s) longer than 8192 bytes skipped (first: line 9)"
check "hostile words: bad ones are errors" [ "$(grep -c '^\[-\] fa' err.txt)" -ge 5 ]

# The same bytes with plugin none (no label check): curl judges the URL.
"$SALVO" -j 2 -p none --status 200 --connect-to "$CT" --errors -w hostile.txt > out.txt 2> err.txt
check "hostile words without plugin: exit 0" [ $? -eq 0 ]
check "NUL byte is an error for its word" contains err.txt "the word holds a NUL byte"
finish
