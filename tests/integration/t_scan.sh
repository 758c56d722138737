# The default scan over 10,000 words, four workers: exactly the expected
# hits (no soft-404, GBK or <meta> ones included), no duplicate, no torn
# line; the same through -o, stdin and the INI file.
. "$(dirname "$0")/lib.sh"
gen_words 10000

"$SALVO" -j 4 -q --connect-to "$CT" -w words.txt > out.txt 2> err.txt
check "exit status 0" [ $? -eq 0 ]
check "exactly the expected hits" same_set out.txt expected.txt
check "no duplicate line" [ -z "$(sort out.txt | uniq -d)" ]
check "every line whole" [ -z "$(grep -vxE 'http://[a-z0-9-]+\.baidu\.com' out.txt)" ]
check "quiet means no summary" [ ! -s err.txt ]

"$SALVO" -j 3 -t 50 --connect-to "$CT" -w words.txt -o file.txt > stdout.txt 2> err.txt
check "-o writes the file" same_set file.txt expected.txt
check "-o leaves stdout empty" [ ! -s stdout.txt ]
check "summary on stderr" contains err.txt "10000 words, $(wc -l < expected.txt) hits, 0 errors"

"$SALVO" -j 2 -q --connect-to "$CT" -w - < words.txt > stdin.txt
check "stdin input" same_set stdin.txt expected.txt

cat words.txt | "$SALVO" -j 2 -q --connect-to "$CT" -w - --chunk 7 > small.txt
check "tiny chunks from a pipe" same_set small.txt expected.txt

"$SALVO" -c "$SRC_DIR/conf/baidu.ini" -q --connect-to "$CT" -w words.txt > ini.txt
check "-c conf/baidu.ini gives the same" same_set ini.txt expected.txt

"$SALVO" -p none -c "$SRC_DIR/conf/baidu-rules.ini" -q --connect-to "$CT" -w words.txt > rules.txt
check "[match] rules alone, no plugin, give the same" same_set rules.txt expected.txt

# A page larger than max_body: kept up to the cap, still judged.
printf 'big-1\n' > big.txt
"$SALVO" -q --connect-to "$CT" -w big.txt -f jsonl --max-body 1000 > big.jsonl
check "large page is a hit, body capped" contains big.jsonl '"status":200'
check "bytes received counted up to the cap" contains big.jsonl '"length":'
finish
