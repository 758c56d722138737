# An HTTP server on 127.0.0.1 that pushes back, for the politeness tests:
# it accepts RATE requests a second (argv[1]; a request closer than 1/RATE s
# to the last one accepted gets 429, as nginx's limit_req without a burst),
# answers "/deny/..." with 403 and "/slow/..." after 0.3 s. GET /_rate?N sets
# the rate (0 = no limit); GET /_stats answers {"ok": accepted, "limited":
# 429s, "ok_times": arrival times of the accepted}. HTTP/1.1 keep-alive.
# Prints the port it got.
import http.server
import json
import sys
import threading
import time

lock = threading.Lock()
rate = float(sys.argv[1])
last = 0.0
ok = limited = 0
ok_times = []


def admit():
    global last, ok, limited
    with lock:
        now = time.monotonic()
        if rate > 0 and now - last < 1.0 / rate:
            limited += 1
            return False
        last = now
        ok += 1
        ok_times.append(now)
        return True


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        global rate
        if self.path == "/_stats":
            with lock:
                body = {"ok": ok, "limited": limited, "ok_times": ok_times}
            return self.answer(200, json.dumps(body).encode())
        if self.path.startswith("/_rate?"):
            rate = float(self.path[7:])
            return self.answer(200, b"rate set\n")
        if not admit():
            return self.answer(429, b"<html>too many requests</html>")
        if self.path.startswith("/deny/"):
            return self.answer(403, b"<html>forbidden</html>")
        if self.path.startswith("/slow/"):
            time.sleep(0.3)
        self.answer(200, b"<html><title>ok</title>" + self.path.encode() + b"</html>")

    def log_message(self, *a):
        pass


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 512
    daemon_threads = True


s = Server(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
