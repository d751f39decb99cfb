"""Polite HTTP: robots.txt, a per-host pause, retries with backoff, conditional GET, size caps.

Every request says who we are (settings.user_agent). A server that asks us to slow down
(429/503 with Retry-After) is obeyed; a page that is gone (404/410) is not asked for again;
one that failed for a passing reason (timeouts, resets, 5xx) is retried on a later run.
"""

from __future__ import annotations

import email.utils
import http.client
import logging
import re
import socket
import string
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import urllib.robotparser
from dataclasses import dataclass, field
from datetime import UTC, datetime

from extract.settings import Settings

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
RETRYABLE_STATUS = {408, 425, 429, 500, 502, 503, 504}
MAX_RETRY_AFTER = 120.0
BODY_DEADLINE_TIMEOUTS = 5  # a whole body may take at most this many timeouts
READ_CHUNK = 64 * 1024


@dataclass
class FetchResult:
    url: str
    final_url: str | None
    status: int | None  # HTTP status; None where no response came (timeout, reset, refused)
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    error: str | None = None  # why the page could not be had, in words for the fetch log
    retryable: bool = False  # worth asking again on a later run
    fetched_at: str = ""
    elapsed: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.body is not None and self.error is None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _LimitedRedirects(urllib.request.HTTPRedirectHandler):
    max_redirections = MAX_REDIRECTS
    max_repeats = 2


class _TooLarge(Exception):
    pass


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Bytes -> text: a byte-order mark, else UTF-8 if the bytes are valid UTF-8, else the declared
    charset (HTTP header, <meta>, <?xml encoding?>), else windows-1258, else windows-1252.

    Vietnamese sites still serve windows-1258 now and then, and some declare one encoding while
    sending another. UTF-8 is tried before the declaration because a page declared windows-1258
    or ISO-8859-1 that is really UTF-8 would otherwise decode, without error, into mojibake;
    legacy-encoded Vietnamese text is practically never valid UTF-8, so the order costs nothing.
    """
    for bom, codec in ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be")):
        if body.startswith(bom):
            return body[len(bom):].decode(codec, errors="replace")
    declared = []
    if content_type:
        m = re.search(r"charset=[\"']?([\w-]+)", content_type, re.I)
        if m:
            declared.append(m.group(1))
    head = body[:4096]
    for pattern in (rb"<meta[^>]+charset=[\"']?([\w-]+)", rb"<\?xml[^>]+encoding=[\"']([\w-]+)"):
        m = re.search(pattern, head, re.I)
        if m:
            declared.append(m.group(1).decode("ascii", "ignore"))
    for encoding in ["utf-8", *declared, "cp1258", "cp1252"]:
        try:
            text = body.decode(_python_codec(encoding))
        except (UnicodeDecodeError, LookupError):
            continue
        # windows-1258 writes most toned letters as a base letter plus a combining tone mark;
        # compose them so that "ộ" is one character, as in UTF-8 pages.
        return unicodedata.normalize("NFC", text) if _python_codec(encoding) == "cp1258" else text
    return body.decode("utf-8", errors="replace")


def _python_codec(name: str) -> str:
    name = name.lower()
    return {"windows-1258": "cp1258", "windows-1252": "cp1252", "utf8": "utf-8"}.get(name, name)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _retry_after(headers: dict[str, str]) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return min(float(value), MAX_RETRY_AFTER)
    try:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, min((when - datetime.now(UTC)).total_seconds(), MAX_RETRY_AFTER))
    except (TypeError, ValueError):
        return None


def _request_url(url: str) -> str:
    """The URL as it goes on the wire: spaces and non-ASCII letters percent-encoded (UTF-8).

    Vietnamese sites now and then link to paths with raw spaces or accented letters; http.client
    refuses those outright. Existing %-escapes and all punctuation are kept as they are.
    """
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii():
        netloc = netloc.encode("idna").decode("ascii")
    path, query = (urllib.parse.quote(x, safe=string.punctuation) for x in (parts.path, parts.query))
    return urllib.parse.urlunsplit((parts.scheme, netloc, path, query, ""))


class HttpClient:
    """One client per run: it remembers robots.txt and the last request time of every host."""

    def __init__(self, settings: Settings, sleep=time.sleep):
        self.settings = settings
        self._sleep = sleep
        self._last_request: dict[str, float] = {}
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._robots_unreachable: dict[str, str] = {}  # host -> why its robots.txt could not be read
        self._opener = urllib.request.build_opener(_LimitedRedirects())

    # -- politeness

    def _host(self, url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def _delay_for(self, host: str) -> float:
        robots = self._robots.get(host)
        crawl_delay = robots.crawl_delay(self.settings.user_agent) if robots else None
        return max(self.settings.request_delay, float(crawl_delay or 0))

    def _wait_turn(self, host: str) -> None:
        last = self._last_request.get(host)
        if last is not None:
            pause = self._delay_for(host) - (time.monotonic() - last)
            if pause > 0:
                self._sleep(pause)
        self._last_request[host] = time.monotonic()

    def robots(self, url: str) -> urllib.robotparser.RobotFileParser | None:
        host = self._host(url)
        if host not in self._robots:
            self._robots[host] = None
            result = self._get_with_retries(host + "/robots.txt", {})
            if result.status == 200 and result.body is not None:
                parser = urllib.robotparser.RobotFileParser()
                parser.parse(decode_html(result.body).splitlines())
                self._robots[host] = parser
            elif result.status in (401, 403):
                # By the robots.txt convention, an access-denied robots.txt means "do not crawl".
                parser = urllib.robotparser.RobotFileParser()
                parser.disallow_all = True
                self._robots[host] = parser
            elif result.retryable:
                # RFC 9309: a robots.txt that cannot be had for a server or network fault means
                # "assume complete disallow", for now; the pages are tried again on a later run.
                self._robots_unreachable[host] = result.error or "unreachable"
        return self._robots[host]

    def allowed(self, url: str) -> bool:
        robots = self.robots(url)
        if self._host(url) in self._robots_unreachable:
            return False
        return robots is None or robots.can_fetch(self.settings.user_agent, url)

    def sitemaps(self, url: str) -> list[str]:
        robots = self.robots(url)
        return list(robots.site_maps() or []) if robots else []

    # -- requests

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET with robots.txt, the host's pause and retries; never raises for network faults."""
        if not self.allowed(url):
            unreachable = self._robots_unreachable.get(self._host(url))
            if unreachable:
                return FetchResult(
                    url, None, None, error=f"robots.txt unreachable ({unreachable}); host not crawled this run",
                    retryable=True, fetched_at=_now(),
                )
            return FetchResult(url, None, None, error="disallowed by robots.txt", fetched_at=_now())
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._get_with_retries(url, headers)

    def _get_with_retries(self, url: str, headers: dict[str, str]) -> FetchResult:
        result = FetchResult(url, None, None)
        for attempt in range(self.settings.max_retries + 1):
            result = self._request(url, headers, count_turn=True)
            if not result.retryable or attempt == self.settings.max_retries:
                break
            wait = _retry_after(result.headers) if result.status in (429, 503) else None
            wait = wait if wait is not None else min(2.0 ** attempt * max(self.settings.request_delay, 0.5), 60.0)
            log.warning("retrying %s in %.1fs after %s (attempt %d)", url, wait, result.error, attempt + 1)
            self._sleep(wait)
        return result

    def _request(self, url: str, headers: dict[str, str], count_turn: bool) -> FetchResult:
        host = self._host(url)
        if count_turn:
            self._wait_turn(host)
        fetched_at = _now()
        try:
            request = urllib.request.Request(
                _request_url(url),
                headers={
                    "User-Agent": self.settings.user_agent,
                    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
                    "Accept-Language": "vi,en;q=0.5",
                    **headers,
                },
            )
        except (ValueError, UnicodeError) as exc:
            # A malformed URL will not get better by asking again.
            return FetchResult(url, None, None, error=f"invalid URL: {exc}", fetched_at=fetched_at)
        started = time.monotonic()
        timed_out = f"timed out after {self.settings.timeout:g}s"
        try:
            with self._opener.open(request, timeout=self.settings.timeout) as response:
                response_headers = {k.lower(): v for k, v in response.headers.items()}
                body = self._read_capped(response, started)
                return FetchResult(
                    url, response.geturl(), response.status, response_headers, body,
                    fetched_at=fetched_at, elapsed=time.monotonic() - started,
                )
        except urllib.error.HTTPError as exc:
            exc.close()  # the error body is not wanted; free the connection
            response_headers = {k.lower(): v for k, v in (exc.headers or {}).items()}
            if exc.code == 304:
                return FetchResult(
                    url, exc.geturl(), 304, response_headers, fetched_at=fetched_at, elapsed=time.monotonic() - started,
                )
            reason = f"HTTP {exc.code}"
            if 300 <= exc.code < 400:
                # urllib raises a 3xx only when it would not follow it: too many hops, a loop,
                # a Location it refuses (another scheme) or none at all.
                if "infinite loop" in str(exc.reason):
                    reason = f"too many redirects (more than {MAX_REDIRECTS}) or a redirect loop"
                else:
                    reason = f"HTTP {exc.code} redirect not followed: {exc.reason}"
            return FetchResult(
                url, exc.geturl(), exc.code, response_headers, error=reason,
                retryable=exc.code in RETRYABLE_STATUS, fetched_at=fetched_at,
                elapsed=time.monotonic() - started,
            )
        except _TooLarge:
            return FetchResult(url, None, 200, error=f"page larger than {self.settings.max_page_bytes} bytes", fetched_at=fetched_at)
        except http.client.IncompleteRead as exc:
            return FetchResult(url, None, None, error=f"truncated body ({len(exc.partial)} bytes read)", retryable=True, fetched_at=fetched_at)
        except (TimeoutError, socket.timeout):
            return FetchResult(url, None, None, error=timed_out, retryable=True, fetched_at=fetched_at)
        except urllib.error.URLError as exc:
            reason = exc.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                return FetchResult(url, None, None, error=timed_out, retryable=True, fetched_at=fetched_at)
            return FetchResult(url, None, None, error=f"connection failed: {reason}", retryable=True, fetched_at=fetched_at)
        except (ConnectionError, http.client.HTTPException, OSError) as exc:
            return FetchResult(url, None, None, error=f"connection failed: {exc.__class__.__name__}: {exc}", retryable=True, fetched_at=fetched_at)

    def _read_capped(self, response, started: float) -> bytes:
        """The body, at most max_page_bytes, read within a few timeouts in all.

        The socket timeout bounds each read, not the whole body: a server that drips a byte
        now and then would hold the run forever, so the body as a whole has a deadline too.
        """
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.settings.max_page_bytes:
            raise _TooLarge()
        deadline = started + BODY_DEADLINE_TIMEOUTS * self.settings.timeout
        chunks: list[bytes] = []
        size = 0
        while True:
            chunk = response.read1(READ_CHUNK)  # returns after one receive, so the deadline is checked often
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            if size > self.settings.max_page_bytes:
                raise _TooLarge()
            if time.monotonic() > deadline:
                raise TimeoutError("body not received in time")
        body = b"".join(chunks)
        if declared and declared.isdigit() and len(body) < int(declared):
            raise http.client.IncompleteRead(body, int(declared) - len(body))
        return body
