"""The bundled demo news site (demo_site/), served on 127.0.0.1 for `make run` and the tests.

Pages are static files; the only thing the server adds is the site's own address: the text
`{{BASE_URL}}` in .html and .xml files (RSS links, canonical links) becomes http://127.0.0.1:PORT.
"""

from __future__ import annotations

import email.utils
import functools
import io
import http.server
import threading
from pathlib import Path

from extract.settings import REPO_ROOT

DEMO_ROOT = REPO_ROOT / "demo_site"
PLACEHOLDER = b"{{BASE_URL}}"


class _Handler(http.server.SimpleHTTPRequestHandler):
    base_url = ""

    def send_head(self):  # noqa: D401 - the stdlib name
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/") and (path / "index.html").is_file():
            path = path / "index.html"
        if path.is_file() and path.suffix in (".html", ".xml"):
            # Like a real server, answer a conditional GET for an unchanged file with 304.
            modified = email.utils.formatdate(int(path.stat().st_mtime), usegmt=True)
            if self.headers.get("If-Modified-Since") == modified:
                self.send_response(304)
                self.end_headers()
                return None
            body = path.read_bytes().replace(PLACEHOLDER, self.base_url.encode("ascii"))
            self.send_response(200)
            self.send_header("Last-Modified", modified)
            content_type = "application/rss+xml" if path.suffix == ".xml" else "text/html"
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            return io.BytesIO(body)
        return super().send_head()

    def log_message(self, format: str, *args) -> None:  # quiet: the scraper logs its own requests
        pass


class DemoSite:
    """A threaded HTTP server for demo_site/ on 127.0.0.1; port 0 picks a free port."""

    def __init__(self, root: Path = DEMO_ROOT, port: int = 0):
        handler = functools.partial(type("Handler", (_Handler,), {}), directory=str(root))
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        handler.func.base_url = self.base_url
        self._thread = threading.Thread(target=self.server.serve_forever, name="demo-site", daemon=True)

    def __enter__(self) -> "DemoSite":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
