# Bad input, table-driven: every row is an input, the exit status it must
# give, a piece of the message on stderr, and what stdout may hold ("none",
# or "jsonl": whole, valid JSON records only).
. "$(dirname "$0")/lib.sh"
printf 'hit-1\n' > w.txt
# --- inputs ---
printf '[scan]\nconcurency = 5\n' > unknown.ini
printf '[scan]\nconcurrency = 5\nconcurrency = 6\n' > dup.ini
printf '[http]\ntimeout = 2s\n' > badnum.ini
printf '[scan]\nconcurrency = -5\n' > neg.ini
printf '[scan]\nconcurrency = 99999999999999999999\n' > huge.ini
printf 'concurrency = 5\n' > nosec.ini
printf '\xef\xbb\xbf[scan]\r\nconcurrency = 7\r\n' > bomcrlf.ini
printf '[http]\nuser_agent = caf\xe9\n' > latin1.ini
head -c 4000 /dev/urandom > garbage.txt; printf '\nhit-1\n' >> garbage.txt
{ head -c 1048576 /dev/zero | tr '\0' a; printf '\nhit-1\n'; } > longline.txt
printf 'a\0b\nhit-1\n' > nul.txt
printf '\n\n\r\n' > blank.txt
: > empty.txt
mkdir -p adir
rm -f fifo; mkfifo fifo
echo 'not an ELF file' > notelf.so
printf 'function match(res\n' > syntax.lua
printf 'function init(args) error("init boom") end\nfunction match(res) return true end\n' > initerr.lua
printf 'function target(word, req) error("target boom") end\n' > targeterr.lua
printf 'function match(res) error("match boom") end\n' > matcherr.lua
printf 'function match(res) while true do end end\n' > loop.lua
printf 'function match(res) return true, { big = string.rep("x", 100000000) } end\n' > hugeret.lua

# row NAME STATUS NEEDLE STDOUT ARGS...
row() {
    local name=$1 want=$2 needle=$3 kind=$4; shift 4
    timeout 60 "$SALVO" "$@" > out.txt 2> err.txt
    local rc=$? good=1
    [ $rc -eq "$want" ] || good=0
    [ -z "$needle" ] || grep -qF -- "$needle" err.txt || good=0
    case $kind in
    none) [ ! -s out.txt ] || good=0 ;;
    jsonl) python3 -c 'import json, sys
for l in open("out.txt", encoding="utf-8"):
    json.loads(l)' 2> /dev/null || good=0 ;;
    esac
    if [ $good -eq 1 ]; then ok "$name: exit $want"; else
        fail "$name: exit $rc (want $want), stderr: $(head -c 300 err.txt)"; fi
}
S=(-q -j 1 --connect-to "$CT" -f jsonl --errors)
row "INI unknown key"        2 'unknown.ini:2: [scan] concurency: unknown key'         none -c unknown.ini -w w.txt
row "INI duplicate key"      2 'dup.ini:3: [scan] concurrency: given twice (first at line 2)' none -c dup.ini -w w.txt
row "INI bad number"         2 'badnum.ini:2: [http] timeout: "2s" is not a number'    none -c badnum.ini -w w.txt
row "INI negative value"     2 'neg.ini:2: [scan] concurrency: -5 is out of range'     none -c neg.ini -w w.txt
row "INI huge value"         2 'huge.ini:2: [scan] concurrency: "99999999999999999999" is not an integer' none -c huge.ini -w w.txt
row "INI key outside a section" 2 'nosec.ini:1: key "concurrency" outside any [section]' none -c nosec.ini -w w.txt
row "INI with BOM and CRLF"  0 ''                                                      jsonl -c bomcrlf.ini "${S[@]}" -w w.txt
row "INI non-UTF-8 value (kept as bytes)" 0 ''                                         jsonl -c latin1.ini "${S[@]}" -w w.txt
row "wordlist of binary garbage" 0 ''                                                  jsonl "${S[@]}" -w garbage.txt
row "wordlist with a 1 MB line" 0 'line(s) longer than 8192 bytes skipped (first: line 1)' jsonl "${S[@]}" -w longline.txt
row "wordlist with a NUL byte" 0 ''                                                    jsonl "${S[@]}" -w nul.txt
row "wordlist of blank lines" 0 ''                                                     none "${S[@]}" -w blank.txt
row "empty wordlist"         0 ''                                                      none "${S[@]}" -w empty.txt
row "wordlist is a directory" 3 'wordlist adir: Is a directory'                        none -w adir
(printf 'hit-1\n' > fifo &)
row "wordlist is a FIFO"     0 ''                                                      jsonl "${S[@]}" -w fifo
row "template without {}"    2 'has no {} for the word'                                none -u http://www.x.test/ -w w.txt
row "template with two {}"   0 ''                                                      jsonl "${S[@]}" -u 'http://{}.baidu.com/{}' -w w.txt
row "template with ftp://"   2 'only http:// and https:// are probed'                  none -u 'ftp://{}.x/' -w w.txt
row "plugin not ELF"         4 'notelf.so: cannot load'                                none -p ./notelf.so -w w.txt
row "plugin of another ABI"  4 'built for plugin ABI 2'                                none -p "$TEST_PLUGINS/abi_mismatch.so" -w w.txt
row "plugin without entry point" 4 'no salvo_plugin_entry() entry point'               none -p "$TEST_PLUGINS/no_entry.so" -w w.txt
row "plugin whose init fails" 4 'init: key is unset'                                   none -p "$TEST_PLUGINS/init_fails.so" -w w.txt
row "Lua syntax error"       4 'syntax.lua:2:'                                         none -p ./syntax.lua -w w.txt
row "Lua error in init"      4 'init: lua: ./initerr.lua:1: init boom'                 none -p ./initerr.lua -w w.txt
row "Lua error in target"    1 'target boom'                                           jsonl "${S[@]}" -p ./targeterr.lua -w w.txt
check "  ... an error record of class script" contains out.txt '"error_class":"script"'
row "Lua error in match"     1 'match boom'                                            jsonl "${S[@]}" -p ./matcherr.lua -w w.txt
row "Lua infinite loop"      1 'instruction budget of 1000000 exceeded'                jsonl "${S[@]}" -p ./loop.lua -w w.txt
row "Lua huge return value"  1 'not enough memory (lua_memory'                         jsonl "${S[@]}" -p ./hugeret.lua -w w.txt
finish
