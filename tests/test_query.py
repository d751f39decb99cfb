"""`asxh query NAME [--var k=v]`: a ready-made analysis on the published warehouse in one command."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from extract.query import parse_vars

ASXH = str(Path(sys.executable).parent / "asxh")


def _asxh(settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASXH_HOME": str(settings.home)}
    return subprocess.run([ASXH, *args], capture_output=True, text=True, env=env, timeout=300)


def test_asxh_query_prints_the_analysis_rows_when_given_a_variable(built_warehouse):
    done = _asxh(built_warehouse, "query", "poverty_rate_over_time", "--var", "area_name=Vĩnh Tường", "--format", "csv")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    con = duckdb.connect(str(built_warehouse.published_path), read_only=True)
    try:
        expected = {(str(v)) for (v,) in con.execute(
            "select value from marts.bridge_observation_fact where metric = 'poor_household_rate' and area_name = 'Vĩnh Tường'").fetchall()}
    finally:
        con.close()
    assert rows and {r["area_name"] for r in rows} == {"Vĩnh Tường"}
    assert {r["value"] for r in rows} == expected


def test_asxh_query_gives_other_rows_when_the_variable_names_another_place(built_warehouse):
    one = _asxh(built_warehouse, "query", "poverty_rate_over_time", "--var", "area_name=Vĩnh Tường", "--format", "json")
    other = _asxh(built_warehouse, "query", "poverty_rate_over_time", "--var", "area_name=Nowhere", "--format", "json")
    assert one.returncode == other.returncode == 0, one.stderr + other.stderr
    assert one.stdout.strip() and other.stdout.strip() == ""


@pytest.mark.parametrize(
    "args,message",
    [
        (["no_such_analysis"], "no analysis 'no_such_analysis'; available: "),
        (["conflicting_reports", "--var", "area_name=X"], "has no variable area_name; its variables: include_agreeing"),
        (["conflicting_reports", "--var", "include_agreeing"], "--var takes NAME=VALUE"),
    ],
    ids=["unknown-analysis", "unknown-variable", "not-name-value"],
)
def test_asxh_query_exits_1_with_one_line_when_the_analysis_or_variable_is_wrong(built_warehouse, args, message):
    done = _asxh(built_warehouse, "query", *args)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0]


def test_parse_vars_reads_values_as_yaml_when_given_name_value_pairs():
    assert parse_vars(["include_agreeing=true", "card_metrics=[a, b]", "area_name=Tam Dương", "year=2020"]) == {
        "include_agreeing": True, "card_metrics": ["a", "b"], "area_name": "Tam Dương", "year": 2020}
