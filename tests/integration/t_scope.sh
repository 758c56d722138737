# Words stay in the template's scope: in the host part a word forms host
# labels only (another host, a user, a port or a path is an input error,
# and no request is sent); a non-ASCII word is its IDNA punycode in the DNS
# query and the Host header alike; in the path, what is fetched is what is
# reported ("../" is sent as it is).
. "$(dirname "$0")/lib.sh"
: "${DNS_DIR:?}"
R="127.0.0.1:$(cat "$DNS_DIR/port")"
printf '%s\n' 'evil.com/x' 'a@evil.com' '127.0.0.1:8080/' 'a b' 'x#y' 'hit-1' > esc.txt
"$SALVO" -q -j 1 -p none --mc 200 -u 'http://{}.baidu.com/' --connect-to "$CT" --errors -f jsonl \
    -w esc.txt > esc.jsonl 2> esc.err
python3 - esc.jsonl <<'PY' && ok "words that would leave the host: input errors, nothing fetched" || fail "scope of the host part"
import json, sys
r = {d["word"]: d for d in map(json.loads, open(sys.argv[1]))}
assert len(r) == 6, r.keys()
for w in ("evil.com/x", "a@evil.com", "127.0.0.1:8080/", "a b", "x#y"):
    assert r[w]["verdict"] == "error" and r[w]["error_class"] == "input", r[w]
    assert "cannot be part of a host name" in r[w]["error"] and r[w]["status"] == 0, r[w]
assert r["hit-1"]["verdict"] == "hit", r["hit-1"]
PY
# IDN: punycode in the URL, so in the Host header nginx sees, and in DNS.
printf 'bücher\n' > idn.txt
"$SALVO" -q -j 1 -p none --mc 200 -u 'http://{}.baidu.com/' --connect-to "$CT" -f jsonl -w idn.txt \
    > idn.jsonl 2> idn.err
check "IDN: the URL holds the punycode name" contains idn.jsonl '"url":"http://xn--bcher-kva.baidu.com/"'
check "IDN: the server answered it" contains idn.jsonl '"status":200'
"$SALVO" -q -j 1 -p none --mc 200 -r "$R" -u "http://{}.plain.dns.test:$PORT/" -f jsonl --errors \
    -w idn.txt > idn2.jsonl 2> idn2.err
check "IDN through the DNS stage: resolved and fetched" contains idn2.jsonl \
    '"url":"http://xn--bcher-kva.plain.dns.test:'"$PORT"'/"'
check "  ... the punycode name was asked of DNS (only it resolves)" contains idn2.jsonl '"verdict":"hit"'
# The path: "../" is sent as it is (nginx refuses a path above its root
# with 400; had curl folded it, /etc/passwd would have been asked for).
printf '../../etc/passwd\n' > up.txt
"$SALVO" -q -j 1 -p none --mc 100-599 -u 'http://x.baidu.com/a/{}' --connect-to "$CT" -f jsonl \
    -w up.txt > up.jsonl 2> up.err
check "path: reported as fetched" contains up.jsonl '"url":"http://x.baidu.com/a/../../etc/passwd"'
check "path: sent as it is (nginx answers 400)" contains up.jsonl '"status":400'
# The same through the DNS stage, where the request goes out on a kept
# connection to the address the name resolved to.
"$SALVO" -q -j 1 -p none --mc 100-599 -r "$R" -u "http://hit-1.plain.dns.test:$PORT/a/{}" -f jsonl \
    -w up.txt > up2.jsonl 2> up2.err
check "path through the DNS stage: sent as it is (400)" contains up2.jsonl '"status":400'
finish
