# The man page and the bash completion, generated from the option table:
# every option of --help is in both; the completion works in a real bash.
. "$(dirname "$0")/lib.sh"
MANWIDTH=100 man -l "$BUILD_DIR/salvo.1" > man.txt 2> man.err
check "man renders the page" [ -s man.txt ]
check "man: no roff warnings" [ ! -s man.err ]
"$SALVO" --help > help.txt
opts=$(grep -oE -- '--[a-z][a-z-]+' help.txt | sort -u)
missing=""
for o in $opts; do grep -qF -- "$o" man.txt || missing="$missing $o"; done
check "man lists every option of --help (missing:$missing)" [ -z "$missing" ]
tr -s ' \n' '  ' < man.txt > flat.txt
for k in wordlist template concurrency follow_redirects not_contains lua_memory report; do
    check "man names INI key $k" grep -qF "INI: $k in [" flat.txt
done
for s in "EXIT STATUS" "FILES" "EXAMPLES" "ENVIRONMENT"; do
    check "man has $s" grep -q "^$s" man.txt
done

comp() { # comp WORDS...: what completing the last word offers
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); _salvo; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$BUILD_DIR/salvo.bash" "$SALVO" "$@"
}
check "completes long options" [ "$(comp --form)" = "--format" ]
check "completes formats" [ "$(comp -f "" | sort | tr '\n' ' ')" = "csv jsonl text " ]
check "completes plugin names from the plugin path" sh -c "$(declare -f comp); comp -p ba | grep -qx baidu" 
touch words-a.txt
check "completes files for -w" [ "$(comp -w words-a)" = "words-a.txt" ]
check "completes the queue subcommand" [ "$(comp qu)" = "queue" ]
check "completes queue's subcommands" [ "$(comp queue "" | sort | tr '\n' ' ')" = "--help collect drop push status work " ]
check "completes options after a subcommand" sh -c "$(declare -f comp); comp queue work --redis-p | grep -qx -- --redis-password-file"
check "plugin names only, not --list-plugins' header or notes" sh -c "$(declare -f comp); ! comp -p N | grep -qx NAME"
# salvo queue --help and salvo queue SUB --help
"$SALVO" queue --help > qh.txt
check "queue --help: exit 0, every subcommand" sh -c "[ $? = 0 ] && for c in push work status collect drop; do grep -q \"^  \$c \" qh.txt || exit 1; done"
check "  ... and the queue's options" contains qh.txt "--redis-password-file FILE"
"$SALVO" queue work --help > qwh.txt
check "queue work --help: its usage" sh -c "[ $? = 0 ] && head -1 qwh.txt | grep -q '^usage: salvo queue work'"
"$SALVO" queue nope 2> qn.err
check "queue with an unknown subcommand: exit 2, pointing to the help" sh -c "[ $? = 2 ] && grep -q 'salvo queue --help' qn.err"
# zsh: a native completion, run in a real zsh with _arguments and _values
# standing in for the completion system (they print what they are given).
if command -v zsh > /dev/null; then
    "$SALVO" --completion zsh > _salvo
    check "zsh completion: zsh parses it" zsh -n _salvo
    cat > zt.zsh <<'ZSH'
_arguments() { print -rl -- "$@" }
_values() { print -rl -- "$@" }
source ./_salvo
words=(salvo --fo); CURRENT=2; _salvo > zargs.txt
words=(salvo queue ""); CURRENT=3; _salvo > zq.txt
words=(salvo queue work --re); CURRENT=4; _salvo > zqw.txt
ZSH
    zsh -f zt.zsh
    check "zsh: every option of --help is offered" sh -c "grep -o -- '--[a-z0-9.-]*' help.txt | sort -u | while read -r o; do grep -q -- \"\$o\\[\\|\$o=-\\[\" zargs.txt || { echo \"missing \$o\" >&2; exit 1; }; done"
    check "zsh: formats offered for -f" grep -qF -- '(-f --format)--format[text | jsonl | csv]:FMT:(text jsonl csv)' zargs.txt
    check "zsh: files for -w" grep -q -- '--wordlist\[.*:_files$' zargs.txt
    check "zsh: queue's subcommands, with what they do" sh -c "for c in push work status collect drop; do grep -q \"^\$c\\[\" zq.txt || exit 1; done"
    check "zsh: options after a queue subcommand" grep -q -- '^--redis\[' zqw.txt
else
    fail "zsh is missing (apt-get install zsh)"
fi
finish
