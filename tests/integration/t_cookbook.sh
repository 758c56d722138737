# Every scan of docs/cookbook.md, run as written against the test server.
. "$(dirname "$0")/lib.sh"
B="$SRC_DIR/conf/cookbook"
printf 'hit-1\nw2\ngbk404-3\nlogin-4\ntech-5\ntoken-6\nmissing-7\n' > words.txt
run() { "$SALVO" -q -j 2 --connect-to "$CT" -w words.txt "$@"; }

run -c "$B/subdomains.ini" > sub.txt 2> sub.err
check "subdomains: real pages only" same_set sub.txt <(printf 'http://hit-1.baidu.com\nhttp://login-4.baidu.com\nhttp://tech-5.baidu.com\nhttp://token-6.baidu.com\n')

run -c "$B/login-pages.ini" -u 'http://{}.baidu.com/' > login.jsonl
check "login pages by title" contains login.jsonl '"word":"login-4"'
check "the title as a field, whitespace collapsed" contains login.jsonl '"fields":{"title":"Sign in | Admin Console"}'
check "nothing else" [ "$(wc -l < login.jsonl)" -eq 1 ]

run -c "$B/api-token.ini" -u 'http://{}.baidu.com/config.js' > token.jsonl
check "API token by regex" contains token.jsonl '"word":"token-6"'
check "the token itself" contains token.jsonl '"token":"AbCdEf0123456789XyZ_"'
check "nothing else" [ "$(wc -l < token.jsonl)" -eq 1 ]

run -c "$B/tech.ini" -u 'http://{}.baidu.com/' > tech.csv
check "tech fingerprint by header" grep -q '^hit,http://tech-5.baidu.com/,tech-5,200,.*""x-powered-by"":""PHP/8.2.7""' tech.csv
check "nothing else" [ "$(wc -l < tech.csv)" -eq 2 ]
finish
