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
finish
