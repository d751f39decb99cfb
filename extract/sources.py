"""The registry of news sites (YAML) and the discovery of their article URLs.

A source needs a name and one URL (its homepage). Feeds are found from the homepage's
<link rel="alternate">, from robots.txt Sitemap: lines, or given; listing pages are followed
through their pagination. Only links that look like articles of the same site are kept.
"""

from __future__ import annotations

import logging
import os
import re
import urllib.parse
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from bs4 import BeautifulSoup

from extract.fetch import HttpClient, decode_html

log = logging.getLogger(__name__)

_TRACKING = re.compile(r"^(?:utm_\w+|fbclid|gclid|zarsrc|ref|source)$", re.I)


@dataclass(frozen=True)
class Source:
    name: str
    homepage: str
    province: str | None = None
    feeds: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    article_pattern: str | None = None  # optional per-site hint: a regex that article URLs match


@dataclass
class Discovery:
    source: str
    urls: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def _expand(value: str) -> str:
    expanded = os.path.expandvars(value)
    if "${" in expanded:
        raise ValueError(f"unset environment variable in sources file: {value!r}")
    return expanded


def load_sources(path: Path) -> list[Source]:
    if not path.exists():
        raise FileNotFoundError(f"sources file not found: {path} (set ASXH_SOURCES)")
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    sources = []
    for i, entry in enumerate(data.get("sources", [])):
        if not entry.get("name") or not entry.get("homepage"):
            raise ValueError(f"{path}: source #{i + 1} needs a name and a homepage")
        sources.append(
            Source(
                name=entry["name"],
                homepage=_expand(entry["homepage"]),
                province=entry.get("province"),
                feeds=tuple(_expand(u) for u in entry.get("feeds", [])),
                listings=tuple(_expand(u) for u in entry.get("listings", [])),
                article_pattern=entry.get("article_pattern"),
            )
        )
    names = [s.name for s in sources]
    if len(names) != len(set(names)):
        raise ValueError(f"{path}: source names must be unique")
    return sources


def canonical_url(url: str) -> str:
    """One spelling per page: lower-case host, no fragment, no tracking parameters."""
    parts = urllib.parse.urlsplit(url.strip())
    query = urllib.parse.urlencode(
        sorted((k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if not _TRACKING.match(k))
    )
    path = re.sub(r"/{2,}", "/", parts.path) or "/"
    return urllib.parse.urlunsplit((parts.scheme.lower(), parts.netloc.lower(), path, query, ""))


def page_key(source: Source, url: str) -> str:
    """A page's identity: its source and its path on the source's site.

    The host is left out on purpose, so that a site that moves host (a newspaper's new domain,
    or the demo site on another free port) keeps its pages' identities and nothing is fetched,
    extracted or counted twice.
    """
    parts = urllib.parse.urlsplit(canonical_url(url))
    home = urllib.parse.urlsplit(canonical_url(source.homepage))
    if parts.netloc != home.netloc:
        return f"{source.name}:{parts.netloc}{parts.path}" + (f"?{parts.query}" if parts.query else "")
    return f"{source.name}:{parts.path}" + (f"?{parts.query}" if parts.query else "")


def looks_like_article(url: str, source: Source) -> bool:
    if source.article_pattern:
        return re.search(source.article_pattern, url) is not None
    parts = urllib.parse.urlsplit(url)
    if parts.netloc.lower() != urllib.parse.urlsplit(source.homepage).netloc.lower():
        return False
    last = parts.path.rstrip("/").rsplit("/", 1)[-1]
    if re.search(r"(?:^|[-_/])(?:trang|page|p)[-_]?\d+(?:\.html?)?$", last, re.I):
        return False  # a pagination page
    if re.search(r"\.(?:jpg|jpeg|png|gif|pdf|docx?|xlsx?|mp4|mp3|zip|xml|rss)$", last, re.I):
        return False
    # Vietnamese news URLs carry a slug of the headline: at least four words joined by hyphens.
    return last.count("-") >= 3


def parse_feed(xml_text: str) -> list[str]:
    """Links of an RSS 2.0 or Atom feed, or of an XML sitemap (including news sitemaps)."""
    try:
        root = ET.fromstring(xml_text.encode("utf-8") if isinstance(xml_text, str) else xml_text)
    except ET.ParseError as exc:
        raise ValueError(f"not a well-formed feed: {exc}") from exc
    links: list[str] = []
    for el in root.iter():
        tag = el.tag.rsplit("}", 1)[-1]
        if tag == "item":
            link = next((c for c in el if c.tag.rsplit("}", 1)[-1] == "link"), None)
            if link is not None and (link.text or "").strip():
                links.append(link.text.strip())
        elif tag == "entry":
            for c in el:
                if c.tag.rsplit("}", 1)[-1] == "link" and c.get("rel", "alternate") == "alternate" and c.get("href"):
                    links.append(c.get("href"))
        elif tag in ("url", "sitemap"):
            loc = next((c for c in el if c.tag.rsplit("}", 1)[-1] == "loc"), None)
            if loc is not None and (loc.text or "").strip():
                links.append(loc.text.strip())
    return links


def feed_links_in_html(html: str, base: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    out = []
    for link in soup.find_all("link", href=True):
        rel = " ".join(link.get("rel") or []).lower()
        kind = (link.get("type") or "").lower()
        if "alternate" in rel and ("rss" in kind or "atom" in kind):
            out.append(urllib.parse.urljoin(base, link["href"]))
    return out


def page_links(html: str, base: str) -> tuple[list[str], str | None]:
    """All links of a listing page and its next page (rel=next or a "Trang sau" link)."""
    soup = BeautifulSoup(html, "html.parser")
    links = [urllib.parse.urljoin(base, a["href"]) for a in soup.find_all("a", href=True)]
    nxt = soup.find(["a", "link"], rel=lambda r: r and "next" in r, href=True)
    if nxt is None:
        nxt = soup.find("a", string=re.compile(r"Trang sau|Tiếp|Sau\s*»|›|»", re.I), href=True)
    return links, (urllib.parse.urljoin(base, nxt["href"]) if nxt else None)


def discover(source: Source, client: HttpClient, max_listing_pages: int) -> Discovery:
    """Article URLs of one source, canonical, in the order found; errors are recorded, not raised."""
    found = Discovery(source.name)
    seen: set[str] = set()

    def add(url: str) -> None:
        url = canonical_url(url)
        if url not in seen and looks_like_article(url, source):
            seen.add(url)
            found.urls.append(url)

    homepage_html = None
    home = client.get(source.homepage)
    if home.ok:
        homepage_html = decode_html(home.body, home.headers.get("content-type"))
    else:
        found.errors.append(f"{source.homepage}: {home.error}")

    feeds = list(source.feeds)
    if not feeds and homepage_html:
        feeds = feed_links_in_html(homepage_html, home.final_url or source.homepage)
    if not feeds and not source.listings:
        feeds = client.sitemaps(source.homepage)
    for feed in feeds:
        result = client.get(feed)
        if not result.ok:
            found.errors.append(f"{feed}: {result.error}")
            continue
        try:
            for link in parse_feed(decode_html(result.body, result.headers.get("content-type"))):
                if link.endswith(".xml") and "sitemap" in link:
                    continue  # a sitemap index entry: one level is enough for a news site
                add(link)
        except ValueError as exc:
            found.errors.append(f"{feed}: {exc}")

    listings = list(source.listings) or ([source.homepage] if homepage_html else [])
    for listing in listings:
        url: str | None = listing
        for _ in range(max_listing_pages):
            if url is None:
                break
            if url == source.homepage and homepage_html is not None:
                html, base = homepage_html, home.final_url or url
            else:
                result = client.get(url)
                if not result.ok:
                    found.errors.append(f"{url}: {result.error}")
                    break
                html, base = decode_html(result.body, result.headers.get("content-type")), result.final_url or url
            links, url = page_links(html, base)
            for link in links:
                add(link)
    return found
