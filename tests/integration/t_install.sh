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
printf 'hit-1\nnothing\n' > words.txt
"$bin" -q --connect-to "$CT" -w words.txt > out.txt 2> err.txt
check "installed salvo runs the default plugin" same_set out.txt <(echo http://hit-1.baidu.com)

pc=$(find "$WORK/root" -name salvo-plugin.pc | head -1)
check "pkg-config file installed" [ -n "$pc" ]
cat > my.c <<'C'
#include <salvo/plugin.h>
static int match(void *s, salvo_res *r)
{ (void)s; return salvo_api->res_status(r) == 404 ? SALVO_HIT : SALVO_MISS; }
static const struct salvo_plugin d = {SALVO_PLUGIN_HEAD, "only404", "1", "", 0, 0, match, 0};
SALVO_PLUGIN(d)
C
flags=$(PKG_CONFIG_PATH=$(dirname "$pc") PKG_CONFIG_SYSROOT_DIR="$WORK/root" pkg-config --cflags salvo-plugin)
cc -shared -Wall -Wextra -Werror $flags my.c -o only404.so
check "out-of-tree plugin builds with the SDK" [ -f only404.so ]
check "it exports one symbol" [ "$(nm -D --defined-only only404.so | grep -c ' T ')" -eq 1 ]
printf 'missing-1\nhit-2\n' > w2.txt
"$bin" -q -p ./only404.so --connect-to "$CT" -w w2.txt > out2.txt
check "out-of-tree plugin runs" same_set out2.txt <(echo http://missing-1.baidu.com)
finish
