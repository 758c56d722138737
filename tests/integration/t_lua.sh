# Lua scripts: the baidu script agrees with the compiled plugin, every hook
# and res field works, errors and runaway scripts stay per probe.
. "$(dirname "$0")/lib.sh"
S="$SRC_DIR/tests/scripts"
gen_words 10000

"$SALVO" -j 4 -q --connect-to "$CT" -w words.txt > plugin.txt
"$SALVO" -j 4 -q --connect-to "$CT" -p "$SRC_DIR/scripts/baidu.lua" -w words.txt > lua.txt
check "baidu.lua finds exactly what the compiled plugin finds" same_set lua.txt plugin.txt
check "... which is the expected set" same_set lua.txt expected.txt
printf '[scan]\nplugin = %s\n' "$SRC_DIR/scripts/baidu.lua" > lua.ini
"$SALVO" -q -c lua.ini --connect-to "$CT" -w <(printf 'hit-1\nw1\nbad word\n') --errors > ini.txt 2> err.txt
check "plugin = x.lua in INI" same_set ini.txt <(echo http://hit-1.baidu.com)
check "a word that cannot be a host label is an input error before target()" contains err.txt \
    '(url: the word holds " " (0x20), which cannot be part of a host name)'
printf 'function target(w) if w:find("^no") then return false, "not this one" end end\n' > refuse.lua
"$SALVO" -q -p ./refuse.lua --connect-to "$CT" -w <(printf 'hit-1\nnope\n') --errors > rf.txt 2> rf.err
check "target() returning false refuses a word, no traceback" contains rf.err "(target: not this one)"
check "  ... and no traceback" [ "$(grep -c traceback rf.err)" -eq 0 ]
check "a refusal is not a script error" [ -z "$(grep -F 'in the script' err.txt)" ]

# res fields
"$SALVO" -q -p "$S/fields.lua" --connect-to "$CT" -f jsonl -w <(printf 'hit-1\ngbkhit-2\n') > f.jsonl
for want in '"status":200' '"word":"hit-1"' '"url":"http://hit-1.baidu.com"' '"ip":"127.0.0.1"' \
    '"ctype":"text/html; charset=utf-8"' '"ctype_lower":"text/html; charset=utf-8"' \
    '"missing":"nil"' '"charset":"gb18030"' '"title":"百度文库"' '"title":"百度一下"' \
    '"truncated":"false"' '"error":"nil"' '"elapsed_ok":"true"' '"ip":"127.0.0.1"'; do
    check "res field $want" contains f.jsonl "$want"
done
hit1=$(grep '"word":"hit-1"' f.jsonl)
body_len=$(echo "$hit1" | sed 's/.*"body_len":\([0-9]*\).*/\1/')
length=$(echo "$hit1" | sed 's/.*"fields":{[^}]*"length":\([0-9]*\).*/\1/')
check "body is the raw page ($body_len bytes)" [ "$body_len" = "$(wc -c < "$NGX_DIR/www/hit.html")" ]
check "length is the bytes received ($length)" [ "$length" = "$body_len" ]
"$SALVO" -q -p "$S/fields.lua" --connect-to "$CT" -f csv -w <(printf 'hit-1\n') > f.csv
check "script fields in csv" contains f.csv "\"\"title\"\":\"\"百度一下\"\""

# target() forms
"$SALVO" -q -p "$S/target_table.lua" --connect-to "$CT" -w <(printf 'str\nnil\nab\n') > t.txt
check "target: string, nil and table with headers" same_set t.txt \
    <(printf 'http://hit-str.baidu.com/\nhttp://hdr-ab.baidu.com/\n')

# errors before the first request: exit 4, file:line
expect4() { "$SALVO" -p "$1" --connect-to ::127.0.0.1:1 --errors -w <(echo w) > o.txt 2> e.txt; rc=$?
    check "exit 4 for $(basename "$1") (got $rc)" [ $rc -eq 4 ]; check "message: $2" contains e.txt "$2"
    check "no request sent" [ -z "$(grep -F '[-] fa' e.txt)" ]; }
expect4 "$S/syntax.lua" "syntax.lua:3:"
expect4 "$S/nohooks.lua" "nohooks.lua: defines neither target() nor match()"
expect4 "$S/nope.lua" "cannot open"
expect4 "$S/init_args.lua" "init: give -a want=STATUS"
"$SALVO" -q -p "$S/init_args.lua" -a want=404 --connect-to "$CT" -w <(printf 'missing-1\nhit-2\n') > ia.txt
check "init(args) gets the [plugin] keys" same_set ia.txt <(echo http://missing-1.baidu.com)
"$SALVO" -q -p "$S/init_args.lua" -a want=404 -a wnat=1 --connect-to "$CT" -w <(echo missing-1) 2> un.err
check "a -a key the script never reads: exit 4, named" sh -c "[ $? = 4 ] && grep -q -- '-a wnat: not an argument it reads' un.err"
printf 'function init(args)\n  for k, v in pairs(args) do end\n  return true\nend\nfunction match(res) return res.status == 200 end\n' > anyargs.lua
"$SALVO" -q -p anyargs.lua -a whatever=1 --connect-to "$CT" -w <(echo hit-1) > any.txt
check "a script that walks pairs(args) takes any key" same_set any.txt <(echo http://hit-1.baidu.com)
printf 'function match(res) return res.status == 200 end\n' > noinit.lua
"$SALVO" -q -p noinit.lua -a k=v --connect-to "$CT" -w <(echo hit-1) 2> noinit.err
check "-a for a script without init(): exit 4" sh -c "[ $? = 4 ] && grep -q 'has no init()' noinit.err"

# runtime errors: the probe fails with message and traceback, the scan goes on
seq -f "hit-%g" 1 30 > rw.txt; seq -f "w%g" 1 30 >> rw.txt
"$SALVO" -j 2 -p "$S/runtime.lua" --connect-to "$CT" -f jsonl --errors -w rw.txt > r.jsonl 2> r.err
check "runtime error: exit 0" [ $? -eq 0 ]
check "runtime error: message shown once" [ "$(grep -c 'attempt to index a nil value' r.err)" -eq 1 ]
check "runtime error: traceback shown" contains r.err "runtime.lua:5: in function 'match'"
check "runtime error: all counted" contains r.err "60 words, 0 hits, 30 errors (30 in the script)"
check "runtime error: each probe carries it" [ "$(grep -c '"error":"lua: .*runtime.lua:5: attempt to index' r.jsonl)" -eq 30 ]

# runaway loop (pcall cannot swallow the budget) and memory hog
start=$(date +%s)
"$SALVO" -j 1 -p "$S/loop.lua" --connect-to "$CT" --errors -w <(printf 'hit-1\nhit-2\n') > l.txt 2> l.err
took=$(( $(date +%s) - start ))
check "loop: the other word still hits" same_set l.txt <(echo http://hit-2.baidu.com)
check "loop: budget error" contains l.err "instruction budget of 1000000 exceeded"
check "loop: bounded time (${took}s)" [ $took -le 5 ]
"$SALVO" -j 1 -p "$S/memhog.lua" --lua-memory 16777216 --connect-to "$CT" --errors \
    -w <(printf 'hit-1\nhit-2\n') > m.txt 2> m.err
check "memhog: the other word still hits" same_set m.txt <(echo http://hit-2.baidu.com)
check "memhog: memory error" contains m.err "not enough memory (lua_memory = 16777216 bytes)"

# res after match(), sandbox, log, regex
"$SALVO" -j 1 -q -p "$S/keep_res.lua" --connect-to "$CT" -f jsonl -w <(printf 'hit-1\nhit-2\n') > k.jsonl
check "res used after match() raises" contains k.jsonl '"late":"false res used after match() returned"'
"$SALVO" -q -p "$S/sandbox.lua" --connect-to "$CT" -f jsonl -w <(echo hit-1) > sb.jsonl
check "sandbox: no io os debug require load" contains sb.jsonl \
    '"env":"io=nil,os=nil,debug=nil,require=nil,load=nil,dofile=nil,loadfile=nil,package=nil"'
"$SALVO" -q -p "$S/sandbox.lua" --lua-unsafe --connect-to "$CT" -f jsonl -w <(echo hit-1) > su.jsonl
check "lua_unsafe opens them" contains su.jsonl '"env":"io=table,os=table,debug=table,require=function'
"$SALVO" -q -j 1 -p "$S/logger.lua" --connect-to "$CT" -f jsonl -w <(printf 'hit-42\nw\n') > lg.jsonl 2> lg.err
check "salvo.log reaches stderr" contains lg.err "script: saw	42"
check "salvo.regex captures" contains lg.jsonl '"fields":{"n":"42"}'

# the shipped examples
"$SALVO" -q -p "$SRC_DIR/scripts/title.lua" --connect-to "$CT" -f jsonl -w <(printf 'hit-1\nmissing-2\n') > ti.jsonl
check "title.lua: title field" contains ti.jsonl '"title":"百度一下"'
check "title.lua: server field" contains ti.jsonl '"server":"nginx/'
check "title.lua: 404 listed too" contains ti.jsonl '"status":404'
"$SALVO" -q -p "$SRC_DIR/scripts/token.lua" --connect-to "$CT" -f jsonl -w <(printf 'token-1\nhit-2\n') > to.jsonl
check "token.lua: token extracted" contains to.jsonl '"fields":{"token":"AbCdEf0123456789XyZ_"}'
check "token.lua: pages without a token are not hits" [ "$(wc -l < to.jsonl)" -eq 1 ]
"$SALVO" -q -p "$SRC_DIR/scripts/token.lua" -a 'pattern=(((' --connect-to "$CT" -w <(echo token-1) 2> tb.err
check "token.lua: a bad pattern stops the scan (exit $?)" contains tb.err "bad pattern at offset"
"$SALVO" -q -j 1 -t 1 -p "$SRC_DIR/scripts/soft404.lua" --connect-to "$CT" \
    -w <(printf 'zz-salvo-no-such-name\nhit-1\nw5x\nw7x\nmissing-3\n') > s4.txt
check "soft404.lua: real pages, not the learned soft-404" same_set s4.txt \
    <(printf 'http://hit-1.baidu.com\nhttp://missing-3.baidu.com\n')
# print() in a script goes to stderr, never into the results on stdout.
printf 'hit-1\nhit-2\n' > pr.txt
"$SALVO" -q -j 2 -p "$SRC_DIR/tests/scripts/printer.lua" --connect-to "$CT" -w pr.txt > pr.out 2> pr.err
check "print(): the results are the URLs alone" same_set pr.out <(printf 'http://hit-1.baidu.com\nhttp://hit-2.baidu.com\n')
check "print(): on stderr" contains pr.err "PRINTED hit-1"
finish
