# --dump-config prints the effective configuration (INI < CLI) as INI that
# salvo reads back to the same configuration.
. "$(dirname "$0")/lib.sh"
"$SALVO" -c "$SRC_DIR/conf/baidu.ini" -t 77 -H 'X-Test: 1' --dump-config > one.ini
check "dump exits 0" [ $? -eq 0 ]
check "CLI overrides INI" contains one.ini "concurrency = 77"
check "INI value kept" contains one.ini "template = http://{}.baidu.com"
check "repeatable keys listed" contains one.ini "header = X-Test: 1"
"$SALVO" -c one.ini --dump-config > two.ini
# (the comments at the top say which files were read and where names are
# looked up, which differ by design; "; KEY =" lines for unset keys are
# comments too, the same in both)
check "dump reads back to the same" diff <(grep -v '^; ' one.ini) <(grep -v '^; ' two.ini)
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
check "--dump-config reads back to the same configuration" cmp -s <(grep -v '^; ' rt.ini) <(grep -v '^; ' rt2.ini)
check "  ... the long header whole" grep -q "^    0*7$" rt.ini
check "  ... the rate exact" grep -qx 'rate = 1234567.125' rt2.ini
check "  ... ' ;' kept" grep -qx 'contains = semi \\; colon' rt2.ini
"$SALVO" -q --timeout 0 -w /dev/null 2> t0.err
check "--timeout 0 refused as its range says (exit $?)" contains t0.err "option --timeout: 0 is out of range"
# An output naming the wordlist would empty it: refused, the list intact.
printf 'a\nb\n' > self.txt
"$SALVO" -q -w self.txt -o self.txt --connect-to "$CT" 2> self.err
check "-o naming the wordlist: exit 2" [ $? -eq 2 ]
check "-o naming the wordlist: said, the list intact" contains self.err "-o self.txt is the wordlist self.txt"
check "-o naming the wordlist: said, the list intact (and)" [ "$(cat self.txt)" = "$(printf 'a\nb')" ]
"$SALVO" -q -w self.txt --state self.txt --connect-to "$CT" 2> self2.err
check "--state naming the wordlist: refused" contains self2.err "--state self.txt is the wordlist self.txt"
# The user's configuration home: $XDG_CONFIG_HOME/salvo/salvo.ini is read
# first (the command line and -c override it), --no-config skips it, and
# wordlists and INI files named without a directory are found there.
home="$WORK/confhome"
mkdir -p "$home/salvo" elsewhere
printf '[http]\nuser_agent = from-home\ntimeout = 4\n' > "$home/salvo/salvo.ini"
printf '[http]\ntimeout = 7\n' > "$home/salvo/slow.ini"
printf 'hit-1\nw2\n' > "$home/salvo/mywords.txt"
XDG_CONFIG_HOME="$home" "$SALVO" --dump-config > home.ini
check "the user's salvo.ini is read first" sh -c "grep -qx 'user_agent = from-home' home.ini && grep -q '^; read: .*/salvo/salvo.ini' home.ini"
XDG_CONFIG_HOME="$home" "$SALVO" --dump-config -A cli > home2.ini
check "  ... and the command line overrides it" grep -qx 'user_agent = cli' home2.ini
XDG_CONFIG_HOME="$home" "$SALVO" --dump-config --no-config > home3.ini
check "--no-config skips it" sh -c "! grep -q from-home home3.ini"
(cd elsewhere && XDG_CONFIG_HOME="$home" "$SALVO" --dump-config -c slow.ini > ../home4.ini)
check "-c NAME found in the config home, over salvo.ini" grep -qx 'timeout = 7' home4.ini
(cd elsewhere && XDG_CONFIG_HOME="$home" "$SALVO" -q -j 1 --connect-to "$CT" -w mywords.txt > ../homew.txt)
check "-w NAME found in the config home" same_set homew.txt <(echo http://hit-1.baidu.com)
(cd elsewhere && XDG_CONFIG_HOME="$home" "$SALVO" -q -j 1 --connect-to "$CT" -w nosuch.txt 2> ../nosuch.err)
check "a wordlist found nowhere: exit 3, named" sh -c "[ $? = 3 ] && grep -q nosuch.txt nosuch.err"
"$SALVO" --list-plugins > lp.txt
check "--list-plugins: a table with a header" grep -qE '^NAME +VERSION +KIND +DESCRIPTION +PATH' lp.txt
check "  ... the plugin's description" grep -qE '^baidu +1\.0 +so/1 +subdomains that answer 200' lp.txt
check "  ... a script's, from its first comment" grep -qE '^title\.lua +- +lua +every page that answers' lp.txt
check "  ... and where names are looked up" grep -q 'Wordlists and INI files named without a directory: ./,' lp.txt
finish
