# --replay-proxy: every hit is sent once more through the proxy (the test
# nginx's forward proxy stands for Burp), and nothing else is; with
# --replay-codes only those statuses; a proxy that is down changes no
# result.
. "$(dirname "$0")/lib.sh"
tag=rp$$
PP=$(cat "$NGX_DIR/proxyport")
awk -v t=$tag 'BEGIN { for (i = 1; i <= 600; i++) print (i % 10 == 0 ? "hit-" t "-" i : "w" t "x" i) }' > w.txt
grep '^hit-' w.txt | sed 's/.*/http:\/\/&.baidu.com/' | sort > expected.txt
"$SALVO" -q -j 2 --connect-to "$CT" -w w.txt --replay-proxy "http://127.0.0.1:$PP" > out.txt 2> err.txt; rc=$?
check "scan with --replay-proxy (exit $rc)" [ $rc -eq 0 ]
check "the hits as without it" same_set out.txt expected.txt
wait_lines "$NGX_DIR/proxy.log" "hit-$tag-" 60 # the proxy logs $host: hit-TAG-N.baidu.com
awk -v t="$tag" '$0 ~ t { print "http://" $6 }' "$NGX_DIR/proxy.log" | sort > replayed.txt
check "the proxy saw exactly the hits, each once" same_set replayed.txt expected.txt
# Only 404s: a scan that counts 404 pages as hits replays those alone.
printf 'missing-%s-1\nhit-%s-2\n' $tag $tag > w2.txt
"$SALVO" -q -j 1 -p none --mc 200,404 --connect-to "$CT" -w w2.txt \
    --replay-proxy "http://127.0.0.1:$PP" --replay-codes 404 > out2.txt
wait_lines "$NGX_DIR/proxy.log" "missing-$tag-1" 1
check "--replay-codes 404: both hits written" [ "$(wc -l < out2.txt)" -eq 2 ]
check "--replay-codes 404: only the 404 replayed" \
    [ "$(awk -v t="missing-$tag-1.baidu.com" '$6 == t' "$NGX_DIR/proxy.log" | wc -l)" -eq 1 -a \
      "$(awk -v t="hit-$tag-2.baidu.com" '$6 == t' "$NGX_DIR/proxy.log" | wc -l)" -eq 0 ]
# A proxy that is down: said, and the results are the same.
"$SALVO" -j 2 --connect-to "$CT" -w w.txt --replay-proxy "http://127.0.0.1:1" > out3.txt 2> err3.txt; rc=$?
check "proxy down: exit 0 (got $rc)" [ $rc -eq 0 ]
check "proxy down: the same hits" same_set out3.txt expected.txt
said=$(grep -c 'replay-proxy http://127.0.0.1:1: connect' err3.txt)
check "proxy down: said once a worker ($said)" [ "$said" -ge 1 -a "$said" -le 2 ]
check "proxy down: how many were not replayed (60 in all)" [ "$(sed -n 's/.*--replay-proxy: \([0-9]*\) hits could not be replayed/\1/p' err3.txt | awk '{ s += $1 } END { print s + 0 }')" -eq 60 ]
finish
