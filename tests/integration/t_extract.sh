# --extract NAME:PCRE: the first match (or capture group 1) in each written
# result's page, as its field NAME in jsonl, csv, the text detail and the
# report; a bad value is refused naming the option.
. "$(dirname "$0")/lib.sh"
printf 'hit-1\ntoken-7\ngbkhit-9\nmissing-3\n' > e.txt
run() { "$SALVO" -q -j 1 -p none --mc 200 --connect-to "$CT" -w e.txt "$@"; }
run -f jsonl --extract 'key:api_key: "([A-Za-z0-9_]+)"' --extract 'ttl:<title>[^<]*' > e.jsonl
check "jsonl: capture group 1" python3 - e.jsonl <<'PY'
import json, sys
rows = {r["word"]: r for r in map(json.loads, open(sys.argv[1]))}
assert set(rows) == {"hit-1", "token-7", "gbkhit-9"}, rows
assert rows["token-7"]["fields"] == {"key": "AbCdEf0123456789XyZ_"}, rows["token-7"]
assert rows["hit-1"]["fields"] == {"ttl": "<title>百度一下"}, rows["hit-1"]
# The GBK page is matched on its text decoded to UTF-8.
assert rows["gbkhit-9"]["fields"] == {"ttl": "<title>百度文库"}, rows["gbkhit-9"]
PY
run -f csv --extract 'key:api_key: "([A-Za-z0-9_]+)"' > e.csv
check "csv: the fields column" grep -q '^hit,http://token-7.baidu.com,.*"{""key"":""AbCdEf0123456789XyZ_""}",,0,$' e.csv
run --detail always --extract 'key:api_key: "([A-Za-z0-9_]+)"' > e.txt.out
check "text detail: key: \"value\"" grep -q '^http://token-7.baidu.com \[Status: 200, .*, key: "AbCdEf0123456789XyZ_"\]$' e.txt.out
run --report e.html --extract 'key:api_key: "([A-Za-z0-9_]+)"' > /dev/null
check "report: the field" grep -q 'key=AbCdEf0123456789XyZ_' e.html
printf '[output]\nextract = key:api_key: "([A-Za-z0-9_]+)"\n' > x.ini
run -c x.ini -f jsonl > ini.jsonl
check "extract in the INI file" grep -q '"fields":{"key":"AbCdEf0123456789XyZ_"}' ini.jsonl
for bad in 'nocolon' 'url:x' 'n:a(' ':x'; do
    run --extract "$bad" > /dev/null 2> bad.err; rc=$?
    check "refused: --extract '$bad' (exit $rc)" [ $rc -eq 2 ]
    check "refused: --extract '$bad' (exit $rc) (and)" grep -q 'option --extract' bad.err
done
finish
