# A DNS server on 127.0.0.1 that misbehaves on purpose, for the tests:
#   dnsfault.py servfail   answers every query with SERVFAIL
#   dnsfault.py sink       reads every query and never answers
#   dnsfault.py count FILE answers every A query with 127.0.0.1 (others
#                          with no address) and appends a line per query
#                          to FILE
#   dnsfault.py limit N    answers as count does, at most N queries a
#                          second, and drops the rest (as an overloaded
#                          resolver does); prints "answered A dropped D"
#                          on SIGTERM
# Prints the UDP port it got, then serves until killed.
import signal
import socket
import sys
import time

mode = sys.argv[1]
log = open(sys.argv[2], "a", buffering=1) if mode == "count" else None
limit = float(sys.argv[2]) if mode == "limit" else 0
tokens, last, answered, dropped = limit / 20, time.monotonic(), 0, 0


def report(*_):
    print("answered %d dropped %d" % (answered, dropped), flush=True)
    sys.exit(0)


signal.signal(signal.SIGTERM, report)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
while True:
    q, peer = s.recvfrom(4096)
    if mode == "sink" or len(q) < 12:
        continue
    if mode == "limit":  # a token bucket of a twentieth of a second
        now = time.monotonic()
        tokens = min(limit / 20, tokens + (now - last) * limit)
        last = now
        if tokens < 1:
            dropped += 1
            continue
        tokens -= 1
        answered += 1
    if mode in ("count", "limit"):
        end = q.index(b"\0", 12) + 5  # the question: name, type, class
        if log:
            log.write("query\n")
        is_a = q[end - 4:end - 2] == b"\0\1"
        answer = b"\xc0\x0c\0\1\0\1\0\0\0\x3c\0\4\x7f\0\0\1" if is_a else b""
        s.sendto(q[:2] + b"\x81\x80" + q[4:6] + (b"\0\1" if is_a else b"\0\0") + b"\0\0\0\0"
                 + q[12:end] + answer, peer)
        continue
    # Same id and question, QR=1, RD and RA set, RCODE=2, no answers.
    s.sendto(q[:2] + bytes([0x81, 0x82]) + q[4:6] + b"\0\0\0\0\0\0" + q[12:], peer)
