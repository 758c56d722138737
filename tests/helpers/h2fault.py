# A misbehaving HTTP/2 server over TLS on 127.0.0.1 for the tests: one
# listener per behaviour, printed as "NAME PORT" lines in this order.
#   ok       each stream answered 200 with a 2-byte body
#   rst      each stream reset (INTERNAL_ERROR)
#   refuse   each stream refused (REFUSED_STREAM: the client may ask again)
#   goaway   GOAWAY (PROTOCOL_ERROR, nothing processed) at the first request, then closed
#   garbage  bytes that are no frame at the first request
#   cut      headers promising 100 bytes, 10 of them, then the connection closed
#   nostatus response headers without :status
#   headdata each stream answered 200 with a 2-byte body, a HEAD's too
#            (as Apache's mod_http2 does)
#   early    each stream answered 405 with a 2-byte body at its headers,
#            then reset with NO_ERROR: the request's body is not wanted (as
#            nginx does to a PUT on a file); the stream window is 1 byte,
#            so the client has sent at most a byte of it when the answer
#            comes
# Frames are written by hand (HPACK: indexed and literal fields only).
# usage: python3 h2fault.py CERT KEY
import asyncio
import ssl
import struct
import sys

PREFACE = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
DATA, HEADERS, RST, SETTINGS, PING, GOAWAY = 0, 1, 3, 4, 6, 7
END_STREAM, END_HEADERS, ACK = 0x1, 0x4, 0x1
STATUS_200 = b"\x88"  # :status: 200 (static table 8)
STATUS_405 = b"\x08\x03405"  # :status (name 8) 405, literal, not indexed
SETTINGS_INITIAL_WINDOW_SIZE = 4


def content_length(n):
    v = str(n).encode()
    return b"\x0f\x0d" + bytes([len(v)]) + v  # literal, indexed name 28, not indexed


def frame(kind, flags, stream, payload=b""):
    return struct.pack(">I", len(payload))[1:] + bytes([kind, flags]) + struct.pack(">I", stream) + payload


def answer(mode, stream, w):
    if mode in ("ok", "headdata"):
        w(frame(HEADERS, END_HEADERS, stream, STATUS_200 + content_length(2)))
        w(frame(DATA, END_STREAM, stream, b"ok"))
    elif mode == "rst":
        w(frame(RST, 0, stream, struct.pack(">I", 2)))
    elif mode == "refuse":
        w(frame(RST, 0, stream, struct.pack(">I", 7)))
    elif mode == "goaway":
        w(frame(GOAWAY, 0, 0, struct.pack(">II", 0, 1)))
        return True
    elif mode == "garbage":
        w(b"\xff" * 64)
        return True
    elif mode == "cut":
        w(frame(HEADERS, END_HEADERS, stream, STATUS_200 + content_length(100)))
        w(frame(DATA, 0, stream, b"c" * 10))
        return True
    elif mode == "nostatus":
        w(frame(HEADERS, END_HEADERS | END_STREAM, stream, content_length(0)))
    elif mode == "early":
        w(frame(HEADERS, END_HEADERS, stream, STATUS_405 + content_length(2)))
        w(frame(DATA, END_STREAM, stream, b"no"))
        w(frame(RST, 0, stream, struct.pack(">I", 0)))
    return False


def serve(mode):
    async def handle(reader, writer):
        try:
            if await reader.readexactly(len(PREFACE)) != PREFACE:
                return
            window = struct.pack(">HI", SETTINGS_INITIAL_WINDOW_SIZE, 1) if mode == "early" else b""
            writer.write(frame(SETTINGS, 0, 0, window))
            while True:
                head = await reader.readexactly(9)
                length = struct.unpack(">I", b"\0" + head[:3])[0]
                kind, flags = head[3], head[4]
                stream = struct.unpack(">I", head[5:9])[0] & 0x7FFFFFFF
                await reader.readexactly(length)
                if kind == SETTINGS and not flags & ACK:
                    writer.write(frame(SETTINGS, ACK, 0))
                elif kind == PING and not flags & ACK:
                    writer.write(frame(PING, ACK, 0, b"\0" * 8))
                elif kind == HEADERS and answer(mode, stream, writer.write):
                    await writer.drain()
                    break
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError, ssl.SSLError):
            pass
        finally:
            writer.close()
    return handle


async def main():
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(sys.argv[1], sys.argv[2])
    ctx.set_alpn_protocols(["h2"])
    servers = []
    for mode in ("ok", "rst", "refuse", "goaway", "garbage", "cut", "nostatus", "headdata",
                 "early"):
        s = await asyncio.start_server(serve(mode), "127.0.0.1", 0, ssl=ctx, backlog=512)
        servers.append(s)
        print(mode, s.sockets[0].getsockname()[1], flush=True)
    await asyncio.gather(*(s.serve_forever() for s in servers))


asyncio.run(main())
