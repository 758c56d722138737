# Checks the files of --store-responses against the output that names them
# and, with a wiretap.py log, against the bytes on the wire.
#   storecheck.py OUT.jsonl STOREDIR [WIRELOG]
# Every record with "stored" names a file that parses whole (the counts of
# its head match its parts); every file under STOREDIR is named by one
# record (no file left over, none half written); with WIRELOG, each
# file's request is exactly what the server got and its response exactly
# what the server sent (a prefix of it when response-cut: yes). Prints
# "N files, M exact" and exits 1 on the first difference.
import json
import os
import sys


def parse(path):
    data = open(path, "rb").read()
    head, sep, rest = data.partition(b"\n\n")
    assert sep, "%s: no blank line after the head" % path
    meta = dict(line.split(": ", 1) for line in head.decode().split("\n"))
    assert meta.pop("salvo-stored") == "1", path
    nq, ns = int(meta["request-bytes"]), int(meta["response-bytes"])
    req, res = rest[:nq], rest[nq + 1:nq + 1 + ns]
    assert rest[nq:nq + 1] == b"\n" and rest[nq + 1 + ns:] == b"\n", "%s: torn" % path
    return meta, req, res


def wire(log):
    sent = {}
    for line in open(os.path.join(log, "index")):
        k, p = line.split()
        sent[p] = tuple(open(os.path.join(log, k + ext), "rb").read() for ext in (".req", ".res"))
    return sent


def main():
    out, store = sys.argv[1], sys.argv[2]
    sent = wire(sys.argv[3]) if len(sys.argv) > 3 else None
    named = set()
    exact = 0
    for line in open(out):
        d = json.loads(line)
        if "stored" not in d:
            continue
        assert d["stored"] not in named, "%s named twice" % d["stored"]
        named.add(d["stored"])
        meta, req, res = parse(d["stored"])
        assert meta["url"] == d["url"] and meta["verdict"] == d["verdict"], (meta, d)
        if d.get("status"):
            assert int(meta["status"]) == d["status"], (meta, d)
        if sent is None:
            continue
        path = req.split(b" ")[1].decode("latin-1")
        q, r = sent[path]
        assert req == q, ("request differs", path, req, q)
        if meta["response-cut"] == "yes":
            assert r.startswith(res) and len(res) < len(r), ("not a prefix", path)
        else:
            assert res == r, ("response differs", path, res[:300], r[:300])
        exact += 1
    files = set()
    for root, _, names in os.walk(store):
        files.update(os.path.join(root, n) for n in names)
    assert files == named, ("files and records differ", sorted(files ^ named)[:5])
    print("%d files, %d exact" % (len(files), exact))


main()
