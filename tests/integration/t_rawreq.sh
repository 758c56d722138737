# --request FILE: a raw request as Burp saves it (GET and POST, with and
# without a body, CRLF and LF line ends, FUZZ or {} anywhere) sends what the
# same scan written with -u, -X, -H and -d sends; what is no request is
# refused naming the file and line.
. "$(dirname "$0")/lib.sh"
tag=rr$$
printf '%s-a\n%s-b\n' "$tag" "$tag" > w.txt
log() { grep -F "$1" "$NGX_DIR/echo.log" | sort; }
logged() { wait_lines "$NGX_DIR/echo.log" "$1" "$2"; } # logged PATTERN N
scan() { "$SALVO" -q -j 1 -p none --mc all --connect-to "$CT" -w "${WL:-w.txt}" "$@" > /dev/null; }

# GET, CRLF, the word in the path and a header; words with / : @ # % and
# non-ASCII bytes go out as the same scan written with -u and -H sends them
printf '%s-a\n%s-b\n%s-c#d\n%s-e/f:g@h\n%s-%%2e\n%s-中文\n' "$tag" "$tag" "$tag" "$tag" "$tag" "$tag" > g.txt
printf 'GET /g1/FUZZ?q=1 HTTP/1.1\r\nHost: echo.test\r\nUser-Agent: burp\r\nX-Word: FUZZ\r\nAccept: */*\r\nAccept-Encoding: identity\r\n\r\n' > get-crlf.req
WL=g.txt scan --request get-crlf.req --request-scheme http
WL=g.txt scan -u "http://echo.test/g2/{}?q=1" -H 'User-Agent: burp' -H 'X-Word: {}' -H 'Accept: */*' \
    -H 'Accept-Encoding: identity'
logged " /g1/$tag" 6; logged " /g2/$tag" 6
g1=$(log " /g1/$tag" | sed 's|/g1/|/gX/|')
check "GET (CRLF) = -u -H" [ -n "$g1" -a "$g1" = "$(log " /g2/$tag" | sed 's|/g2/|/gX/|')" ]
check "GET (CRLF): every word sent" [ "$(log " /g1/$tag" | wc -l)" -eq 6 ]

# GET, LF line ends, an editor's newline at the end
printf 'GET /g3/{} HTTP/1.1\nHost: echo.test\nUser-Agent: burp\n\n\n' > get-lf.req
scan --request get-lf.req --request-scheme http
logged " /g3/$tag" 2
check "GET (LF): no body from the trailing newline" [ "$(log " /g3/$tag" | grep -c 'GET .* cl=-$')" -eq 2 ]

# POST with a body, CRLF; Content-Length recomputed for each word
printf 'POST /p1 HTTP/1.1\r\nHost: echo.test\r\nUser-Agent: burp\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 14\r\n\r\nuser=FUZZ&pw=1\n' > post-crlf.req
scan --request post-crlf.req --request-scheme http -H "X-Word: FUZZ"
scan -u "http://echo.test/p2" -X POST -H 'User-Agent: burp' \
    -H 'Content-Type: application/x-www-form-urlencoded' -H 'X-Word: {}' -d 'user={}&pw=1'
logged "word=$tag-a ct=application/x-www-form-urlencoded" 2; logged "word=$tag-b ct=application/x-www-form-urlencoded" 2
p1=$(log " /p1 " | grep "word=$tag" | sed 's|/p1|/pX|')
check "POST (CRLF) = -X -H -d" [ -n "$p1" -a "$p1" = "$(log " /p2 " | grep "word=$tag" | sed 's|/p2|/pX|')" ]
# "user=" WORD "&pw=1": the editor's newline after the 14 bytes is no body
check "POST: the body's length is the word's" [ "$(log " /p1 " | grep "word=$tag" | grep -c "cl=$(( 10 + ${#tag} + 2 ))$")" -eq 2 ]

# POST, LF, the word as the method too
printf 'FUZZ /m1 HTTP/1.1\nHost: echo.test\nX-Word: x\n' > method.req
printf 'PUT\nDELETE\n' > m.txt
"$SALVO" -q -j 1 -p none --mc all --connect-to "$CT" -w m.txt --request method.req --request-scheme http > /dev/null
logged " /m1 " 2
check "the word as the method" [ "$(log " /m1 " | awk '{print $1}' | sort | tr '\n' ' ')" = "DELETE PUT " ]

# Refusals
printf '{"not": "a request"}\n' > json.req
scan --request json.req 2> e1.txt; rc=$?
check "not a request line (exit $rc)" [ $rc -eq 2 ]
check "not a request line (exit $rc) (and)" contains e1.txt "--request json.req:1: not a request line"
printf 'GET / HTTP/1.1\r\nHost: echo.test\r\nno colon here\r\n\r\n' > hdr.req
scan --request hdr.req 2> e2.txt; rc=$?
check "a bad header line is named (exit $rc)" [ $rc -eq 2 ]
check "a bad header line is named (exit $rc) (and)" contains e2.txt "--request hdr.req:3: not a header line"
printf 'GET /{} HTTP/1.1\r\nUser-Agent: x\r\n\r\n' > nohost.req
scan --request nohost.req 2> e3.txt; rc=$?
check "no Host (exit $rc)" [ $rc -eq 2 ]
check "no Host (exit $rc) (and)" contains e3.txt "no Host header"
scan --request get-lf.req -u 'http://echo.test/{}' 2> e4.txt; rc=$?
check "-u and --request (exit $rc)" [ $rc -eq 2 ]
check "-u and --request (exit $rc) (and)" contains e4.txt "give -u or --request, not both"
printf 'POST /b HTTP/1.1\r\nHost: echo.test\r\nContent-Length: 3\r\n\r\na\000b' > nul.req
scan --request nul.req 2> e6.txt; rc=$?
check "a body with a NUL byte (exit $rc)" [ $rc -eq 2 ]
check "a body with a NUL byte (exit $rc) (and)" contains e6.txt "the body holds a NUL byte"
printf 'GET / HTTP/1.1\r\nHost: echo.test\r\nthis line is long and has no colon at all, it goes on and on and on past sixty\r\n\r\n' > long.req
scan --request long.req 2> e7.txt
check "a bad line is quoted, cut at 60 bytes, not the lines after it" grep -q '"this line is long and has no colon at all, it goes on and on"$' e7.txt
scan --request /nonexistent.req 2> e5.txt; rc=$?
check "a missing file (exit $rc)" [ $rc -eq 2 ]
check "a missing file (exit $rc) (and)" contains e5.txt "--request /nonexistent.req: No such file"
finish
