# Redirects are not followed by default; follow_redirects = yes follows.
. "$(dirname "$0")/lib.sh"
printf 'redir-1\nhit-2\n' > words.txt
"$SALVO" -q --connect-to "$CT" -w words.txt > no.txt
check "301 is not a hit by default" same_set no.txt <(echo http://hit-2.baidu.com)
"$SALVO" -q --connect-to "$CT" -w words.txt --follow-redirects > yes.txt
check "followed redirect to a real page is a hit" same_set yes.txt \
    <(printf 'http://redir-1.baidu.com\nhttp://hit-2.baidu.com\n')
# Where the redirects ended is the result's location (jsonl, text detail);
# without following, the Location the answer named.
"$SALVO" -q --connect-to "$CT" -w words.txt --follow-redirects -f jsonl > yes.jsonl
check "followed: location is where it ended" grep -q \
    '"url":"http://redir-1.baidu.com".*"status":200.*"location":"http://hit-redirected.baidu.com/"' yes.jsonl
"$SALVO" -q --connect-to "$CT" -w words.txt --detail always --follow-redirects > detail.txt
check "followed: the text detail names it" grep -q 'redir-1.*hit-redirected.baidu.com' detail.txt
"$SALVO" -q --connect-to "$CT" -w words.txt --mc 301 -f jsonl > no.jsonl
check "not followed: the answer's Location" grep -q \
    '"status":301.*"location":"http://hit-redirected.baidu.com/"' no.jsonl
printf '[scan]\ntemplate = http://{}.baidu.com\n[http]\nfollow_redirects = yes\n' > f.ini
"$SALVO" -c f.ini -q --connect-to "$CT" -w words.txt > ini.txt
check "follow_redirects = yes in INI" same_set ini.txt yes.txt
finish
