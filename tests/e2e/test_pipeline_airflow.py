"""The whole pipeline through a real Airflow (api-server, scheduler, dag-processor), as `make run`
does it: demo site -> scrape DAG -> asset-triggered extract -> asset-triggered build -> warehouse."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.e2e

FACT_TABLES = ("fct_households", "fct_loans", "fct_insurance_cards", "fct_allowances", "fct_other_indicators")


def _asxh_run(home: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, ASXH_HOME=str(home))
    env.pop("ASXH_SOURCES", None)
    return subprocess.run([str(Path(sys.executable).parent / "asxh"), "run", "--timeout", "600"], env=env,
                          capture_output=True, text=True, timeout=1200, cwd=REPO)


def _counts(home: Path) -> dict[str, int]:
    con = duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True)
    con.execute("set search_path = 'marts'")  # the marts, as an analyst reads them
    try:
        return {t: con.execute(f"select count(*) from marts.{t}").fetchone()[0] for t in FACT_TABLES}
    finally:
        con.close()


@pytest.fixture(scope="module")
def two_runs(tmp_path_factory):
    home = tmp_path_factory.mktemp("e2e-home")
    first = _asxh_run(home)
    assert first.returncode == 0, first.stdout[-3000:] + first.stderr[-5000:]
    counts_after_first = _counts(home)
    second = _asxh_run(home)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-5000:]
    return home, first, counts_after_first, second


def test_make_run_fills_all_fact_tables_through_asset_triggered_runs(two_runs):
    home, first, counts, _ = two_runs
    assert all(n > 0 for n in counts.values()), counts
    assert "asxh_extract   success  asset_triggered" in first.stdout
    assert "asxh_build     success  asset_triggered" in first.stdout
    assert (home / "docs" / "index.html").exists()


def test_make_run_lands_seed_figures_with_value_unit_and_qualifier(two_runs):
    home, *_ = two_runs
    con = duckdb.connect(str(home / "published" / "warehouse.duckdb"), read_only=True)
    con.execute("set search_path = 'marts'")
    try:
        expected = [
            ("fct_insurance_cards", 9300, "card", "more_than"),
            ("fct_households", 3.34, "percent", "exact"),
            ("fct_allowances", 18e9, "vnd", "more_than"),
            ("fct_loans", 1000, "household_time", "more_than"),
        ]
        for table, value, unit, qualifier in expected:
            rows = con.execute(
                f"""select o.unit, o.qualifier from marts.{table} o
                    join marts.bridge_observation_fact b using (observation_id)
                    where o.value = ? and b.url like '%vinh-tuong-tang-cuong-vai-tro-lanh-dao%'""",
                [value],
            ).fetchall()
            assert rows == [(unit, qualifier)], (table, value)
    finally:
        con.close()


def test_second_make_run_fetches_nothing_and_duplicates_nothing(two_runs):
    home, _, counts, second = two_runs
    assert "fetch_new_pages=skipped" in second.stdout
    assert _counts(home) == counts


def test_make_run_leaves_no_airflow_process_behind(two_runs):
    home, *_ = two_runs
    leftover = subprocess.run(["pgrep", "-f", f"{home}"], capture_output=True, text=True)
    assert leftover.stdout.strip() == ""
