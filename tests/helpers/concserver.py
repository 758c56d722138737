# An HTTP server on 127.0.0.1 that counts, for the politeness tests: every
# request waits DELAY seconds (argv[1]) and is recorded with its arrival
# time and the client port it came from; GET /_stats answers {"peak": most
# requests in progress at once, "times": arrival times, "conns": how many
# connections carried them}. HTTP/1.1 with keep-alive. Prints the port it got.
import http.server
import json
import sys
import threading
import time

delay = float(sys.argv[1])
lock = threading.Lock()
now = peak = 0
times = []
ports = set()


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        global now, peak
        if self.path == "/_stats":
            body = json.dumps({"peak": peak, "times": times, "conns": len(ports)}).encode()
        else:
            with lock:
                now += 1
                peak = max(peak, now)
                times.append(time.monotonic())
                ports.add(self.client_address[1])
            time.sleep(delay)
            with lock:
                now -= 1
            body = b"<html><title>ok</title>hello</html>"
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 512  # listen() backlog: read before the socket listens
    daemon_threads = True


s = Server(("127.0.0.1", 0), H)
print(s.server_address[1], flush=True)
s.serve_forever()
