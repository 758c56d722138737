# Answers GET /case/NAME with the bytes of case NAME of a cases file
# (tests/fixtures/malformed.txt: name, outcome, curl's, answer, split by
# tabs), then ends its side of the connection; prints its port. An
# unknown name gets a 599. One answer per connection: the client sees the
# end of the connection right after the bytes, as the cases assume.
import asyncio
import re
import sys

ESC = {"r": b"\r", "n": b"\n", "t": b"\t", "0": b"\0", "\\": b"\\"}


def unescape(text):
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode()
            i += 1
        elif text[i + 1] == "x":
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            out += ESC.get(text[i + 1], text[i + 1].encode())
            i += 2
    return bytes(out)


def load(path):
    cases = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            name, _, _, answer = (line.split("\t", 3) + [""])[:4]
            cases[name] = unescape(answer)
    return cases


async def handle(reader, writer, cases):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
        m = re.match(rb"[A-Z]+ /case/([a-z0-9-]+)", head)
        answer = cases.get(m.group(1).decode()) if m else None
        if answer is None:
            answer = b"HTTP/1.1 599 Unknown case\r\nContent-Length: 0\r\n\r\n"
        writer.write(answer)
        await writer.drain()
        writer.write_eof()
        # The client closes after reading: wait for it (bounded) so that
        # no unread byte of ours turns the close into a reset.
        await asyncio.wait_for(reader.read(), 10)
    except (asyncio.IncompleteReadError, asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


async def main():
    cases = load(sys.argv[1])
    server = await asyncio.start_server(lambda r, w: handle(r, w, cases), "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


asyncio.run(main())
