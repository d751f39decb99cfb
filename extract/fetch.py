"""Polite HTTP: robots.txt, a per-host pause, retries with backoff, conditional GET, size caps,
compressed bodies, and redirects followed one hop at a time under the same rules.

Every request says who we are (settings.user_agent). A server that asks us to slow down
(429/503 with Retry-After) is obeyed; a page that is gone (404/410) is not asked for again;
one that failed for a passing reason (timeouts, resets, 5xx) is retried on a later run.

Redirects are followed by hand, not by urllib: each hop must be http(s), stay on the source's
own hosts (its homepage's redirect, its listed aliases, see `Site`), not lead to a private or
link-local address the source does not itself live on, be allowed by that host's robots.txt
(RFC 9309, read with protego), and wait for that host's pause. A refused hop is an error in
words, for the fetch log. One client serves many threads: each host has its own lock, so one
host never has two requests in flight and its pause holds however many workers run.
"""

from __future__ import annotations

import email.utils
import http.client
import ipaddress
import logging
import re
import socket
import string
import threading
import time
import unicodedata
import urllib.error
import urllib.parse
import urllib.request
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime

from protego import Protego

from extract.settings import Settings

log = logging.getLogger(__name__)

MAX_REDIRECTS = 5
REDIRECT_STATUS = {301, 302, 303, 307, 308}
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


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """urllib hands every 3xx back to us (as an HTTPError): HttpClient follows it itself."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


class _TooLarge(Exception):
    pass


class _BadEncoding(Exception):
    pass


def site_host(netloc: str) -> str:
    """The host that names a site: lower case, without "www." (most outlets answer on both)."""
    netloc = netloc.lower()
    return netloc[4:] if netloc.startswith("www.") else netloc


@dataclass(frozen=True)
class Site:
    """Where one source's requests may go: its hosts (netlocs without "www."), and its homepages,
    whose redirect may move the site to a host of its own choosing (a merged newspaper's new
    domain); that host then joins the site (`with_host`)."""

    hosts: frozenset[str]
    homepages: frozenset[str] = frozenset()
    # Hostnames the source itself lives on: their addresses are allowed even when not public
    # (the tests' and the demo's loopback sites); any other private address is refused.
    origins: frozenset[str] = frozenset()

    @classmethod
    def of_url(cls, url: str) -> "Site":
        parts = urllib.parse.urlsplit(url)
        return cls(frozenset({site_host(parts.netloc)}), origins=frozenset({parts.hostname or ""}))

    @classmethod
    def of_homepage(cls, homepage: str, other_urls=()) -> "Site":
        """A source's site: its homepage's host and the hosts of `other_urls` (aliases, feeds)."""
        hosts = {site_host(urllib.parse.urlsplit(u).netloc) for u in (homepage, *other_urls)}
        return cls(frozenset(hosts), frozenset({homepage}), frozenset({urllib.parse.urlsplit(homepage).hostname or ""}))

    def allows(self, url: str) -> bool:
        return site_host(urllib.parse.urlsplit(url).netloc) in self.hosts

    def with_host(self, url: str) -> "Site":
        return Site(self.hosts | {site_host(urllib.parse.urlsplit(url).netloc)}, self.homepages, self.origins)

    def merged(self, other: "Site") -> "Site":
        return Site(self.hosts | other.hosts, self.homepages | other.homepages, self.origins | other.origins)


def decode_body(body: bytes, encoding: str | None, limit: int) -> bytes:
    """A body as sent with Content-Encoding gzip or deflate, decoded, at most `limit` bytes.

    The decoded size is capped while decoding (a few kilobytes of gzip can unpack to gigabytes),
    so a compression bomb costs at most `limit` bytes of memory. Raises _TooLarge past the cap,
    _BadEncoding for an encoding we did not ask for or a damaged stream.
    """
    name = (encoding or "identity").strip().lower()
    if name in ("", "identity"):
        return body
    if name in ("gzip", "x-gzip"):
        wbits_options = [16 + zlib.MAX_WBITS]
    elif name == "deflate":
        # "deflate" is meant to be zlib-wrapped, but many servers send raw deflate.
        wbits_options = [zlib.MAX_WBITS, -zlib.MAX_WBITS]
    else:
        raise _BadEncoding(f"content-encoding {name!r} not supported")
    last_error = None
    for wbits in wbits_options:
        decoder = zlib.decompressobj(wbits)
        try:
            out = decoder.decompress(body, limit + 1)
        except zlib.error as exc:
            last_error = exc
            continue
        if len(out) > limit or decoder.unconsumed_tail:
            raise _TooLarge()
        if not decoder.eof:
            raise _BadEncoding(f"{name} body ends before its end marker (truncated)")
        return out
    raise _BadEncoding(f"{name} body cannot be decoded: {last_error}")


def gunzip_capped(body: bytes, limit: int) -> bytes:
    """A gzip file's content (a sitemap.xml.gz), at most `limit` bytes: ValueError otherwise."""
    try:
        return decode_body(body, "gzip", limit)
    except _TooLarge:
        raise ValueError(f"gzip file larger than {limit} bytes when unpacked") from None
    except _BadEncoding as exc:
        raise ValueError(str(exc)) from None


def _non_public(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global


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


def _same_page(a: str, b: str) -> bool:
    pa, pb = urllib.parse.urlsplit(a), urllib.parse.urlsplit(b)
    return site_host(pa.netloc) == site_host(pb.netloc) and (pa.path or "/") == (pb.path or "/") and pa.query == pb.query


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
        self._robots: dict[str, Protego | None] = {}
        self._robots_unreachable: dict[str, str] = {}  # host -> why its robots.txt could not be read
        self._opener = urllib.request.build_opener(_NoRedirects())
        self._sites: dict[str, Site] = {}  # site host -> the site it belongs to (add_site)
        self._addresses: dict[str, frozenset[str]] = {}  # hostname -> its addresses (DNS, once per run)
        self._guard = threading.Lock()  # guards the dictionaries of locks below
        self._host_locks: dict[str, threading.Lock] = {}
        self._robots_locks: dict[str, threading.Lock] = {}

    # -- sites: where a source's redirects may go

    def add_site(self, site: Site) -> None:
        """Make the client follow redirects among this site's hosts (a source's own)."""
        with self._guard:
            for host in site.hosts:
                known = self._sites.get(host)
                self._sites[host] = known.merged(site) if known else site

    def site_of(self, url: str) -> Site:
        with self._guard:
            return self._sites.get(site_host(urllib.parse.urlsplit(url).netloc)) or Site.of_url(url)

    def _resolve(self, hostname: str) -> frozenset[str]:
        with self._guard:
            known = self._addresses.get(hostname)
        if known is not None:
            return known
        try:
            found = frozenset(info[4][0] for info in socket.getaddrinfo(hostname, None, proto=socket.IPPROTO_TCP))
        except (OSError, UnicodeError):
            found = frozenset()  # the connection fails on its own, with its own error
        with self._guard:
            self._addresses[hostname] = found
        return found

    def _own_addresses(self, site: Site) -> frozenset[str]:
        """The addresses the source itself lives on (its origins' hosts): a loopback test site's."""
        out: set[str] = set()
        for hostname in site.origins:
            out |= self._resolve(hostname)
        return frozenset(out)

    def _private_refusal(self, url: str, site: Site) -> str | None:
        """Why `url` is refused for its address, or None: a private, loopback, link-local or other
        non-public address is allowed only where the source itself lives on it."""
        hostname = urllib.parse.urlsplit(url).hostname or ""
        bad = sorted(a for a in self._resolve(hostname) if _non_public(a))
        if not bad:
            return None
        own = self._own_addresses(site)
        outside = [a for a in bad if a not in own]
        if outside:
            return f"private address refused: {hostname} is {outside[0]}, not the source's own address"
        return None

    def _hop_refusal(self, target: str, site: Site, from_homepage: bool, check_robots: bool = True) -> tuple[str, bool] | None:
        """Why a redirect to `target` is not followed (and whether that may pass), or None."""
        scheme = urllib.parse.urlsplit(target).scheme.lower()
        if scheme not in ("http", "https"):
            return f"redirect to a non-http(s) URL refused: {target}", False
        if not site.allows(target) and not from_homepage:
            return f"redirect to another host refused: {target} (not one of the source's hosts)", False
        private = self._private_refusal(target, site)
        if private:
            return f"redirect refused: {private}", False
        if check_robots and not self.allowed(target):
            unreachable = self._robots_unreachable.get(self._host(target))
            if unreachable:
                return f"redirect to {target}: robots.txt unreachable ({unreachable}); host not crawled this run", True
            return f"redirect to {target} disallowed by robots.txt", False
        return None

    def _lock(self, table: dict[str, threading.Lock], host: str) -> threading.Lock:
        with self._guard:
            lock = table.get(host)
            if lock is None:
                lock = table[host] = threading.Lock()
            return lock

    # -- politeness

    def _host(self, url: str) -> str:
        parts = urllib.parse.urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}"

    def _delay_for(self, host: str) -> float:
        robots = self._robots.get(host)
        crawl_delay = robots.crawl_delay(self.settings.user_agent) if robots else None
        return max(self.settings.request_delay, float(crawl_delay or 0))

    def _wait_turn(self, host: str) -> None:
        """Called with the host's lock held: wait out the host's pause since its last answer."""
        last = self._last_request.get(host)
        if last is not None:
            pause = self._delay_for(host) - (time.monotonic() - last)
            if pause > 0:
                self._sleep(pause)

    def robots(self, url: str) -> Protego | None:
        host = self._host(url)
        with self._lock(self._robots_locks, host):  # one read of a host's robots.txt, however many threads ask
            if host not in self._robots:
                # robots.txt itself is never subject to robots.txt (and checking it would wait on
                # this very lock): its redirects are checked for scheme, host and address only.
                result = self._follow(host + "/robots.txt", {}, Site.of_url(host), check_robots=False)
                parsed = None
                if result.status == 200 and result.body is not None:
                    parsed = Protego.parse(decode_html(result.body, result.headers.get("content-type")))
                elif result.status in (401, 403):
                    # By the robots.txt convention, an access-denied robots.txt means "do not crawl".
                    parsed = Protego.parse("User-agent: *\nDisallow: /\n")
                elif result.retryable:
                    # RFC 9309: a robots.txt that cannot be had for a server or network fault means
                    # "assume complete disallow", for now; the pages are tried again on a later run.
                    self._robots_unreachable[host] = result.error or "unreachable"
                self._robots[host] = parsed
            return self._robots[host]

    def allowed(self, url: str) -> bool:
        robots = self.robots(url)
        if self._host(url) in self._robots_unreachable:
            return False
        return robots is None or robots.can_fetch(url, self.settings.user_agent)

    def sitemaps(self, url: str) -> list[str]:
        robots = self.robots(url)
        return list(robots.sitemaps) if robots else []

    # -- requests

    def get(self, url: str, etag: str | None = None, last_modified: str | None = None) -> FetchResult:
        """GET with robots.txt, the host's pause, retries and checked redirects; never raises for
        network faults. Redirects may go to the hosts of the URL's site (add_site)."""
        if urllib.parse.urlsplit(url).scheme.lower() not in ("http", "https"):
            return FetchResult(url, None, None, error=f"invalid URL: not an http(s) URL: {url}", fetched_at=_now())
        site = self.site_of(url)
        private = self._private_refusal(url, site)
        if private:
            return FetchResult(url, None, None, error=private, fetched_at=_now())
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
        return self._follow(url, headers, site)

    def _follow(self, url: str, headers: dict[str, str], site: Site, check_robots: bool = True) -> FetchResult:
        """The URL, its redirects followed hop by hop, each hop checked (_hop_refusal) and paced."""
        from_homepage = any(_same_page(url, h) for h in site.homepages)
        visited = [url]
        current = url
        for hop in range(MAX_REDIRECTS + 1):
            result = self._get_with_retries(current, headers if hop == 0 else {})
            location = result.headers.get("location") if result.status in REDIRECT_STATUS else None
            if not location:
                if result.status in REDIRECT_STATUS and result.error is None:
                    result.error = f"HTTP {result.status} redirect without a Location"
                result.url = url
                return result
            target = urllib.parse.urljoin(current, location.strip())
            if target in visited or hop == MAX_REDIRECTS:
                break
            refusal = self._hop_refusal(target, site, from_homepage, check_robots)
            if refusal:
                return FetchResult(url, target, result.status, result.headers, error=refusal[0], retryable=refusal[1],
                                   fetched_at=result.fetched_at)
            visited.append(target)
            current = target
        return FetchResult(url, current, result.status, result.headers,
                           error=f"too many redirects (more than {MAX_REDIRECTS}) or a redirect loop", fetched_at=_now())

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
        # The host's lock is held for the pause and the request: one request in flight per host.
        with self._lock(self._host_locks, host):
            if count_turn:
                self._wait_turn(host)
            try:
                return self._request_now(url, headers)
            finally:
                # The pause runs from the end of this request, so the server sees at least the
                # pause between two requests however long an answer took to come.
                self._last_request[host] = time.monotonic()

    def _request_now(self, url: str, headers: dict[str, str]) -> FetchResult:
        fetched_at = _now()
        try:
            request = urllib.request.Request(
                _request_url(url),
                headers={
                    "User-Agent": self.settings.user_agent,
                    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.5",
                    "Accept-Language": "vi,en;q=0.5",
                    "Accept-Encoding": "gzip, deflate",
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
                encoding = response_headers.pop("content-encoding", None)
                if encoding and encoding.strip().lower() != "identity":
                    # Stored decoded; the header is kept under the name web archives use for it.
                    body = decode_body(body, encoding, self.settings.max_page_bytes)
                    response_headers["x-archive-orig-content-encoding"] = encoding
                    response_headers.pop("content-length", None)
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
            if exc.code in REDIRECT_STATUS:
                # Followed (or refused) by _follow, hop by hop.
                return FetchResult(url, exc.geturl(), exc.code, response_headers, fetched_at=fetched_at,
                                   elapsed=time.monotonic() - started)
            reason = f"HTTP {exc.code}"
            return FetchResult(
                url, exc.geturl(), exc.code, response_headers, error=reason,
                retryable=exc.code in RETRYABLE_STATUS, fetched_at=fetched_at,
                elapsed=time.monotonic() - started,
            )
        except _TooLarge:
            return FetchResult(url, None, 200, error=f"page larger than {self.settings.max_page_bytes} bytes", fetched_at=fetched_at)
        except _BadEncoding as exc:
            # A damaged compressed body may be a passing fault (a cut connection): asked again later.
            return FetchResult(url, None, 200, error=f"body not decoded: {exc}", retryable=True, fetched_at=fetched_at)
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
