# --dump-config prints the effective configuration (INI < CLI) as INI that
# salvo reads back to the same configuration.
. "$(dirname "$0")/lib.sh"
"$SALVO" -c "$SRC_DIR/conf/baidu.ini" -t 77 -H 'X-Test: 1' --dump-config > one.ini
check "dump exits 0" [ $? -eq 0 ]
check "CLI overrides INI" contains one.ini "concurrency = 77"
check "INI value kept" contains one.ini "template = http://{}.baidu.com"
check "repeatable keys listed" contains one.ini "header = X-Test: 1"
"$SALVO" -c one.ini --dump-config > two.ini
check "dump reads back to the same" diff one.ini two.ini
"$SALVO" --help > help.txt
check "--help lists exit statuses" contains help.txt "exit status:"
"$SALVO" --version > v.txt
check "--version names the plugin ABI" contains v.txt "plugin ABI 1"
# --dump-config reads back to the same configuration: a value over inih's
# 198-byte line (continuation lines), " ;" inside values (written "\;"),
# numbers %g would round.
LONG="X-Long: $(printf '%0300d' 7)"
"$SALVO" --dump-config -H "X-A: a ;b" -H "$LONG" --rate 1234567.125 --timeout 0.0015 \
    --ms 'semi ; colon' -u 'http://{}.ex.com/?a=1;b=2' -a 'k=v ;w' > rt.ini
"$SALVO" --dump-config -c rt.ini > rt2.ini
check "--dump-config reads back to the same configuration" cmp -s rt.ini rt2.ini
check "  ... the long header whole" grep -q "^    0*7$" rt.ini
check "  ... the rate exact" grep -qx 'rate = 1234567.125' rt2.ini
check "  ... ' ;' kept" grep -qx 'contains = semi \\; colon' rt2.ini
"$SALVO" -q --timeout 0 -w /dev/null 2> t0.err
check "--timeout 0 refused as its range says (exit $?)" contains t0.err "option --timeout: 0 is out of range"
# An output naming the wordlist would empty it: refused, the list intact.
printf 'a\nb\n' > self.txt
"$SALVO" -q -w self.txt -o self.txt --connect-to "$CT" 2> self.err
check "-o naming the wordlist: exit 2" [ $? -eq 2 ]
check "-o naming the wordlist: said, the list intact" contains self.err "-o self.txt is the wordlist self.txt" && \
    [ "$(cat self.txt)" = "$(printf 'a\nb')" ]
"$SALVO" -q -w self.txt --state self.txt --connect-to "$CT" 2> self2.err
check "--state naming the wordlist: refused" contains self2.err "--state self.txt is the wordlist self.txt"
finish
