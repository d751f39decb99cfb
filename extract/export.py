"""`asxh export TABLE`: a table of the published warehouse as CSV, Parquet or SDMX-CSV.

Exports read the published copy (settings.published_path), opened read-only, never the file dbt
writes: an export can run while the pipeline builds, and reads one consistent snapshot.

SDMX-CSV (SDMX 2.1 CSV, one row per observation, UTF-8, comma-separated, header row). A fact
table maps to a dataflow "ASXH:<TABLE>(1.0)", one SDMX observation per row of the table:

| column       | role      | from                                                                    |
|--------------|-----------|-------------------------------------------------------------------------|
| DATAFLOW     | -         | "ASXH:" + the table name in capitals + "(1.0)"                          |
| METRIC       | dimension | metric (dim_metric has its definitions)                                 |
| REF_AREA     | dimension | area_code as the statistics office writes it (zero-padded: province 2   |
|              |           | digits, district 3, commune 5); else area_name; "_U" (SDMX "unknown")   |
|              |           | when the article names no place that could be kept                      |
| AREA_LEVEL   | dimension | area_level: national, province, district, commune                       |
| TIME_PERIOD  | time      | the period as SDMX writes it: "2016" (a calendar year), "2019-Q1" (a    |
|              |           | quarter), "2022-06" (a month), "2017-05-15" (a day), else the ISO 8601  |
|              |           | interval "start/end"; ".." for an unknown side ("../2021-09-30", ISO    |
|              |           | 8601-2); empty when neither side is known                               |
| UNIT_MEASURE | dimension | unit (household, person, card, vnd, percent, ...): part of the key, as  |
|              |           | one metric may be counted in persons or in person-times                 |
| UNIT_MULT    | attribute | always 0: values are already normalised ("18 tỷ đồng" is 18000000000),  |
|              |           | so no power of ten is left to apply                                     |
| OBS_VALUE    | measure   | value, as a plain decimal number                                        |
| OBS_STATUS   | attribute | "A" (normal) for exact figures and for bounds; "E" (estimated) for      |
|              |           | about / nearly                                                          |
| QUALIFIER    | attribute | the qualifier as the fact contract states it: exact, about, nearly,     |
|              |           | more_than, at_least, less_than. SDMX has no status for a bound, so a    |
|              |           | bound ("more than 9,300 cards") keeps OBS_STATUS "A" (9300 is the       |
|              |           | figure as published, not an estimate) and says "more_than" here; read   |
|              |           | OBS_VALUE together with QUALIFIER, never alone                          |
| GROUP        | attribute | group_code: beneficiary group (dim_group), empty when none              |
| SOURCE_URL   | attribute | url of the article the figure comes from                                |

SOURCE_URL is the article of the report that stands for the row (the fact table's url column).
GROUP is an attribute here, but the warehouse's observation_id includes it: two rows may share
METRIC, REF_AREA, AREA_LEVEL, UNIT_MEASURE and TIME_PERIOD and differ in GROUP only, so a consumer
that needs a unique series key adds GROUP to it.
"""

from __future__ import annotations

import calendar
import csv
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb

from extract.settings import Settings

# format -> file extension. The SDMX-CSV export gets its own extension so that it never
# overwrites the plain CSV export of the same table in the default exports/ folder.
FORMATS = {"csv": "csv", "parquet": "parquet", "sdmx-csv": "sdmx.csv"}

SDMX_AGENCY = "ASXH"
SDMX_VERSION = "1.0"
SDMX_COLUMNS = [
    "DATAFLOW", "METRIC", "REF_AREA", "AREA_LEVEL", "TIME_PERIOD", "UNIT_MEASURE", "UNIT_MULT",
    "OBS_VALUE", "OBS_STATUS", "QUALIFIER", "GROUP", "SOURCE_URL",
]
# The columns of a fct_* table that the SDMX-CSV export reads.
SDMX_SOURCE_COLUMNS = [
    "metric", "value", "unit", "qualifier", "area_name", "area_level", "area_code",
    "period_start", "period_end", "group_code", "url",
]
ESTIMATED_QUALIFIERS = {"about", "nearly"}
# Digits of a statistics-office code by level; DuckDB stores the codes as integers, which drops
# the leading zeros the office writes (commune 09136, not 9136).
AREA_CODE_DIGITS = {"province": 2, "district": 3, "commune": 5}
UNKNOWN_AREA = "_U"


@dataclass(frozen=True)
class ExportResult:
    table: str
    format: str
    path: Path
    rows: int


def default_path(settings: Settings, table: str, fmt: str) -> Path:
    return settings.home / "exports" / f"{table}.{FORMATS[fmt]}"


@contextmanager
def _published(settings: Settings):
    path = settings.published_path
    if not path.exists():
        raise FileNotFoundError(f"no published warehouse at {path}: run make run or asxh build first")
    con = duckdb.connect(str(path), read_only=True)
    try:
        yield con
    finally:
        con.close()


MARTS_SCHEMA = "marts"


def available_tables(con) -> list[str]:
    """Tables and views of the marts schema, the ones an export accepts."""
    rows = con.execute(
        "select table_name from information_schema.tables"
        " where table_catalog = current_database() and table_schema = ? order by table_name", [MARTS_SCHEMA]
    ).fetchall()
    return [r[0] for r in rows]


def _columns(con, table: str) -> list[str]:
    rows = con.execute(
        "select column_name from information_schema.columns"
        " where table_catalog = current_database() and table_schema = ? and table_name = ?"
        " order by ordinal_position",
        [MARTS_SCHEMA, table],
    ).fetchall()
    return [r[0] for r in rows]


def export_table(settings: Settings, table: str, fmt: str, out: Path | None = None) -> ExportResult:
    """Write `table` of the published warehouse to `out` (default exports/<table>.<ext>)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    with _published(settings) as con:
        tables = available_tables(con)
        if table not in tables:
            raise ValueError(f"no table {table!r} in the warehouse; available: {', '.join(tables)}")
        path, made = _target(settings, table, fmt, out)
        # Written under a temporary name, then renamed: a failed or running export never leaves a
        # half-written file under the name a reader expects, nor the folders it made for it.
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            if fmt == "sdmx-csv":
                rows = _write_sdmx_csv(con, table, tmp)
            else:
                rows = _copy(con, table, fmt, tmp)
            os.replace(tmp, path)
        except BaseException:
            tmp.unlink(missing_ok=True)
            for folder in made:
                try:
                    folder.rmdir()  # only when empty: never anything that was not ours
                except OSError:
                    break
            raise
    return ExportResult(table=table, format=fmt, path=path, rows=rows)


def _target(settings: Settings, table: str, fmt: str, out: Path | None) -> tuple[Path, list[Path]]:
    """Where the export goes, and the folders made for it (missing folders of --out are made, as
    exports/ is; export_table removes them again when the export fails). Checked first: --out
    must name a file, under folders that are folders and can be written."""
    path = Path(out) if out else default_path(settings, table, fmt)
    if path.is_dir():
        raise ValueError(f"--out {path} is a folder; give the file to write, e.g. {path / (table + '.' + FORMATS[fmt])}")
    missing = []
    folder = path.parent
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    if not folder.is_dir():
        raise ValueError(f"--out {path}: {folder} is a file, not a folder")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"--out {path}: folder {folder} is not writable")
    path.parent.mkdir(parents=True, exist_ok=True)
    return path, missing  # deepest first


def _copy(con, table: str, fmt: str, path: Path) -> int:
    # COPY takes no bound parameters for its target, hence the quoted literal; the table name is
    # one of available_tables(), quoted as an identifier.
    target = str(path).replace("'", "''")
    options = "format csv, header true" if fmt == "csv" else "format parquet"
    (count,) = con.execute(f"copy (select * from {MARTS_SCHEMA}.\"{table}\") to '{target}' ({options})").fetchall()[0]
    return count


# ---------------------------------------------------------------- SDMX-CSV

def dataflow_id(table: str) -> str:
    return f"{SDMX_AGENCY}:{table.upper()}({SDMX_VERSION})"


def time_period(start: date | None, end: date | None) -> str:
    """The SDMX TIME_PERIOD of [start, end]: the shortest standard form that says exactly it."""
    if start is None and end is None:
        return ""
    if start is None or end is None:
        return f"{start.isoformat() if start else '..'}/{end.isoformat() if end else '..'}"
    if start == end:
        return start.isoformat()
    if start.year == end.year and start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]:
        if start.month == 1 and end.month == 12:
            return f"{start.year}"
        if start.month % 3 == 1 and end.month == start.month + 2:
            return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
        if start.month == end.month:
            return f"{start.year}-{start.month:02d}"
    return f"{start.isoformat()}/{end.isoformat()}"


def obs_status(qualifier: str) -> str:
    return "E" if qualifier in ESTIMATED_QUALIFIERS else "A"


def ref_area(area_code: int | None, area_name: str | None, area_level: str | None) -> str:
    if area_code is not None:
        return str(area_code).zfill(AREA_CODE_DIGITS.get(area_level or "", 0))
    return area_name or UNKNOWN_AREA


def obs_value(value: float) -> str:
    # 18000000000.0 is written 18000000000; other values keep their shortest exact form (3.34).
    return str(int(value)) if float(value).is_integer() else repr(float(value))


def sdmx_observations(con, table: str) -> Iterator[dict[str, str]]:
    columns = _columns(con, table)
    missing = [c for c in SDMX_SOURCE_COLUMNS if c not in columns]
    if missing:
        raise ValueError(f"sdmx-csv needs a fact table (fct_*); {table} lacks the columns {', '.join(missing)}")
    # Ordered, so that two exports of one warehouse are identical files.
    rows = con.execute(f"select {', '.join(SDMX_SOURCE_COLUMNS)} from {MARTS_SCHEMA}.\"{table}\" order by all").fetchall()
    flow = dataflow_id(table)
    for metric, value, unit, qualifier, area_name, area_level, area_code, start, end, group, url in rows:
        yield {
            "DATAFLOW": flow,
            "METRIC": metric,
            "REF_AREA": ref_area(area_code, area_name, area_level),
            "AREA_LEVEL": area_level or "",
            "TIME_PERIOD": time_period(start, end),
            "UNIT_MEASURE": unit,
            "UNIT_MULT": "0",
            "OBS_VALUE": obs_value(value),
            "OBS_STATUS": obs_status(qualifier),
            "QUALIFIER": qualifier,
            "GROUP": group or "",
            "SOURCE_URL": url,
        }


def _write_sdmx_csv(con, table: str, path: Path) -> int:
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        # "\n" line ends, as DuckDB's COPY writes the plain CSV export.
        writer = csv.DictWriter(fh, fieldnames=SDMX_COLUMNS, lineterminator="\n")
        writer.writeheader()
        for observation in sdmx_observations(con, table):
            writer.writerow(observation)
            count += 1
    return count
