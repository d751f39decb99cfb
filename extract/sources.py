"""The registry of news sites (YAML) and the discovery of their article URLs.

A source needs a name and one URL (its homepage). Feeds are found from the homepage's
<link rel="alternate">, from robots.txt Sitemap: lines, or given; listing pages are followed
through their pagination.

Every entry of a feed or a sitemap is an article (`is_listed_article`: of the same site, http(s),
not a media file), whatever its URL looks like (/news/12345.html, ?ItemID=1234); only links
picked off listing pages must look like articles (`looks_like_article`: a headline slug, or the
source's `article_pattern`). Feeds are read with feedparser, which reads through stray `&` and
HTML entities; sitemaps (also gzip-compressed, .xml.gz) with an XML parser that recovers from
the same faults.
"""

from __future__ import annotations

import logging
import os
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import feedparser
import yaml
from bs4 import BeautifulSoup
from lxml import etree

from extract.fetch import HttpClient, Site, decode_html, gunzip_capped, site_host

# The sitemap protocol's own limit on one sitemap file, unpacked.
SITEMAP_MAX_BYTES = 50 * 1024 * 1024
_MEDIA = re.compile(r"\.(?:jpe?g|png|gif|webp|svg|bmp|ico|pdf|docx?|xlsx?|pptx?|mp4|m4v|webm|mov|avi|mp3|m4a|wav|ogg|zip|rar|7z|gz|xml|rss|atom|json|css|js)$", re.I)

log = logging.getLogger(__name__)

# Parameters that only say where a reader came from (Zalo adds zarsrc and gidzl, Facebook fbclid):
# dropped, so that one page has one URL.
_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|gclsrc|dclid|msclkid|yclid|igshid|mc_cid|mc_eid|_ga|zarsrc|gidzl|ref|source)$", re.I)
_SOURCE_KEYS = {"name", "homepage", "province", "feeds", "listings", "article_pattern", "domains", "until"}


@dataclass(frozen=True)
class Source:
    name: str
    homepage: str
    province: str | None = None
    feeds: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    article_pattern: str | None = None  # optional per-site hint: a regex that article URLs match
    domains: tuple[str, ...] = ()  # other hosts of the outlet (an old domain, a mobile edition)
    # `province: null` in the registry: a national outlet, with no place of its own. Without a
    # `province` key the outlet's place is not known and is read from its host (extract.outlets).
    national: bool = False
    until: date | None = None  # the last day the outlet covered its province (outlets merged in July 2025)


@dataclass
class Discovery:
    source: str
    urls: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    site: Site | None = None  # the source's hosts as found (its homepage may have moved)


def source_site(source: Source) -> Site:
    """Where the source's requests and redirects may go: its homepage's host, its listed aliases
    (`domains`) and the hosts of its given feeds and listings."""
    aliases = [f"http://{d}/" for d in source.domains]
    return Site.of_homepage(source.homepage, [*aliases, *source.feeds, *source.listings])


def _expand(value: str) -> str:
    expanded = os.path.expandvars(value)
    if "${" in expanded:
        raise ValueError(f"unset environment variable in sources file: {value!r}")
    return expanded


def _date(value: object, path: Path, name: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValueError(f"{path}: source {name!r}: until must be a date (YYYY-MM-DD), got {value!r}") from None


def load_sources(path: Path) -> list[Source]:
    if not path.exists():
        raise FileNotFoundError(f"sources file not found: {path} (set ASXH_SOURCES)")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not isinstance(data.get("sources", []), list):
        raise ValueError(f"{path}: expected a mapping with a list under 'sources:'")
    sources = []
    for i, entry in enumerate(data.get("sources") or []):
        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("homepage"):
            raise ValueError(f"{path}: source #{i + 1} needs a name and a homepage")
        # A misspelt key ("feed:", "listing:") would otherwise be dropped without a word.
        unknown = set(entry) - _SOURCE_KEYS
        if unknown:
            raise ValueError(f"{path}: source {entry['name']!r} has unknown keys {sorted(unknown)} (known: {sorted(_SOURCE_KEYS)})")
        homepage = _expand(entry["homepage"])
        if urllib.parse.urlsplit(homepage).scheme not in ("http", "https"):
            raise ValueError(f"{path}: source {entry['name']!r}: homepage must be an http(s) URL, got {homepage!r}")
        sources.append(
            Source(
                name=entry["name"],
                homepage=homepage,
                province=entry.get("province"),
                national="province" in entry and entry["province"] is None,
                # "feeds:" left empty in YAML is None, not a list
                feeds=tuple(_expand(u) for u in entry.get("feeds") or []),
                listings=tuple(_expand(u) for u in entry.get("listings") or []),
                article_pattern=entry.get("article_pattern"),
                domains=tuple(str(d).lower() for d in entry.get("domains") or []),
                until=_date(entry.get("until"), path, entry["name"]),
            )
        )
    names = [s.name for s in sources]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{path}: source names must be unique; repeated: {duplicates}")
    return sources


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case scheme and host, no default port, no fragment, no
    tracking parameters, the other parameters sorted.

    Kept parameters keep their spelling: re-encoding them would change URLs such as
    "index.php?/news/abc" that the server reads as they are.
    """
    parts = urllib.parse.urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc = parts.netloc.lower()
    if (scheme, netloc.rsplit(":", 1)[-1]) in (("http", "80"), ("https", "443")):
        netloc = netloc.rsplit(":", 1)[0]
    kept = [p for p in parts.query.split("&") if p and not _TRACKING.match(urllib.parse.unquote_plus(p.split("=", 1)[0]))]
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    return urllib.parse.urlunsplit((scheme, netloc, path, "&".join(sorted(kept)), ""))


_site_host = site_host


def page_key(source: Source, url: str) -> str:
    """A page's identity: its source and its path on the source's site.

    The host is left out on purpose, so that a site that moves host (a newspaper's new domain,
    or the demo site on another free port) keeps its pages' identities and nothing is fetched,
    extracted or counted twice.
    """
    parts = urllib.parse.urlsplit(canonical_url(url))
    home = urllib.parse.urlsplit(canonical_url(source.homepage))
    if _site_host(parts.netloc) != _site_host(home.netloc):
        return f"{source.name}:{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")
    return f"{source.name}:{parts.path}" + (f"?{parts.query}" if parts.query else "")


def _on_site(parts: urllib.parse.SplitResult, source: Source, site_hosts) -> bool:
    hosts = {_site_host(urllib.parse.urlsplit(source.homepage).netloc)} | {_site_host(h) for h in site_hosts or ()}
    hosts |= {_site_host(d) for d in source.domains}
    return parts.scheme in ("http", "https") and _site_host(parts.netloc) in hosts


def is_listed_article(url: str, source: Source, site_hosts: set[str] | None = None) -> bool:
    """Whether an entry of a feed or sitemap is an article to fetch: a feed lists articles, so any
    http(s) page of the source's own site will do, except its homepage and listings (a sitemap
    lists those too) and media files."""
    parts = urllib.parse.urlsplit(url)
    if not _on_site(parts, source, site_hosts):
        return False
    if parts.path in ("", "/") and not parts.query:
        return False
    own_pages = {urllib.parse.urlsplit(canonical_url(u))[2:4] for u in (source.homepage, *source.listings)}
    if urllib.parse.urlsplit(canonical_url(url))[2:4] in own_pages:
        return False
    return not _MEDIA.search(parts.path.rstrip("/").rsplit("/", 1)[-1])


def looks_like_article(url: str, source: Source, site_hosts: set[str] | None = None) -> bool:
    """Whether a link of a listing page is an article of this source: on the source's site and
    with a headline slug (or matching the source's `article_pattern`).

    `site_hosts` are the hosts of the site besides the homepage's (where the homepage redirects
    to, e.g. a merged newspaper's new domain); "www." is ignored.
    """
    parts = urllib.parse.urlsplit(url)
    if not _on_site(parts, source, site_hosts):
        return False
    if source.article_pattern:
        return re.search(source.article_pattern, url) is not None
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if re.search(r"(?:^|[-_/])(?:trang|page|p)[-_]?\d+(?:\.html?)?$", last, re.I):
        return False  # a pagination page
    if re.search(r"\.(?:jpg|jpeg|png|gif|webp|svg|pdf|docx?|xlsx?|mp4|mp3|zip|xml|rss)$", last, re.I):
        return False
    # Vietnamese news URLs carry a slug of the headline: at least four words joined by hyphens.
    return last.count("-") >= 3


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


_SITEMAP_ROOT = re.compile(r"<(?:[\w.-]+:)?(urlset|sitemapindex)[\s>]")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _as_text(xml_text: str | bytes) -> str:
    return decode_html(xml_text) if isinstance(xml_text, bytes) else xml_text


def is_sitemap(xml_text: str | bytes) -> bool:
    return _SITEMAP_ROOT.search(_as_text(xml_text)[:4096]) is not None


def _parse_xml(xml_text: str | bytes) -> ET.Element:
    """A sitemap's root element. Text is parsed as text (an <?xml encoding="..."?> declaration of
    another charset must not re-decode it); a sitemap with a stray `&` or an HTML entity is read
    by lxml's recovering parser rather than lost whole."""
    text = _as_text(xml_text)
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        strict_error = exc
    body = _XML_DECLARATION.sub("", text, count=1).encode("utf-8")
    root = etree.fromstring(body, etree.XMLParser(recover=True, encoding="utf-8", resolve_entities=False, no_network=True))
    if root is None or _local(root.tag) not in ("urlset", "sitemapindex"):
        raise ValueError(f"not a well-formed feed: {strict_error}")
    return root


def _lastmod(text: str | None) -> date | None:
    """A sitemap <lastmod> (W3C datetime: a day, or a day and time with a zone) as a day."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None


def sitemap_entries(xml_text: str | bytes) -> list[tuple[str, date | None]]:
    """(loc, lastmod) of each <url> of a sitemap, or of each <sitemap> of a sitemap index."""
    root = _parse_xml(xml_text)
    out = []
    for el in root:
        if _local(el.tag) not in ("url", "sitemap"):
            continue
        loc = next((c.text.strip() for c in el if _local(c.tag) == "loc" and (c.text or "").strip()), None)
        if loc:
            out.append((loc, _lastmod(next((c.text for c in el if _local(c.tag) == "lastmod"), None))))
    return out


def _read_feed(xml_text: str | bytes):
    """A feed read by feedparser; ValueError when it is no feed at all."""
    text = _as_text(xml_text)
    # Given as text: the declaration's charset is dropped and UTF-8 said, so nothing is decoded twice.
    body = _XML_DECLARATION.sub("", text, count=1).encode("utf-8")
    parsed = feedparser.parse(body, response_headers={"content-type": "application/xml; charset=utf-8"})
    if not parsed.get("version") and not parsed.entries:
        reason = parsed.get("bozo_exception") or "no RSS or Atom feed found"
        raise ValueError(f"not a well-formed feed: {reason}")
    return parsed


def parse_feed(xml_text: str | bytes) -> list[str]:
    """Links of an RSS or Atom feed (feedparser), or of an XML sitemap (including news sitemaps).

    For a sitemap index these are the child sitemaps (see sitemap_children).
    """
    if is_sitemap(xml_text):
        return [loc for loc, _ in sitemap_entries(xml_text)]
    links = []
    for entry in _read_feed(xml_text).entries:
        # feedparser gives an item's <link>, an Atom entry's rel="alternate" link, or a permalink
        # <guid> when the item has no <link> (some feeds put the article URL only there).
        link = (entry.get("link") or "").strip()
        if link:
            links.append(link)
    return links


def sitemap_children(xml_text: str | bytes) -> list[str]:
    """The sitemaps listed by a sitemap index (<sitemapindex><sitemap><loc>); [] for anything else."""
    if not is_sitemap(xml_text):
        return []
    root = _parse_xml(xml_text)
    if _local(root.tag) != "sitemapindex":
        return []
    return [loc for loc, _ in sitemap_entries(xml_text)]


def validate_feed(xml_text: str) -> None:
    """Raises ValueError when the text is neither a sitemap nor a feed."""
    if is_sitemap(xml_text):
        _parse_xml(xml_text)
    else:
        _read_feed(xml_text)


def feed_links_in_html(html: str, base: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    out = []
    for link in soup.find_all("link", href=True):
        rel = " ".join(link.get("rel") or []).lower()
        kind = (link.get("type") or "").lower()
        if "alternate" in rel and ("rss" in kind or "atom" in kind):
            out.append(urllib.parse.urljoin(base, link["href"]))
    return out


# The whole text of a "next page" link: "Trang sau", "Tiếp", "Tiếp theo", "Sau", "Next", with or
# without an arrow, or an arrow alone. Matched in full, so that a headline such as "Tiếp sức ..."
# or a "Xem tất cả tin ... »" link is not taken for pagination.
_NEXT_TEXT = re.compile(r"^\s*(?:(?:trang sau|trang tiếp|tiếp theo|tiếp|sau|next)\s*[›»>]*|[›»>])\s*$", re.I)


def page_links(html: str, base: str) -> tuple[list[str], str | None]:
    """All links of a listing page and its next page (rel=next or a "Trang sau" link)."""
    soup = BeautifulSoup(html, "html.parser")
    links = [urllib.parse.urljoin(base, a["href"]) for a in soup.find_all("a", href=True)]
    nxt = soup.find(["a", "link"], rel=lambda r: r is not None and "next" in r.lower().split(), href=True)
    if nxt is None:
        nxt = next((a for a in soup.find_all("a", href=True) if _NEXT_TEXT.match(a.get_text(" ", strip=True))), None)
    return links, (urllib.parse.urljoin(base, nxt["href"]) if nxt else None)


def discover(
    source: Source, client: HttpClient, max_listing_pages: int, validators: dict[str, dict] | None = None
) -> Discovery:
    """Article URLs of one source, canonical, in the order found; errors are recorded, not raised.

    Requests are bounded: the homepage, the feeds (with at most max_listing_pages child sitemaps
    of a sitemap index) and at most max_listing_pages pages of each listing, none fetched twice.
    Feeds and listing pages are asked for conditionally (ETag, Last-Modified) with the
    `validators` of the previous run, which this call updates: an unchanged one costs the server
    a 304 and brings nothing new.
    """
    validators = validators if validators is not None else {}
    found = Discovery(source.name, site=source_site(source))
    client.add_site(found.site)
    seen: set[str] = set()
    site_hosts: set[str] = set(found.site.hosts)

    def add(url: str, listed: bool = False) -> None:
        url = canonical_url(url)
        if url in seen:
            return
        if is_listed_article(url, source, site_hosts) if listed else looks_like_article(url, source, site_hosts):
            seen.add(url)
            found.urls.append(url)

    homepage_html = None
    home = client.get(source.homepage)
    if home.ok:
        homepage_html = decode_html(home.body, home.headers.get("content-type"))
        if home.final_url:
            # The homepage may redirect (to https, to www., to a merged newspaper's new domain):
            # the links found there are the site's own, and so are redirects to that host.
            site_hosts.add(urllib.parse.urlsplit(home.final_url).netloc)
            found.site = found.site.with_host(home.final_url)
            client.add_site(found.site)
    else:
        found.errors.append(f"{source.homepage}: {home.error}")

    feeds = list(source.feeds)
    if not feeds and homepage_html:
        feeds = feed_links_in_html(homepage_html, home.final_url or source.homepage)
    if not feeds and not source.listings:
        # Sitemap: lines should be absolute URLs; a relative one is read against the homepage.
        feeds = [urllib.parse.urljoin(source.homepage, u) for u in client.sitemaps(source.homepage)]
    child_sitemaps: list[str] = []
    for feed in feeds:
        text = _fetch_feed(feed, client, found, validators)
        if text is None:
            continue
        children = sitemap_children(text)
        if children:
            # A news site's sitemap index lists one sitemap per day or month, often thousands:
            # a few are enough, the news sitemap first.
            child_sitemaps.extend(sorted(children, key=lambda u: "news" not in u.lower()))
            continue
        for link in parse_feed(text):
            add(link, listed=True)
    for sitemap in child_sitemaps[:max_listing_pages]:
        text = _fetch_feed(sitemap, client, found, validators)
        if text is not None and not sitemap_children(text):  # one level of index is enough
            for link in parse_feed(text):
                add(link, listed=True)

    listings = list(source.listings) or ([source.homepage] if homepage_html else [])
    visited: set[str] = set()  # listing pages fetched, so that two listings sharing pages fetch them once
    for listing in listings:
        url: str | None = listing
        for _ in range(max_listing_pages):
            if url is None or canonical_url(url) in visited:
                break
            visited.add(canonical_url(url))
            if url == source.homepage and homepage_html is not None:
                html, base = homepage_html, home.final_url or url
            else:
                result = _conditional_get(client, url, validators)
                if result.not_modified:
                    break  # unchanged since the last run: nothing new on it or after it
                if not result.ok:
                    found.errors.append(f"{url}: {result.error}")
                    break
                html, base = decode_html(result.body, result.headers.get("content-type")), result.final_url or url
            links, url = page_links(html, base)
            for link in links:
                add(link)
    return found


def _conditional_get(client: HttpClient, url: str, validators: dict[str, dict]):
    """GET with the validators the server gave last time; remember the ones it gives now."""
    known = validators.get(url, {})
    result = client.get(url, etag=known.get("etag"), last_modified=known.get("last_modified"))
    if result.ok and (result.headers.get("etag") or result.headers.get("last-modified")):
        validators[url] = {"etag": result.headers.get("etag"), "last_modified": result.headers.get("last-modified")}
    return result


def feed_text(body: bytes, content_type: str | None = None) -> str:
    """A feed's or sitemap's text: a gzip file (sitemap.xml.gz) unpacked first, within the sitemap
    protocol's size limit (ValueError beyond it)."""
    if body[:2] == b"\x1f\x8b":
        body = gunzip_capped(body, SITEMAP_MAX_BYTES)
        content_type = None  # the gzip file's type says nothing of the text's charset
    return decode_html(body, content_type)


def fetch_feed(url: str, client: HttpClient, errors: list[str], validators: dict[str, dict] | None = None) -> str | None:
    """A feed's or sitemap's text, checked to be a feed or sitemap; None when it is unchanged since
    the last run, or (with the error noted in `errors`) when it cannot be had."""
    result = _conditional_get(client, url, validators if validators is not None else {})
    if result.not_modified:
        return None
    if not result.ok:
        errors.append(f"{url}: {result.error}")
        return None
    try:
        text = feed_text(result.body, result.headers.get("content-type"))
        validate_feed(text)
    except ValueError as exc:
        errors.append(f"{url}: {exc}")
        return None
    return text


def _fetch_feed(url: str, client: HttpClient, found: Discovery, validators: dict[str, dict]) -> str | None:
    return fetch_feed(url, client, found.errors, validators)
