#!/bin/bash
# run.sh OUT_DIR [SECONDS [TARGET...]]: build the libFuzzer targets with clang (with
# AddressSanitizer and UBSan) and run each for SECONDS (default 10) from a
# copy of the committed corpus. Exit 1 if any target finds a crash, leak or
# undefined behaviour; the input that did it is left in OUT_DIR.
set -euo pipefail
out=$(mkdir -p "$1" && cd "$1" && pwd)
secs=${2:-10}
src=$(cd "$(dirname "$0")/../.." && pwd)
command -v clang > /dev/null || { echo "fuzz: clang is missing (apt-get install clang)" >&2; exit 2; }
pkgs="libcurl openssl libuv inih lua5.4 libpcre2-8 libcares hiredis libidn2 libnghttp2 zlib libbrotlidec libzstd"
cflags="-g -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined -D_GNU_SOURCE
 -DSALVO_VERSION=\"fuzz\" -DSALVO_PLUGINDIR=\"/nonexistent\" -DSALVO_PLUGINDIR_REL=\"lib\"
 -DSALVO_DATADIR=\"/nonexistent\" -DSALVO_DOCDIR=\"/nonexistent\" -I$src/core -I$src/core/include $(pkg-config --cflags $pkgs)"
libs="$(pkg-config --libs $pkgs) -ldl -lm"
mkdir -p "$out/obj"
# A header newer than the objects (a struct grew) makes them all stale:
# an object of the old layout beside one of the new reads wrong memory.
newest_h=$(ls -t "$src"/core/*/*.h "$src"/core/include/salvo/*.h | head -1)
objs=()
for f in "$src"/core/*/*.c; do
    [ "$(basename "$f")" = main.c ] && continue
    o="$out/obj/$(basename "$f" .c).o"
    if [ ! -f "$o" ] || [ "$f" -nt "$o" ] || [ "$newest_h" -nt "$o" ]; then
        # shellcheck disable=SC2086
        clang $cflags -fsanitize=fuzzer-no-link -c "$f" -o "$o"
    fi
    objs+=("$o")
done
status=0
targets=("${@:3}")
[ ${#targets[@]} -gt 0 ] || targets=(ini tmpl charset out calib msg coding h1parse h2)
for t in "${targets[@]}"; do
    # shellcheck disable=SC2086
    clang $cflags -fsanitize=fuzzer "$src/tests/fuzz/fuzz_$t.c" "${objs[@]}" $libs -o "$out/fuzz_$t"
    rm -rf "$out/corpus_$t" && cp -r "$src/tests/fuzz/corpus/$t" "$out/corpus_$t"
    if ASAN_OPTIONS=detect_leaks=1 "$out/fuzz_$t" -max_total_time="$secs" -max_len=16384 \
        -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$out/$t-" "$out/corpus_$t" \
        > "$out/$t.log" 2>&1; then
        echo "fuzz $t: $(grep -o 'stat::number_of_executed_units: *[0-9]*' "$out/$t.log" | grep -o '[0-9]*$') runs in ${secs}s, no finding"
    else
        echo "fuzz $t: FINDING (see $out/$t.log and $out/$t-*)"
        grep -E 'ERROR|SUMMARY|runtime error' "$out/$t.log" | head -5
        status=1
    fi
done
exit $status
