"""`asxh export`: a table of the published warehouse as CSV, Parquet or SDMX-CSV.

Exports are read back as users read them: with pandas, with DuckDB and with Python's csv module.
"""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from extract import contract
from extract.export import SDMX_COLUMNS, export_table, obs_status, ref_area, time_period

ASXH = str(Path(sys.executable).parent / "asxh")
FACT_TABLES = ["fct_households", "fct_loans", "fct_insurance_cards", "fct_allowances", "fct_other_indicators"]


def _published(settings):
    return duckdb.connect(str(settings.published_path), read_only=True)


def _table(settings, table: str) -> tuple[list[str], list[str], list[tuple]]:
    """Column names, column types and rows of a table of the published warehouse."""
    con = _published(settings)
    try:
        described = con.execute(f"describe marts.{table}").fetchall()
        rows = con.execute(f"select * from marts.{table}").fetchall()
    finally:
        con.close()
    return [d[0] for d in described], [d[1] for d in described], rows


def _read_csv_module(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _cell_equals(cell: str, value) -> bool:
    """A CSV cell against the table's value: NULL is the empty cell, numbers compare as numbers."""
    if value is None:
        return cell == ""
    if isinstance(value, bool):
        return cell == str(value).lower()
    if isinstance(value, float):
        return float(cell) == value
    if isinstance(value, date):
        return date.fromisoformat(cell) == value
    return cell == str(value)


def _differences(con, table: str, reader_sql: str) -> int:
    """Rows in one side and not the other (with multiplicity), between a table and an export."""
    one = con.execute(f"select count(*) from (select * from pub.marts.{table} except all {reader_sql})").fetchall()[0][0]
    other = con.execute(f"select count(*) from ({reader_sql} except all select * from pub.marts.{table})").fetchall()[0][0]
    return one + other


def _asxh(settings, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "ASXH_HOME": str(settings.home)}
    return subprocess.run([ASXH, *args], capture_output=True, text=True, env=env, timeout=120)


# ---------------------------------------------------------------- CSV and Parquet


@pytest.mark.parametrize("table", FACT_TABLES)
def test_export_csv_has_the_table_rows_and_values_when_read_with_the_csv_module(built_warehouse, tmp_path, table):
    names, _, rows = _table(built_warehouse, table)
    assert rows, f"the fixture warehouse has no {table} rows: the comparison would prove nothing"
    result = export_table(built_warehouse, table, "csv", tmp_path / f"{table}.csv")
    header, cells = _read_csv_module(result.path)
    assert header == names
    assert result.rows == len(cells) == len(rows)
    # The first column of every fact table is its unique row id: rows are matched on it.
    by_id = {c[names[0]]: c for c in cells}
    assert len(by_id) == len(rows)
    for row in rows:
        exported = by_id[str(row[0])]
        mismatched = [n for n, v in zip(names, row) if not _cell_equals(exported[n], v)]
        assert mismatched == [], f"{table} {row[0]}: {mismatched}"


@pytest.mark.parametrize("table", FACT_TABLES)
def test_export_csv_equals_the_table_when_read_back_with_duckdb(built_warehouse, tmp_path, table):
    names, types, rows = _table(built_warehouse, table)
    result = export_table(built_warehouse, table, "csv", tmp_path / f"{table}.csv")
    # The table's own schema is given to read_csv: a CSV file carries no types, and an inferred
    # type could turn an all-digit article_id into a number.
    columns = "{" + ", ".join(f"'{n}': '{t}'" for n, t in zip(names, types)) + "}"
    con = duckdb.connect()
    con.execute(f"attach '{built_warehouse.published_path}' as pub (read_only)")
    reader = f"select * from read_csv('{result.path}', header = true, columns = {columns})"
    assert con.execute(f"select count(*) from ({reader})").fetchall()[0][0] == len(rows)
    assert _differences(con, table, reader) == 0
    con.close()


@pytest.mark.parametrize("table", FACT_TABLES)
def test_export_parquet_equals_the_table_with_its_types_when_read_back_with_duckdb(built_warehouse, tmp_path, table):
    names, types, rows = _table(built_warehouse, table)
    result = export_table(built_warehouse, table, "parquet", tmp_path / f"{table}.parquet")
    con = duckdb.connect()
    con.execute(f"attach '{built_warehouse.published_path}' as pub (read_only)")
    reader = f"select * from read_parquet('{result.path}')"
    described = con.execute(f"describe {reader}").fetchall()
    # Parquet has no 128-bit integer: DuckDB writes HUGEINT (what sum() of integers gives) as
    # DOUBLE, exact for any count below 2**53. Every other type comes back as it was.
    assert [(d[0], d[1]) for d in described] == [(n, "DOUBLE" if t == "HUGEINT" else t) for n, t in zip(names, types)]
    assert result.rows == con.execute(f"select count(*) from ({reader})").fetchall()[0][0] == len(rows)
    assert _differences(con, table, reader) == 0
    con.close()


@pytest.mark.parametrize("table", FACT_TABLES)
def test_export_csv_and_parquet_open_in_pandas_with_the_tables_rows_and_values(built_warehouse, tmp_path, table):
    import pandas as pd

    names, _, rows = _table(built_warehouse, table)
    csv_path = export_table(built_warehouse, table, "csv", tmp_path / f"{table}.csv").path
    parquet_path = export_table(built_warehouse, table, "parquet", tmp_path / f"{table}.parquet").path
    for frame in (pd.read_csv(csv_path), pd.read_parquet(parquet_path)):
        assert list(frame.columns) == names
        assert len(frame) == len(rows)
        values = sorted(frame["value"].tolist())
        assert values == pytest.approx(sorted(float(r[names.index("value")]) for r in rows))
        assert set(frame["observation_id"]) == {r[names.index("observation_id")] for r in rows}


def test_export_sdmx_csv_opens_in_pandas_with_sdmx_columns(built_warehouse, tmp_path):
    import pandas as pd

    path = export_table(built_warehouse, "fct_households", "sdmx-csv", tmp_path / "h.sdmx.csv").path
    frame = pd.read_csv(path, dtype=str)
    assert list(frame.columns) == list(SDMX_COLUMNS)
    assert frame["OBS_VALUE"].astype(float).ge(0).all()


def test_export_accepts_any_table_of_schema_main_when_it_is_not_a_fact_table(built_warehouse, tmp_path):
    result = export_table(built_warehouse, "dim_metric", "csv", tmp_path / "dim_metric.csv")
    con = _published(built_warehouse)
    expected = con.execute("select count(*) from marts.dim_metric").fetchall()[0][0]
    con.close()
    assert result.rows == len(_read_csv_module(result.path)[1]) == expected > 0


def test_export_writes_under_exports_in_asxh_home_when_no_out_is_given(warehouse_home_copy):
    for fmt, name in (("csv", "fct_loans.csv"), ("parquet", "fct_loans.parquet"), ("sdmx-csv", "fct_loans.sdmx.csv")):
        result = export_table(warehouse_home_copy, "fct_loans", fmt)
        assert result.path == warehouse_home_copy.home / "exports" / name
        assert result.path.is_file()
    # Only the finished files (the SDMX-CSV with its structure): no temporary file is left behind.
    assert sorted(p.name for p in (warehouse_home_copy.home / "exports").iterdir()) == [
        "fct_loans.csv", "fct_loans.parquet", "fct_loans.sdmx.csv", "fct_loans.structure.xml"]


def test_export_rejects_a_table_with_the_list_of_available_ones_when_it_does_not_exist(built_warehouse, tmp_path):
    with pytest.raises(ValueError) as error:
        export_table(built_warehouse, "fct_nope", "csv", tmp_path / "x.csv")
    for table in FACT_TABLES:
        assert table in str(error.value)
    assert not (tmp_path / "x.csv").exists()


def test_export_rejects_a_table_name_that_is_not_a_plain_name_when_it_would_inject_sql(built_warehouse, tmp_path):
    with pytest.raises(ValueError):
        export_table(built_warehouse, 'fct_loans" to \'/tmp/x.csv\'; --', "csv", tmp_path / "x.csv")


def test_export_sdmx_csv_refuses_a_table_when_it_is_not_a_fact_table(built_warehouse, tmp_path):
    with pytest.raises(ValueError, match="sdmx-csv needs a fact table"):
        export_table(built_warehouse, "dim_metric", "sdmx-csv", tmp_path / "dim_metric.sdmx.csv")
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------- SDMX-CSV

# The forms of an SDMX TIME_PERIOD the export writes: year, quarter, month, day, ISO interval
# (either side may be ".." when unknown), or empty when nothing is known.
DAY = r"\d{4}-\d{2}-\d{2}"
TIME_PERIOD = re.compile(rf"^(\d{{4}}|\d{{4}}-Q[1-4]|\d{{4}}-(0[1-9]|1[0-2])|{DAY}|({DAY}|\.\.)/({DAY}|\.\.))$")


@pytest.mark.parametrize("table", FACT_TABLES)
def test_export_sdmx_csv_has_sdmx_columns_and_one_observation_per_fact_when_exported(built_warehouse, tmp_path, table):
    names, _, rows = _table(built_warehouse, table)
    result = export_table(built_warehouse, table, "sdmx-csv", tmp_path / f"{table}.sdmx.csv")
    header, observations = _read_csv_module(result.path)
    assert header == SDMX_COLUMNS
    assert result.rows == len(observations) == len(rows)
    facts = [dict(zip(names, row)) for row in rows]
    # The columns copied from the table, compared as multisets (the export has its own order).
    copied = sorted(
        (f["metric"], f["value"], f["unit"], f["qualifier"], f["area_level"] or "", f["group_code"] or "", f["url"])
        for f in facts
    )
    exported = sorted(
        (o["METRIC"], float(o["OBS_VALUE"]), o["UNIT_MEASURE"], o["QUALIFIER"], o["AREA_LEVEL"].replace("_U", ""),
         o["BENEFICIARY_GROUP"].replace("_Z", ""), o["SOURCE_URL"])
        for o in observations
    )
    assert exported == copied
    for obs in observations:
        assert (obs["STRUCTURE"], obs["STRUCTURE_ID"], obs["ACTION"]) == ("dataflow", f"ASXH:DF_{table.upper()}(1.0.0)", "I")
        assert obs["UNIT_MULT"] == "0"
        assert obs["OBS_STATUS"] == ("E" if obs["QUALIFIER"] in ("about", "nearly") else "A")
        assert obs["REF_AREA"] != ""
        assert TIME_PERIOD.match(obs["TIME_PERIOD"]), obs["TIME_PERIOD"]


def test_export_sdmx_csv_writes_the_seed_figures_as_sdmx_when_built_from_fixtures(built_warehouse, tmp_path):
    def observations(table):
        return _read_csv_module(export_table(built_warehouse, table, "sdmx-csv", tmp_path / f"{table}.csv").path)[1]

    # "tỷ lệ hộ nghèo năm 2016 là 3,34%" in Vĩnh Tường (district 252): a calendar year.
    rate = next(o for o in observations("fct_households") if o["OBS_VALUE"] == "3.34")
    assert (rate["REF_AREA"], rate["TIME_PERIOD"], rate["UNIT_MEASURE"], rate["OBS_STATUS"]) == ("252", "2016", "percent", "A")
    # "hơn 9.300 thẻ": a lower bound keeps OBS_STATUS A and says so in QUALIFIER; a point in time.
    cards = next(o for o in observations("fct_insurance_cards") if o["OBS_VALUE"] == "9300")
    assert (cards["OBS_STATUS"], cards["QUALIFIER"], cards["TIME_PERIOD"]) == ("A", "more_than", "2017-05-15")
    # "khoảng 91%" national coverage: an estimate, and a place with no code keeps its name.
    national = next(o for o in observations("fct_insurance_cards") if o["OBS_VALUE"] == "91")
    assert (national["OBS_STATUS"], national["REF_AREA"], national["AREA_LEVEL"]) == ("E", "Việt Nam", "national")
    # The first half of 2018 is neither a year, a quarter nor a month: an ISO interval.
    loans = observations("fct_loans")
    assert any(o["TIME_PERIOD"] == "2018-01-01/2018-06-30" for o in loans)
    # 18 tỷ đồng is written in full, since UNIT_MULT is 0.
    assert any(o["OBS_VALUE"] == "18000000000" for o in observations("fct_allowances"))
    # Commune Tuân Chính keeps the statistics office's five digits.
    assert any(o["REF_AREA"] == "09136" and o["AREA_LEVEL"] == "commune" for o in observations("fct_other_indicators"))


@pytest.mark.parametrize(
    "start,end,expected",
    [
        (date(2016, 1, 1), date(2016, 12, 31), "2016"),
        (date(2019, 1, 1), date(2019, 3, 31), "2019-Q1"),
        (date(2020, 10, 1), date(2020, 12, 31), "2020-Q4"),
        (date(2022, 6, 1), date(2022, 6, 30), "2022-06"),
        (date(2024, 2, 1), date(2024, 2, 29), "2024-02"),
        (date(2017, 5, 15), date(2017, 5, 15), "2017-05-15"),
        (date(2018, 1, 1), date(2018, 6, 30), "2018-01-01/2018-06-30"),
        (date(2019, 2, 1), date(2019, 4, 30), "2019-02-01/2019-04-30"),
        (date(2016, 1, 1), date(2017, 5, 15), "2016-01-01/2017-05-15"),
        (date(2016, 1, 1), date(2017, 12, 31), "2016-01-01/2017-12-31"),
        (date(2022, 6, 1), date(2022, 6, 29), "2022-06-01/2022-06-29"),
        (None, date(2021, 9, 30), "../2021-09-30"),
        (date(2021, 1, 1), None, "2021-01-01/.."),
        (None, None, "../.."),
    ],
)
def test_time_period_is_the_shortest_sdmx_form_when_given_a_period(start, end, expected):
    assert time_period(start, end) == expected
    assert TIME_PERIOD.match(expected)


@pytest.mark.parametrize("qualifier", contract.QUALIFIERS)
def test_obs_status_is_estimated_only_when_the_qualifier_is_about_or_nearly(qualifier):
    assert obs_status(qualifier) == ("E" if qualifier in ("about", "nearly") else "A")


@pytest.mark.parametrize(
    "code,name,level,expected",
    [
        (26, "Vĩnh Phúc", "province", "26"),
        (1, "Hà Nội", "province", "01"),
        (252, "Vĩnh Tường", "district", "252"),
        (9136, "Tuân Chính", "commune", "09136"),
        (None, "Việt Nam", "national", "Việt Nam"),
        (None, None, "commune", "_U"),
    ],
)
def test_ref_area_is_the_padded_code_else_the_name_when_given_a_place(code, name, level, expected):
    assert ref_area(code, name, level) == expected


# ---------------------------------------------------------------- the command


def test_asxh_export_prints_path_and_row_count_when_the_warehouse_is_published(warehouse_home_copy):
    completed = _asxh(warehouse_home_copy, "export", "fct_households", "--format", "parquet")
    assert completed.returncode == 0, completed.stderr
    path = warehouse_home_copy.home / "exports" / "fct_households.parquet"
    _, _, rows = _table(warehouse_home_copy, "fct_households")
    assert completed.stdout.strip() == f"{path}: {len(rows)} rows"
    assert path.is_file()


def test_asxh_export_writes_to_out_when_given(warehouse_home_copy, tmp_path):
    out = tmp_path / "deep" / "er" / "households.sdmx.csv"
    completed = _asxh(warehouse_home_copy, "export", "fct_households", "--format", "sdmx-csv", "--out", str(out))
    assert completed.returncode == 0, completed.stderr
    assert _read_csv_module(out)[0] == SDMX_COLUMNS


def test_asxh_export_exits_1_with_a_clear_message_when_nothing_is_published(tmp_path):
    home = tmp_path / "empty-home"
    env = {**os.environ, "ASXH_HOME": str(home)}
    completed = subprocess.run([ASXH, "export", "fct_households"], capture_output=True, text=True, env=env, timeout=120)
    assert completed.returncode == 1
    assert "no published warehouse" in completed.stderr
    assert "run make run or asxh build first" in completed.stderr
    assert not (home / "exports").exists()


def test_asxh_export_exits_1_listing_the_tables_when_the_table_is_unknown(warehouse_home_copy):
    completed = _asxh(warehouse_home_copy, "export", "fct_nope")
    assert completed.returncode == 1
    assert "no table 'fct_nope'" in completed.stderr
    assert all(table in completed.stderr for table in FACT_TABLES)


def test_asxh_export_exits_2_when_the_format_is_unknown(warehouse_home_copy):
    completed = _asxh(warehouse_home_copy, "export", "fct_households", "--format", "xlsx")
    assert completed.returncode == 2
    assert "invalid choice" in completed.stderr


# ---------------------------------------------------------------- SDMX-CSV 2.0 rules and structure

STR_NS = "{http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure}"
ARTEFACT_ID = re.compile(r"^[A-Za-z0-9_@$-]+:[A-Za-z][A-Za-z0-9_-]*\(\d+\.\d+\.\d+\)$")  # AGENCY:ID(VERSION)


def _structure(path: Path) -> dict:
    """The data structure of an SDMX-ML 3.0 structure message: its components and codelists."""
    from xml.etree import ElementTree as ET

    root = ET.parse(path).getroot()
    codelists = {cl.get("id"): {c.get("id") for c in cl.iter(f"{STR_NS}Code")} for cl in root.iter(f"{STR_NS}Codelist")}
    dsd = next(root.iter(f"{STR_NS}DataStructure"))
    def ids(list_tag, *tags):
        found = next(dsd.iter(f"{STR_NS}{list_tag}"))
        return [(el.get("id"), el.findtext(f"{STR_NS}LocalRepresentation/{STR_NS}Enumeration"))
                for el in found if el.tag in {f"{STR_NS}{t}" for t in tags}]
    flow = next(root.iter(f"{STR_NS}Dataflow"))
    return {
        "dsd": f"{dsd.get('agencyID')}:{dsd.get('id')}({dsd.get('version')})",
        "flow": f"{flow.get('agencyID')}:{flow.get('id')}({flow.get('version')})",
        "flow_structure": flow.findtext(f"{STR_NS}Structure"),
        "dimensions": ids("DimensionList", "Dimension", "TimeDimension"),
        "measures": ids("MeasureList", "Measure"),
        "attributes": ids("AttributeList", "Attribute"),
        "codelists": codelists,
    }


@pytest.mark.parametrize("table", FACT_TABLES)
def test_export_sdmx_csv_follows_the_sdmx_csv_2_rules_against_its_structure_when_exported(built_warehouse, tmp_path, table):
    result = export_table(built_warehouse, table, "sdmx-csv", tmp_path / f"{table}.sdmx.csv")
    raw = result.path.read_bytes()
    structure = _structure(tmp_path / f"{table}.structure.xml")
    header, rows = _read_csv_module(result.path)
    # RFC 4180: every record ends in CRLF, every record has the header's number of fields.
    assert raw.endswith(b"\r\n") and raw.count(b"\r\n") == len(rows) + 1 and b"\n" not in raw.replace(b"\r\n", b"")
    # The fixed columns, then dimensions, measures and attributes in the structure's order.
    dimensions = [d for d, _ in structure["dimensions"]]
    assert header == ["STRUCTURE", "STRUCTURE_ID", "ACTION", *dimensions,
                      *[m for m, _ in structure["measures"]], *[a for a, _ in structure["attributes"]]]
    assert dimensions[-1] == "TIME_PERIOD"
    assert ARTEFACT_ID.match(structure["flow"]) and ARTEFACT_ID.match(structure["dsd"])
    assert structure["flow_structure"].endswith(structure["dsd"])
    coded = {c: structure["codelists"][cl.rsplit("=", 1)[1].split(":")[1].split("(")[0]]
             for c, cl in structure["dimensions"] + structure["attributes"] if cl}
    assert {"METRIC", "UNIT_MEASURE", "AREA_LEVEL", "BENEFICIARY_GROUP", "OBS_STATUS", "QUALIFIER"} <= set(coded)
    keys = set()
    for row in rows:
        assert row["STRUCTURE"] == "dataflow" and row["STRUCTURE_ID"] == structure["flow"]
        assert row["ACTION"] in {"I", "A", "R", "D"}
        assert all(row[d] != "" for d in dimensions), row  # an observation's key is complete
        for column, codes in coded.items():
            assert row[column] in codes, (column, row[column])
        assert TIME_PERIOD.match(row["TIME_PERIOD"])
        float(row["OBS_VALUE"])
        keys.add(tuple(row[d] for d in dimensions))
    assert rows and len(keys) == len(rows)  # one observation per key


def test_export_sdmx_csv_numbers_figures_that_share_every_dimension_when_an_article_gives_two(built_warehouse, tmp_path):
    import dataclasses
    import shutil

    home = tmp_path / "home"
    (home / "published").mkdir(parents=True)
    shutil.copyfile(built_warehouse.published_path, home / "published" / "warehouse.duckdb")
    settings = dataclasses.replace(built_warehouse, home=home)
    con = duckdb.connect(str(settings.published_path))
    # A second figure with every dimension of an existing one (another amount, another observation).
    con.execute("insert into marts.fct_allowances select * replace (observation_id || 'x' as observation_id, value + 1 as value)"
                " from marts.fct_allowances order by observation_id limit 1")
    con.close()
    _, rows = _read_csv_module(export_table(settings, "fct_allowances", "sdmx-csv", tmp_path / "a.sdmx.csv").path)
    numbered = {}
    for row in rows:
        key = tuple(row[d] for d in ("METRIC", "REF_AREA", "AREA_LEVEL", "AREA_VERSION", "UNIT_MEASURE", "BENEFICIARY_GROUP", "TIME_PERIOD"))
        numbered.setdefault(key, []).append(row["FIGURE_NO"])
    assert sorted(max(numbered.values(), key=len)) == ["1", "2"]
