"""The polite HTTP client against a local server that plays every fault a news site can show.

Nothing here touches the internet or sleeps for long: the server listens on 127.0.0.1 (port 0),
the client's sleep is a recorder, timeouts are fractions of a second, retries are bounded.
"""

from __future__ import annotations

import dataclasses
import socket
import struct
from pathlib import Path

import pytest

from extract import pipeline
from extract.archive import RawArchive
from extract.fetch import MAX_REDIRECTS, HttpClient, decode_html
from extract.settings import Settings
from extract.sources import Source
from tests.local_http import LocalServer, send

HTTP_FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "http"
HTML = "text/html; charset=utf-8"


# ---------------------------------------------------------------- routes of the local server

def page(status: int = 200, body: bytes = b"<html><body>ok</body></html>", content_type: str = HTML, headers: dict | None = None):
    return lambda handler: send(handler, status, body, content_type, headers)


def in_turn(*routes):
    """A route that answers with the first route, then the second, ...; the last one repeats."""
    calls = []

    def route(handler) -> None:
        calls.append(1)
        routes[min(len(calls), len(routes)) - 1](handler)

    return route


@pytest.fixture
def server():
    srv = LocalServer()
    yield srv
    srv.close()


@pytest.fixture
def settings(tmp_path):
    return dataclasses.replace(
        Settings.from_env(), home=tmp_path, request_delay=0.0, timeout=0.5, max_retries=2, max_page_bytes=100_000,
    )


class SleepRecorder:
    """Stands in for time.sleep: records how long the client wanted to wait, waits not at all."""

    def __init__(self) -> None:
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)


@pytest.fixture
def sleeps():
    return SleepRecorder()


@pytest.fixture
def client(settings, sleeps):
    return HttpClient(settings, sleep=sleeps)


# ---------------------------------------------------------------- status codes

def test_get_returns_body_when_page_is_200(server, client):
    server.routes["/ok"] = page(body="<p>Hộ nghèo</p>".encode())
    result = client.get(server.url("/ok"))
    assert result.ok and result.status == 200 and result.error is None
    assert result.body == "<p>Hộ nghèo</p>".encode()
    assert result.final_url == server.url("/ok")
    assert result.headers["content-type"] == HTML
    assert result.fetched_at


@pytest.mark.parametrize("status", [404, 410])
def test_get_records_not_retryable_error_when_page_is_gone(server, client, sleeps, status):
    server.routes["/gone"] = page(status)
    result = client.get(server.url("/gone"))
    assert not result.ok
    assert result.status == status
    assert result.error == f"HTTP {status}"
    assert result.retryable is False
    assert server.hits("/gone") == 1  # a page that is gone is not asked for again
    assert sleeps.calls == []


def test_get_retries_and_succeeds_when_500_then_200(server, client, sleeps):
    server.routes["/flaky"] = in_turn(page(500), page(200, b"<p>back</p>"))
    result = client.get(server.url("/flaky"))
    assert result.ok and result.body == b"<p>back</p>"
    assert server.hits("/flaky") == 2
    assert sleeps.calls == [0.5]  # the first backoff step


def test_get_records_retryable_error_when_500_persists(server, client, settings):
    server.routes["/down"] = page(500)
    result = client.get(server.url("/down"))
    assert result.error == "HTTP 500" and result.retryable is True
    assert server.hits("/down") == settings.max_retries + 1  # bounded


def test_get_sleeps_retry_after_when_503_says_so(server, client, sleeps):
    server.routes["/busy"] = in_turn(page(503, headers={"Retry-After": "2"}), page(200))
    result = client.get(server.url("/busy"))
    assert result.ok
    assert sleeps.calls == [2.0]


def test_get_records_retryable_error_when_429_persists(server, client, sleeps, settings):
    server.routes["/slow-down"] = page(429)
    result = client.get(server.url("/slow-down"))
    assert result.status == 429 and result.error == "HTTP 429" and result.retryable is True
    assert server.hits("/slow-down") == settings.max_retries + 1
    assert sleeps.calls == [0.5, 1.0]  # exponential backoff when no Retry-After is given


def test_get_sleeps_retry_after_when_429_says_so(server, client, sleeps):
    server.routes["/slow-down"] = in_turn(page(429, headers={"Retry-After": "7"}), page(200))
    assert client.get(server.url("/slow-down")).ok
    assert sleeps.calls == [7.0]


# ---------------------------------------------------------------- network faults

def test_get_records_retryable_timeout_when_response_is_slower_than_timeout(server, settings, sleeps):
    def slow(handler) -> None:
        server.stopping.wait(5)  # far beyond the 0.5 s timeout; ends at once when the test is over
        send(handler, 200, b"late")

    server.routes["/slow"] = slow
    client = HttpClient(dataclasses.replace(settings, max_retries=0), sleep=sleeps)
    result = client.get(server.url("/slow"))
    assert result.status is None and not result.ok
    assert result.error == "timed out after 0.5s"
    assert result.retryable is True


def test_get_records_retryable_timeout_when_body_drips_past_the_deadline(server, settings, sleeps):
    # Each byte comes well within the socket timeout, the whole body never does.
    def drip(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        for _ in range(1000):
            if server.stopping.wait(0.05):
                return
            handler.wfile.write(b"x")

    server.routes["/drip"] = drip
    client = HttpClient(dataclasses.replace(settings, timeout=0.2, max_retries=0), sleep=sleeps)
    result = client.get(server.url("/drip"))
    assert result.error == "timed out after 0.2s"
    assert result.retryable is True


def test_get_records_retryable_error_when_connection_is_reset_mid_response(server, client):
    def reset(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        handler.wfile.write(b"<html><body>" + b"x" * 500)
        # SO_LINGER with a zero timeout makes close() send a TCP reset instead of a clean end.
        handler.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        handler.connection.close()

    server.routes["/reset"] = reset
    result = client.get(server.url("/reset"))
    assert not result.ok and result.body is None
    assert result.retryable is True
    assert "reset" in result.error.lower() or "truncated" in result.error


def test_get_records_retryable_error_when_connection_is_refused(client):
    with socket.socket() as probe:  # a port that was free a moment ago and has no listener now
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = client.get(f"http://127.0.0.1:{port}/page")
    assert result.status is None
    # robots.txt is asked for first, so the fault shows there; the host is left alone this run
    assert result.error.startswith("robots.txt unreachable (connection failed")
    assert "refused" in result.error
    assert result.retryable is True


def test_get_records_retryable_error_when_body_is_shorter_than_content_length(server, client):
    def truncated(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        handler.wfile.write(b"x" * 100)  # and the connection closes cleanly

    server.routes["/truncated"] = truncated
    result = client.get(server.url("/truncated"))
    assert result.error == "truncated body (100 bytes read)"
    assert result.retryable is True
    assert result.body is None


# ---------------------------------------------------------------- redirects

def test_get_records_not_retryable_error_when_redirects_loop(server, client):
    server.routes["/loop"] = page(302, b"", headers={"Location": "/loop"})
    result = client.get(server.url("/loop"))
    assert not result.ok
    assert "redirect" in result.error
    assert result.retryable is False
    assert server.hits("/loop") <= MAX_REDIRECTS + 1  # the loop is cut, not followed forever


def hop_routes(server, hops: int) -> None:
    """/hop/N redirects to /hop/N-1 ... /hop/0, which is a page."""
    for n in range(1, hops + 1):
        server.routes[f"/hop/{n}"] = page(301, b"", headers={"Location": f"/hop/{n - 1}"})
    server.routes["/hop/0"] = page(200, b"<p>arrived</p>")


def test_get_follows_redirects_when_there_are_five(server, client):
    hop_routes(server, MAX_REDIRECTS)
    result = client.get(server.url(f"/hop/{MAX_REDIRECTS}"))
    assert result.ok and result.body == b"<p>arrived</p>"
    assert result.final_url == server.url("/hop/0")


def test_get_records_not_retryable_error_when_more_than_five_redirects(server, client):
    hop_routes(server, MAX_REDIRECTS + 1)
    result = client.get(server.url(f"/hop/{MAX_REDIRECTS + 1}"))
    assert result.error == f"too many redirects (more than {MAX_REDIRECTS}) or a redirect loop"
    assert result.retryable is False
    assert server.hits("/hop/0") == 0


# ---------------------------------------------------------------- content

def test_fetch_article_marks_not_html_when_content_type_is_pdf(server, client, tmp_path):
    server.routes["/bao-cao-giam-ngheo-nam-2024.pdf"] = page(body=b"%PDF-1.4 ...", content_type="application/pdf")
    archive = RawArchive(tmp_path / "raw")
    source = Source("local", server.url("/"))
    record = pipeline._fetch_article(client, archive, "run-1", source, server.url("/bao-cao-giam-ngheo-nam-2024.pdf"))
    assert record.error == "not an HTML page (content-type application/pdf)"
    assert record.retryable is False
    assert record.sha256 is None
    assert not archive.pages_dir.exists()  # nothing stored


def test_get_records_error_when_page_is_larger_than_max_page_bytes(server, settings, sleeps):
    client = HttpClient(dataclasses.replace(settings, max_page_bytes=1000), sleep=sleeps)
    server.routes["/big"] = page(body=b"x" * 5000)

    def big_without_length(handler) -> None:  # HTTP/1.0, no Content-Length: the body ends when the connection does
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        handler.end_headers()
        handler.wfile.write(b"x" * 5000)

    server.routes["/big-no-length"] = big_without_length
    for path in ("/big", "/big-no-length"):
        result = client.get(server.url(path))
        assert result.error == "page larger than 1000 bytes", path
        assert result.retryable is False and result.body is None


def test_get_returns_body_when_page_has_no_content_length(server, client):
    def no_length(handler) -> None:
        handler.send_response(200)
        handler.send_header("Content-Type", HTML)
        handler.end_headers()
        handler.wfile.write(b"<p>whole</p>")

    server.routes["/no-length"] = no_length
    result = client.get(server.url("/no-length"))
    assert result.ok and result.body == b"<p>whole</p>"


def test_get_percent_encodes_url_when_path_has_spaces_and_accents(server, client):
    # http.client refuses raw spaces and non-ASCII letters; the client encodes them (UTF-8).
    server.routes["/tin%20t%E1%BB%A9c/h%E1%BB%99-ngh%C3%A8o.html"] = page(body=b"<p>found</p>")
    result = client.get(server.url("/tin tức/hộ-nghèo.html"))
    assert result.ok and result.body == b"<p>found</p>"
    assert result.url == server.url("/tin tức/hộ-nghèo.html")  # recorded as discovered


def test_get_records_not_retryable_error_when_url_is_malformed(client):
    result = client.get("not a url at all")
    assert result.error.startswith("invalid URL")
    assert result.retryable is False


# ---------------------------------------------------------------- robots.txt and politeness

ROBOTS = b"User-agent: *\nDisallow: /private/\nCrawl-delay: 3\n"


def test_get_refuses_page_when_robots_txt_disallows_it(server, client):
    server.routes["/robots.txt"] = page(body=ROBOTS, content_type="text/plain")
    server.routes["/private/ho-so.html"] = page()
    result = client.get(server.url("/private/ho-so.html"))
    assert result.error == "disallowed by robots.txt"
    assert result.retryable is False
    assert server.hits("/private/ho-so.html") == 0
    assert server.hits("/robots.txt") == 1


def test_get_refuses_page_when_robots_txt_names_our_user_agent(server, client):
    server.routes["/robots.txt"] = page(
        body=b"User-agent: asxh-warehouse\nDisallow: /\n\nUser-agent: *\nDisallow:\n", content_type="text/plain"
    )
    server.routes["/page"] = page()
    assert client.get(server.url("/page")).error == "disallowed by robots.txt"
    assert server.hits("/page") == 0


def test_get_waits_crawl_delay_when_robots_txt_asks_for_it(server, client, sleeps):
    server.routes["/robots.txt"] = page(body=ROBOTS, content_type="text/plain")
    server.routes["/a"] = page()
    server.routes["/b"] = page()
    assert client.get(server.url("/a")).ok
    assert client.get(server.url("/b")).ok
    # robots.txt, /a, /b: two pauses of (about) the 3 s crawl delay, none of the 0 s request delay
    assert len(sleeps.calls) == 2
    assert all(2.5 < s <= 3.0 for s in sleeps.calls)
    assert server.hits("/robots.txt") == 1  # read once per run


def test_get_records_retryable_error_when_robots_txt_is_unreachable(server, client):
    server.routes["/robots.txt"] = page(503)
    server.routes["/page"] = page()
    result = client.get(server.url("/page"))
    assert result.error.startswith("robots.txt unreachable")
    assert result.retryable is True
    assert server.hits("/page") == 0  # RFC 9309: no robots.txt because of a server fault = do not crawl


def test_get_sends_user_agent_naming_the_project_when_requesting(server, client, settings):
    server.routes["/page"] = page()
    client.get(server.url("/page"))
    agents = {headers.get("User-Agent") for _, headers in server.requests}
    assert agents == {settings.user_agent}  # robots.txt and the page alike
    assert "asxh-warehouse" in settings.user_agent


def test_get_returns_not_modified_when_etag_matches(server, client):
    def etag_page(handler) -> None:
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.send_header("ETag", '"v1"')
            handler.end_headers()
        else:
            send(handler, 200, b"<p>v1</p>", headers={"ETag": '"v1"'})

    server.routes["/etag"] = etag_page
    first = client.get(server.url("/etag"))
    assert first.ok and first.headers["etag"] == '"v1"'
    second = client.get(server.url("/etag"), etag=first.headers["etag"])
    assert second.not_modified and second.status == 304
    assert not second.ok and second.error is None and second.retryable is False


def test_get_sends_if_modified_since_when_last_modified_is_given(server, client):
    stamp = "Wed, 05 Nov 2025 07:30:00 GMT"

    def dated(handler) -> None:
        if handler.headers.get("If-Modified-Since") == stamp:
            handler.send_response(304)
            handler.end_headers()
        else:
            send(handler, 200, b"<p>new</p>", headers={"Last-Modified": stamp})

    server.routes["/dated"] = dated
    assert client.get(server.url("/dated"), last_modified=stamp).not_modified


# ---------------------------------------------------------------- decode_html

CP1258_PAGE = (HTTP_FIXTURES / "article-cp1258.html").read_bytes()
CP1258_TITLE = "Hộ nghèo được hỗ trợ"


def test_decode_html_returns_text_when_page_is_utf8():
    body = (HTTP_FIXTURES / "article.html").read_bytes()
    assert "Huyện Vĩnh Tường còn 1.250 hộ nghèo" in decode_html(body, "text/html; charset=utf-8")


def test_decode_html_uses_meta_charset_when_page_is_windows_1258():
    text = decode_html(CP1258_PAGE, "text/html")
    assert CP1258_TITLE in text  # composed: "ộ" is one character, as in UTF-8 pages
    assert "bảo trợ xã hội" in text


def test_decode_html_falls_back_when_page_declares_utf8_but_is_windows_1258():
    body = CP1258_PAGE.replace(b"charset=windows-1258", b"charset=utf-8")
    assert CP1258_TITLE in decode_html(body, "text/html; charset=utf-8")


def test_decode_html_guesses_when_page_declares_no_charset():
    body = CP1258_PAGE.replace(b"; charset=windows-1258", b"")
    assert b"charset" not in body
    assert CP1258_TITLE in decode_html(body)
    utf8 = "<p>Hộ cận nghèo</p>".encode()
    assert decode_html(utf8) == "<p>Hộ cận nghèo</p>"


def test_decode_html_prefers_utf8_when_page_declares_a_legacy_charset_but_is_utf8():
    body = '<meta charset="iso-8859-1"><p>Hộ nghèo</p>'.encode()
    assert "Hộ nghèo" in decode_html(body, "text/html; charset=ISO-8859-1")


def test_decode_html_drops_byte_order_mark_when_present():
    assert decode_html(b"\xef\xbb\xbf<p>a</p>") == "<p>a</p>"
