# A compiled plugin's every hook, through the host table.
. "$(dirname "$0")/lib.sh"
printf 'a\nb\nrefuse-me\n' > words.txt
"$SALVO" -j 1 -p "$TEST_PLUGINS/hooks.so" --connect-to "$CT" -f jsonl --errors -w words.txt \
    > out.jsonl 2> err.txt
check "exit 0" [ $? -eq 0 ]
check "target() rewrote URL and added a header" contains out.jsonl '"url":"http://hdr-a.baidu.com/"'
check "match() fields in jsonl" contains out.jsonl '"ip":"127.0.0.1","truncated":"no","elapsed_ok":"yes","error":"none"'
check "res_body length" contains out.jsonl '"body_len":"'
check "target() refusal is an error" contains out.jsonl '"error":"target: refused by the plugin"'
check "finish() ran and logged through the parent" contains err.txt "salvo: hooks: finish: saw 2 responses"
"$SALVO" -j 1 -p "$TEST_PLUGINS/hooks.so" -a prefix=missing- --connect-to "$CT" -f jsonl --errors \
    -w <(echo x) > e.jsonl 2> e.txt
check "init() read its argument; match() failure is an error" contains e.jsonl \
    '"url":"http://missing-x.baidu.com/","word":"x","status":404'
check "res_fail message" contains e.jsonl '"error":"404 is an error for this plugin"'

# A plugin split over two files: the file without SALVO_PLUGIN() reaches
# the host table too; only the entry point is exported.
printf 'hit-1\nw2x\nhit-3\n' > split.txt
"$SALVO" -j 1 -p "$TEST_PLUGINS/split.so" --connect-to "$CT" -f jsonl -w split.txt \
    > split.jsonl 2> split.err
check "two-file plugin: exit 0" [ $? -eq 0 ]
check "two-file plugin: match() in the second file set its field" contains split.jsonl \
    '"fields":{"from":"split_match.c"}'
check "two-file plugin: every page judged in the second file" [ "$(grep -c "split_match.c" split.jsonl)" -eq 3 ]
check "two-file plugin: only the entry point exported" \
    [ "$(nm -D --defined-only "$TEST_PLUGINS/split.so" | grep -c ' T ')" -eq 1 ]
# -a keys init() never asked for are refused (a misspelling), unless the
# plugin says it takes any.
"$SALVO" -q -j 1 -p "$TEST_PLUGINS/hooks.so" -a prefx=missing- --connect-to "$CT" -w words.txt \
    > /dev/null 2> ua.err
check "a misspelled -a key: exit 4, named" sh -c "[ $? = 4 ] && grep -q 'plugin hooks: -a prefx: not an argument it takes' ua.err"
"$SALVO" -q -j 1 -p "$TEST_PLUGINS/hooks.so" -a any=1 -a other=2 --connect-to "$CT" -w words.txt \
    > /dev/null 2> ua2.err
check "a plugin that takes any key: accepted" [ $? = 0 ]
finish
