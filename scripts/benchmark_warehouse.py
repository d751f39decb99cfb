"""Warehouse scale: wall time and peak memory of `asxh build` at N staged articles, then of the
incremental build after a day's batch. Prints numbers; asserts nothing.

    .venv/bin/python scripts/benchmark_warehouse.py                 # N = 10k, 100k and 400k
    .venv/bin/python scripts/benchmark_warehouse.py --sizes 10000 --day 10000
    .venv/bin/python scripts/benchmark_warehouse.py --skip-largest  # small machines: no 400k

The articles are the demo site's pages as the extract step stages them (real facts, spans and
texts), copied N times with distinct keys: each copy gets its own article id, URL and page key,
its publication date and its facts' periods moved by whole days (so that copies report
different observations: a year of 10k pages a day gives about 6 reports per figure), and every
other copy's values lowered by 1 % (conflicts). They are written as staged batches of --day
articles (one per day), as `asxh process` writes them. Each N is built in a fresh ASXH_HOME
with `asxh build` in a child process, exactly as a user runs it (dbt build with its tests, the
docs site, the published copy and its Parquet marts); peak memory is the largest resident
set of that process and all its children together, sampled every 0.2 s.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from extract.archive import FetchRecord  # noqa: E402
from extract.areas import Gazetteer  # noqa: E402
from extract.pipeline import build_staged_article, write_batch  # noqa: E402
from extract.settings import Settings  # noqa: E402

PROVINCES = {"baonghean": "Nghệ An", "baophutho": "Phú Thọ", "baovinhphuc": "Vĩnh Phúc"}
ASXH = str(Path(sys.executable).parent / "asxh")


def templates() -> list[dict]:
    """The demo site's article pages, staged as the extract step stages them."""
    gazetteer = Gazetteer.load()
    rows = []
    for outlet, province in PROVINCES.items():
        for path in sorted((REPO / "demo_site" / outlet).rglob("*.htm*")):
            if path.name == "index.html" or path.stem.startswith("trang-"):
                continue
            key = f"{outlet}:/{path.relative_to(REPO / 'demo_site' / outlet)}"
            record = FetchRecord(run_id="bench", source=outlet, kind="article", key=key, url=f"https://{outlet}.example/{path.name}",
                                 final_url=None, status=200, fetched_at="2026-01-01T00:00:00+00:00", sha256="0" * 64,
                                 error=None, retryable=False, province=province, content_type="text/html")
            rows.append(build_staged_article(record, path.read_bytes(), gazetteer))
    return rows


def _shift(day: str | None, days: int) -> str | None:
    return (date.fromisoformat(day) + timedelta(days=days)).isoformat() if day else None


def synthetic(template: dict, i: int, n_templates: int) -> dict:
    """Copy i of a template: distinct keys, dates moved by whole days, every other copy's values 1 % lower."""
    row = copy.deepcopy(template)
    days = (i // n_templates) % 3650
    jitter = 0.99 if (i // (n_templates * 3650)) % 2 else 1.0  # down, so that no rate passes 100 %
    key = f"bench:{i}"
    row.update(article_id=hashlib.sha256(key.encode()).hexdigest()[:16], page_key=key,
               url=f"{template['url']}?copy={i}", published=_shift(template["published"], days),
               raw_sha256=hashlib.sha256(f"raw:{i}".encode()).hexdigest())
    for fact in row["facts"]:
        fact["period_start"] = _shift(fact["period_start"], days)
        fact["period_end"] = _shift(fact["period_end"], days)
        fact["value"] = fact["value"] * jitter
    return row


def stage(settings: Settings, rows: list[dict], start: int, count: int, per_batch: int, day0: int) -> int:
    """Stage copies start..start+count-1 in batches of per_batch; returns facts staged."""
    facts = 0
    for b, first in enumerate(range(start, start + count, per_batch)):
        batch = [synthetic(rows[i % len(rows)], i, len(rows)) for i in range(first, min(first + per_batch, start + count))]
        facts += sum(len(a["facts"]) for a in batch)
        # Batch ids sort like the extract step's: by the (synthetic) day they were written.
        write_batch(settings, batch, batch_id=f"{(date(2026, 1, 1) + timedelta(days=day0 + b)).strftime('%Y%m%d')}T000000000000Z-{b:04x}")
    return facts


def timed_build(home: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak GB (resident, the process tree) of one `asxh build`."""
    started = time.monotonic()
    process = psutil.Popen([ASXH, "build"], env={**env, "ASXH_HOME": str(home)},
                           stdout=subprocess.DEVNULL, stderr=open(home / "benchmark-build.log", "a"))
    peak = 0
    while process.poll() is None:
        rss = 0
        try:
            for p in [process, *process.children(recursive=True)]:
                try:
                    rss += p.memory_info().rss
                except psutil.NoSuchProcess:
                    pass
        except psutil.NoSuchProcess:
            pass
        peak = max(peak, rss)
        time.sleep(0.2)
    wall = time.monotonic() - started
    if process.returncode != 0:
        raise SystemExit(f"asxh build failed in {home} (exit {process.returncode}); see {home / 'benchmark-build.log'}")
    return wall, peak / 1e9


def build_times(home: Path) -> dict[str, float]:
    """Seconds of the slowest dbt nodes of the last dbt build, from dbt's log."""
    import re

    log = home / "dbt_logs" / "dbt.log"
    if not log.exists():
        return {}
    segments: list[dict[str, float]] = [{}]
    for line in log.read_text(errors="replace").splitlines():
        if "Running with dbt=" in line:
            segments.append({})
        m = re.search(r"\d+ of \d+ (?:OK|PASS|WARN)\b.*? (\S+) \.+ \[[^\]]*? in ([\d.]+)s\]", line)
        if m:
            segments[-1][m[1]] = float(m[2])
    times = next((s for s in reversed(segments) if s), {})
    return dict(sorted(times.items(), key=lambda kv: -kv[1])[:8])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 400_000])
    parser.add_argument("--day", type=int, default=10_000, help="articles per staged batch and in the incremental day (10000)")
    parser.add_argument("--skip-largest", action="store_true", help="leave out the largest size (small machines)")
    parser.add_argument("--home", type=Path, help="where the ASXH_HOMEs go (default: a temporary folder, removed after)")
    parser.add_argument("--keep", action="store_true", help="keep the ASXH_HOMEs")
    parser.add_argument("--reuse-staged", action="store_true",
                        help="keep the staged batches a kept ASXH_HOME of the same N already has (everything else is removed)")
    args = parser.parse_args()
    sizes = sorted(args.sizes)[:-1] if args.skip_largest and len(args.sizes) > 1 else sorted(args.sizes)
    base = args.home or Path(tempfile.mkdtemp(prefix="asxh-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASXH_")}
    for name in ("ASXH_DUCKDB_MEMORY_LIMIT", "ASXH_DUCKDB_THREADS", "ASXH_DBT_PROJECT_DIR"):
        if name in os.environ:
            env[name] = os.environ[name]
    settings_env = Settings.from_env(env)
    print(f"# DuckDB memory_limit {settings_env.duckdb_memory_limit}, threads {settings_env.duckdb_threads}; "
          f"{os.cpu_count()} CPUs, {psutil.virtual_memory().total / 1e9:.0f} GB", flush=True)
    rows = templates()
    print(f"# {len(rows)} demo pages as templates, {sum(len(r['facts']) for r in rows)} facts among them", flush=True)
    table = []
    for n in sizes:
        home = base / f"n{n}"
        settings = dataclasses.replace(settings_env, home=home)
        batches = sorted((home / "staged" / "batches").glob("*.parquet")) if home.exists() else []
        first = -(-n // args.day)  # the N articles' batches; a day's batch of an earlier run sorts after them
        if args.reuse_staged and len(batches) >= first:
            for extra in batches[first:]:
                extra.unlink()
            batches = batches[:first]
            import pyarrow.parquet as pq

            for entry in home.iterdir():  # a fresh home but for the staged batches of these N articles
                if entry.name != "staged":
                    shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
            facts = int(sum(pq.read_table(b, columns=["facts"]).column("facts").combine_chunks().value_lengths().to_numpy().sum() for b in batches))
            print(f"# N={n}: reusing {len(batches)} staged batches, {facts} facts", flush=True)
        else:
            shutil.rmtree(home, ignore_errors=True)
            home.mkdir(parents=True)
            t = time.monotonic()
            facts = stage(settings, rows, 0, n, args.day, 0)
            print(f"# N={n}: staged {n} articles, {facts} facts in {time.monotonic() - t:.0f} s", flush=True)
        full_s, full_gb = timed_build(home, env)
        print(f"# N={n}: full build {full_s:.0f} s, {full_gb:.2f} GB; slowest: {build_times(home)}", flush=True)
        day_facts = stage(settings, rows, n, args.day, args.day, 10_000)
        inc_s, inc_gb = timed_build(home, env)
        print(f"# N={n}: +{args.day} incremental {inc_s:.0f} s, {inc_gb:.2f} GB; slowest: {build_times(home)}", flush=True)
        size_gb = (home / "warehouse.duckdb").stat().st_size / 1e9
        table.append((n, facts, full_s, full_gb, day_facts, inc_s, inc_gb, size_gb))
        if not args.keep:
            shutil.rmtree(home, ignore_errors=True)
    print()
    print(f"| staged articles / facts | full build | peak memory | + {args.day:,} articles: incremental build | peak memory | warehouse file | full build s per 10k articles |")
    print("|---|---|---|---|---|---|---|")
    for n, facts, full_s, full_gb, day_facts, inc_s, inc_gb, size_gb in table:
        print(f"| {n:,} / {facts:,} | {full_s:.0f} s | {full_gb:.1f} GB | {inc_s:.0f} s | {inc_gb:.1f} GB | {size_gb:.1f} GB | {full_s / n * 10_000:.1f} |")
    if len(table) > 1:
        (n0, *_rest0), (n1, *_rest1) = table[0], table[-1]
        ratio = (table[-1][2] / table[0][2]) / (n1 / n0)
        print(f"\nfull build time grows {table[-1][2] / table[0][2]:.1f}x for {n1 / n0:.0f}x the articles: {ratio:.2f} of linear")
    if not args.keep and not args.home:
        shutil.rmtree(base, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
