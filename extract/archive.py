"""The raw archive: every fetched response, with its HTTP headers, in gzip WARC files (ISO 28500,
written and read with warcio), never changed; and the fetch log: one JSON line per request (URL,
final URL, status, time, reason, and where its response lies in which WARC file).

A run appends to its own WARC file and its own fetch log as it fetches (ArchiveWriter): each page's
WARC record, then its log line, each flushed at once, so a kill loses at most the page in flight
(a torn last line or record is skipped when read, and that page is fetched again). Every stored
body is read back with its SHA-256 checked against the fetch log: a damaged page is an error that
names it, never an empty or wrong page. Extraction reads only this archive, so it can be re-run at
any time without the network.

Archives written before the WARC files kept each body alone, by its SHA-256, under pages/; they
are still read (a fetch record without `warc_file`).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import logging
import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

log = logging.getLogger(__name__)


class ArchiveError(Exception):
    """An archived page that cannot be read back as it was stored."""


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@dataclass
class FetchRecord:
    run_id: str
    source: str
    kind: str  # "article" (listing pages and feeds are not logged: they change every run)
    key: str  # the page's identity: source and path (sources.page_key)
    url: str  # canonical URL as discovered
    final_url: str | None
    status: int | None
    fetched_at: str
    sha256: str | None  # the stored body, if any
    error: str | None
    retryable: bool
    etag: str | None = None
    last_modified: str | None = None
    content_type: str | None = None
    bytes: int | None = None
    province: str | None = None
    warc_file: str | None = None  # the WARC file (relative to raw/) that holds the response
    warc_offset: int | None = None  # where its record starts in that file

    @property
    def ok(self) -> bool:
        return self.sha256 is not None and self.error is None


_RECORD_FIELDS = {f.name for f in fields(FetchRecord)}


def _sha256_label(digest_hex: str) -> str:
    return "sha256:" + base64.b32encode(bytes.fromhex(digest_hex)).decode("ascii")


class RawArchive:
    def __init__(self, raw_dir: Path):
        self.raw_dir = raw_dir
        self.pages_dir = raw_dir / "pages"  # the layout before WARC: read, and written by store()
        self.warc_dir = raw_dir / "warc"
        self.log_dir = raw_dir / "fetch_log"

    def page_path(self, sha256: str) -> Path:
        return self.pages_dir / sha256[:2] / f"{sha256}.html"

    def store(self, body: bytes) -> str:
        """A body alone, by its SHA-256 (the layout before WARC; ArchiveWriter writes WARC)."""
        digest = hashlib.sha256(body).hexdigest()
        path = self.page_path(digest)
        if not path.exists():
            write_atomic(path, body)
        return digest

    def writer(self, run_id: str) -> "ArchiveWriter":
        return ArchiveWriter(self, run_id)

    def read(self, ref: "FetchRecord | str") -> bytes:
        """The stored body of a fetch record (or of the newest record with this SHA-256), its
        SHA-256 checked. Raises ArchiveError naming the page when it cannot be read as stored."""
        record = ref if isinstance(ref, FetchRecord) else self._record_with_sha(ref)
        if record.warc_file is None:
            try:
                body = self.page_path(record.sha256).read_bytes()
            except OSError as exc:
                raise ArchiveError(f"archived page {record.url}: {exc.__class__.__name__}: {exc}") from None
        else:
            body = self._read_warc_body(record)
        digest = hashlib.sha256(body).hexdigest()
        if digest != record.sha256:
            raise ArchiveError(f"archived page {record.url} is damaged: SHA-256 {digest[:12]}… instead of "
                               f"{record.sha256[:12]}… ({record.warc_file or self.page_path(record.sha256)})")
        return body

    def _record_with_sha(self, sha256: str) -> FetchRecord:
        found = None
        for record in self.records():
            if record.sha256 == sha256:
                found = record
        if found is None:
            # Bodies stored alone by store() may have no fetch record (yet): read by their name.
            return FetchRecord("", "", "article", "", self.page_path(sha256).name, None, None, "", sha256, None, False)
        return found

    def _read_warc_body(self, record: FetchRecord) -> bytes:
        path = self.raw_dir / record.warc_file
        where = f"{record.warc_file} at offset {record.warc_offset}"
        try:
            with path.open("rb") as fh:
                fh.seek(record.warc_offset or 0)
                warc_record = next(iter(ArchiveIterator(fh, check_digests="raise")), None)
                if warc_record is None:
                    raise ArchiveError(f"archived page {record.url}: no WARC record in {where}")
                body = warc_record.content_stream().read()
        except ArchiveError:
            raise
        except (OSError, ArchiveLoadFailed, EOFError, ValueError) as exc:
            raise ArchiveError(f"archived page {record.url} cannot be read from {where}: "
                               f"{exc.__class__.__name__}: {exc}") from None
        except Exception as exc:  # zlib.error and the like from a damaged gzip member
            raise ArchiveError(f"archived page {record.url} is damaged in {where}: {exc.__class__.__name__}: {exc}") from None
        return body

    def write_log(self, run_id: str, records: list[FetchRecord]) -> Path | None:
        """One file per run, written whole (the layout before ArchiveWriter's appends); a run that
        fetched nothing writes nothing."""
        if not records:
            return None
        path = self.log_dir / f"{run_id}.jsonl"
        lines = "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in records)
        write_atomic(path, lines.encode("utf-8"))
        return path

    def validators(self) -> dict[str, dict]:
        """ETag and Last-Modified of the feeds and listing pages, as their servers last gave them."""
        path = self.raw_dir / "http_validators.json"
        if not path.exists():
            return {}
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return {}  # a damaged cache only costs full requests

    def save_validators(self, validators: dict[str, dict]) -> None:
        write_atomic(self.raw_dir / "http_validators.json", json.dumps(validators, ensure_ascii=False, indent=1).encode("utf-8"))

    def records(self) -> Iterator[FetchRecord]:
        """Every fetch record, run by run. A line cut short by a kill (the last of its file) is
        skipped with a warning: its page was in flight and is fetched again."""
        if not self.log_dir.exists():
            return
        for path in sorted(self.log_dir.glob("*.jsonl")):
            with path.open(encoding="utf-8", errors="replace") as fh:
                for number, line in enumerate(fh, 1):
                    if not line.strip():
                        continue
                    try:
                        data = json.loads(line)
                        yield FetchRecord(**{k: v for k, v in data.items() if k in _RECORD_FIELDS})
                    except (json.JSONDecodeError, TypeError) as exc:
                        log.warning("fetch log %s line %d unreadable (%s): skipped", path.name, number, exc)

    def latest_by_key(self) -> dict[str, FetchRecord]:
        """The newest record of each page (run ids sort by time)."""
        latest: dict[str, FetchRecord] = {}
        for record in self.records():
            latest[record.key] = record
        return latest


class ArchiveWriter:
    """A run's appends to the archive: its WARC file and its fetch log, each record flushed as
    soon as it is written (the WARC record first, so a log line always points at a whole record).
    Thread-safe: the workers of one scrape share it."""

    def __init__(self, archive: RawArchive, run_id: str):
        self.archive = archive
        self.run_id = run_id
        self.warc_name = f"warc/{run_id}.warc.gz"
        self.log_path = archive.log_dir / f"{run_id}.jsonl"
        self._lock = threading.Lock()
        self._warc = None
        self._log = None
        self.records = 0

    def add(self, record: FetchRecord, body: bytes | None = None, status_line: str | None = None,
            headers: dict[str, str] | None = None, warc_date: str | None = None) -> FetchRecord:
        """Append `record` to the fetch log, and first its response (`body` with its status line and
        headers) to the WARC file, when there is a body: the record then gets its sha256, warc_file
        and warc_offset."""
        with self._lock:
            if body is not None:
                record.sha256 = hashlib.sha256(body).hexdigest()
                record.warc_file, record.warc_offset = self.warc_name, self._write_warc(record, body, status_line, headers, warc_date)
            if self._log is None:
                self.log_path.parent.mkdir(parents=True, exist_ok=True)
                self._log = self.log_path.open("a", encoding="utf-8")
            self._log.write(json.dumps(asdict(record), ensure_ascii=False) + "\n")
            self._log.flush()
            self.records += 1
        return record

    def _write_warc(self, record: FetchRecord, body: bytes, status_line: str | None, headers: dict[str, str] | None,
                    warc_date: str | None) -> int:
        if self._warc is None:
            path = self.archive.raw_dir / self.warc_name
            path.parent.mkdir(parents=True, exist_ok=True)
            self._warc = path.open("ab")
        offset = self._warc.tell()
        writer = WARCWriter(self._warc, gzip=True)
        header_items = [(k.title(), v) for k, v in (headers or {}).items() if k.lower() not in ("content-length", "transfer-encoding")]
        header_items.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(status_line or f"{record.status or 200} OK", header_items, protocol="HTTP/1.1")
        # The payload's SHA-256, as the fetch log has it (warcio's default digest is SHA-1); the
        # length is given so that warcio keeps this digest rather than computing its own.
        warc_headers = {"WARC-Payload-Digest": _sha256_label(record.sha256), **({"WARC-Date": warc_date} if warc_date else {})}
        warc_record = writer.create_warc_record(record.final_url or record.url, "response", payload=io.BytesIO(body),
                                                length=len(body), http_headers=http_headers, warc_headers_dict=warc_headers)
        writer.write_record(warc_record)
        self._warc.flush()
        return offset

    def close(self) -> None:
        with self._lock:
            for fh in (self._warc, self._log):
                if fh is not None:
                    fh.close()
            self._warc = self._log = None

    def __enter__(self) -> "ArchiveWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
