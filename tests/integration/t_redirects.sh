# Redirects are not followed by default; follow_redirects = yes follows.
. "$(dirname "$0")/lib.sh"
printf 'redir-1\nhit-2\n' > words.txt
"$SALVO" -q --connect-to "$CT" -w words.txt > no.txt
check "301 is not a hit by default" same_set no.txt <(echo http://hit-2.baidu.com)
"$SALVO" -q --connect-to "$CT" -w words.txt --follow-redirects > yes.txt
check "followed redirect to a real page is a hit" same_set yes.txt \
    <(printf 'http://redir-1.baidu.com\nhttp://hit-2.baidu.com\n')
printf '[scan]\ntemplate = http://{}.baidu.com\n[http]\nfollow_redirects = yes\n' > f.ini
"$SALVO" -c f.ini -q --connect-to "$CT" -w words.txt > ini.txt
check "follow_redirects = yes in INI" same_set ini.txt yes.txt
finish
