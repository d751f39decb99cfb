"""Score what the whole pipeline lands in the warehouse against gold files, beside `asxh score`.

    .venv/bin/python scripts/measure_pipeline.py GOLD.json [GOLD.json ...]

Each gold file names a plain-text article (``article``, with its ``url``). The script serves every
article as an HTML page under its own URL, through a local server on 127.0.0.1 that the fetcher
reaches as its HTTP proxy, so each page keeps its real host (the outlet's place is read from it)
while no request leaves the machine. One feed per host lists that host's pages. Then it runs
`asxh scrape`, `asxh process` and `asxh build` in a fresh ASXH_HOME, reads every report of every
observation from the published warehouse, and scores them per article with the scorer that
`asxh score` uses, printing both tables.

The run's sources file takes each host's entry from the project's registry (sources/sources.yaml)
where there is one, else an entry without a province: the pipeline then reads the place from the
host, as it would for an outlet the operator added without knowing its province. The gold's own
``province`` is never passed.
"""

from __future__ import annotations

import html
import http.server
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import urllib.parse
from pathlib import Path

import duckdb
import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extract.evaluation import REGISTRY_PATH, article_path, score_gold_files  # noqa: E402
from extract.outlets import registry_entry  # noqa: E402
from extract.reading import parse_text_page  # noqa: E402
from extract.scoring import Score  # noqa: E402
from extract.sources import load_sources  # noqa: E402

FEED_PATH = "/asxh-measure-feed.xml"


def as_http(url: str) -> str:
    """The URL over plain HTTP (the proxy answers for every host; no TLS to a made-up server)."""
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(("http", parts.netloc, parts.path, parts.query, ""))


def page_html(text: str) -> bytes:
    """A plain-text article as a simple page: its headline in <h1>, each line a paragraph."""
    article, _ = parse_text_page(text)
    paragraphs = "".join(f"<p>{html.escape(p)}</p>\n" for p in article.paragraphs)
    return (f"<!doctype html><html lang=vi><head><meta charset=utf-8><title>{html.escape(article.title)}</title></head>"
            f"<body><article><h1>{html.escape(article.title)}</h1>\n{paragraphs}</article></body></html>").encode()


class Site:
    """Pages by (host, path?query), answering as an HTTP proxy on 127.0.0.1."""

    def __init__(self) -> None:
        self.pages: dict[tuple[str, str], bytes] = {}

    def add(self, url: str, body: bytes) -> None:
        self.pages[self.key(url)] = body

    @staticmethod
    def key(url: str, host: str | None = None) -> tuple[str, str]:
        """A page's key as any spelling of its URL reaches it: host without www., path unquoted."""
        parts = urllib.parse.urlsplit(url)
        host = (host or parts.netloc).lower().removeprefix("www.")
        path = urllib.parse.unquote(parts.path or "/") + (f"?{urllib.parse.unquote(parts.query)}" if parts.query else "")
        return host, path

    def hosts(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for host, path in self.pages:
            out.setdefault(host, []).append(f"http://{host}{urllib.parse.quote(path, safe='/?=&;:%!,')}")
        return out

    def feed(self, host: str) -> bytes:
        items = "".join(f"<item><title>{i}</title><link>{html.escape(u)}</link></item>"
                        for i, u in enumerate(self.hosts()[host]))
        return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{host}</title>{items}</channel></rss>'.encode()

    def serve(self) -> http.server.ThreadingHTTPServer:
        site = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib name
                host, path = site.key(self.path, urllib.parse.urlsplit(self.path).netloc or self.headers.get("Host", ""))
                if path == "/robots.txt":
                    self._send(200, b"User-agent: *\nAllow: /\n", "text/plain")
                elif path == FEED_PATH and host in site.hosts():
                    self._send(200, site.feed(host), "application/rss+xml")
                elif (host, path) in site.pages:
                    self._send(200, site.pages[(host, path)], "text/html; charset=utf-8")
                else:
                    self._send(404, b"not here", "text/plain")

            def _send(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


def sources_file(site: Site, path: Path) -> None:
    registry = load_sources(REGISTRY_PATH)
    entries = []
    for host in sorted(site.hosts()):
        entry = {"name": re.sub(r"[^a-z0-9]+", "-", host).strip("-"), "homepage": f"http://{host}/",
                 "feeds": [f"http://{host}{FEED_PATH}"], "article_pattern": "."}
        known = registry_entry(f"http://{host}/", registry)
        if known is not None:
            entry["name"] = known.name if known.name not in {e["name"] for e in entries} else entry["name"]
            if known.province is not None or known.national:
                entry["province"] = known.province
            if known.until:
                entry["until"] = known.until.isoformat()
        entries.append(entry)
    path.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True, sort_keys=False), encoding="utf-8")


WAREHOUSE_FACTS = """
select b.url, o.fact_table, b.value, o.unit, b.qualifier, o.area_name as area, o.area_level,
       strftime(o.period_start, '%Y-%m-%d') as period_start, strftime(o.period_end, '%Y-%m-%d') as period_end,
       o.group_code as "group", o.metric
from {bridge} as b
join ({observations}) as o using (observation_id)
"""


def warehouse_facts(published: Path) -> dict[str, list[dict]]:
    con = duckdb.connect(str(published), read_only=True)
    tables = {r[0]: r[1] for r in con.sql("select table_name, table_schema from information_schema.tables").fetchall()}
    def name(t: str) -> str:
        return f'"{tables[t]}"."{t}"'
    observations = " union all ".join(
        f"select observation_id, '{t}' as fact_table, metric, unit, area_name, area_level, period_start, period_end, group_code from {name('fct_' + t)}"
        for t in ("households", "loans", "insurance_cards", "allowances")
    )
    rows = con.sql(WAREHOUSE_FACTS.format(bridge=name("bridge_observation_fact"), observations=observations))
    out: dict[str, list[dict]] = {}
    columns = rows.columns
    for row in rows.fetchall():
        fact = dict(zip(columns, row))
        out.setdefault(fact.pop("url"), []).append(fact)
    return out


class _kept:
    def __init__(self, path: str) -> None:
        self.path = path

    def __enter__(self) -> str:
        Path(self.path).mkdir(parents=True, exist_ok=True)
        return self.path

    def __exit__(self, *exc) -> None:
        pass


def main(argv: list[str]) -> int:
    golds = [Path(a) for a in argv]
    if not golds:
        print(__doc__)
        return 2
    site = Site()
    by_url: dict[str, tuple[Path, dict]] = {}
    for g in golds:
        gold = json.loads(g.read_text(encoding="utf-8"))
        if not gold.get("url"):
            continue
        url = as_http(gold["url"])
        site.add(url, page_html(article_path(g, gold).read_text(encoding="utf-8-sig")))
        by_url[url] = (g, gold)
    server = site.serve()
    # MEASURE_HOME keeps the run's ASXH_HOME for a look afterwards.
    with (tempfile.TemporaryDirectory() if not os.environ.get("MEASURE_HOME") else _kept(os.environ["MEASURE_HOME"])) as home:
        sources = Path(home) / "sources.yaml"
        sources_file(site, sources)
        env = {**os.environ, "ASXH_HOME": home, "ASXH_SOURCES": str(sources), "ASXH_REQUEST_DELAY": "0",
               "http_proxy": f"http://127.0.0.1:{server.server_address[1]}", "no_proxy": "", "NO_PROXY": "",
               "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        asxh = str(Path(sys.executable).with_name("asxh"))
        for step in ("scrape", "process", "build"):
            done = subprocess.run([asxh, step], env=env, capture_output=True, text=True)
            print(f"asxh {step}: exit {done.returncode}", file=sys.stderr)
            if done.returncode != 0:
                print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
        landed = warehouse_facts(Path(home) / "published" / "warehouse.duckdb")
    server.shutdown()

    pipeline = Score()
    for url, (g, gold) in sorted(by_url.items()):
        facts = next((v for k, v in landed.items() if Site.key(as_http(k)) == Site.key(url)), [])
        pipeline.add_article(g.name, facts, gold["facts"])
    direct = score_gold_files([g for g, _ in by_url.values()])
    if os.environ.get("MEASURE_ERRORS"):
        missing = sorted(set(pipeline.errors) - set(direct.errors))
        print("only in the warehouse's errors:\n" + "\n".join(missing), file=sys.stderr)
    print("asxh score (page text, URL, registry):\n" + direct.table())
    print("\nthe warehouse after scrape -> process -> build:\n" + pipeline.table())
    print(f"\nF1: score {direct.total.f1:.3f}, warehouse {pipeline.total.f1:.3f}, "
          f"difference {abs(direct.total.f1 - pipeline.total.f1):.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
