# cpack builds a .deb; unpacked into an empty tree it runs --version and a
# scan, and its control file declares the Debian dependencies.
. "$(dirname "$0")/lib.sh"
(cd "$BUILD_DIR" && cpack -G DEB -B "$WORK/pkg" > "$WORK/cpack.log" 2>&1)
deb=$(ls "$WORK"/pkg/*.deb 2>/dev/null | head -1)
check "cpack built a .deb" [ -n "$deb" ]
dpkg-deb -f "$deb" Depends > depends.txt
for d in libcurl4 libuv1 libinih1 liblua5.4-0 libpcre2-8-0; do
    check "depends on $d" grep -q "$d" depends.txt
done
dpkg-deb -c "$deb" > contents.txt
for f in ./usr/bin/salvo ./usr/lib/salvo/plugins/baidu.so ./usr/include/salvo/plugin.h \
    ./usr/share/salvo/scripts/baidu.lua ./usr/share/salvo/conf/baidu.ini \
    ./usr/share/man/man1/salvo.1 ./usr/share/bash-completion/completions/salvo \
    ./usr/share/zsh/vendor-completions/_salvo \
    ./usr/lib/pkgconfig/salvo-plugin.pc; do
    check "package holds $f" grep -qF " $f" contents.txt
done
dpkg -x "$deb" root
man -l root/usr/share/man/man1/salvo.1 2>/dev/null > page.txt || zcat -f root/usr/share/man/man1/salvo.1* > page.txt
check "the man page names the package's paths" grep -q '/usr/lib/salvo/plugins' page.txt
check "  ... not another prefix's" sh -c "! grep -q '/usr/local' page.txt"
check "  ... and the installed documentation" grep -q '/usr/share/doc/salvo/docs' page.txt
check "package holds the documentation" grep -qF ' ./usr/share/doc/salvo/docs/user-guide.md' contents.txt
check "--version from the unpacked tree" sh -c "root/usr/bin/salvo --version | grep -q 'plugin ABI 1'"
printf 'hit-1\nw2\n' > w.txt
root/usr/bin/salvo -q --connect-to "$CT" -w w.txt > out.txt
check "a scan from the unpacked tree (default plugin found)" same_set out.txt <(echo http://hit-1.baidu.com)
root/usr/bin/salvo -q -p baidu.lua --connect-to "$CT" -w w.txt > lua.txt
check "its Lua script found by name" same_set lua.txt out.txt
finish
