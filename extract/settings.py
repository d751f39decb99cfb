"""One settings object, read from environment variables at run time (never at import time).

Every variable is listed with its default in README.md ("Configuration"); keep the two in step.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent


def _path(env: dict[str, str], name: str, default: Path) -> Path:
    value = env.get(name)
    return Path(value).expanduser().resolve() if value else default


def _float(env: dict[str, str], name: str, default: float) -> float:
    value = env.get(name)
    if not value:
        return default
    try:
        return float(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a number, got {value!r}") from exc


def _int(env: dict[str, str], name: str, default: int) -> int:
    value = env.get(name)
    if not value:
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from exc


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
            request_delay=_float(env, "ASXH_REQUEST_DELAY", 2.0),
            timeout=_float(env, "ASXH_TIMEOUT", 20.0),
            max_retries=_int(env, "ASXH_MAX_RETRIES", 3),
            max_page_bytes=_int(env, "ASXH_MAX_PAGE_BYTES", 5_000_000),
            max_pages_per_source=_int(env, "ASXH_MAX_PAGES_PER_SOURCE", 200),
            max_listing_pages=_int(env, "ASXH_MAX_LISTING_PAGES", 5),
        )
