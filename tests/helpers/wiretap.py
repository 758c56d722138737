# An HTTP/1.1 server on 127.0.0.1 (kept connections) that records the bytes
# of every exchange, for the --store-responses tests: DIR/N.req is the
# request as it came (head and body), DIR/N.res the response as it went,
# and DIR/index a line "N PATH" for each. Answers by the path's first part:
#   /hit/...      200, a text that echoes the request's head
#   /chunked/...  200 in three chunks (Transfer-Encoding: chunked)
#   /gzip/...     200 gzip'ed (Content-Encoding: gzip), whatever was asked
#   /big/...      200, 100,000 bytes
#   /slow/...     200 after 50 ms
#   anything else 404
# argv: DIR. Prints the port it got.
import asyncio
import gzip
import os
import re
import sys

LOG = sys.argv[1]
n = 0


def answer(path, head):
    kind = path.split("/")[1] if path.count("/") >= 1 else ""
    if kind in ("hit", "slow"):
        body = b"found " + path.encode() + b"\n--- you sent ---\n" + head
        return (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
                % len(body)) + body
    if kind == "chunked":
        parts = [b"first part of " + path.encode() + b"\n", b"second\n", b"x" * 300 + b"\n"]
        out = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
        for p in parts:
            out += b"%x\r\n%s\r\n" % (len(p), p)
        return out + b"0\r\n\r\n"
    if kind == "gzip":
        body = gzip.compress(b"<html><title>zipped</title>" + path.encode() * 20 + b"</html>",
                             mtime=0)
        return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
                b"Content-Length: %d\r\n\r\n" % len(body)) + body
    if kind == "big":
        body = (b"0123456789" * 10000)
        return (b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
                % len(body)) + body
    body = b"no such page\n"
    return (b"HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
            % len(body)) + body


async def handle(reader, writer):
    global n
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            m = re.search(rb"\r\ncontent-length: *(\d+)", head, re.I)
            body = await reader.readexactly(int(m.group(1))) if m else b""
            path = head.split(b" ", 2)[1].decode("latin-1")
            if path.startswith("/slow/"):
                await asyncio.sleep(0.05)
            res = answer(path, head)
            n += 1
            k = n
            with open(os.path.join(LOG, "%d.req" % k), "wb") as f:
                f.write(head + body)
            with open(os.path.join(LOG, "%d.res" % k), "wb") as f:
                f.write(res)
            with open(os.path.join(LOG, "index"), "a") as f:
                f.write("%d %s\n" % (k, path))
            writer.write(res)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
        pass
    finally:
        writer.close()


async def main():
    srv = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(srv.sockets[0].getsockname()[1], flush=True)
    async with srv:
        await srv.serve_forever()


asyncio.run(main())
