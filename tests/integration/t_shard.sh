# --shard K/N: N scans of the same list together find exactly what one scan
# finds, each hit once; auto/N takes K from the job index.
. "$(dirname "$0")/lib.sh"
gen_words 10000
for k in 1 2 3 4 5 6 7; do
    "$SALVO" -j 2 --shard $k/7 --connect-to "$CT" -w words.txt -o s$k.txt 2> e$k.txt
done
cat s?.txt > all.txt
check "7 shards together: exactly the expected hits" same_set all.txt expected.txt
check "no hit in two shards" [ -z "$(sort all.txt | uniq -d)" ]
check "shards are balanced (1428 or 1429 words each)" \
    [ "$(cat e?.txt | grep -oE '^salvo: 14(28|29) words' | wc -l)" -eq 7 ]
# N = 1, 2 and 64: disjoint, and together the unsharded run's hits
"$SALVO" -q -j 2 --connect-to "$CT" -w words.txt -o whole.txt
for n in 1 2 64; do
    rm -f n$n-*.txt
    for k in $(seq "$n"); do
        "$SALVO" -q -j 1 -t 50 --shard "$k/$n" --connect-to "$CT" -w words.txt -o "n$n-$k.txt"
    done
    cat n$n-*.txt > n$n.txt
    check "$n shard(s) together: the unsharded run's hits" same_set n$n.txt whole.txt
    check "$n shard(s): no hit twice" [ -z "$(sort n$n.txt | uniq -d)" ]
done
# Calibration runs per shard: a wildcard site whose soft-404 echoes the
# host, 3 shards, each learns it; together exactly the real pages.
awk 'BEGIN { for (i = 1; i <= 900; i++) { w = (i % 10 == 0 ? "hit-" i : "w" i "x");
    print w > "wild.txt"; if (i % 10 == 0) print "http://" w ".wild.test/" > "wild.expected" } }'
for k in 1 2 3; do
    "$SALVO" -q -j 1 -p none --calibrate --shard "$k/3" -u 'http://{}.wild.test/' \
        --connect-to "$CT" -w wild.txt -o "wild$k.txt"
done
cat wild?.txt > wild.all
check "calibration per shard: 3 shards together, exactly the real pages" same_set wild.all wild.expected
JOB_COMPLETION_INDEX=2 "$SALVO" -q --shard auto/7 --connect-to "$CT" -w words.txt > auto.txt
check "auto/7 with JOB_COMPLETION_INDEX=2 is shard 3/7" same_set auto.txt s3.txt
printf '[scan]\nshard = 0/7\n' > bad.ini
"$SALVO" -c bad.ini -w words.txt 2> err.txt
check "shard 0/7 refused" contains err.txt "bad.ini:2: [scan] shard: shard 0/7: K must be within 1..7"
finish
