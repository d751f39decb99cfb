"""One settings object, read from environment variables at run time (never at import time).

Every variable is listed with its default in README.md ("Configuration"); keep the two in step.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _path(env: dict[str, str], name: str, default: Path) -> Path:
    value = env.get(name)
    return Path(value).expanduser().resolve() if value else default


def _float(env: dict[str, str], name: str, default: float, low: float, high: float, low_open: bool = False) -> float:
    """A number of `name` within [low, high] (or (low, high] when `low_open`): checked here, at
    load, so that a bad value stops the run with its name instead of misbehaving later."""
    allowed = f"{'more than' if low_open else 'at least'} {low:g} and at most {high:g}"
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = float(value)
    except ValueError:
        raise ValueError(f"{name} must be a number {allowed}, got {value!r}") from None
    if math.isnan(number) or number > high or number < low or (low_open and number == low):
        raise ValueError(f"{name} must be a number {allowed}, got {value!r}")
    return number


def _int(env: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    allowed = f"a whole number from {low} to {high}"
    value = env.get(name)
    if value is None or value.strip() == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ValueError(f"{name} must be {allowed}, got {value!r}") from None
    if not low <= number <= high:
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return number


def _memory(env: dict[str, str], name: str, default: str) -> str:
    """A DuckDB memory limit such as 4GB or 512MB: a number and a unit, from 100MB to 1TB."""
    value = (env.get(name) or "").strip()
    if not value:
        return default
    import re

    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(MB|GB|TB)", value, re.IGNORECASE)
    size_mb = float(match[1]) * {"MB": 1, "GB": 1000, "TB": 1_000_000}[match[2].upper()] if match else 0
    if not match or not 100 <= size_mb <= 1_000_000:
        raise ValueError(f"{name} must be a size from 100MB to 1TB such as 4GB or 512MB, got {value!r}")
    return f"{match[1]}{match[2].upper()}"


def _url(env: dict[str, str], name: str) -> str | None:
    value = (env.get(name) or "").strip()
    if not value:
        return None
    if not value.startswith(("http://", "https://")):
        raise ValueError(f"{name} must be an http:// or https:// URL, got {value!r}")
    return value


@dataclass(frozen=True)
class Settings:
    home: Path  # runtime data: raw/, staged/, warehouse.duckdb
    sources_file: Path
    dbt_project_dir: Path
    user_agent: str
    request_delay: float  # seconds between two requests to one host, unless robots.txt asks for more
    timeout: float
    max_retries: int
    max_page_bytes: int
    max_pages_per_source: int
    max_listing_pages: int
    alert_webhook: str | None = None  # failures of DAG tasks are POSTed here as JSON (besides the log)
    scrape_workers: int = 8  # hosts scraped at once by `asxh scrape` (each host still one request at a time)
    backfill_requests: int = 200  # sitemaps and listing pages read per backfill run (pages: max_pages_per_source)
    # DuckDB's bounds in the dbt build and the publishing: its memory (it spills to
    # duckdb_tmp/ beyond it) and its worker threads.
    duckdb_memory_limit: str = "4GB"
    duckdb_threads: int = 2

    @property
    def raw_dir(self) -> Path:
        return self.home / "raw"

    @property
    def staged_dir(self) -> Path:
        return self.home / "staged"

    @property
    def warehouse_path(self) -> Path:
        return self.home / "warehouse.duckdb"

    @property
    def published_path(self) -> Path:
        """The read-only copy of the warehouse that users query: published after every build, so
        that readers never hold a lock on the file dbt writes."""
        return self.home / "published" / "warehouse.duckdb"

    @property
    def docs_dir(self) -> Path:
        return self.home / "docs"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        home = _path(env, "ASXH_HOME", REPO_ROOT / "warehouse")
        return cls(
            home=home,
            sources_file=_path(env, "ASXH_SOURCES", REPO_ROOT / "sources" / "sources.yaml"),
            dbt_project_dir=_path(env, "ASXH_DBT_PROJECT_DIR", REPO_ROOT / "dbt_project"),
            user_agent=env.get(
                "ASXH_USER_AGENT",
                "asxh-warehouse/0.1 (+https://github.com/asxh-warehouse; research crawler of social-security news)",
            ),
            # The ranges are those that keep a run polite and bounded: no request without a pause
            # (0 only for our own loopback demo site), no wait longer than ten minutes.
            request_delay=_float(env, "ASXH_REQUEST_DELAY", 2.0, 0, 600),
            timeout=_float(env, "ASXH_TIMEOUT", 20.0, 0, 600, low_open=True),
            max_retries=_int(env, "ASXH_MAX_RETRIES", 3, 0, 10),
            max_page_bytes=_int(env, "ASXH_MAX_PAGE_BYTES", 5_000_000, 1_000, 100_000_000),
            max_pages_per_source=_int(env, "ASXH_MAX_PAGES_PER_SOURCE", 200, 1, 100_000),
            max_listing_pages=_int(env, "ASXH_MAX_LISTING_PAGES", 5, 1, 1_000),
            alert_webhook=_url(env, "ASXH_ALERT_WEBHOOK"),
            scrape_workers=_int(env, "ASXH_SCRAPE_WORKERS", 8, 1, 64),
            backfill_requests=_int(env, "ASXH_BACKFILL_REQUESTS", 200, 1, 100_000),
            duckdb_memory_limit=_memory(env, "ASXH_DUCKDB_MEMORY_LIMIT", "4GB"),
            duckdb_threads=_int(env, "ASXH_DUCKDB_THREADS", 2, 1, 256),
        )
