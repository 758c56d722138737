# --rate is one limit for all workers together: over 10 s at two rates,
# with 4 workers of which one is slowed to under 50 requests a second, the
# scan runs within 5 % of the asked rate (the others take up the slack).
. "$(dirname "$0")/lib.sh"
for r in 300 1500; do
    n=$(( r * 10 ))
    seq -f "w%g" 1 $n > words.txt
    rm -f slow.lock
    start=$(date +%s.%N)
    "$SALVO" -q -j 4 -t 4 --chunk 4 --rate $r -p "$TEST_PLUGINS/slow.so" -a lock="$WORK/slow.lock" \
        --connect-to "$CT" -w words.txt > out.txt
    end=$(date +%s.%N)
    got=$(awk -v n=$n -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", n / (b - a) }')
    check "--rate $r with one slow worker: $got/s" \
        awk -v g="$got" -v r=$r 'BEGIN { exit !(g >= 0.95 * r && g <= 1.05 * r) }'
    check "one worker was slowed" [ -f slow.lock ]
done
printf '[scan]\nrate = 2s\n' > bad.ini
"$SALVO" -c bad.ini -w words.txt 2> err.txt
check "a bad rate is refused" contains err.txt 'bad.ini:2: [scan] rate: "2s" is not a number'
finish
