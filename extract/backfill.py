"""History: a source's articles of a past window (`asxh backfill --source NAME --since 2015-01-01`).

A scrape sees what feeds and the first listing pages show: the last days. A backfill walks what
reaches further back: the sitemap index (robots.txt `Sitemap:` lines, the source's feeds, else
/sitemap.xml), reading only the child sitemaps whose `lastmod` is not before `since` (a sitemap
last changed before it can hold nothing newer) and taking the URLs whose `lastmod` lies in the
window (or have none); then the listings, page after page, past the scrape's few pages, until a
listing's articles are older than `since` or it ends.

Each run is bounded (settings.backfill_requests sitemaps and listing pages, max_pages_per_source
articles) and resumable: where it stopped (sitemaps left, listing pages reached, articles found
but not fetched) is kept in raw/backfill/, written after every step, so the next run, or a run
after a kill, goes on from there. Pages go through the same fetcher, archive and fetch log as a
scrape, so nothing already archived is fetched again. An outlet that ended (`until` in the
registry, the outlets merged in July 2025) is walked up to its last day, on its old domains too.
"""

from __future__ import annotations

import json
import logging
import urllib.parse
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

from extract.archive import RawArchive, write_atomic
from extract.fetch import HttpClient, decode_html
from extract.pages import parse_article
from extract.pipeline import FetchHistory, _fetch_article, new_run_id, select_sources
from extract.settings import Settings
from extract.sources import (
    Source,
    canonical_url,
    fetch_feed,
    is_listed_article,
    is_sitemap,
    looks_like_article,
    page_key,
    page_links,
    parse_feed,
    sitemap_children,
    sitemap_entries,
    source_site,
)

log = logging.getLogger(__name__)


@dataclass
class BackfillResult:
    source: str
    since: str
    until: str | None
    run_id: str
    requests: int = 0  # sitemaps and listing pages read this run
    new_pages: int = 0
    failed: int = 0
    pending: int = 0  # articles found and not fetched yet (the next run fetches them)
    finished: bool = False  # nothing left to walk for this window
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**asdict(self), "errors": self.errors[:20]}


@dataclass
class BackfillState:
    """Where a backfill of one source and window stands; JSON in raw/backfill/."""

    source: str
    since: str
    until: str | None
    started: bool = False
    sitemaps: list[str] = field(default_factory=list)  # still to read
    sitemaps_read: list[str] = field(default_factory=list)
    listings: dict[str, str | None] = field(default_factory=dict)  # listing -> its next page to read (None: done)
    listing_pages: dict[str, int] = field(default_factory=dict)  # listing -> pages read
    pending: list[list] = field(default_factory=list)  # [url, listing it came from or None]
    runs: int = 0


def state_path(settings: Settings, source: str, since: date, until: date | None) -> Path:
    return settings.raw_dir / "backfill" / f"{source}_{since.isoformat()}_{until.isoformat() if until else 'open'}.json"


def _load_state(path: Path, source: str, since: date, until: date | None) -> BackfillState:
    if path.exists():
        try:
            return BackfillState(**json.loads(path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError) as exc:
            log.error("backfill state %s unreadable (%s): starting the walk again (archived pages are not fetched again)", path, exc)
    return BackfillState(source, since.isoformat(), until.isoformat() if until else None)


def _save_state(path: Path, state: BackfillState) -> None:
    write_atomic(path, json.dumps(asdict(state), ensure_ascii=False, indent=1).encode("utf-8"))


def _in_window(day: date | None, since: date, until: date | None) -> bool:
    return day is None or (day >= since and (until is None or day <= until))


def backfill(settings: Settings, source_name: str, since: date, until: date | None = None,
             client: HttpClient | None = None) -> BackfillResult:
    (source,) = select_sources(settings, [source_name])
    if source.until and (until is None or until > source.until):
        until = source.until  # the outlet ended that day: nothing of it is newer
    if until is not None and until < since:
        raise ValueError(f"backfill window is empty: since {since} is after until {until}")
    client = client or HttpClient(settings)
    archive = RawArchive(settings.raw_dir)
    history = FetchHistory.read(archive)
    path = state_path(settings, source.name, since, until)
    state = _load_state(path, source.name, since, until)
    state.runs += 1
    result = BackfillResult(source.name, since.isoformat(), until.isoformat() if until else None, f"{new_run_id()}-backfill")
    client.add_site(source_site(source))
    if not state.started:
        state.sitemaps = _sitemap_roots(source, client)
        state.listings = {listing: listing for listing in (source.listings or (source.homepage,))}
        state.started = True
        _save_state(path, state)
    known = {u for u, _ in state.pending}
    with archive.writer(result.run_id) as writer:
        fetched = 0
        while True:
            # Articles first (found earlier, maybe by a run that stopped), then one more step of the walk.
            while state.pending and fetched < settings.max_pages_per_source:
                url, listing = state.pending[0]
                key = page_key(source, url)
                if history.claim(key):
                    fetched += 1
                    record = _fetch_article(client, writer, writer.run_id, source, url)
                    if record.ok:
                        result.new_pages += 1
                        if listing and _older_than(archive.read(record), since):
                            # A listing runs newest first: past `since`, its next pages are older still.
                            log.info("backfill %s: listing %s reached articles before %s", source.name, listing, since)
                            state.listings[listing] = None
                    else:
                        result.failed += 1
                        result.errors.append(f"{url}: {record.error}")
                state.pending.pop(0)
                _save_state(path, state)
            if fetched >= settings.max_pages_per_source or result.requests >= settings.backfill_requests:
                break
            if not _walk_one_step(source, client, state, since, until, history, known, result):
                break
            _save_state(path, state)
    result.pending = len(state.pending)
    result.finished = not state.pending and not state.sitemaps and not any(state.listings.values())
    _save_state(path, state)
    for error in result.errors:
        log.error("backfill %s: %s", source.name, error)
    log.info("backfill %s %s..%s: %d new pages, %d failed, %d requests, %d pending, %s",
             source.name, since, until or "today", result.new_pages, result.failed, result.requests, result.pending,
             "finished" if result.finished else "to be continued by the next run")
    return result


def _sitemap_roots(source: Source, client: HttpClient) -> list[str]:
    feeds = list(source.feeds) + [urllib.parse.urljoin(source.homepage, u) for u in client.sitemaps(source.homepage)]
    if not feeds:
        feeds = [urllib.parse.urljoin(source.homepage, "/sitemap.xml")]
    return list(dict.fromkeys(feeds))


def _walk_one_step(source: Source, client: HttpClient, state: BackfillState, since: date, until: date | None,
                   history: FetchHistory, known: set[str], result: BackfillResult) -> bool:
    """Read one sitemap or one listing page, adding the articles it gives to state.pending.
    False when there is nothing left to read."""

    def add(url: str, listing: str | None) -> None:
        url = canonical_url(url)
        if url not in known and history.should_fetch(page_key(source, url)):
            known.add(url)
            state.pending.append([url, listing])

    if state.sitemaps:
        sitemap = state.sitemaps.pop(0)
        state.sitemaps_read.append(sitemap)
        result.requests += 1
        text = fetch_feed(sitemap, client, result.errors)
        if text is None:
            return True
        if not is_sitemap(text):  # an RSS or Atom feed among the source's feeds: its items
            for link in parse_feed(text):
                if is_listed_article(canonical_url(link), source):
                    add(link, None)
            return True
        entries = sitemap_entries(text)
        if sitemap_children(text):
            # Children last changed before `since` hold nothing newer: not read at all.
            children = [loc for loc, lastmod in entries if lastmod is None or lastmod >= since]
            new = [c for c in children if c not in state.sitemaps_read and c not in state.sitemaps]
            state.sitemaps.extend(new)
            return True
        for loc, lastmod in entries:
            if _in_window(lastmod, since, until) and is_listed_article(canonical_url(loc), source):
                add(loc, None)
        return True
    for listing, page in state.listings.items():
        if page is None:
            continue
        result.requests += 1
        fetched = client.get(page)
        state.listing_pages[listing] = state.listing_pages.get(listing, 0) + 1
        if not fetched.ok:
            result.errors.append(f"{page}: {fetched.error}")
            state.listings[listing] = None
            return True
        links, next_page = page_links(decode_html(fetched.body, fetched.headers.get("content-type")), fetched.final_url or page)
        for link in links:
            if looks_like_article(canonical_url(link), source):
                add(link, listing)
        state.listings[listing] = next_page if next_page and canonical_url(next_page) != canonical_url(page) else None
        return True
    return False


def _older_than(body: bytes, since: date) -> bool:
    published = parse_article(decode_html(body)).published
    return published is not None and published < since
