"""The raw archive: every fetched page stored once, by the SHA-256 of its bytes, never changed;
and the fetch log: one JSON line per request (URL, final URL, status, headers, time, reason).

Files are written to a temporary name and renamed, so a crash never leaves half a file, and a
page fetched twice with the same bytes is stored once. Extraction reads only this archive, so it
can be re-run at any time without the network.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path


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

    @property
    def ok(self) -> bool:
        return self.sha256 is not None and self.error is None


class RawArchive:
    def __init__(self, raw_dir: Path):
        self.raw_dir = raw_dir
        self.pages_dir = raw_dir / "pages"
        self.log_dir = raw_dir / "fetch_log"

    def page_path(self, sha256: str) -> Path:
        return self.pages_dir / sha256[:2] / f"{sha256}.html"

    def store(self, body: bytes) -> str:
        digest = hashlib.sha256(body).hexdigest()
        path = self.page_path(digest)
        if not path.exists():
            write_atomic(path, body)
        return digest

    def read(self, sha256: str) -> bytes:
        return self.page_path(sha256).read_bytes()

    def write_log(self, run_id: str, records: list[FetchRecord]) -> Path | None:
        """One file per run; a run that fetched nothing writes nothing."""
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
        if not self.log_dir.exists():
            return
        for path in sorted(self.log_dir.glob("*.jsonl")):
            with path.open(encoding="utf-8") as fh:
                for line in fh:
                    if line.strip():
                        yield FetchRecord(**json.loads(line))

    def latest_by_key(self) -> dict[str, FetchRecord]:
        """The newest record of each page (run ids sort by time)."""
        latest: dict[str, FetchRecord] = {}
        for record in self.records():
            latest[record.key] = record
        return latest
