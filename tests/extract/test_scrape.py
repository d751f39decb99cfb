"""pipeline.scrape against a local site that mixes good article pages with broken ones.

Good pages land in the raw archive; bad ones land in the fetch log with their reasons; a later
run fetches nothing already archived, asks again only for what failed for a passing reason, and
never touches what is already stored.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from extract import pipeline
from extract.archive import RawArchive
from extract.fetch import HttpClient
from extract.settings import Settings
from tests.local_http import LocalServer, send

HTTP_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "http"
ARTICLE = (HTTP_FIXTURES / "article.html").read_bytes()
ARTICLE_CP1258 = (HTTP_FIXTURES / "article-cp1258.html").read_bytes()

# Article paths (all with a headline slug, so discovery keeps them) and what each one does.
GOOD = "/xa-hoi/huyen-vinh-tuong-con-1250-ho-ngheo-1001.html"
GOOD_CP1258 = "/xa-hoi/ho-ngheo-duoc-ho-tro-tet-1002.html"
NOT_FOUND = "/xa-hoi/bai-viet-da-bi-go-bo-1003.html"
GONE = "/xa-hoi/bai-viet-khong-con-nua-1004.html"
SERVER_ERROR = "/xa-hoi/may-chu-dang-loi-tam-thoi-1005.html"  # 500 on the first run, 200 later
TRUNCATED = "/xa-hoi/trang-bi-cat-ngang-giua-chung-1006.html"  # always cut short
PDF = "/xa-hoi/bao-cao-giam-ngheo-nam-2024-1007.html"  # answers with a PDF
LOOP = "/xa-hoi/chuyen-huong-vong-tron-mai-mai-1008.html"
PRIVATE = "/private/bai-viet-cam-thu-thap-1009.html"

EXPECTED_ERRORS = {  # path -> (error, retryable) in the first run's fetch log
    NOT_FOUND: ("HTTP 404", False),
    GONE: ("HTTP 410", False),
    SERVER_ERROR: ("HTTP 500", True),
    TRUNCATED: ("truncated body (10 bytes read)", True),
    PDF: ("not an HTML page (content-type application/pdf)", False),
    LOOP: ("too many redirects (more than 5) or a redirect loop", False),
    PRIVATE: ("disallowed by robots.txt", False),
}


class NewsSite(LocalServer):
    """A local news site on 127.0.0.1: a homepage, robots.txt, an RSS feed and the articles above."""

    def __init__(self) -> None:
        self.server_error_fixed = False
        super().__init__(answer=self.answer)

    def rss(self) -> bytes:
        items = "".join(
            f"<item><title>{path}</title><link>{self.base_url}{path}</link></item>"
            for path in (GOOD, GOOD_CP1258, *EXPECTED_ERRORS)
        )
        return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{items}</channel></rss>'.encode()

    def answer(self, handler) -> None:
        path = handler.path
        if path == "/":
            send(handler, 200, (HTTP_FIXTURES / "home-no-feed.html").read_bytes())
        elif path == "/robots.txt":
            send(handler, 200, b"User-agent: *\nDisallow: /private/\n", "text/plain")
        elif path == "/rss.xml":
            send(handler, 200, self.rss(), "application/rss+xml")
        elif path == GOOD:
            send(handler, 200, ARTICLE)
        elif path == GOOD_CP1258:
            send(handler, 200, ARTICLE_CP1258, "text/html")
        elif path == GONE:
            send(handler, 410, b"gone")
        elif path == SERVER_ERROR:
            send(handler, 200, ARTICLE) if self.server_error_fixed else send(handler, 500, b"oops")
        elif path == TRUNCATED:
            handler.send_response(200)
            handler.send_header("Content-Type", "text/html")
            handler.send_header("Content-Length", "5000")
            handler.end_headers()
            handler.wfile.write(b"<html><p>\n")  # 10 of the 5000 bytes promised, then the connection ends
        elif path == PDF:
            send(handler, 200, b"%PDF-1.4 not a page", "application/pdf")
        elif path == LOOP:
            send(handler, 302, b"", headers={"Location": LOOP})
        else:
            send(handler, 404, b"not found")



@pytest.fixture
def site():
    with NewsSite() as s:
        yield s


@pytest.fixture
def settings(tmp_path, site):
    sources = tmp_path / "sources.yaml"
    sources.write_text(
        "sources:\n"
        "  - name: local\n"
        f"    homepage: {site.base_url}/\n"
        "    province: Nghệ An\n"
        "    feeds:\n"
        f"      - {site.base_url}/rss.xml\n",
        encoding="utf-8",
    )
    return dataclasses.replace(
        Settings.from_env(), home=tmp_path / "home", sources_file=sources,
        request_delay=0.0, timeout=0.5, max_retries=1, max_page_bytes=100_000,
    )


def scrape(settings):
    """One run with a fresh client (a run remembers robots.txt), its sleeps recorded, not slept."""
    return pipeline.scrape(settings, HttpClient(settings, sleep=lambda seconds: None))


def stored_files(settings) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in sorted(settings.raw_dir.rglob("*")) if p.is_file()}


def by_path(records, base_url: str) -> dict:
    return {r.url.removeprefix(base_url): r for r in records}


def test_scrape_archives_good_pages_and_logs_bad_ones_when_site_mixes_them(site, settings):
    result = scrape(settings)
    assert (result.sources, result.discovered, result.new_pages, result.failed) == (1, 9, 2, 7)
    archive = RawArchive(settings.raw_dir)
    records = by_path(archive.records(), site.base_url)
    assert set(records) == {GOOD, GOOD_CP1258, *EXPECTED_ERRORS}
    for path in (GOOD, GOOD_CP1258):
        record = records[path]
        assert record.ok and record.status == 200 and record.error is None
        assert record.key == f"local:{path}" and record.province == "Nghệ An" and record.run_id == result.run_id
        assert archive.read(record.sha256) == (ARTICLE if path == GOOD else ARTICLE_CP1258)  # stored as served
    for path, (error, retryable) in EXPECTED_ERRORS.items():
        record = records[path]
        assert (record.error, record.retryable) == (error, retryable), path
        assert record.sha256 is None, path
    assert site.hits(PRIVATE) == 0  # robots.txt is obeyed: not even asked for
    assert site.hits(NOT_FOUND) == site.hits(GONE) == 1  # never retried, not even within the run


def test_scrape_fetches_only_retryable_failures_when_run_again(site, settings):
    scrape(settings)
    first_run = stored_files(settings)
    site.requests.clear()
    site.server_error_fixed = True

    result = scrape(settings)
    assert site.hits(GOOD) == site.hits(GOOD_CP1258) == 0  # already archived
    for path in (NOT_FOUND, GONE, PDF, LOOP, PRIVATE):  # failed for good: not asked again
        assert site.hits(path) == 0, path
    assert site.hits(SERVER_ERROR) == 1  # retried, and it works now
    assert site.hits(TRUNCATED) == settings.max_retries + 1  # retried, still broken
    assert (result.new_pages, result.failed, result.skipped_known) == (1, 1, 7)

    # nothing stored is lost: every file of the first run is still there, byte for byte
    after = stored_files(settings)
    assert {p: after.get(p) for p in first_run} == first_run
    latest = by_path(RawArchive(settings.raw_dir).latest_by_key().values(), site.base_url)
    assert latest[SERVER_ERROR].ok and not latest[TRUNCATED].ok
    assert latest[GOOD].run_id != result.run_id  # the first run's record still stands


def test_scrape_gives_up_on_retryable_failure_when_it_failed_too_often(site, settings):
    for _ in range(pipeline.MAX_RETRYABLE_FAILURES + 2):  # bounded: two runs more than the limit
        scrape(settings)
    assert site.hits(TRUNCATED) == pipeline.MAX_RETRYABLE_FAILURES * (settings.max_retries + 1)
    assert site.hits(GOOD) == 1


def test_scrape_writes_no_fetch_log_when_nothing_is_left_to_fetch(site, settings):
    scrape(settings)
    site.server_error_fixed = True
    for _ in range(pipeline.MAX_RETRYABLE_FAILURES + 1):
        scrape(settings)
    logs = sorted((settings.raw_dir / "fetch_log").glob("*.jsonl"))
    site.requests.clear()
    result = scrape(settings)
    assert result.new_pages == result.failed == 0
    assert sorted((settings.raw_dir / "fetch_log").glob("*.jsonl")) == logs
    assert [p for p in site.paths if p.startswith("/xa-hoi/") or p.startswith("/private/")] == []


def test_scrape_records_when_it_last_reached_its_sources_when_a_feed_answered(site, settings):
    result = scrape(settings)
    assert result.sources_reached == 1
    last = json.loads((settings.home / pipeline.LAST_SCRAPE_FILE).read_text())
    assert last["run_id"] == result.run_id


def test_scrape_records_no_success_when_no_source_answered(site, settings, tmp_path):
    sources = tmp_path / "unreachable.yaml"
    sources.write_text("sources:\n  - name: gone\n    homepage: http://127.0.0.1:9/\n    province: Nghệ An\n"
                       "    feeds:\n      - http://127.0.0.1:9/rss.xml\n", encoding="utf-8")
    result = scrape(dataclasses.replace(settings, sources_file=sources))
    assert result.sources == 1 and result.sources_reached == 0
    assert not (settings.home / pipeline.LAST_SCRAPE_FILE).exists()


def test_scrape_names_the_unknown_source_when_asked_for_one(site, settings):
    with pytest.raises(ValueError, match="unknown source\\(s\\) nope; sources in .*: local"):
        pipeline.scrape(settings, only=["nope"])
