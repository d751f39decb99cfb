"""A local HTTP server for tests: never the internet, always 127.0.0.1 on a free port.

Each path can have its own route (a function that gets the request handler and writes whatever
it likes, or nothing, or half of it); other paths go to `answer`, by default a 404. Every request
is recorded with its headers.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Callable

Route = Callable[[http.server.BaseHTTPRequestHandler], None]


def send(handler, status: int, body: bytes = b"", content_type: str = "text/html; charset=utf-8",
         headers: dict | None = None) -> None:
    handler.send_response(status)
    handler.send_header("Content-Type", content_type)
    handler.send_header("Content-Length", str(len(body)))
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def not_found(handler) -> None:
    send(handler, 404, b"not found", "text/plain")


class LocalServer:
    def __init__(self, answer: Route = not_found) -> None:
        self.routes: dict[str, Route] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.posts: list[tuple[str, bytes]] = []  # (path, body) of every POST, answered 204
        self.stopping = threading.Event()  # slow routes wait on this, so shutdown is immediate
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                outer.requests.append((self.path, dict(self.headers)))
                outer.routes.get(self.path, answer)(self)

            def do_POST(self) -> None:
                outer.requests.append((self.path, dict(self.headers)))
                outer.posts.append((self.path, self.rfile.read(int(self.headers.get("Content-Length") or 0))))
                send(self, 204)

            def log_message(self, format, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.httpd.block_on_close = False
        self.httpd.handle_error = lambda request, address: None  # a route that resets its socket is expected
        self.base_url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
        self._thread.start()

    @property
    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]

    def url(self, path: str) -> str:
        return self.base_url + path

    def hits(self, path: str) -> int:
        return self.paths.count(path)

    def close(self) -> None:
        self.stopping.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> "LocalServer":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
