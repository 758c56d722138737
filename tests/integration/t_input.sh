# Input as people have it: a UTF-8 BOM on the first line, # comments with
# --ignore-comments, ffuf's FUZZ for {}, and a list of full URLs (-l FILE,
# or -u {}), each probed with its own scheme, host and port.
. "$(dirname "$0")/lib.sh"
printf '\xef\xbb\xbfhit-1\nhit-2\n' > bom.txt
"$SALVO" -q -j 1 --connect-to "$CT" -w bom.txt > bom.out
check "a BOM on the first line is not part of the word" same_set bom.out \
    <(printf 'http://hit-1.baidu.com\nhttp://hit-2.baidu.com\n')
printf '# my list\nhit-1\n#hit-2\nhit-3\n' > cm.txt
"$SALVO" -q -j 1 --ignore-comments --connect-to "$CT" -f jsonl --errors --show-filtered -w cm.txt \
    > cm.jsonl
check "--ignore-comments: # lines are no words" [ "$(wc -l < cm.jsonl)" -eq 2 ]
check "--ignore-comments: ... the words are there" contains cm.jsonl '"word":"hit-3"'
"$SALVO" -q -j 1 --connect-to "$CT" -f jsonl --errors -w cm.txt > cm2.jsonl
check "without it, a # line is a word (an input error in a host)" contains cm2.jsonl '"word":"# my list"'
# Comments in combined lists too.
printf '1\n# not this\n2\n' > n.txt
"$SALVO" -q -j 1 -p baidu --ignore-comments --connect-to "$CT" -u 'http://hit-{N}.baidu.com' \
    -w n.txt:N > cmb.out
check "--ignore-comments in several lists" same_set cmb.out \
    <(printf 'http://hit-1.baidu.com\nhttp://hit-2.baidu.com\n')
# FUZZ, as ffuf writes it, in the URL and a header.
printf 'hit-1\nw2x\n' > fz.txt
"$SALVO" -q -j 1 -p baidu --connect-to "$CT" -u 'http://FUZZ.baidu.com' -H 'X-W: FUZZ' -w fz.txt > fz.out
check "FUZZ stands for the word" same_set fz.out <(echo http://hit-1.baidu.com)
"$SALVO" --dump-config -u 'http://FUZZ.example.com/FUZZ' -H 'X-W: FUZZ' > fz.ini
check "FUZZ is {} in the effective configuration" grep -qx 'template = http://{}.example.com/{}' fz.ini
# A list of URLs: each with its own host and port.
printf 'http://hit-1.baidu.com:%s/\nhttp://127.0.0.1:%s/\nftp://x/\nnot a url\n' "$PORT" "$PORT" > urls.txt
"$SALVO" -q -j 1 -l urls.txt --resolve "hit-1.baidu.com:$PORT:127.0.0.1" -f jsonl --errors \
    > urls.jsonl 2> urls.err
python3 - urls.jsonl "$PORT" <<'PY' && ok "-l FILE: each URL as it is; what is not http(s) an input error" || fail "-l FILE"
import json, sys
port = sys.argv[2]
r = {d["word"]: d for d in map(json.loads, open(sys.argv[1]))}
h = r["http://hit-1.baidu.com:%s/" % port]
assert h["verdict"] == "hit" and h["status"] == 200 and h["url"] == "http://hit-1.baidu.com:%s/" % port, h
assert r["http://127.0.0.1:%s/" % port]["status"] > 0
for w in ("ftp://x/", "not a url"):
    assert r[w]["verdict"] == "error" and r[w]["error_class"] == "input", r[w]
PY
"$SALVO" -q -j 1 -u '{}' --resolve "hit-1.baidu.com:$PORT:127.0.0.1" -w <(printf 'http://hit-1.baidu.com:%s/\n' "$PORT") \
    > u2.out
check "-u {} is the same" same_set u2.out <(printf 'http://hit-1.baidu.com:%s/\n' "$PORT")
finish
