# make install into a staging tree: the installed salvo finds its default
# plugin, and a plugin builds out of tree with the installed SDK alone.
. "$(dirname "$0")/lib.sh"
DESTDIR="$WORK/root" cmake --install "$BUILD_DIR" > install.log 2>&1
check "install succeeds" [ $? -eq 0 ]
prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD_DIR/CMakeCache.txt")
bin="$WORK/root$prefix/bin/salvo"
check "binary installed" [ -x "$bin" ]
check "header installed" [ -f "$WORK/root$prefix/include/salvo/plugin.h" ]
check "conf installed" [ -f "$WORK/root$prefix/share/salvo/conf/baidu.ini" ]
check "words installed" [ -f "$WORK/root$prefix/share/salvo/conf/words.txt" ]
doc="$WORK/root$prefix/share/doc/salvo"
check "README installed as documentation" [ -f "$doc/README.md" ]
check "every docs/ page installed" sh -c "cd '$SRC_DIR/docs' && find . -name '*.md' | while read -r f; do [ -f '$doc/docs/'\$f ] || exit 1; done"
check "the cookbook's INI files installed" [ -f "$doc/cookbook/subdomains.ini" ]
check "the example plugin's source installed" [ -f "$doc/examples/plugin/example.c" ]
check "the man page names the install prefix's paths" grep -q "$prefix/share/doc/salvo" "$WORK/root$prefix/share/man/man1/salvo.1"
printf 'hit-1\nnothing\n' > words.txt
"$bin" -q --connect-to "$CT" -w words.txt > out.txt 2> err.txt
check "installed salvo runs the default plugin" same_set out.txt <(echo http://hit-1.baidu.com)

pc=$(find "$WORK/root" -name salvo-plugin.pc | head -1)
check "pkg-config file installed" [ -n "$pc" ]
# plugins/example, built out of tree exactly as the SDK guide says.
cp "$SRC_DIR/plugins/example/example.c" .
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") pkg-config --cflags salvo-plugin)
cc -shared -fPIC -Wall -Wextra -Werror $flags example.c -o example.so
check "out-of-tree plugin builds with the SDK alone" [ -f example.so ]
check "it exports one symbol" [ "$(nm -D --defined-only example.so | grep -c ' T ')" -eq 1 ]
printf 'missing-1\nhit-2\n' > w2.txt
"$bin" -q -p ./example.so -a status=404 --connect-to "$CT" -f jsonl -w w2.txt > out2.jsonl
check "out-of-tree plugin runs" contains out2.jsonl '"url":"http://missing-1.baidu.com"'
check "its fields reach jsonl" contains out2.jsonl '"fields":{"server":"nginx/'
check "one hit only" [ "$(wc -l < out2.jsonl)" -eq 1 ]
"$bin" -q -p ./example.so -a status=2xx --connect-to "$CT" -w w2.txt 2> e.txt
check "its init() refusal names the plugin" contains e.txt "plugin example: init: status \"2xx\" is not an HTTP status"
check "installed scripts/baidu.lua runs by name" sh -c "\"$bin\" -q -p baidu.lua --connect-to $CT -w w2.txt | grep -qx http://hit-2.baidu.com"
finish
