"""Backfill against a local outlet (127.0.0.1) with ten years of history: a sitemap index by
month (one of them gzip), and a listing paginated far past the scrape's few pages. The walk is
bounded per run, skips what lies outside the window, and resumes where it stopped, even after an
interruption, without fetching anything twice."""

from __future__ import annotations

import dataclasses
import gzip
import json
from datetime import date

import pytest
import yaml

from extract.archive import RawArchive
from extract.backfill import backfill, state_path
from extract.fetch import HttpClient
from extract.settings import Settings
from tests.local_http import LocalServer, send

SITEMAP_NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'


def page(day: str, n: int) -> bytes:
    return (f'<html><head><meta charset="utf-8"><meta property="article:published_time" content="{day}T08:00:00+07:00">'
            f'<title>Hỗ trợ hộ nghèo đợt {n}</title></head><body><article><h1>Hỗ trợ hộ nghèo đợt {n}</h1>'
            f'<p>Huyện Tuy An trao {n} suất quà cho hộ nghèo.</p></article></body></html>').encode("utf-8")


class HistorySite(LocalServer):
    """Sitemaps: 2014-12 (all before the window), 2015-06 (gzip), 2024-01 (one entry before the
    window). Listing /chuyen-muc/: 20 pages, two articles each, page k dated 2025 - k."""

    def __init__(self) -> None:
        super().__init__()
        b = self.base_url
        self.sitemap_pages = {f"/news/1506{d:02d}.html": f"2015-06-{d:02d}" for d in range(1, 7)}
        self.sitemap_pages |= {f"/news/2401{d:02d}.html": f"2024-01-{d:02d}" for d in range(1, 5)}
        self.outside = {"/news/141201.html": "2014-12-01", "/news/141102.html": "2014-11-02"}
        self.listing_pages = {}
        for k in range(1, 21):
            for j in (1, 2):
                self.listing_pages[f"/chuyen-muc/trao-qua-cho-ho-ngheo-dot-{k}-{j}.html"] = f"{2025 - k}-05-0{j}"
        urlset = lambda items: f'<?xml version="1.0"?><urlset {SITEMAP_NS}>' + "".join(  # noqa: E731
            f"<url><loc>{b}{p}</loc><lastmod>{d}</lastmod></url>" for p, d in items) + "</urlset>"
        index = (f'<?xml version="1.0"?><sitemapindex {SITEMAP_NS}>'
                 f"<sitemap><loc>{b}/sitemaps/2014-12.xml</loc><lastmod>2014-12-31</lastmod></sitemap>"
                 f"<sitemap><loc>{b}/sitemaps/2015-06.xml.gz</loc><lastmod>2015-06-30T10:00:00Z</lastmod></sitemap>"
                 f"<sitemap><loc>{b}/sitemaps/2024-01.xml</loc><lastmod>2024-01-31</lastmod></sitemap></sitemapindex>")
        in_2015 = [(p, d) for p, d in self.sitemap_pages.items() if d.startswith("2015")]
        in_2024 = [(p, d) for p, d in self.sitemap_pages.items() if d.startswith("2024")] + [("/news/141102.html", "2014-11-02")]
        self.routes["/robots.txt"] = lambda h: send(h, 200, f"User-agent: *\nSitemap: {b}/sitemap-index.xml\n".encode(), "text/plain")
        self.routes["/sitemap-index.xml"] = lambda h: send(h, 200, index.encode(), "application/xml")
        self.routes["/sitemaps/2014-12.xml"] = lambda h: send(h, 200, urlset([("/news/141201.html", "2014-12-01")]).encode(), "application/xml")
        self.routes["/sitemaps/2015-06.xml.gz"] = lambda h: send(h, 200, gzip.compress(urlset(in_2015).encode()), "application/x-gzip")
        self.routes["/sitemaps/2024-01.xml"] = lambda h: send(h, 200, urlset(in_2024).encode(), "application/xml")
        paths = list(self.listing_pages)
        for k in range(1, 21):
            links = "".join(f'<a href="{p}">Trao quà</a>' for p in paths[2 * (k - 1): 2 * k])
            nxt = f'<a rel="next" href="/chuyen-muc/trang-{k + 1}.html">Trang sau</a>' if k < 20 else ""
            path = "/chuyen-muc/" if k == 1 else f"/chuyen-muc/trang-{k}.html"
            self.routes[path] = lambda h, body=f"<html><body>{links}{nxt}</body></html>".encode(): send(h, 200, body)
        for p, d in {**self.sitemap_pages, **self.outside, **self.listing_pages}.items():
            self.routes[p] = lambda h, d=d, n=len(self.routes): send(h, 200, page(d, n))

    def article_hits(self) -> dict[str, int]:
        return {p: self.hits(p) for p in {**self.sitemap_pages, **self.outside, **self.listing_pages}}


@pytest.fixture
def site():
    with HistorySite() as s:
        yield s


@pytest.fixture
def settings(tmp_path, site):
    path = tmp_path / "sources.yaml"
    path.write_text(yaml.safe_dump({"sources": [{"name": "baophuyen-old", "homepage": site.url("/"), "province": "Phú Yên",
                                                 "listings": [site.url("/chuyen-muc/")]}]}, allow_unicode=True))
    return dataclasses.replace(Settings.from_env(), home=tmp_path / "home", sources_file=path, request_delay=0.0,
                               timeout=2.0, max_retries=0, max_listing_pages=5, max_pages_per_source=1000)


# In the window 2015-01-01 .. today: the sitemap pages, and the listing's articles down to its
# first page older than the window (page 11, dated 2014; it is read to find that out).
def expected_in_window(site: HistorySite) -> set[str]:
    listed = {p for p, d in site.listing_pages.items() if d >= "2014"}
    return set(site.sitemap_pages) | listed


def test_backfill_walks_sitemaps_by_lastmod_and_listings_deep_when_run_to_the_end(site, settings):
    result = backfill(settings, "baophuyen-old", date(2015, 1, 1))
    assert result.finished and result.errors == []
    fetched = {p for p, n in site.article_hits().items() if n}
    assert fetched == expected_in_window(site)
    assert site.hits("/sitemaps/2014-12.xml") == 0  # last changed before the window
    assert site.hits("/news/141102.html") == 0  # listed with a lastmod before the window
    assert site.hits("/chuyen-muc/trang-11.html") == 1 and site.hits("/chuyen-muc/trang-12.html") == 0
    assert all(n <= 1 for n in site.article_hits().values())
    latest = RawArchive(settings.raw_dir).latest_by_key()
    assert sum(r.ok for r in latest.values()) == len(expected_in_window(site)) == result.new_pages


def test_backfill_stops_at_its_bound_and_the_next_run_goes_on_when_pages_per_run_are_few(site, settings):
    settings = dataclasses.replace(settings, max_pages_per_source=7)
    runs = []
    while not (runs and runs[-1].finished) and len(runs) < 20:
        runs.append(backfill(settings, "baophuyen-old", date(2015, 1, 1)))
    assert runs[0].new_pages == 7 and not runs[0].finished and runs[0].pending > 0
    assert runs[-1].finished and len(runs) >= 4
    assert {p for p, n in site.article_hits().items() if n} == expected_in_window(site)
    assert all(n <= 1 for n in site.article_hits().values())
    assert site.hits("/sitemap-index.xml") == 1  # the walk is not started again


class InterruptedClient(HttpClient):
    """Stops the run (as Ctrl-C or a task timeout would) on the nth article page it is asked for."""

    def __init__(self, *args, stop_at: int, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.stop_at, self.articles = stop_at, 0

    def get(self, url, etag=None, last_modified=None):
        if url.endswith(".html") and "/trang-" not in url:
            self.articles += 1
            if self.articles == self.stop_at:
                raise KeyboardInterrupt("stopped mid-run")
        return super().get(url, etag, last_modified)


def test_backfill_resumes_where_it_stopped_when_interrupted_mid_run(site, settings):
    with pytest.raises(KeyboardInterrupt):
        backfill(settings, "baophuyen-old", date(2015, 1, 1), client=InterruptedClient(settings, stop_at=9))
    state = json.loads(state_path(settings, "baophuyen-old", date(2015, 1, 1), None).read_text())
    assert state["pending"]  # found and not yet fetched, kept for the next run
    fetched_before = sum(site.article_hits().values())
    assert fetched_before == 8
    result = backfill(settings, "baophuyen-old", date(2015, 1, 1))
    assert result.finished
    assert {p for p, n in site.article_hits().items() if n} == expected_in_window(site)
    assert all(n == 1 for p, n in site.article_hits().items() if p in expected_in_window(site))
    assert site.hits("/sitemap-index.xml") == 1 and site.hits("/sitemaps/2015-06.xml.gz") == 1


def test_backfill_ends_at_the_outlets_last_day_when_the_registry_gives_one(site, settings, tmp_path):
    entry = yaml.safe_load(settings.sources_file.read_text())
    entry["sources"][0]["until"] = "2020-06-30"
    settings.sources_file.write_text(yaml.safe_dump(entry, allow_unicode=True))
    result = backfill(settings, "baophuyen-old", date(2015, 1, 1))
    assert result.until == "2020-06-30"
    assert all(site.hits(p) == 0 for p in site.sitemap_pages if p.startswith("/news/2401"))
    assert all(site.hits(p) == 1 for p in site.sitemap_pages if p.startswith("/news/1506"))


def test_backfill_refuses_an_empty_window_when_since_is_after_until(settings):
    with pytest.raises(ValueError, match="window is empty"):
        backfill(settings, "baophuyen-old", date(2020, 1, 1), date(2019, 1, 1))
