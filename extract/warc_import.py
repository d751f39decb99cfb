"""WARC files written elsewhere (another crawler's archive of Vietnamese outlets) ingested as if we
had fetched them, so that years of history need no new request to the outlets.

Each `response` (or `resource`) record of an HTML page of a registry source, answered 200, becomes
a page of the raw archive: its body (decoded, whatever Content-Encoding it was sent with) in this
import's WARC file with its headers, and a fetch record dated by the record's WARC-Date. Pages
already archived are not imported twice; records of other hosts, errors, redirects, media and
requests are counted as skipped. A record whose digest does not match its content is an error
naming it, and the import goes on with the next one. Then `asxh process` extracts the pages.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from extract.archive import FetchRecord, RawArchive
from extract.pipeline import FetchHistory, new_run_id
from extract.settings import Settings
from extract.sources import Source, canonical_url, load_sources, page_key, source_site

log = logging.getLogger(__name__)

HTML_TYPES = ("text/html", "application/xhtml+xml")


@dataclass
class ImportResult:
    run_id: str
    files: int = 0
    records: int = 0
    imported: int = 0
    already_archived: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> records
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**asdict(self), "skipped": dict(self.skipped), "errors": self.errors[:20]}


def _source_of(url: str, sources: list[Source]) -> Source | None:
    """The source of a page: one of whose hosts it is on, the one whose homepage's path is the
    longest start of the page's path where several share a host (the demo site's outlets)."""
    path = urllib.parse.urlsplit(url).path or "/"
    best, best_length = None, -1
    for source in sources:
        if not source_site(source).allows(url):
            continue
        home_path = urllib.parse.urlsplit(source.homepage).path or "/"
        length = len(home_path) if path.startswith(home_path) else 0
        if length > best_length:
            best, best_length = source, length
    return best


def _target_uri(record) -> str:
    # WARC 1.0 writers differ: some wrap the URI in <...>.
    return (record.rec_headers.get_header("WARC-Target-URI") or "").strip().strip("<>")


def import_warc(settings: Settings, paths: list[Path]) -> ImportResult:
    archive = RawArchive(settings.raw_dir)
    sources = load_sources(settings.sources_file)
    history = FetchHistory.read(archive)
    result = ImportResult(run_id=f"{new_run_id()}-import")
    with archive.writer(result.run_id) as writer:
        for path in paths:
            path = Path(path)
            if not path.is_file():
                result.errors.append(f"{path}: no such WARC file")
                log.error("import-warc: %s: no such WARC file", path)
                continue
            result.files += 1
            _import_file(path, sources, history, writer, result)
    log.info("import-warc %s: %d pages imported from %d records of %d files, %d already archived, skipped %s, %d errors",
             result.run_id, result.imported, result.records, result.files, result.already_archived,
             dict(result.skipped), len(result.errors))
    return result


def _import_file(path: Path, sources: list[Source], history: FetchHistory, writer, result: ImportResult) -> None:
    with path.open("rb") as fh:
        iterator = ArchiveIterator(fh, check_digests=True)
        try:
            for record in iterator:
                result.records += 1
                _import_record(path, record, sources, history, writer, result)
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as exc:
            # A file cut short or damaged past this point: what was read stays imported.
            message = f"{path}: unreadable after {result.records} records: {exc.__class__.__name__}: {exc}"
            result.errors.append(message)
            log.error("import-warc: %s", message)


def _import_record(path: Path, record, sources, history: FetchHistory, writer, result: ImportResult) -> None:
    kind = record.rec_type
    if kind not in ("response", "resource"):
        result.skipped[f"{kind} record"] += 1
        return
    url = _target_uri(record)
    source = _source_of(url, sources) if url.startswith(("http://", "https://")) else None
    if source is None:
        result.skipped["no source of the registry for its host"] += 1
        return
    if kind == "response":
        if record.http_headers is None:
            result.skipped["response without HTTP headers"] += 1
            return
        status = int(record.http_headers.get_statuscode() or 0)
        content_type = record.http_headers.get_header("Content-Type")
        headers = {k.lower(): v for k, v in record.http_headers.headers}
    else:
        status, content_type = 200, record.rec_headers.get_header("Content-Type")
        headers = {"content-type": content_type} if content_type else {}
    if status != 200:
        result.skipped[f"HTTP {status}"] += 1
        return
    if not content_type or not any(t in content_type.lower() for t in HTML_TYPES):
        result.skipped["not an HTML page"] += 1
        return
    try:
        body = record.content_stream().read()  # Content-Encoding and chunking undone by warcio
    except Exception as exc:  # noqa: BLE001 - zlib errors and the like: one damaged record
        result.errors.append(f"{path} record {result.records} ({url}): content unreadable: {exc.__class__.__name__}: {exc}")
        log.error("import-warc: %s", result.errors[-1])
        return
    if record.digest_checker.passed is False:
        result.errors.append(f"{path} record {result.records} ({url}): damaged: {'; '.join(record.digest_checker.problems)}")
        log.error("import-warc: %s", result.errors[-1])
        return
    if not body.strip():
        result.skipped["empty body"] += 1
        return
    canonical = canonical_url(url)
    key = page_key(source, canonical)
    if not history.claim(key):
        result.already_archived += 1
        return
    warc_date = record.rec_headers.get_header("WARC-Date") or ""
    headers = {k: v for k, v in headers.items() if k not in ("content-encoding", "transfer-encoding", "content-length")}
    fetch = FetchRecord(
        run_id=writer.run_id, source=source.name, kind="article", key=key, url=canonical, final_url=url, status=200,
        fetched_at=warc_date.replace("Z", "+00:00"), sha256=None, error=None, retryable=False,
        etag=headers.get("etag"), last_modified=headers.get("last-modified"), content_type=content_type,
        bytes=len(body), province=source.province,
    )
    writer.add(fetch, body, status_line="200 OK", headers=headers, warc_date=warc_date or None)
    result.imported += 1
