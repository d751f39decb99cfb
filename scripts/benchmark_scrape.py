"""Scrape speed, serial against parallel, on a local test site: N hosts x M pages (default 20 x 500).

    .venv/bin/python scripts/benchmark_scrape.py [--hosts 20] [--pages 500] [--delay 0.02] [--workers 20]

Each host is its own loopback address (127.0.0.1, 127.0.0.2, ...), served by a separate process
so that serving does not share the scraper's interpreter. A host has a robots.txt, a homepage, a
sitemap of its M article pages (numeric URLs, /news/<n>.html) and the pages (about 3 kB each).
The registry has one source per host. The same scrape runs twice into fresh homes: serial
(ASXH_SCRAPE_WORKERS=1) and parallel (--workers), both with the same per-host pause (--delay).

Prints the wall time of each, their ratio, pages lost (listed but not archived) and repeated
(asked for more than once, counted by the server), and the smallest gap the server saw between two
requests to one host (the pause kept: it must not be under --delay). Bounded: the site is fixed in
size, every request has the client's timeout, and the server process is stopped at the end.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

SERVER = textwrap.dedent(
    """
    import http.server, json, sys, threading, time

    hosts, pages = int(sys.argv[1]), int(sys.argv[2])
    lock = threading.Lock()
    hits = {}  # (host, path) -> count
    times = {}  # host -> receive times of its requests
    PAGE = ("<html><head><meta charset='utf-8'><title>Tin {n}</title></head><body><article><h1>Tin số {n}</h1>"
            + "<p>Huyện trao quà cho hộ nghèo, hộ cận nghèo nhân dịp Tết.</p>" * 40 + "</article></body></html>")

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.0"

        def do_GET(self):
            host = self.server.server_address[0]
            if self.path == "/__stats":
                with lock:
                    body = json.dumps({"hits": [[h, p, n] for (h, p), n in hits.items()], "times": times}).encode()
                return self.answer(body, "application/json")
            if self.path == "/__reset":
                with lock:
                    hits.clear(); times.clear()
                return self.answer(b"{}", "application/json")
            with lock:
                hits[(host, self.path)] = hits.get((host, self.path), 0) + 1
                times.setdefault(host, []).append(time.monotonic())
            base = f"http://{host}:{self.server.server_address[1]}"
            if self.path == "/robots.txt":
                return self.answer(f"User-agent: *\\nAllow: /\\nSitemap: {base}/sitemap.xml\\n".encode(), "text/plain")
            if self.path == "/":
                return self.answer(b"<html><body><p>Trang chu</p></body></html>", "text/html; charset=utf-8")
            if self.path == "/sitemap.xml":
                urls = "".join(f"<url><loc>{base}/news/{n}.html</loc></url>" for n in range(1, pages + 1))
                return self.answer(f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode(), "application/xml")
            if self.path.startswith("/news/") and self.path.endswith(".html"):
                return self.answer(PAGE.format(n=self.path[6:-5]).encode(), "text/html; charset=utf-8")
            self.answer(b"not found", "text/plain", 404)

        def answer(self, body, content_type, status=200):
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    servers = []
    for i in range(1, hosts + 1):
        server = http.server.ThreadingHTTPServer((f"127.0.0.{i}", 0), Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(f"http://127.0.0.{i}:{server.server_address[1]}")
    print(json.dumps(servers), flush=True)
    sys.stdin.read()  # until the benchmark closes our stdin
    """
)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.loads(response.read())


def run(label: str, bases: list[str], pages: int, delay: float, workers: int, home: Path) -> dict:
    import yaml

    from extract import pipeline
    from extract.archive import RawArchive
    from extract.settings import Settings

    sources = home / "sources.yaml"
    home.mkdir(parents=True)
    sources.write_text(yaml.safe_dump({"sources": [
        {"name": f"host{i + 1:02d}", "homepage": f"{base}/", "feeds": [f"{base}/sitemap.xml"]} for i, base in enumerate(bases)]}))
    settings = dataclasses.replace(Settings.from_env({}), home=home, sources_file=sources, request_delay=delay,
                                   max_pages_per_source=pages, scrape_workers=workers, timeout=30.0, max_retries=1)
    for base in bases:
        get_json(f"{base}/__reset")
    started = time.monotonic()
    result = pipeline.scrape(settings)
    wall = time.monotonic() - started
    stats = get_json(f"{bases[0]}/__stats")  # one process serves every host: its counts are all hosts'
    article_hits = [n for host, path, n in stats["hits"] if path.startswith("/news/")]
    archived = {r.key for r in RawArchive(settings.raw_dir).latest_by_key().values() if r.ok}
    expected = {f"host{i:02d}:/news/{n}.html" for i in range(1, len(bases) + 1) for n in range(1, pages + 1)}
    gaps = [b - a for times in stats["times"].values() for a, b in zip(sorted(times), sorted(times)[1:])]
    out = {
        "mode": label, "workers": workers, "wall_s": round(wall, 2), "new_pages": result.new_pages,
        "lost": len(expected - archived), "repeated": sum(1 for n in article_hits if n > 1),
        "min_gap_s": round(min(gaps), 4) if gaps else None, "gaps_under_delay": sum(1 for g in gaps if g < delay * 0.999),
        "errors": len(result.errors),
    }
    print(json.dumps(out), flush=True)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--pages", type=int, default=500)
    parser.add_argument("--delay", type=float, default=0.02, help="seconds between two requests to one host")
    parser.add_argument("--workers", type=int, default=20)
    args = parser.parse_args()
    if not (1 <= args.hosts <= 200 and 1 <= args.pages <= 5000):
        parser.error("--hosts must be 1..200 and --pages 1..5000 (the site is kept bounded)")
    logging.basicConfig(level=logging.WARNING)
    server = subprocess.Popen([sys.executable, "-c", SERVER, str(args.hosts), str(args.pages)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        bases = json.loads(server.stdout.readline())
        with tempfile.TemporaryDirectory(prefix="asxh-bench-scrape-") as tmp:
            serial = run("serial", bases, args.pages, args.delay, 1, Path(tmp) / "serial")
            parallel = run("parallel", bases, args.pages, args.delay, args.workers, Path(tmp) / "parallel")
    finally:
        server.stdin.close()
        server.wait(10)
    ratio = parallel["wall_s"] / serial["wall_s"]
    print(f"{args.hosts} hosts x {args.pages} pages, pause {args.delay:g} s per host: serial {serial['wall_s']:.1f} s, "
          f"parallel ({args.workers} workers) {parallel['wall_s']:.1f} s, ratio {ratio:.3f} (target <= 0.333); "
          f"lost {serial['lost']}/{parallel['lost']}, repeated {serial['repeated']}/{parallel['repeated']} (serial/parallel); "
          f"smallest gap between two requests to one host {serial['min_gap_s']}/{parallel['min_gap_s']} s")
    ok = ratio <= 1 / 3 and not any(r["lost"] or r["repeated"] or r["gaps_under_delay"] for r in (serial, parallel))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
