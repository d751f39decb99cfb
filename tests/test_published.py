"""The published warehouse as analysts open it: with the DuckDB 1.5 command line from PyPI, as
Parquet, with its layers in their own schemas and its column comments in the database."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

DUCKDB_CLI = Path(sys.executable).parent / "duckdb"  # the duckdb-cli wheel (test dependency)


def _cli(path: Path, sql: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(DUCKDB_CLI), "-readonly", "-csv", str(path), "-c", sql],
                          capture_output=True, text=True, timeout=120)


def test_published_warehouse_opens_in_the_duckdb_1_5_cli_when_published(built_warehouse):
    version = subprocess.run([str(DUCKDB_CLI), "--version"], capture_output=True, text=True, timeout=60).stdout
    assert version.startswith("v1.5.")
    done = _cli(built_warehouse.published_path, "select count(*) from marts.fct_households; select count(*) from marts.dim_article")
    assert done.returncode == 0, done.stderr
    con = duckdb.connect(str(built_warehouse.published_path), read_only=True)
    try:
        expected = [con.execute("select count(*) from marts.fct_households").fetchone()[0],
                    con.execute("select count(*) from marts.dim_article").fetchone()[0]]
    finally:
        con.close()
    counts = [int(line) for line in done.stdout.split() if line.isdigit()]
    assert counts == expected and expected[0] > 0


def test_duckdb_1_5_cli_refuses_a_file_in_the_2_0_format_when_not_converted(tmp_path):
    # The check above can fail: a file written in DuckDB 2.0's own format is refused.
    path = tmp_path / "new-format.duckdb"
    duckdb.connect(str(path)).execute("create table t as select 1 as a").close()
    done = _cli(path, "select * from t")
    assert done.returncode != 0 and "version" in (done.stderr + done.stdout).lower()


def test_publish_converts_the_warehouse_when_it_was_made_in_the_2_0_format(warehouse_home_copy):
    from extract.pipeline import publish_warehouse, storage_number

    settings = warehouse_home_copy
    old = settings.home / "old.duckdb"
    con = duckdb.connect(str(old))
    con.execute("attach ? as built (read_only)", [str(settings.warehouse_path)])
    con.execute("copy from database built to old")
    con.close()
    assert storage_number(old) > 68
    shutil.move(old, settings.warehouse_path)
    publish_warehouse(settings)
    assert storage_number(settings.published_path) <= 68
    done = _cli(settings.published_path, "select count(*) from marts.fct_loans")
    assert done.returncode == 0, done.stderr


def test_every_mart_table_is_published_as_parquet_with_the_tables_rows(built_warehouse):
    con = duckdb.connect(str(built_warehouse.published_path), read_only=True)
    try:
        # Tables: the view fct_observations is its five fct_* tables, each published.
        marts = [r[0] for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
            " and table_type = 'BASE TABLE' order by 1").fetchall()]
        assert "fct_households" in marts and "fct_observations" not in marts
        folder = built_warehouse.published_path.parent / "marts"
        assert sorted(p.stem for p in folder.glob("*.parquet")) == marts
        for name in marts:
            differ = con.execute(
                f"select (select count(*) from (from marts.{name} except all from read_parquet(?)))"
                f" + (select count(*) from (from read_parquet(?) except all from marts.{name}))",
                [str(folder / f"{name}.parquet")] * 2).fetchone()[0]
            assert differ == 0, name
    finally:
        con.close()


def test_published_layers_sit_in_their_own_schemas_with_column_comments(built_warehouse):
    con = duckdb.connect(str(built_warehouse.published_path), read_only=True)
    try:
        schemas = dict(con.execute(
            "select table_name, table_schema from information_schema.tables where table_catalog = current_database()").fetchall())
        comment = con.execute(
            "select comment from duckdb_columns() where schema_name = 'marts' and table_name = 'fct_households'"
            " and column_name = 'has_conflict'").fetchone()[0]
    finally:
        con.close()
    assert schemas["fct_households"] == "marts" and schemas["stg_news__facts"] == "staging"
    assert schemas["int_observations"] == "intermediate" and schemas["metric_catalogue"] == "seeds"
    assert "stg_news__arrivals" not in schemas  # it reads the landing zone's files: not published
    assert "0.5 %" in comment


@pytest.mark.parametrize("table", ["dim_area", "fct_households", "bridge_observation_fact"])
def test_area_codes_are_zero_padded_text_when_published(built_warehouse, table):
    con = duckdb.connect(str(built_warehouse.published_path), read_only=True)
    try:
        kind = con.execute(f"select data_type from information_schema.columns where table_schema = 'marts'"
                           f" and table_name = '{table}' and column_name = 'area_code'").fetchone()[0]
        wrong = con.execute(f"""
            select count(*) from marts.{table}
            where area_code is not null
              and length(area_code) != case area_level when 'province' then 2 when 'district' then 3 else 5 end""").fetchone()[0]
        padded = con.execute("select count(*) from marts.dim_area where area_code like '0%'").fetchone()[0]
    finally:
        con.close()
    assert kind == "VARCHAR" and wrong == 0 and padded > 0
