# A fault-injecting HTTP server on 127.0.0.1 for the tests: what it does
# depends on the first label of the Host header, or for a path
# /fault/KIND, on KIND. Prints its port, then a second port where
# connections are accepted and never answered (a TLS handshake that never
# completes). Every connection is closed after one answer, without a word:
# a client that keeps it finds it closed when it sends the next request.
#   ok        a small page
#   resethdr  half a status line and headers, then a reset
#   resetbody headers promising 100000 bytes, 1000 of them, then a reset
#   slow      one byte every 0.5 s, for ever
#   huge      a 1 GiB body, as fast as the client reads
#   bomb      2 MB of gzip that inflates to 2 GiB, Content-Encoding: gzip
#   badchunk  chunked encoding with a chunk size that is not hex
#   garbage   a status line of garbage
#   manyhdr   100,000 headers
#   bighdr    one header of 10 MB
#   nul       a body of NUL bytes and invalid UTF-8
#   badcs     a charset iconv does not know
#   loop      a redirect to itself
#   gzip      a small page gzipped whether the client asked or not
#   chunked   a page in three chunks, with a trailer
#   eof       a page without a length, ended by closing
#   http10    an HTTP/1.0 answer
#   continue  100 Continue, then the answer
#   nocontent 204, no body
#   notmod    304 that names a length it does not send
#   empty     the connection closed without an answer
#   badlen    a Content-Length that is not a number
#   halfhdr   a status line and a header, then the connection closed
#   shortbody 100 bytes promised, 10 sent, then the connection closed
#   echo      the request's bytes as the body (and a line of $FS_LOG)
#   fold      a first header line that starts with a space (obs-fold)
#   foldgz    the same, gzipped whether asked or not
#   foldredir a redirect to /fault/fold
#   gzip2     a page gzipped, titled "coded"
#   deflate   the same page as deflate (zlib-wrapped)
#   rawdeflate the same page as deflate without its zlib wrapper
#   br        the same page as brotli (libbrotlienc, through ctypes)
#   zstd      the same page as zstd, in two frames (libzstd, through ctypes)
#   badgz     Content-Encoding: gzip on bytes that are not gzip
import asyncio
import ctypes
import ctypes.util
import gzip
import zlib
import os
import socket
import struct
import sys

BOMB = gzip.compress(b"\0" * (64 << 20), 9) * 32  # each member inflates to 64 MiB
CODED = b"<html><title>coded</title>" + b"compressed page " * 200 + b"</html>"


def brotli(data):
    lib = ctypes.CDLL(ctypes.util.find_library("brotlienc") or "libbrotlienc.so.1")
    out = ctypes.create_string_buffer(len(data) + 1024)
    size = ctypes.c_size_t(len(out))
    if not lib.BrotliEncoderCompress(11, 22, 0, ctypes.c_size_t(len(data)), data,
                                     ctypes.byref(size), out):
        raise RuntimeError("brotli")
    return out.raw[:size.value]


def zstd(data):
    lib = ctypes.CDLL(ctypes.util.find_library("zstd") or "libzstd.so.1")
    lib.ZSTD_compress.restype = ctypes.c_size_t
    out = b""
    for part in (data[:len(data) // 2], data[len(data) // 2:]):
        buf = ctypes.create_string_buffer(len(part) + 1024)
        n = lib.ZSTD_compress(buf, ctypes.c_size_t(len(buf)), part, ctypes.c_size_t(len(part)), 19)
        out += buf.raw[:n]
    return out


def raw_deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def coded(enc, body):
    return (b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: %s\r\n"
            b"Content-Length: %d\r\n\r\n" % (enc, len(body)) + body)


def reset(writer):
    sock = writer.get_extra_info("socket")
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def handle(reader, writer):
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except Exception:
        writer.close()
        return
    host = b""
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"host:"):
            host = line[5:].strip()
        if line.lower().startswith(b"content-length:"):
            try:
                head += await reader.readexactly(int(line[15:].strip()))
            except Exception:
                writer.close()
                return
    kind = host.split(b".")[0].split(b"-")[0].decode(errors="replace")
    target = head.split(b" ")[1] if head.count(b" ") >= 2 else b""
    if target.startswith(b"/fault/"):
        kind = target[7:].split(b"/")[0].split(b"?")[0].split(b"-")[0].decode(errors="replace")
    w = writer.write
    try:
        if kind == "resethdr":
            w(b"HTTP/1.1 200 OK\r\nContent-Ty")
            await writer.drain()
            reset(writer)
            return
        if kind == "resetbody":
            w(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"x" * 1000)
            await writer.drain()
            reset(writer)
            return
        if kind == "slow":
            for c in b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"y" * 100:
                w(bytes([c]))
                await writer.drain()
                await asyncio.sleep(0.5)
        elif kind == "huge":
            w(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % (1 << 30))
            block = b"z" * (1 << 20)
            for _ in range(1024):
                w(block)
                await writer.drain()
        elif kind == "bomb":
            w(b"HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: %d\r\n\r\n"
              % len(BOMB) + BOMB)
        elif kind == "gzip":
            body = gzip.compress(b"<html><title>zipped</title>hello gzip world</html>")
            w(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Encoding: gzip\r\n"
              b"Content-Length: %d\r\n\r\n" % len(body) + body)
        elif kind == "badchunk":
            w(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\nzz\r\nxx\r\n0\r\n\r\n")
        elif kind == "garbage":
            w(b"\x00\xffGARBAGE 99 what\r\n\r\n")
        elif kind == "manyhdr":
            w(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-H%d: v\r\n" % i for i in range(100000))
              + b"Content-Length: 2\r\n\r\nok")
        elif kind == "bighdr":
            w(b"HTTP/1.1 200 OK\r\nX-Big: " + b"b" * (10 << 20) + b"\r\nContent-Length: 2\r\n\r\nok")
        elif kind == "nul":
            body = b"\0\0\0\xff\xfe\xc0\x80 half \xe7\x99" * 100
            w(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: %d\r\n\r\n"
              % len(body) + body)
        elif kind == "badcs":
            body = b"<title>caf\xe9</title>"
            w(b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=x-no-such-9\r\nContent-Length: %d\r\n\r\n"
              % len(body) + body)
        elif kind == "chunked":
            w(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n"
              b"7\r\n<title>\r\n5;ext=1\r\nchunk\r\nA\r\n</title>xyz\r\n0\r\nX-Trailer: t\r\n\r\n")
        elif kind == "eof":
            w(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<title>to the end</title>" + b"e" * 5000)
        elif kind == "http10":
            w(b"HTTP/1.0 200 OK\r\nContent-Length: 6\r\n\r\nold ok")
        elif kind == "continue":
            w(b"HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\n"
              b"HTTP/1.1 201 Created\r\nX-Final: 1\r\nContent-Length: 7\r\n\r\ncreated")
        elif kind == "nocontent":
            w(b"HTTP/1.1 204 No Content\r\nX-None: 1\r\n\r\n")
        elif kind == "notmod":
            w(b"HTTP/1.1 304 Not Modified\r\nContent-Length: 500\r\n\r\n")
        elif kind == "empty":
            pass
        elif kind == "badlen":
            w(b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\nbody")
        elif kind == "halfhdr":
            w(b"HTTP/1.1 200 OK\r\nX-Half: 1\r\n")
        elif kind == "shortbody":
            w(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n" + b"s" * 10)
        elif kind == "echo":
            if os.environ.get("FS_LOG"):
                with open(os.environ["FS_LOG"], "a") as f:
                    f.write(repr(head) + "\n")
            w(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n"
              % len(head) + head)
        elif kind == "fold":
            w(b"HTTP/1.1 200 OK\r\n X-Folded: first\r\nContent-Type: text/html\r\n"
              b"Content-Length: 20\r\n\r\n<title>fold</title>\n")
        elif kind == "foldgz":
            body = gzip.compress(b"<title>foldgz</title>\n")
            w(b"HTTP/1.1 200 OK\r\n X-Folded: first\r\nContent-Type: text/html\r\n"
              b"Content-Encoding: gzip\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        elif kind == "foldredir":
            w(b"HTTP/1.1 302 Found\r\nX-First: 1\r\nLocation: /fault/fold\r\nContent-Length: 0\r\n\r\n")
        elif kind == "gzip2":
            w(coded(b"gzip", gzip.compress(CODED)))
        elif kind == "deflate":
            w(coded(b"deflate", zlib.compress(CODED)))
        elif kind == "rawdeflate":
            w(coded(b"deflate", raw_deflate(CODED)))
        elif kind == "br":
            w(coded(b"br", brotli(CODED)))
        elif kind == "zstd":
            w(coded(b"zstd", zstd(CODED)))
        elif kind == "badgz":
            w(coded(b"gzip", b"this is not gzip at all" * 10))
        elif kind == "loop":
            w(b"HTTP/1.1 302 Found\r\nLocation: /again\r\nContent-Length: 0\r\n\r\n")
        else:
            w(b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: 20\r\n\r\n<title>fine</title>\n")
        await writer.drain()
        writer.close()
    except Exception:
        writer.transport.abort()


async def stall(reader, writer):
    await asyncio.sleep(3600)


async def main():
    s = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
    t = await asyncio.start_server(stall, "127.0.0.1", 0, backlog=512)
    print(s.sockets[0].getsockname()[1], flush=True)
    print(t.sockets[0].getsockname()[1], flush=True)
    await asyncio.gather(s.serve_forever(), t.serve_forever())


asyncio.run(main())
