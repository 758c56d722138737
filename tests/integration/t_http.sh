# Request options: -H reaches the server, --resolve pins a name, -X sets
# the method, a HEAD reads no body.
. "$(dirname "$0")/lib.sh"
printf 'hdr-1\n' > words.txt
"$SALVO" -q --connect-to "$CT" -w words.txt > none.txt
check "without the header: soft-404, no hit" [ ! -s none.txt ]
"$SALVO" -q --connect-to "$CT" -H 'X-Probe: yes' -w words.txt > with.txt
check "-H reaches the server" same_set with.txt <(echo http://hdr-1.baidu.com)
printf '[http]\nheader = X-Probe: yes\n' > h.ini
"$SALVO" -q -c h.ini --connect-to "$CT" -w words.txt > ini.txt
check "header = in INI" same_set ini.txt with.txt

printf 'hit-1\nhit-2\n' > words.txt
"$SALVO" -q -u "http://{}.baidu.com:$PORT/" --resolve "hit-1.baidu.com:$PORT:127.0.0.1" \
    --errors -w words.txt > out.txt 2> err.txt
check "--resolve pins one name" same_set out.txt <(echo "http://hit-1.baidu.com:$PORT/")

"$SALVO" -q -p none --connect-to "$CT" -X HEAD -f jsonl -w words.txt > head.jsonl
check "HEAD: hits without a body" contains head.jsonl '"status":200,"length":0'
"$SALVO" -q -p none --connect-to "$CT" -X POST -f jsonl -w words.txt > post.jsonl
check "POST to a static file: nginx answers 405" contains post.jsonl '"status":405'
finish
