"""Crawling real outlets' shapes on local sites (127.0.0.1, never the internet): article URLs
without a slug in feeds and sitemaps, redirects that must be refused, compressed bodies, RFC 9309
robots.txt wildcards, feeds with bad entities, gzip sitemaps, and a scrape killed mid-run."""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import signal
import subprocess
import sys
import time
import urllib.parse
import zlib

import pytest

from extract import pipeline
from extract.archive import RawArchive
from extract.fetch import HttpClient
from extract.settings import REPO_ROOT, Settings
from extract.sources import Source, discover
from tests.local_http import LocalServer, send

ARTICLE_HTML = """<html><head><meta charset="utf-8"><title>{title}</title></head><body><article>
<h1>{title}</h1><p>Ngày 12/3/2024, huyện Đông Hòa trao {n} suất quà cho hộ nghèo.</p></article></body></html>"""


def article(n: int) -> bytes:
    return ARTICLE_HTML.format(title=f"Trao quà Tết số {n}", n=n).encode("utf-8")


def rss(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>Bài {i}</title><link>{base}{p}</link></item>" for i, p in enumerate(paths))
    return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin</title>{items}</channel></rss>'.encode()


@pytest.fixture
def settings(tmp_path):
    return dataclasses.replace(Settings.from_env(), home=tmp_path, request_delay=0.0, timeout=2.0, max_retries=0)


def write_sources(tmp_path, entries: list[dict]) -> str:
    import yaml

    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": entries}, allow_unicode=True), encoding="utf-8")
    return str(path)


def by_path(records, base: str) -> dict:
    return {r.url.removeprefix(base): r for r in records}


# ---------------------------------------------------------------- feeds and sitemaps are lists of articles

def test_discover_finds_numeric_article_urls_when_a_feed_lists_them(settings):
    with LocalServer() as site:
        feed_paths = ["/news/12345.html", "/Default.aspx?ItemID=1234", "/tin-tuc/67890"]
        site.routes["/rss.xml"] = lambda h: send(h, 200, rss(site.base_url, [*feed_paths, "/anh/12.jpg", "/"]), "application/rss+xml")
        # A listing page with the same kind of links: without a slug they are not taken from it.
        site.routes["/"] = lambda h: send(h, 200, b'<a href="/news/55555.html">Tin</a><a href="/video/7777">Video</a>')
        source = Source("numeric", site.url("/"), feeds=(site.url("/rss.xml"),), listings=(site.url("/"),))
        found = discover(source, HttpClient(settings), settings.max_listing_pages)
    assert found.errors == []
    assert found.urls == [site.url(p) for p in feed_paths]  # not the image, not the homepage


def test_discover_takes_listing_links_by_article_pattern_when_the_source_gives_one(settings):
    with LocalServer() as site:
        site.routes["/"] = lambda h: send(h, 200, b'<a href="/news/55555.html">Tin</a><a href="/video/7777">Video</a>')
        source = Source("numeric", site.url("/"), listings=(site.url("/"),), article_pattern=r"/news/\d+\.html$")
        found = discover(source, HttpClient(settings), settings.max_listing_pages)
    assert found.urls == [site.url("/news/55555.html")]


def test_discover_reads_every_article_when_a_feed_has_stray_ampersands_and_html_entities(settings):
    with LocalServer() as site:
        body = (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Tin &nbsp; mới & hay</title>'
                f'<item><title>Hộ nghèo & cận nghèo&hellip;</title><link>{site.base_url}/news/101.html</link></item>'
                f'<item><title>Quà Tết &copy; 2024</title><link>{site.base_url}/news/102.html</link></item>'
                f'</channel></rss>').encode()
        site.routes["/rss.xml"] = lambda h: send(h, 200, body, "application/rss+xml")
        source = Source("entities", site.url("/"), feeds=(site.url("/rss.xml"),), listings=(site.url("/none/"),))
        found = discover(source, HttpClient(settings), settings.max_listing_pages)
    assert found.urls == [site.url("/news/101.html"), site.url("/news/102.html")]


def test_discover_reads_gzip_sitemaps_when_robots_txt_names_a_sitemap_index_xml_gz(settings):
    with LocalServer() as site:
        index = (f'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                 f'<sitemap><loc>{site.base_url}/sitemaps/2024-03.xml.gz</loc><lastmod>2024-03-31</lastmod></sitemap>'
                 f'</sitemapindex>').encode()
        child = (f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                 f'<url><loc>{site.base_url}/news/2001.html</loc><lastmod>2024-03-02T08:00:00+07:00</lastmod></url>'
                 f'<url><loc>{site.base_url}/news/2002.html</loc></url></urlset>').encode()
        site.routes["/robots.txt"] = lambda h: send(h, 200, f"User-agent: *\nAllow: /\nSitemap: {site.base_url}/sitemap.xml.gz\n".encode(), "text/plain")
        site.routes["/"] = lambda h: send(h, 200, b"<html><body>no feed</body></html>")
        site.routes["/sitemap.xml.gz"] = lambda h: send(h, 200, gzip.compress(index), "application/x-gzip")
        site.routes["/sitemaps/2024-03.xml.gz"] = lambda h: send(h, 200, gzip.compress(child), "application/gzip")
        found = discover(Source("gz", site.url("/")), HttpClient(settings), settings.max_listing_pages)
    assert found.errors == []
    assert found.urls == [site.url("/news/2001.html"), site.url("/news/2002.html")]


# ---------------------------------------------------------------- robots.txt (RFC 9309)

@pytest.mark.parametrize("path, allowed", [
    ("/tin/ho-ngheo.html", True),
    ("/tin/ho-ngheo.html?print=1", False),
    ("/tin/ho-ngheo.html?a=2&print=1", False),
    ("/tai-lieu/bao-cao.pdf", False),
    ("/tai-lieu/bao-cao.pdf.html", True),
    ("/search/", False),
    ("/search/huong-dan", True),
])
def test_client_follows_wildcard_robots_rules_when_robots_txt_has_them(settings, path, allowed):
    robots = b"User-agent: *\nDisallow: /*?print=\nDisallow: /*&print=\nDisallow: /*.pdf$\nDisallow: /search/$\n"
    with LocalServer(answer=lambda h: send(h, 200, b"<p>ok</p>")) as site:
        site.routes["/robots.txt"] = lambda h: send(h, 200, robots, "text/plain")
        result = HttpClient(settings).get(site.url(path))
    assert (result.error is None) is allowed, result.error
    if not allowed:
        assert result.error == "disallowed by robots.txt"


# ---------------------------------------------------------------- redirects

@pytest.fixture
def redirect_site(tmp_path, settings):
    """A news site whose feed lists pages that redirect: to another server, a private address, an
    FTP URL, a path robots.txt disallows, a page of the same host and one of the source's alias."""
    other = LocalServer(answer=lambda h: send(h, 200, article(99)))
    site = LocalServer()
    port = urllib.parse.urlsplit(site.base_url).port
    alias = f"localhost:{port}"  # the same server under the source's listed alias
    redirects = {
        "/news/1001.html": f"{other.base_url}/news/1001.html",
        "/news/1002.html": "http://10.255.255.1/news/1002.html",
        "/news/1003.html": f"ftp://127.0.0.1:{port}/news/1003.html",
        "/news/1004.html": "/private/1004.html",
        "/news/1005.html": "/news/1005-b.html",
        "/news/1006.html": f"http://{alias}/news/1006-b.html",
    }
    for path, target in redirects.items():
        site.routes[path] = lambda h, target=target: send(h, 302, b"", headers={"Location": target})
    site.routes["/robots.txt"] = lambda h: send(h, 200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
    site.routes["/rss.xml"] = lambda h: send(h, 200, rss(site.base_url, list(redirects)), "application/rss+xml")
    for path in ("/news/1005-b.html", "/news/1006-b.html", "/private/1004.html"):
        site.routes[path] = lambda h: send(h, 200, article(1005))
    sources = write_sources(tmp_path, [{"name": "redirecting", "homepage": site.url("/"), "feeds": [site.url("/rss.xml")],
                                        "listings": [site.url("/none/")], "domains": [alias, "10.255.255.1"]}])
    yield site, other, dataclasses.replace(settings, sources_file=tmp_path / "sources.yaml")
    site.close()
    other.close()


def test_scrape_refuses_unsafe_redirects_and_logs_each_reason_when_feed_pages_redirect(redirect_site):
    site, other, settings = redirect_site
    pipeline.scrape(settings)
    records = by_path(RawArchive(settings.raw_dir).records(), site.base_url)
    assert records["/news/1001.html"].error == f"redirect to another host refused: {other.base_url}/news/1001.html (not one of the source's hosts)"
    assert records["/news/1002.html"].error.startswith("redirect refused: private address refused: 10.255.255.1 is 10.255.255.1")
    assert records["/news/1003.html"].error.startswith("redirect to a non-http(s) URL refused: ftp://")
    assert records["/news/1004.html"].error == f"redirect to {site.base_url}/private/1004.html disallowed by robots.txt"
    for path in ("/news/1001.html", "/news/1002.html", "/news/1003.html", "/news/1004.html"):
        assert records[path].sha256 is None and records[path].retryable is False, path
    assert other.requests == []  # the other host was never asked
    assert site.hits("/private/1004.html") == 0
    # Redirects within the site and to its listed alias are followed.
    assert records["/news/1005.html"].ok and records["/news/1005.html"].final_url == site.url("/news/1005-b.html")
    assert records["/news/1006.html"].ok and "localhost" in records["/news/1006.html"].final_url


def test_client_pauses_for_the_host_of_each_hop_when_following_a_redirect(settings):
    sleeps: list[float] = []
    client = HttpClient(dataclasses.replace(settings, request_delay=1.5), sleep=sleeps.append)
    with LocalServer() as site:
        site.routes["/a"] = lambda h: send(h, 301, b"", headers={"Location": "/b"})
        site.routes["/b"] = lambda h: send(h, 200, b"<p>b</p>")
        result = client.get(site.url("/a"))
    assert result.ok and result.final_url == site.url("/b")
    # robots.txt, /a, /b: a pause of (about) the request delay before /a and before the hop to /b
    assert len(sleeps) == 2 and all(1.0 < s <= 1.5 for s in sleeps)


# ---------------------------------------------------------------- compressed bodies

def test_scrape_stores_gzip_and_deflate_bodies_decoded_when_the_server_compresses(tmp_path, settings):
    with LocalServer() as site:
        site.routes["/rss.xml"] = lambda h: send(h, 200, rss(site.base_url, ["/news/1.html", "/news/2.html"]), "application/rss+xml")
        site.routes["/news/1.html"] = lambda h: send(h, 200, gzip.compress(article(1)), headers={"Content-Encoding": "gzip"})
        site.routes["/news/2.html"] = lambda h: send(h, 200, zlib.compress(article(2)), headers={"Content-Encoding": "deflate"})
        write_sources(tmp_path, [{"name": "gz", "homepage": site.url("/"), "feeds": [site.url("/rss.xml")], "listings": [site.url("/none/")]}])
        settings = dataclasses.replace(settings, sources_file=tmp_path / "sources.yaml")
        result = pipeline.scrape(settings)
        asked = {path: headers for path, headers in site.requests}
    assert result.new_pages == 2
    assert "gzip" in asked["/news/1.html"]["Accept-Encoding"]
    archive = RawArchive(settings.raw_dir)
    records = by_path(archive.records(), site.base_url)
    assert archive.read(records["/news/1.html"]) == article(1)
    assert archive.read(records["/news/2.html"]) == article(2)
    assert records["/news/1.html"].bytes == len(article(1))


def test_client_refuses_a_compressed_body_when_it_unpacks_past_the_page_limit(settings):
    bomb = gzip.compress(b"<p>" + b"0" * 20_000_000)  # about 20 kB on the wire, 20 MB unpacked
    with LocalServer() as site:
        site.routes["/bomb.html"] = lambda h: send(h, 200, bomb, headers={"Content-Encoding": "gzip"})
        result = HttpClient(dataclasses.replace(settings, max_page_bytes=100_000)).get(site.url("/bomb.html"))
    assert len(bomb) < 100_000
    assert result.body is None and result.error == "page larger than 100000 bytes"


# ---------------------------------------------------------------- crash-safe fetch log

def test_scrape_fetches_every_page_exactly_once_when_killed_mid_run_and_run_again(tmp_path):
    pages = [f"/news/{3000 + i}.html" for i in range(12)]
    with LocalServer() as site:
        site.routes["/rss.xml"] = lambda h: send(h, 200, rss(site.base_url, pages), "application/rss+xml")
        for i, path in enumerate(pages):
            site.routes[path] = lambda h, i=i: send(h, 200, article(i))
        write_sources(tmp_path, [{"name": "killed", "homepage": site.url("/"), "feeds": [site.url("/rss.xml")], "listings": [site.url("/none/")]}])
        env = dict(os.environ, ASXH_HOME=str(tmp_path / "home"), ASXH_SOURCES=str(tmp_path / "sources.yaml"),
                   ASXH_REQUEST_DELAY="0.5", ASXH_MAX_RETRIES="0")
        command = [sys.executable, "-m", "extract.cli", "scrape"]
        first = subprocess.Popen(command, env=env, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while sum(site.hits(p) for p in pages) < 5 and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)  # the fifth page is written; the scrape waits out its pause before the sixth
        first.send_signal(signal.SIGKILL)
        first.wait(10)
        killed_after = sum(site.hits(p) for p in pages)
        logs = list((tmp_path / "home" / "raw" / "fetch_log").glob("*.jsonl"))
        assert len(logs) == 1
        first_run = [json.loads(line) for line in logs[0].read_text().splitlines()]
        second = subprocess.run(command, env=dict(env, ASXH_REQUEST_DELAY="0"), cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
        assert second.returncode == 0, second.stderr[-2000:]
        hits = {p: site.hits(p) for p in pages}
    assert 5 <= killed_after < len(pages)
    assert len(first_run) == killed_after  # every page fetched before the kill is in the log
    assert hits == {p: 1 for p in pages}  # nothing fetched twice, nothing lost
    archive = RawArchive(tmp_path / "home" / "raw")
    latest = by_path(archive.latest_by_key().values(), site.base_url)
    assert sorted(latest) == sorted(pages) and all(r.ok for r in latest.values())
    assert all(archive.read(r) == article(pages.index(p)) for p, r in latest.items())


# ---------------------------------------------------------------- parallel across hosts, polite per host

class InFlight:
    """Counts the requests being answered at once, in all and per host, and when each host got each."""

    def __init__(self) -> None:
        import threading

        self.lock = threading.Lock()
        self.now: dict[str, int] = {}
        self.max_total = 0
        self.max_per_host: dict[str, int] = {}
        self.started: dict[str, list[float]] = {}

    def route(self, host: str, body: bytes):
        def answer(handler) -> None:
            with self.lock:
                self.now[host] = self.now.get(host, 0) + 1
                self.max_total = max(self.max_total, sum(self.now.values()))
                self.max_per_host[host] = max(self.max_per_host.get(host, 0), self.now[host])
                self.started.setdefault(host, []).append(time.monotonic())
            time.sleep(0.05)  # a page takes a while to answer, so that overlaps can be seen
            send(handler, 200, body)
            with self.lock:
                self.now[host] -= 1
        return answer


def many_hosts(tmp_path, settings, workers: int, shared_host_sources: int = 1):
    """Four hosts with four pages each; the first host holds `shared_host_sources` sources."""
    flight = InFlight()
    servers = [LocalServer() for _ in range(4)]
    entries = []
    for h, site in enumerate(servers):
        paths = [f"/news/{h}{i}.html" for i in range(4)]
        for p in paths:
            site.routes[p] = flight.route(site.base_url, article(h))
        sources = shared_host_sources if h == 0 else 1
        for k in range(sources):
            mine = paths[k::sources]
            site.routes[f"/rss-{k}.xml"] = lambda hd, site=site, mine=mine: send(hd, 200, rss(site.base_url, mine), "application/rss+xml")
            entries.append({"name": f"host{h}-{k}", "homepage": site.url(f"/home-{k}/"), "feeds": [site.url(f"/rss-{k}.xml")],
                            "listings": [site.url("/none/")]})
    write_sources(tmp_path, entries)
    settings = dataclasses.replace(settings, sources_file=tmp_path / "sources.yaml", request_delay=0.1, scrape_workers=workers)
    return servers, flight, settings


def test_scrape_fetches_hosts_at_once_and_each_host_one_page_at_a_time_when_workers_are_several(tmp_path, settings):
    servers, flight, settings = many_hosts(tmp_path, settings, workers=4, shared_host_sources=2)
    try:
        result = pipeline.scrape(settings)
    finally:
        for s in servers:
            s.close()
    assert result.new_pages == 16 and result.failed == 0
    assert flight.max_total >= 2  # several hosts answered at once
    assert set(flight.max_per_host.values()) == {1}  # never two requests at once to one host
    for host, times in flight.started.items():  # the pause held on every host, the shared one too
        gaps = [b - a for a, b in zip(times, times[1:])]
        assert min(gaps) >= 0.1, host


def test_scrape_fetches_one_host_after_the_other_when_one_worker_is_set(tmp_path, settings):
    servers, flight, settings = many_hosts(tmp_path, settings, workers=1)
    try:
        result = pipeline.scrape(settings)
    finally:
        for s in servers:
            s.close()
    assert result.new_pages == 16
    assert flight.max_total == 1


def test_host_groups_put_sources_of_one_host_together_when_they_share_it():
    sources = [Source("a", "http://127.0.0.1:9000/a/"), Source("b", "http://127.0.0.1:9001/"),
               Source("c", "http://www.127.0.0.1:9000/c/"), Source("d", "https://x.vn/")]
    assert [[s.name for s in g] for g in pipeline.host_groups(sources)] == [["a", "c"], ["b"], ["d"]]


def test_client_reads_robots_txt_through_a_redirect_on_its_own_host_when_the_server_moves_it(settings):
    with LocalServer(answer=lambda h: send(h, 200, b"<p>ok</p>")) as site:
        site.routes["/robots.txt"] = lambda h: send(h, 301, b"", headers={"Location": "/static/robots.txt"})
        site.routes["/static/robots.txt"] = lambda h: send(h, 200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        client = HttpClient(settings)
        assert client.get(site.url("/private/a.html")).error == "disallowed by robots.txt"
        assert client.get(site.url("/news/1.html")).ok
