# A wiki on 127.0.0.1 that answers as DokuWiki does: /doku.php?id=NS:WORD
# normalises the id as DokuWiki's cleanID (lower case, '/' to ':', other
# runs of punctuation and spaces to '_', none at the ends) and answers 200
# for every id: the page when it exists, else "This topic does not exist
# yet", the normalised id reflected in the title and four more places.
# Prints its port.
import html
import re
import sys
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

PAGES = {"wiki:start": "Welcome to your new DokuWiki. Here you can write pages, link them, "
                       "keep their history and find them again with the search on the right.",
         "wiki:syntax": "DokuWiki supports some simple markup language, which tries to make "
                        "the datafiles to be as readable as possible. This page contains all "
                        "possible syntax you may use when editing the pages."}
MISSING = ("You've followed a link to a topic that doesn't exist yet. If permissions allow, "
           "you may create it by clicking on Create this page.")


def clean_id(raw):
    out = []
    for part in raw.lower().split(":"):
        part = part.replace("/", ":")
        out.append(re.sub(r"[^a-z0-9\u0080-\uffff:]+", "_", part).strip("_"))
    return ":".join(p for p in out if p)


class Wiki(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        q = urllib.parse.urlparse(self.path)
        raw = urllib.parse.parse_qs(q.query).get("id", [""])[0]
        pid = clean_id(raw)
        text = PAGES.get(pid, MISSING)
        e = html.escape(pid)
        body = ("<html><head><title>%s [DokuWiki]</title></head><body><div class=\"header\">"
                "DokuWiki Trace: %s</div><h1>%s</h1><p>%s</p><p><a href=\"/doku.php?id=%s&amp;"
                "do=edit\">Create this page</a> <a href=\"/doku.php?id=%s&amp;do=backlink\">"
                "Backlinks</a></p><div class=\"footer\">%s.txt Last modified: never. Except "
                "where otherwise noted, content on this wiki is licensed under the following "
                "license: CC Attribution-Share Alike 4.0 International.</div></body></html>"
                % (e, e, "This topic does not exist yet" if text is MISSING else e, text, e, e,
                   e.replace(":", "/"))).encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


s = ThreadingHTTPServer(("127.0.0.1", 0), Wiki)
print(s.server_address[1], flush=True)
s.serve_forever()
