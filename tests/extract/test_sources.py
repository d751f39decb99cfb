"""The sources registry and the discovery of article URLs: URL identity, feed and listing layouts,
the bundled demo site, a site known only through robots.txt, and the real registry's coverage."""

from __future__ import annotations

import csv
import dataclasses
import urllib.parse
from pathlib import Path

import pytest

from extract.demo_site import DemoSite
from extract.fetch import HttpClient
from extract.settings import REPO_ROOT, Settings
from tests.local_http import LocalServer, send
from extract.sources import (
    Source,
    canonical_url,
    discover,
    feed_links_in_html,
    load_sources,
    looks_like_article,
    page_key,
    page_links,
    parse_feed,
    sitemap_children,
)

HTTP_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "http"
REGISTRY = REPO_ROOT / "sources" / "sources.yaml"
ADMIN_UNITS = REPO_ROOT / "dbt_project" / "seeds" / "admin_units.csv"
BASE = "http://127.0.0.1:8000"


def fixture_text(name: str, base_url: str = BASE) -> str:
    return (HTTP_FIXTURES / name).read_text(encoding="utf-8").replace("{{BASE_URL}}", base_url)


# ---------------------------------------------------------------- a local site

class LocalSite(LocalServer):
    """Files of tests/fixtures/http served at chosen paths on 127.0.0.1, {{BASE_URL}} filled in.

    `pages` maps a request path to (fixture file, content type), or to (status, headers) for a
    redirect or an error. Unknown paths get a 404. Every request is recorded.
    """

    def __init__(self, pages: dict[str, tuple]) -> None:
        self.pages = pages
        super().__init__(answer=self.answer)

    def answer(self, handler) -> None:
        entry = self.pages.get(handler.path)
        if entry is None:
            send(handler, 404, b"not found", "text/plain")
        elif isinstance(entry[0], int):
            send(handler, entry[0], b"", entry[1].get("Content-Type", "text/html"), {k: v for k, v in entry[1].items() if k != "Content-Type"})
        else:
            send(handler, 200, fixture_text(entry[0], self.base_url).encode("utf-8"), entry[1])


class CountingClient(HttpClient):
    """An HttpClient that remembers every URL asked for, to check that nothing is fetched twice."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.asked: list[str] = []

    def get(self, url, etag=None, last_modified=None):
        self.asked.append(url)
        return super().get(url, etag, last_modified)


@pytest.fixture
def settings(tmp_path):
    return dataclasses.replace(Settings.from_env(), home=tmp_path, request_delay=0.0, timeout=2.0, max_retries=1)


@pytest.fixture
def client(settings):
    return CountingClient(settings, sleep=lambda seconds: None)


# ---------------------------------------------------------------- canonical_url, page_key

def test_canonical_url_drops_tracking_parameters_when_present():
    url = "https://baonghean.vn/ho-ngheo-giam-manh-12345.html?utm_source=zalo&utm_medium=social&fbclid=abc&gidzl=x&zarsrc=30&id=7"
    assert canonical_url(url) == "https://baonghean.vn/ho-ngheo-giam-manh-12345.html?id=7"


def test_canonical_url_drops_fragment_and_lowercases_host_when_present():
    assert canonical_url("HTTPS://BaoNgheAn.VN/Xa-Hoi/Bai-Viet-Mot-Hai-1.html#binh-luan") == (
        "https://baonghean.vn/Xa-Hoi/Bai-Viet-Mot-Hai-1.html"  # the path keeps its case: servers may care
    )


def test_canonical_url_sorts_parameters_when_order_differs():
    assert canonical_url("http://a.vn/x?b=2&a=1") == canonical_url("http://a.vn/x?a=1&b=2") == "http://a.vn/x?a=1&b=2"


def test_canonical_url_keeps_parameter_spelling_when_it_has_no_value():
    # Re-encoding would turn "?/tin-tuc/abc" into "?%2Ftin-tuc%2Fabc=", a different page for the server.
    assert canonical_url("http://a.vn/index.php?/tin-tuc/abc") == "http://a.vn/index.php?/tin-tuc/abc"


def test_canonical_url_drops_default_port_and_double_slashes_when_present():
    assert canonical_url("https://a.vn:443//xa-hoi//bai.html") == "https://a.vn/xa-hoi/bai.html"
    assert canonical_url("http://a.vn:80") == "http://a.vn/"
    assert canonical_url("http://127.0.0.1:8000/a") == "http://127.0.0.1:8000/a"


def test_page_key_is_the_same_when_site_is_served_on_another_port():
    first = Source("demo", "http://127.0.0.1:8000/baonghean/")
    second = Source("demo", "http://127.0.0.1:9999/baonghean/")
    assert page_key(first, "http://127.0.0.1:8000/baonghean/a-b-c-d.html") == "demo:/baonghean/a-b-c-d.html"
    assert page_key(second, "http://127.0.0.1:9999/baonghean/a-b-c-d.html#top") == "demo:/baonghean/a-b-c-d.html"


def test_page_key_ignores_www_when_site_answers_on_both():
    source = Source("baonghean", "https://baonghean.vn/")
    assert page_key(source, "https://www.baonghean.vn/a-b-c-d.html") == page_key(source, "https://baonghean.vn/a-b-c-d.html")


def test_page_key_keeps_host_when_page_is_on_another_host():
    source = Source("baonghean", "https://baonghean.vn/")
    assert page_key(source, "https://cdn.example.vn/a-b-c-d.html?x=1") == "baonghean:cdn.example.vn/a-b-c-d.html?x=1"


# ---------------------------------------------------------------- looks_like_article

SOURCE = Source("baonghean", "https://baonghean.vn/")


@pytest.mark.parametrize(
    "url",
    [
        "https://baonghean.vn/nghe-an-con-50146-ho-ngheo-10293847.html",
        "https://baonghean.vn/xa-hoi/ky-son-chung-suc-giam-ngheo/",
        "https://www.baonghean.vn/nghe-an-con-50146-ho-ngheo-10293847.html",
    ],
)
def test_looks_like_article_is_true_when_url_has_a_headline_slug_on_the_site(url):
    assert looks_like_article(url, SOURCE)


@pytest.mark.parametrize(
    "url",
    [
        "https://baonghean.vn/",
        "https://baonghean.vn/xa-hoi/",
        "https://baonghean.vn/an-sinh-xa-hoi/trang-2.html",
        "https://baonghean.vn/an-sinh-xa-hoi/page-3",
        "https://baonghean.vn/anh/nguoi-dan-nhan-qua-tet-2024.jpg",
        "https://baonghean.vn/tai-lieu/bao-cao-giam-ngheo-nam-2024.pdf",
        "https://baonghean.vn/sitemap-bai-viet-thang-1.xml",
        "https://othersite.vn/nghe-an-con-50146-ho-ngheo-10293847.html",
        "mailto:toa-soan-bao-nghe-an@baonghean.vn",
    ],
)
def test_looks_like_article_is_false_when_url_is_not_an_article_of_the_site(url):
    assert not looks_like_article(url, SOURCE)


def test_looks_like_article_accepts_host_when_homepage_redirected_there():
    url = "https://baomoi-sau-sap-nhap.vn/nghe-an-con-50146-ho-ngheo-1.html"
    assert not looks_like_article(url, SOURCE)
    assert looks_like_article(url, SOURCE, {"baomoi-sau-sap-nhap.vn"})


def test_looks_like_article_follows_article_pattern_when_source_gives_one():
    source = Source("x", "https://x.vn/", article_pattern=r"/news/\d+$")
    assert looks_like_article("https://x.vn/news/12345", source)
    assert not looks_like_article("https://x.vn/ho-ngheo-giam-manh-o-nghe-an", source)


# ---------------------------------------------------------------- feeds and listing pages

ARTICLES = {
    "1001": f"{BASE}/xa-hoi/huyen-vinh-tuong-con-1250-ho-ngheo-1001.html",
    "1003": f"{BASE}/xa-hoi/giai-ngan-85-ty-dong-von-chinh-sach-1003.html",
    "1004": f"{BASE}/xa-hoi/bao-hiem-y-te-dat-93-5-phan-tram-1004.html",
}


def test_parse_feed_returns_item_links_when_feed_is_rss2():
    # <link> with surrounding whitespace, and an item whose URL is only in its <guid>
    assert parse_feed(fixture_text("rss.xml")) == [ARTICLES["1001"], ARTICLES["1003"], ARTICLES["1004"]]


def test_parse_feed_returns_alternate_links_when_feed_is_atom():
    assert parse_feed(fixture_text("atom.xml")) == [ARTICLES["1001"], ARTICLES["1003"]]  # not the enclosure


def test_parse_feed_returns_locations_when_feed_is_a_sitemap():
    assert parse_feed(fixture_text("sitemap.xml")) == [ARTICLES["1001"], ARTICLES["1003"]]  # not the image


def test_parse_feed_returns_locations_when_feed_is_a_news_sitemap():
    assert parse_feed(fixture_text("news-sitemap.xml")) == [ARTICLES["1004"]]


def test_sitemap_children_lists_sitemaps_when_feed_is_a_sitemap_index():
    assert sitemap_children(fixture_text("sitemap-index.xml")) == [f"{BASE}/sitemap.xml", f"{BASE}/news-sitemap.xml"]
    assert sitemap_children(fixture_text("sitemap.xml")) == []


def test_parse_feed_keeps_text_when_feed_declares_another_encoding():
    # The text is already decoded: a windows-1258 declaration must not decode it a second time.
    feed = '<?xml version="1.0" encoding="windows-1258"?><rss><channel><item><link>http://a.vn/hộ-nghèo-được-hỗ-trợ</link></item></channel></rss>'
    assert parse_feed(feed) == ["http://a.vn/hộ-nghèo-được-hỗ-trợ"]


def test_parse_feed_raises_value_error_when_feed_is_not_xml():
    with pytest.raises(ValueError, match="not a well-formed feed"):
        parse_feed("<html><body>Trang không tồn tại</body>")


def test_feed_links_in_html_finds_rss_and_atom_when_homepage_links_them():
    html = """<head>
        <link rel="stylesheet" href="/style.css">
        <link rel="alternate" type="application/rss+xml" href="/rss/xa-hoi.rss">
        <link rel="alternate" type="application/atom+xml" href="https://a.vn/atom.xml">
        <link rel="alternate" hreflang="en" href="/en/">
    </head>"""
    assert feed_links_in_html(html, "https://a.vn/trang-chu/") == ["https://a.vn/rss/xa-hoi.rss", "https://a.vn/atom.xml"]


def demo_page(*parts: str) -> str:
    return (REPO_ROOT / "demo_site").joinpath(*parts).read_text(encoding="utf-8").replace("{{BASE_URL}}", BASE)


def test_page_links_follows_rel_next_when_listing_has_it():
    html = demo_page("baonghean", "an-sinh-xa-hoi", "trang-2.html")
    links, nxt = page_links(html, f"{BASE}/baonghean/an-sinh-xa-hoi/trang-2.html")
    assert nxt == f"{BASE}/baonghean/an-sinh-xa-hoi/trang-3.html"
    assert f"{BASE}/baonghean/an-sinh-xa-hoi/thai-hoa-trao-3846-suat-qua-khong-de-ho-ngheo-nao-thieu-tet-35518.html" in links


def test_page_links_follows_trang_sau_when_listing_has_no_rel_next():
    links, nxt = page_links(fixture_text("listing-trang-sau.html"), f"{BASE}/xa-hoi/trang-1.html")
    # not "Tiếp sức người nghèo ..." (a headline) nor "Xem tất cả tin Xã hội »" (a section link)
    assert nxt == f"{BASE}/xa-hoi/trang-2.html"
    assert f"{BASE}/xa-hoi/tiep-suc-nguoi-ngheo-vuot-kho-1002.html" in links


def test_page_links_returns_no_next_page_when_listing_is_the_last():
    html = demo_page("baonghean", "an-sinh-xa-hoi", "trang-3.html")
    assert page_links(html, f"{BASE}/baonghean/an-sinh-xa-hoi/trang-3.html")[1] is None
    assert page_links('<a href="/tin/tiep-suc-mua-thi-2024.html">Tiếp sức mùa thi</a>', BASE)[1] is None


# ---------------------------------------------------------------- discover

@pytest.fixture
def demo(monkeypatch):
    with DemoSite() as site:
        monkeypatch.setenv("ASXH_DEMO_BASE_URL", site.base_url)
        yield site


def test_discover_finds_nine_articles_when_demo_source_has_an_rss_feed(demo, client, settings):
    source = {s.name: s for s in load_sources(REPO_ROOT / "sources" / "demo.yaml")}["baovinhphuc-demo"]
    found = discover(source, client, settings.max_listing_pages)
    assert found.errors == []
    assert len(found.urls) == 9
    assert f"{demo.base_url}/baovinhphuc/rss.xml" in client.asked
    assert all(u.startswith(f"{demo.base_url}/baovinhphuc/") and u.endswith(".html") for u in found.urls)
    assert len(client.asked) == len(set(client.asked))  # nothing fetched twice


def test_discover_finds_eleven_articles_when_demo_source_has_paginated_listings(demo, client, settings):
    source = {s.name: s for s in load_sources(REPO_ROOT / "sources" / "demo.yaml")}["baonghean-demo"]
    found = discover(source, client, settings.max_listing_pages)
    assert found.errors == []
    assert len(found.urls) == 11 == len(set(found.urls))
    listing = f"{demo.base_url}/baonghean/an-sinh-xa-hoi/"
    # the homepage, then the three listing pages, each fetched once
    assert client.asked == [f"{demo.base_url}/baonghean/", listing, f"{listing}trang-2.html", f"{listing}trang-3.html"]
    assert not any("trang-" in u or u.endswith("index.html") for u in found.urls)


SITEMAP_SITE = {
    "/": ("home-no-feed.html", "text/html; charset=utf-8"),
    "/robots.txt": ("robots-sitemap.txt", "text/plain"),
    "/sitemap-index.xml": ("sitemap-index.xml", "application/xml"),
    "/sitemap.xml": ("sitemap.xml", "application/xml"),
    "/news-sitemap.xml": ("news-sitemap.xml", "application/xml"),
}


def test_discover_reads_sitemaps_from_robots_txt_when_homepage_has_no_feed(client, settings):
    with LocalSite(SITEMAP_SITE) as site:
        found = discover(Source("local", site.base_url + "/"), client, settings.max_listing_pages)
        expected = {u.replace(BASE, site.base_url) for u in ARTICLES.values()}
        assert found.errors == []
        assert set(found.urls) == expected and len(found.urls) == 3
        # the index, then its news sitemap first; every sitemap once
        assert [p for p in site.paths if p.endswith(".xml")] == ["/sitemap-index.xml", "/news-sitemap.xml", "/sitemap.xml"]


def test_discover_keeps_links_of_new_host_when_homepage_redirects_there(client, settings):
    # "localhost" and "127.0.0.1" are two hosts of one server: the homepage moves from one to the other.
    with LocalSite({"/": ("home-no-feed.html", "text/html"), "/rss.xml": ("rss.xml", "application/rss+xml")}) as site:
        port = urllib.parse.urlsplit(site.base_url).port
        site.pages["/old-home/"] = (301, {"Location": f"{site.base_url}/"})
        source = Source("moved", f"http://localhost:{port}/old-home/", feeds=(f"{site.base_url}/rss.xml",))
        found = discover(source, client, settings.max_listing_pages)
        assert found.errors == []
        assert len(found.urls) == 3 and all(u.startswith(site.base_url) for u in found.urls)


def test_discover_records_errors_when_homepage_and_feed_fail(client, settings):
    with LocalSite({"/rss.xml": ("home-no-feed.html", "text/html")}) as site:
        source = Source("broken", site.base_url + "/gone/", feeds=(site.base_url + "/rss.xml",))
        found = discover(source, client, settings.max_listing_pages)
    assert found.urls == []
    assert found.errors[0] == f"{site.base_url}/gone/: HTTP 404"
    assert found.errors[1].startswith(f"{site.base_url}/rss.xml: not a well-formed feed")


# ---------------------------------------------------------------- load_sources

def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_load_sources_reads_entries_when_file_is_valid(tmp_path, monkeypatch):
    monkeypatch.setenv("TEST_BASE", "http://127.0.0.1:8000")
    sources = load_sources(write(tmp_path, """
sources:
  - name: a
    homepage: ${TEST_BASE}/a/
    province: Nghệ An
    feeds:
      - ${TEST_BASE}/a/rss.xml
  - name: b
    homepage: https://b.vn/
    province: null
    feeds:
"""))
    assert sources[0] == Source("a", "http://127.0.0.1:8000/a/", "Nghệ An", ("http://127.0.0.1:8000/a/rss.xml",))
    assert sources[1] == Source("b", "https://b.vn/", national=True)  # province: null


@pytest.mark.parametrize(
    "entries, message",
    [
        ("  - name: a\n    homepage: https://a.vn/\n  - name: a\n    homepage: https://b.vn/\n", "unique"),
        ("  - name: a\n    homepage: https://a.vn/\n    feed: https://a.vn/rss\n", "unknown keys"),
        ("  - name: a\n    homepage: a.vn\n", "http"),
        ("  - name: a\n", "needs a name and a homepage"),
        ("  - name: a\n    homepage: ${UNSET_FOR_SURE_1234}/a/\n", "unset environment variable"),
    ],
)
def test_load_sources_raises_when_file_is_invalid(tmp_path, entries, message):
    with pytest.raises(ValueError, match=message):
        load_sources(write(tmp_path, "sources:\n" + entries))


# ---------------------------------------------------------------- the real registry

def current_provinces() -> set[str]:
    with ADMIN_UNITS.open(encoding="utf-8", newline="") as fh:
        return {row["name"] for row in csv.DictReader(fh) if row["level"] == "province" and row["snapshot"] == "current"}


def pre_reform_provinces() -> set[str]:
    with ADMIN_UNITS.open(encoding="utf-8", newline="") as fh:
        return {row["name"] for row in csv.DictReader(fh) if row["level"] == "province" and row["snapshot"] != "current"}


def test_current_provinces_are_the_34_units_when_read_from_seed():
    assert len(current_provinces()) == 34


def test_registry_covers_every_current_province_when_loaded():
    sources = load_sources(REGISTRY)
    covered = {s.province for s in sources if s.until is None}
    assert sorted(current_provinces() - covered) == []
    # an outlet still running names one of the 34; one that ended names a province of its day
    assert sorted(p for p in covered if p is not None and p not in current_provinces()) == []
    ended = {s.province for s in sources if s.until is not None}
    assert ended and sorted(ended - pre_reform_provinces()) == []


def test_registry_has_unique_names_and_https_homepages_when_loaded():
    sources = load_sources(REGISTRY)
    assert len({s.name for s in sources}) == len(sources)
    for s in sources:
        parts = urllib.parse.urlsplit(s.homepage)
        assert parts.scheme == "https" and parts.netloc and "$" not in s.homepage, s.name
        assert all(urllib.parse.urlsplit(f).scheme == "https" for f in s.feeds), s.name
    assert any(s.province is None for s in sources)  # national outlets too


def test_discover_asks_for_an_unchanged_feed_conditionally_and_gets_304(monkeypatch):
    import dataclasses

    from extract.demo_site import DemoSite
    from extract.fetch import HttpClient
    from extract.settings import REPO_ROOT, Settings
    from extract.sources import discover, load_sources

    class Recording(HttpClient):
        def get(self, url, etag=None, last_modified=None):
            result = super().get(url, etag, last_modified)
            self.seen.append((url, result.status))
            return result

    with DemoSite() as site:
        monkeypatch.setenv("ASXH_DEMO_BASE_URL", site.base_url)
        source = next(s for s in load_sources(REPO_ROOT / "sources" / "demo.yaml") if s.name == "baovinhphuc-demo")
        settings = dataclasses.replace(Settings.from_env({}), request_delay=0)
        validators: dict = {}
        first_client, second_client = Recording(settings), Recording(settings)
        first_client.seen, second_client.seen = [], []
        first = discover(source, first_client, 3, validators)
        second = discover(source, second_client, 3, validators)
    feed = next(url for url in validators if url.endswith("rss.xml"))
    assert (feed, 200) in first_client.seen and (feed, 304) in second_client.seen
    assert len(first.urls) == 9 and second.errors == []
