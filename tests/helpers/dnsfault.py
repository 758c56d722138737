# A DNS server on 127.0.0.1 that misbehaves on purpose, for the tests:
#   dnsfault.py servfail   answers every query with SERVFAIL
#   dnsfault.py sink       reads every query and never answers
# Prints the UDP port it got, then serves until killed.
import socket
import sys

mode = sys.argv[1]
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1], flush=True)
while True:
    q, peer = s.recvfrom(4096)
    if mode == "sink" or len(q) < 12:
        continue
    # Same id and question, QR=1, RD and RA set, RCODE=2, no answers.
    s.sendto(q[:2] + bytes([0x81, 0x82]) + q[4:6] + b"\0\0\0\0\0\0" + q[12:], peer)
