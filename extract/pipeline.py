"""The three steps of the pipeline as plain functions: scrape, extract, build.

The Airflow DAGs call these and nothing else, so every step runs and is tested without Airflow
(`asxh scrape`, `asxh process`, `asxh build`). Data flows one way:
raw archive (immutable) -> staged batches (one Parquet file per extract run) -> dbt -> warehouse.duckdb.
"""

from __future__ import annotations

import fcntl
import hashlib
import threading
from concurrent.futures import ThreadPoolExecutor
import json
import logging
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.parse
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from extract import areas, corrections
from extract.archive import ArchiveError, ArchiveWriter, FetchRecord, RawArchive, write_atomic
from extract.contract import EXTRACTOR_VERSION
from extract.fetch import HttpClient, decode_html
from extract.reading import read_page
from extract.settings import Settings
from extract.sources import Source, discover, load_sources, page_key, site_host

log = logging.getLogger(__name__)

MAX_RETRYABLE_FAILURES = 5  # a page that failed this often for passing reasons is given up


def new_run_id() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ") + "-" + secrets.token_hex(2)


def article_id(key: str) -> str:
    """Stable id of an article: from its page key (source and path), not from its host."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- scrape

@dataclass
class ScrapeResult:
    run_id: str
    sources: int = 0
    sources_reached: int = 0  # sources whose feeds or listings answered (0: the scrape failed)
    discovered: int = 0
    new_pages: int = 0
    failed: int = 0
    skipped_known: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**asdict(self), "errors": self.errors[:20]}


def _should_fetch(key: str, latest: dict[str, FetchRecord], failures: dict[str, int]) -> bool:
    record = latest.get(key)
    if record is None:
        return True
    if record.ok:
        return False
    return record.retryable and failures.get(key, 0) < MAX_RETRYABLE_FAILURES


LAST_SCRAPE_FILE = "last_scrape.json"


@dataclass
class FetchHistory:
    """What the fetch log says of every page: its newest record and its count of passing failures.
    Shared by the workers of a run, which claim each page before fetching it (under the lock), so
    that two sources listing one page fetch it once."""

    latest: dict[str, FetchRecord] = field(default_factory=dict)
    failures: dict[str, int] = field(default_factory=dict)
    claimed: set[str] = field(default_factory=set)  # keys taken by a worker of this run
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def read(cls, archive: RawArchive) -> "FetchHistory":
        history = cls()
        for record in archive.records():
            history.add(record)
        return history

    def add(self, record: FetchRecord) -> None:
        self.latest[record.key] = record
        if not record.ok and record.retryable:
            self.failures[record.key] = self.failures.get(record.key, 0) + 1

    def should_fetch(self, key: str) -> bool:
        return _should_fetch(key, self.latest, self.failures)

    def claim(self, key: str) -> bool:
        """Take a page for this worker: False when it is archived or another worker has it."""
        with self.lock:
            if key in self.claimed or not self.should_fetch(key):
                return False
            self.claimed.add(key)
            return True


def select_sources(settings: Settings, only: list[str] | None = None) -> list[Source]:
    sources = load_sources(settings.sources_file)
    if only:
        unknown = sorted(set(only) - {s.name for s in sources})
        if unknown:
            raise ValueError(f"unknown source(s) {', '.join(unknown)}; sources in {settings.sources_file}: {', '.join(s.name for s in sources)}")
        sources = [s for s in sources if s.name in only]
    return sources


def host_groups(sources: list[Source]) -> list[list[Source]]:
    """The sources by the host of their homepage, in registry order: one group is scraped by one
    worker (and is one task of the scrape DAG), so that a host shared by several sources (the demo
    site's) still gets one request at a time and its pause, even across processes."""
    groups: dict[str, list[Source]] = {}
    for source in sources:
        groups.setdefault(site_host(urllib.parse.urlsplit(source.homepage).netloc), []).append(source)
    return list(groups.values())


def scrape(settings: Settings, client: HttpClient | None = None, only: list[str] | None = None) -> ScrapeResult:
    """Discover the article URLs of every source (or of the sources named in `only`) and fetch
    the ones not yet archived.

    Hosts are scraped at once by a bounded pool (settings.scrape_workers), each host by one worker
    with its own pause and Crawl-delay (the client's per-host lock keeps them even so). Every page
    is appended to the archive and the fetch log as it is fetched (ArchiveWriter): a kill loses at
    most the pages in flight, and a re-run fetches nothing already archived."""
    archive = RawArchive(settings.raw_dir)
    client = client or HttpClient(settings)
    result = ScrapeResult(new_run_id())
    history = FetchHistory.read(archive)
    sources = select_sources(settings, only)
    result.sources = len(sources)
    validators = archive.validators()
    groups = host_groups(sources)
    with archive.writer(result.run_id) as writer:

        def run_group(group: list[Source]) -> list[ScrapeResult]:
            return [_scrape_source(settings, client, writer, history, validators, source) for source in group]

        workers = max(1, min(settings.scrape_workers, len(groups)))
        if workers == 1:
            partials = [run_group(g) for g in groups]
        else:
            with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scrape") as pool:
                partials = list(pool.map(run_group, groups))
    for partial in (p for group in partials for p in group):
        result.sources_reached += partial.sources_reached
        result.discovered += partial.discovered
        result.new_pages += partial.new_pages
        result.failed += partial.failed
        result.skipped_known += partial.skipped_known
        result.errors.extend(partial.errors)
    archive.save_validators(validators)
    if result.sources_reached:
        # When a scrape last reached its sources, beside the raw archive (which only ever grows by
        # pages and fetch logs): the scrape deadline alert reads it (extract/alerts.py).
        write_atomic(settings.home / LAST_SCRAPE_FILE, json.dumps(
            {"run_id": result.run_id, "finished_at": datetime.now(UTC).isoformat(), "new_pages": result.new_pages}).encode())
    log.info("scrape %s: %d new pages, %d failed, %d already archived", result.run_id, result.new_pages, result.failed, result.skipped_known)
    return result


def _scrape_source(settings: Settings, client: HttpClient, writer: ArchiveWriter, history: FetchHistory,
                   validators: dict[str, dict], source: Source) -> ScrapeResult:
    """One source: discover, then fetch its new pages (at most max_pages_per_source). An unexpected
    error ends this source with a line in the log; the other sources go on."""
    result = ScrapeResult(writer.run_id)
    try:
        found = discover(source, client, settings.max_listing_pages, validators)
    except Exception as exc:  # noqa: BLE001 - one broken source must not stop the others
        log.exception("source %s: discovery failed", source.name)
        result.errors.append(f"{source.name}: {exc.__class__.__name__}: {exc}")
        return result
    for error in found.errors:
        log.error("source %s: %s", source.name, error)
    result.errors.extend(f"{source.name}: {e}" for e in found.errors)
    result.discovered += len(found.urls)
    result.sources_reached += bool(found.urls or not found.errors)
    todo = [u for u in found.urls if history.should_fetch(page_key(source, u))]
    result.skipped_known += len(found.urls) - len(todo)
    # Pages that failed for a passing reason are asked for again even when their feed is
    # unchanged (a 304 lists nothing): the fetch log remembers them.
    retry = [r.url for r in list(history.latest.values()) if r.source == source.name and not r.ok and r.url not in todo
             and history.should_fetch(r.key) and page_key(source, r.url) == r.key]
    todo += retry
    log.info("source %s: %d article URLs found, %d to fetch", source.name, len(found.urls), len(todo))
    fetched = 0
    for url in todo:
        if fetched >= settings.max_pages_per_source:
            break
        if not history.claim(page_key(source, url)):
            continue  # listed by another source of this run too, and taken there
        fetched += 1
        try:
            record = _fetch_article(client, writer, writer.run_id, source, url)
        except Exception as exc:  # noqa: BLE001 - e.g. a full disk: this source stops, with its reason
            log.exception("source %s: %s", source.name, url)
            result.errors.append(f"{url}: {exc.__class__.__name__}: {exc}")
            break
        if record.ok:
            result.new_pages += 1
            log.info("[%d/%d] %s: fetched %s", fetched, len(todo), source.name, url)
        else:
            result.failed += 1
            result.errors.append(f"{url}: {record.error}")
            log.error("[%d/%d] %s: %s%s", fetched, len(todo), url, record.error, " (will retry)" if record.retryable else "")
    return result


def _fetch_article(client: HttpClient, writer: "ArchiveWriter | RawArchive", run_id: str, source: Source, url: str) -> FetchRecord:
    """Fetch one article page and append it, with its fetch record, to the run's archive files."""
    if isinstance(writer, RawArchive):
        with writer.writer(run_id) as own:
            return _fetch_article(client, own, run_id, source, url)
    fetched = client.get(url)
    error, retryable, body = fetched.error, fetched.retryable, None
    content_type = fetched.headers.get("content-type")
    if fetched.ok:
        if content_type and not any(t in content_type.lower() for t in ("html", "xml", "text/plain")):
            error, retryable = f"not an HTML page (content-type {content_type})", False
        elif not fetched.body.strip():
            error, retryable = "empty body", True
        else:
            body = fetched.body
    record = FetchRecord(
        run_id=run_id, source=source.name, kind="article", key=page_key(source, url), url=url, final_url=fetched.final_url,
        status=fetched.status, fetched_at=fetched.fetched_at, sha256=None, error=error,
        retryable=retryable, etag=fetched.headers.get("etag"),
        last_modified=fetched.headers.get("last-modified"), content_type=content_type,
        bytes=len(fetched.body) if fetched.body is not None else None, province=source.province,
    )
    return writer.add(record, body, status_line=f"{fetched.status} OK" if body is not None else None,
                      headers=fetched.headers, warc_date=_warc_date(fetched.fetched_at))


def _warc_date(iso: str) -> str | None:
    return iso.replace("+00:00", "Z") if iso else None


# ---------------------------------------------------------------- extract

@dataclass
class ExtractResult:
    articles: int = 0
    kept: int = 0
    skipped: int = 0
    facts: int = 0
    unchanged: int = 0
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {**asdict(self), "errors": self.errors[:20]}


def batches_dir(settings: Settings) -> Path:
    return settings.staged_dir / "batches"


# The Parquet schema of a staged batch: one row per article as build_staged_article makes it, its
# facts nested. Fixed here rather than inferred, so that a field that is null in every article of
# one run (no `group` anywhere) has the same type in every batch and dbt reads them all as one.
_MENTION = pa.struct([("span", pa.list_(pa.int32())), ("sentence", pa.string()), ("text", pa.string())])
_FACT = pa.struct([
    ("fact_table", pa.string()), ("metric", pa.string()), ("value", pa.float64()), ("unit", pa.string()),
    ("qualifier", pa.string()), ("area", pa.string()), ("area_level", pa.string()), ("area_code", pa.int32()),
    ("area_valid_from", pa.string()), ("area_status", pa.string()), ("province_code_today", pa.int32()),
    ("period_start", pa.string()), ("period_end", pa.string()), ("period_basis", pa.string()), ("group", pa.string()),
    ("sentence", pa.string()), ("span", pa.list_(pa.int32())), ("mentions", pa.list_(_MENTION)),
    ("confidence", pa.float64()), ("confidence_reasons", pa.list_(pa.string())),
])
BATCH_SCHEMA = pa.schema([
    ("batch_id", pa.string()), ("article_id", pa.string()), ("page_key", pa.string()), ("url", pa.string()),
    ("final_url", pa.string()), ("source", pa.string()), ("source_province", pa.string()), ("title", pa.string()),
    ("published", pa.string()), ("published_source", pa.string()), ("cut_reason", pa.string()), ("author", pa.string()),
    ("fetched_at", pa.string()), ("raw_sha256", pa.string()), ("status", pa.string()), ("skip_reason", pa.string()),
    ("topic_hits", pa.int32()), ("extractor_version", pa.string()), ("extracted_at", pa.string()), ("text", pa.string()),
    ("facts", pa.list_(_FACT)),
])


def write_batch(settings: Settings, articles: list[dict], batch_id: str | None = None) -> Path | None:
    """One immutable Parquet file with the staged articles of one run (and their facts), written
    under a temporary name and renamed, so that dbt never sees half a batch. Its id sorts by the
    time it was written: of two rows of one article, the later batch's is the current one."""
    if not articles:
        return None
    batch_id = batch_id or new_run_id()
    table = pa.Table.from_pylist([{**a, "batch_id": batch_id} for a in articles], schema=BATCH_SCHEMA)
    folder = batches_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{batch_id}.parquet"
    tmp = folder / f".{batch_id}.{secrets.token_hex(4)}.tmp"
    try:
        pq.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path


def staged_batches(settings: Settings) -> list[Path]:
    folder = batches_dir(settings)
    return sorted(folder.glob("*.parquet")) if folder.exists() else []


def staged_index(settings: Settings) -> dict[str, tuple[str, str]]:
    """article_id -> (raw_sha256, extractor_version) of its current staged row (latest batch).
    A batch that cannot be read is left out (the build quarantines it) and its articles are
    staged again by the next extract."""
    index: dict[str, tuple[str, str]] = {}
    for path in staged_batches(settings):  # sorted by batch id: later batches overwrite
        try:
            columns = pq.read_table(path, columns=["article_id", "raw_sha256", "extractor_version"]).to_pydict()
        except (OSError, pa.ArrowException) as exc:
            log.error("staged batch %s unreadable (%s): its articles will be staged again", path, exc)
            continue
        for art_id, sha, version in zip(columns["article_id"], columns["raw_sha256"], columns["extractor_version"]):
            index[art_id] = (sha, version)
    return index


def staged_articles(settings: Settings) -> dict[str, dict]:
    """The current staged row of every article (for tests and tools; dbt reads the files itself)."""
    current: dict[str, dict] = {}
    for path in staged_batches(settings):
        for row in pq.read_table(path).to_pylist():
            current[row["article_id"]] = row
    return current


# Articles per batch file: one run's batch is cut in files of this many, so that the rows held
# in memory stay bounded however much a run extracts.
BATCH_ARTICLES = 5000


def extract_pending(settings: Settings, force: bool = False) -> ExtractResult:
    """Turn every archived article not yet staged (or staged by an older extractor) into staged
    rows with its facts, written as one batch per run. `force` re-extracts everything."""
    archive = RawArchive(settings.raw_dir)
    result = ExtractResult()
    gazetteer = None
    registry = load_registry(settings)
    current = {} if force else staged_index(settings)
    pending: list[dict] = []
    todo = [r for r in archive.latest_by_key().values() if r.ok and r.kind == "article"]
    for i, record in enumerate(todo, 1):
        staged_as = current.get(article_id(record.key))
        if staged_as == (record.sha256, EXTRACTOR_VERSION):
            result.unchanged += 1
            continue
        gazetteer = gazetteer or areas.Gazetteer.load()
        try:
            staged = build_staged_article(record, archive.read(record), gazetteer, registry)
        except ArchiveError as exc:  # a damaged archived page: one line naming it, the rest go on
            log.error("extract: %s", exc)
            result.errors.append(str(exc))
            continue
        except Exception as exc:  # one bad page must not stop the run; it is logged with its URL
            log.exception("extract failed for %s", record.url)
            result.errors.append(f"{record.url}: {exc.__class__.__name__}: {exc}")
            continue
        pending.append(staged)
        result.articles += 1
        if staged["status"] == "kept":
            result.kept += 1
            result.facts += len(staged["facts"])
        else:
            result.skipped += 1
        log.info("[%d/%d] %s: %s, %d facts", i, len(todo), record.url, staged["status"] if staged["status"] == "kept" else f"skipped ({staged['skip_reason']})", len(staged["facts"]))
        if len(pending) >= BATCH_ARTICLES:
            write_batch(settings, pending)
            pending = []
    path = write_batch(settings, pending)
    if path:
        log.info("staged batch %s", path)
    log.info("extract: %d articles written (%d kept, %d skipped), %d facts, %d unchanged, %d errors",
             result.articles, result.kept, result.skipped, result.facts, result.unchanged, len(result.errors))
    return result


def _registry_for(record: FetchRecord, registry: list[Source]) -> list[Source]:
    """The registry the page's outlet is looked up in: the run's, with the page's source as the
    fetch record kept it when the registry no longer lists it."""
    if any(s.name == record.source for s in registry):
        return registry
    parts = urllib.parse.urlsplit(record.url)
    return [*registry, Source(name=record.source, homepage=f"{parts.scheme}://{parts.netloc}/",
                              province=record.province, national=record.province is None)]


def load_registry(settings: Settings) -> list[Source]:
    """The sources registry, or none when it cannot be read now (a re-extraction without the
    demo site's address): each record then stands in with the source it was fetched for."""
    try:
        return load_sources(settings.sources_file)
    except (OSError, ValueError) as exc:
        log.warning("sources registry not read (%s): using each page's fetch record", exc)
        return []


def build_staged_article(record: FetchRecord, body: bytes, gazetteer: "areas.Gazetteer",
                         registry: list[Source] | None = None) -> dict:
    reading = read_page(body, record.url, _registry_for(record, registry or []), gazetteer,
                        is_html=True, content_type=record.content_type)
    article = reading.article
    if article.cut_reason:
        log.warning("%s: over the page budget, %s", record.url, article.cut_reason)
    return {
        "article_id": article_id(record.key),
        "page_key": record.key,
        "url": record.url,
        "final_url": record.final_url,
        "source": record.source,
        "source_province": record.province,
        "title": article.title,
        "published": article.published.isoformat() if article.published else None,
        "published_source": article.published_source,
        "cut_reason": article.cut_reason,  # set when the page went over the page budget (extract/pages.py)
        "author": article.author,
        "fetched_at": record.fetched_at,
        "raw_sha256": record.sha256,
        "status": reading.status,
        "skip_reason": reading.skip_reason,
        "topic_hits": reading.topic_hits,
        "extractor_version": EXTRACTOR_VERSION,
        "extracted_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "text": article.text,
        "facts": [f.to_json() for f in reading.facts],
    }


# ---------------------------------------------------------------- build

@contextmanager
def warehouse_writer_lock(settings: Settings):
    """The one-writer rule of DuckDB, kept by design: every writer of warehouse.duckdb takes this
    exclusive lock first and a second writer waits for it, instead of failing on DuckDB's own lock."""
    settings.home.mkdir(parents=True, exist_ok=True)
    with open(settings.home / ".warehouse-writer.lock", "w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def dbt_env(settings: Settings) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        ASXH_HOME=str(settings.home),
        DBT_PROFILES_DIR=str(settings.dbt_project_dir),
        DBT_PROJECT_DIR=str(settings.dbt_project_dir),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        DBT_TARGET_PATH=str(settings.home / "dbt_target"),
        DBT_LOG_PATH=str(settings.home / "dbt_logs"),
        DBT_USE_COLORS="false",
        # Read by profiles.yml: DuckDB's bounds, checked by extract.settings.
        ASXH_DUCKDB_MEMORY_LIMIT=settings.duckdb_memory_limit,
        ASXH_DUCKDB_THREADS=str(settings.duckdb_threads),
    )
    return env


def _dbt_executable() -> str:
    local = Path(sys.executable).parent / "dbt"
    return str(local) if local.exists() else (shutil.which("dbt") or "dbt")


def _die_with_parent() -> None:
    """In the dbt child, before exec: its own process group (a signal meant for our group, such
    as the terminal's Ctrl-C, does not reach it half-way; we stop it ourselves), and on Linux
    SIGKILL when its parent dies, however it dies: a dbt that outlived `asxh build` would go on
    writing the warehouse after the writer lock was released."""
    os.setpgid(0, 0)
    if sys.platform.startswith("linux"):
        import ctypes

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _stop_group(process: subprocess.Popen) -> None:
    """Stop dbt and anything it started: SIGTERM to its group, SIGKILL after a grace time."""
    if process.poll() is not None:
        return
    for sig, grace in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(grace)
            return
        except subprocess.TimeoutExpired:
            continue


def run_dbt(settings: Settings, *args: str) -> None:
    """Run one dbt command, its output streamed into the log as it comes (a build takes a while).

    dbt runs in a process group of its own and never outlives this call: an exception here (an
    Airflow timeout, Ctrl-C, SIGTERM turned into KeyboardInterrupt by the CLI) stops the group,
    and the death of this process kills dbt (_die_with_parent)."""
    command = [_dbt_executable(), *args]
    log.info("running %s", " ".join(command))
    tail: list[str] = []
    process = subprocess.Popen(command, cwd=settings.dbt_project_dir, env=dbt_env(settings), stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, preexec_fn=_die_with_parent)
    try:
        for line in process.stdout:
            line = line.rstrip()
            log.info("dbt: %s", line)
            tail = (tail + [line])[-30:]
        process.wait()
    finally:
        _stop_group(process)
        process.stdout.close()
    if process.returncode != 0:
        joined = "\n".join(tail)
        raise RuntimeError(f"dbt {' '.join(args)} failed (exit {process.returncode}):\n{joined}")


INCOMPLETE_BUILD_FILE = ".build-incomplete"


def build_warehouse(settings: Settings, full_refresh: bool = False) -> dict:
    """dbt build (the only writer of the warehouse), then the static docs site and the published copy.

    A build is incremental: dbt reads the staged batches it has not loaded yet and updates the
    rows they change (dbt_project/README in the docs site). Staged files that cannot be read are
    moved to quarantine first (quarantine_unreadable), so that one bad file does not stop the rest
    from landing. `full_refresh` rebuilds every model from every batch (dbt build --full-refresh).
    A build that stopped half-way (dbt failed, the task was killed) leaves a marker, and the next
    build is a full refresh: the incremental models read this build's batches only once."""
    phases: dict[str, float] = {}
    mark = time.monotonic()
    quarantined = quarantine_unreadable(settings)
    if not staged_batches(settings):
        raise RuntimeError(f"nothing to build: no staged batches in {batches_dir(settings)} (run the extract step first)")
    stage_fetch_log(settings)
    # The reviewers' decisions, checked (a bad row is one error line and is left out), where dbt reads them.
    checked = corrections.stage_corrections(settings)
    with warehouse_writer_lock(settings):
        marker = settings.home / INCOMPLETE_BUILD_FILE
        if marker.exists() and not full_refresh:
            log.warning("the last build did not finish (%s): this build is a full refresh", marker)
            full_refresh = True
        marker.write_text(datetime.now(UTC).isoformat(timespec="seconds") + "\n")
        phases["quarantine and fetch log"], mark = time.monotonic() - mark, time.monotonic()
        try:
            run_dbt(settings, "build", *(["--full-refresh"] if full_refresh else []))
        except RuntimeError as exc:
            failed = [f"{n['resource_type']} {name}: {n['message'] or n['status']}"
                      for name, n in dbt_node_results(settings).items() if n["status"] in ("error", "fail")]
            if failed:
                raise RuntimeError(f"dbt build failed: {'; '.join(failed)[:500]}\n{exc}") from exc
            raise
        # The results of the build, before the next command overwrites run_results.json.
        nodes = dbt_node_results(settings)
        marker.unlink()
        phases["dbt build"], mark = time.monotonic() - mark, time.monotonic()
        # The docs site describes the project (models, columns, tests, lineage), not the rows:
        # it is made again only when the project changed since it was last made.
        fingerprint = project_fingerprint(settings)
        stamp = settings.docs_dir / ".project-fingerprint"
        if full_refresh or not (settings.docs_dir / "index.html").exists() or not stamp.exists() or stamp.read_text() != fingerprint:
            run_dbt(settings, "docs", "generate", "--static")
            settings.docs_dir.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(settings.home / "dbt_target" / "static_index.html", settings.docs_dir / "index.html")
            stamp.write_text(fingerprint)
        else:
            log.info("docs site unchanged: the dbt project is the one it describes")
        phases["docs"], mark = time.monotonic() - mark, time.monotonic()
        publish_warehouse(settings)
        phases["publish"] = time.monotonic() - mark
    log.info("build%s: %s", " (full refresh)" if full_refresh else "", ", ".join(f"{k} {v:.1f} s" for k, v in phases.items()))
    return {
        "warehouse": str(settings.warehouse_path),
        "published": str(settings.published_path),
        "published_marts": str(settings.published_path.parent / "marts"),
        "docs": str(settings.docs_dir / "index.html"),
        "full_refresh": full_refresh,
        "seconds": {k: round(v, 1) for k, v in phases.items()},
        "quarantined": quarantined,
        "corrections": {"decisions": checked["decisions"], "invalid": checked["invalid"], **corrections.build_report(settings)},
        "nodes": nodes,
    }


def project_fingerprint(settings: Settings) -> str:
    """SHA-256 of the dbt project's own files (not its target or logs) and of dbt's version."""
    from importlib.metadata import version

    digest = hashlib.sha256(f"dbt-core {version('dbt-core')} dbt-duckdb {version('dbt-duckdb')}".encode())
    root = settings.dbt_project_dir
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and relative.parts[0] not in ("target", "logs", "dbt_packages"):
            digest.update(str(relative).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def dbt_node_results(settings: Settings) -> dict[str, dict]:
    """The models, seeds and snapshots of the last dbt command, by name: status, seconds, rows,
    and the tests attached to each (from run_results.json and manifest.json in the target)."""
    target = settings.home / "dbt_target"
    try:
        results = json.loads((target / "run_results.json").read_text(encoding="utf-8"))["results"]
        manifest_nodes = json.loads((target / "manifest.json").read_text(encoding="utf-8"))["nodes"]
    except (OSError, ValueError, KeyError):
        return {}
    nodes: dict[str, dict] = {}
    tests: list[tuple[dict, dict]] = []
    for result in results:
        node = manifest_nodes.get(result["unique_id"], {})
        if node.get("resource_type") == "test":
            tests.append((result, node))
            continue
        nodes[node.get("name") or result["unique_id"]] = {
            "unique_id": result["unique_id"],
            "resource_type": node.get("resource_type", result["unique_id"].split(".")[0]),
            "status": result["status"],
            "seconds": round(result.get("execution_time") or 0.0, 3),
            "rows": (result.get("adapter_response") or {}).get("rows_affected"),
            "message": result.get("message"),
            "tests": {},
        }
    by_id = {n["unique_id"]: name for name, n in nodes.items()}
    for result, node in tests:
        attached = node.get("attached_node") or next(iter(node.get("depends_on", {}).get("nodes", [])), None)
        if attached in by_id:
            nodes[by_id[attached]]["tests"][node.get("name", result["unique_id"])] = result["status"]
    return nodes


# ---------------------------------------------------------------- quarantine

STAGED_FORMATS = {".json": "json", ".jsonl": "json", ".ndjson": "json", ".parquet": "parquet", ".csv": "csv"}


def quarantine_dir(settings: Settings) -> Path:
    """Outside staged/, so that no glob of the dbt sources can ever match a quarantined file."""
    return settings.home / "quarantine"


def unreadable_reason(con, path: Path) -> str | None:
    """Why DuckDB (as dbt will) cannot read this staged file, or None when it can. Reads each file
    by its format, alone: dbt reads them all in one scan, which one bad file fails."""
    kind = STAGED_FORMATS[path.suffix.lower()]
    if path.stat().st_size == 0:
        return "empty file"
    import duckdb

    try:
        if kind == "parquet":
            con.execute("select count(*) from read_parquet(?)", [str(path)]).fetchall()
        elif kind == "csv":
            con.execute("select count(*) from read_csv(?)", [str(path)]).fetchall()
        else:
            (records, not_objects), = con.execute(
                "select count(*), count(*) filter (where json_type(json) <> 'OBJECT')"
                " from read_json_objects(?, format = 'auto')", [str(path)]).fetchall()
            if records == 0:
                return "no JSON record in the file"
            if not_objects:
                return f"{not_objects} of {records} JSON records are not objects"
    except duckdb.Error as exc:
        return f"{exc.__class__.__name__}: {str(exc).strip().splitlines()[0]}"
    return None


def quarantine_unreadable(settings: Settings) -> list[dict]:
    """Move every staged file that cannot be read to quarantine/ (same relative path), with one
    record per file in quarantine/quarantine.jsonl: which file, why, when. The extract step then
    stages the article again from the raw archive, which is never touched."""
    if not settings.staged_dir.exists():
        return []
    import duckdb

    moved: list[dict] = []
    con = duckdb.connect()
    try:
        for path in sorted(settings.staged_dir.rglob("*")):
            if (not path.is_file() or path.name.startswith(".") or path.suffix.lower() not in STAGED_FORMATS
                    or path == settings.staged_dir / "fetch_log.jsonl"):
                continue  # temporary files of write_atomic, and the fetch log the build writes itself
            reason = unreadable_reason(con, path)
            if reason is None:
                continue
            relative = path.relative_to(settings.staged_dir)
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
            target = quarantine_dir(settings) / relative.parent / f"{relative.name}.{stamp}"
            target.parent.mkdir(parents=True, exist_ok=True)
            record = {"file": str(path), "quarantined_as": str(target), "bytes": path.stat().st_size,
                      "reason": reason, "quarantined_at": datetime.now(UTC).isoformat(timespec="seconds")}
            os.replace(path, target)
            with open(quarantine_dir(settings) / "quarantine.jsonl", "a", encoding="utf-8") as fh:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
            log.error("quarantined staged file %s: %s (moved to %s)", path, reason, target)
            moved.append(record)
    finally:
        con.close()
    return moved


def stage_fetch_log(settings: Settings) -> Path:
    """The fetch log of every run, in one file dbt reads (an empty file when nothing was fetched:
    DuckDB cannot read a glob that matches no file)."""
    archive = RawArchive(settings.raw_dir)
    lines = "".join(json.dumps(asdict(r), ensure_ascii=False) + "\n" for r in archive.records())
    path = settings.staged_dir / "fetch_log.jsonl"
    write_atomic(path, lines.encode("utf-8"))
    return path


# The storage format of the warehouse and its published copy: the one DuckDB 1.5 reads (the
# duckdb-cli on PyPI, most DuckDB 1.x clients and drivers), which DuckDB 2.0 still writes. dbt
# creates the file in it (profiles.yml: storage_compatibility_version); a file made before in
# 2.0's format is converted when published.
PUBLISHED_STORAGE_VERSION = "v1.5.0"
LAST_V1_STORAGE_NUMBER = 68  # the version number in the file header that DuckDB 1.5 reads at most
# Relations never published: the view of batches not yet loaded reads the landing zone's files.
UNPUBLISHED = [("staging", "stg_news__arrivals")]


def storage_number(path: Path) -> int:
    """The storage version number in a DuckDB file's header (after the 8-byte checksum, the
    magic "DUCK" and then the number, little-endian)."""
    with open(path, "rb") as fh:
        head = fh.read(20)
    if head[8:12] != b"DUCK":
        raise ValueError(f"{path} is not a DuckDB database file")
    return int.from_bytes(head[12:20], "little")


def publish_warehouse(settings: Settings) -> Path:
    """Copy the freshly built warehouse to published/ under a temporary name, then rename it; each
    mart also as published/marts/<model>.parquet.

    DuckDB lets one process write a file and no other process read it meanwhile, so users never
    open the file dbt writes: they open this copy. A rename replaces it at once; a reader that
    has the old copy open keeps reading it until it closes, and the next build never waits.
    The copy is in DuckDB 1.5's storage format (PUBLISHED_STORAGE_VERSION), so that older
    clients open it too.
    """
    import duckdb

    target = settings.published_path
    target.parent.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    tmp = target.with_name(f".{target.name}.{token}")
    marts_dir = target.parent / "marts"
    marts_tmp = target.parent / f".marts.{token}"
    marts_tmp.mkdir()
    converted = storage_number(settings.warehouse_path) > LAST_V1_STORAGE_NUMBER
    # Insertion order is not kept, so that DuckDB writes the Parquet files with all its threads.
    con = duckdb.connect(config={"memory_limit": settings.duckdb_memory_limit, "threads": settings.duckdb_threads,
                                 "temp_directory": str(settings.home / "duckdb_tmp"), "preserve_insertion_order": False})
    try:
        if converted:  # a warehouse file made in 2.0's format: rewritten in the published one
            log.warning("%s is in a storage format DuckDB 1.x cannot read: the published copy is converted", settings.warehouse_path)
            con.execute("attach ? as built (read_only)", [str(settings.warehouse_path)])
            con.execute(f"attach ? as pub (storage_version '{PUBLISHED_STORAGE_VERSION}')", [str(tmp)])
            con.execute("copy from database built to pub")
            con.execute("detach built")
        else:
            shutil.copyfile(settings.warehouse_path, tmp)
            con.execute("attach ? as pub", [str(tmp)])
        for schema, name in UNPUBLISHED:
            con.execute(f'drop view if exists pub."{schema}"."{name}"')
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_catalog = 'pub' and table_schema = 'marts'"
            " and table_type = 'BASE TABLE' order by table_name").fetchall()]  # not the view fct_observations: its tables are there
        for name in marts:
            path = str(marts_tmp / f"{name}.parquet").replace("'", "''")
            con.execute(f'copy (select * from pub.marts."{name}") to \'{path}\' (format parquet, compression zstd)')
        con.execute("detach pub")
    except BaseException:
        tmp.unlink(missing_ok=True)
        shutil.rmtree(marts_tmp, ignore_errors=True)
        raise
    finally:
        con.close()
    os.replace(tmp, target)
    # The Parquet folder is swapped with two renames: a reader sees the old set or the new one.
    old = target.parent / f".marts-old.{token}"
    if marts_dir.exists():
        os.replace(marts_dir, old)
    os.replace(marts_tmp, marts_dir)
    shutil.rmtree(old, ignore_errors=True)
    return target


# ---------------------------------------------------------------- summary

FACT_TABLES_IN_WAREHOUSE = {
    "households": "fct_households",
    "loans": "fct_loans",
    "insurance_cards": "fct_insurance_cards",
    "allowances": "fct_allowances",
    "other": "fct_other_indicators",
}


def summary(settings: Settings) -> dict:
    """What landed: pages fetched, articles kept and skipped, facts per fact table."""
    import duckdb

    archive = RawArchive(settings.raw_dir)
    latest = archive.latest_by_key()
    out: dict = {
        "pages_fetched": sum(1 for r in latest.values() if r.ok),
        "pages_failed": sum(1 for r in latest.values() if not r.ok),
        "warehouse": str(settings.published_path),
        "docs": str(settings.docs_dir / "index.html"),
    }
    if not settings.published_path.exists():
        out["facts"] = {}
        return out
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        rows = con.execute("select status, count(*) from marts.dim_article group by status").fetchall()
        out["articles"] = dict(rows)
        out["facts"] = {
            table: con.execute(f"select count(*) from marts.{model}").fetchone()[0]
            for table, model in FACT_TABLES_IN_WAREHOUSE.items()
        }
        reports = dict(con.execute("select fact_table, count(*) from marts.bridge_observation_fact group by 1").fetchall())
        out["reports"] = {table: reports.get(table, 0) for table in FACT_TABLES_IN_WAREHOUSE}
        out["conflicts"] = sum(
            con.execute(f"select count(*) from marts.{model} where has_conflict").fetchone()[0]
            for model in FACT_TABLES_IN_WAREHOUSE.values()
        )
    finally:
        con.close()
    return out


