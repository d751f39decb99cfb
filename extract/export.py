"""`asxh export TABLE`: a table of the published warehouse as CSV, Parquet or SDMX-CSV.

Exports read the published copy (settings.published_path), opened read-only, never the file dbt
writes: an export can run while the pipeline builds, and reads one consistent snapshot.

SDMX-CSV 2.0 (the CSV format of SDMX 3.0: RFC 4180, UTF-8, comma-separated, CRLF line ends, a
header row). A fact table maps to the dataflow ASXH:DF_<TABLE>(1.0.0) of the data structure
ASXH:DSD_<TABLE>(1.0.0); `<name>.structure.xml` beside the CSV is an SDMX-ML 3.0 structure
message with that data structure, its dataflow, its concepts and the codelists of its coded
components (metrics from dim_metric, units, levels, groups from dim_group, statuses, qualifiers).
One row per row of the table:

| column            | role      | from                                                               |
|-------------------|-----------|--------------------------------------------------------------------|
| STRUCTURE         | -         | "dataflow"                                                         |
| STRUCTURE_ID      | -         | "ASXH:DF_" + the table name in capitals + "(1.0.0)"                |
| ACTION            | -         | "I" (information: a snapshot of the warehouse, appended on upload) |
| METRIC            | dimension | metric (codelist CL_METRIC: dim_metric)                            |
| REF_AREA          | dimension | area_code as the statistics office writes it (zero-padded: province |
|                   |           | 2 digits, district 3, commune 5); else area_name; "_U" (SDMX        |
|                   |           | "unspecified") when the article names no place that could be kept  |
| AREA_LEVEL        | dimension | national, province, district, commune; "_U" when none (CL_AREA_LEVEL) |
| AREA_VERSION      | dimension | the first day of the unit version the code belongs to (codes are   |
|                   |           | reused across the July 2025 reform); "_Z" for a place without one  |
| UNIT_MEASURE      | dimension | unit (CL_UNIT): one metric may be counted in persons or person-times |
| BENEFICIARY_GROUP | dimension | group_code (CL_GROUP: dim_group); "_Z" (not applicable) when none  |
| FIGURE_NO         | dimension | 1; 2, 3 ... for further figures that share every other dimension   |
|                   |           | (one article's 200,000 and 400,000 đồng gifts)                     |
| TIME_PERIOD       | time      | the period as SDMX writes it: "2016" (a calendar year), "2019-Q1"  |
|                   |           | (a quarter), "2022-06" (a month), "2017-05-15" (a day), else the ISO |
|                   |           | 8601 interval "start/end"; ".." for an unknown side (ISO 8601-2)   |
| OBS_VALUE         | measure   | value, as a plain decimal number                                   |
| UNIT_MULT         | attribute | always 0: values are already normalised ("18 tỷ đồng" is 18000000000) |
| OBS_STATUS        | attribute | "A" (normal) for exact figures and bounds; "E" (estimated) for     |
|                   |           | about / nearly (CL_OBS_STATUS)                                     |
| QUALIFIER         | attribute | exact, about, nearly, more_than, at_least, less_than (CL_QUALIFIER): |
|                   |           | SDMX has no status for a bound, so "more than 9,300 cards" keeps   |
|                   |           | OBS_STATUS "A" and says more_than here; read OBS_VALUE with it     |
| SOURCE_URL        | attribute | url of the article of the report that stands for the row           |
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
SDMX_VERSION = "1.0.0"
SDMX_DIMENSIONS = ["METRIC", "REF_AREA", "AREA_LEVEL", "AREA_VERSION", "UNIT_MEASURE", "BENEFICIARY_GROUP", "FIGURE_NO", "TIME_PERIOD"]
SDMX_MEASURES = ["OBS_VALUE"]
SDMX_ATTRIBUTES = ["UNIT_MULT", "OBS_STATUS", "QUALIFIER", "SOURCE_URL"]
SDMX_COLUMNS = ["STRUCTURE", "STRUCTURE_ID", "ACTION", *SDMX_DIMENSIONS, *SDMX_MEASURES, *SDMX_ATTRIBUTES]
# The columns of a fct_* table that the SDMX-CSV export reads.
SDMX_SOURCE_COLUMNS = [
    "metric", "value", "unit", "qualifier", "area_name", "area_level", "area_code", "area_key",
    "period_start", "period_end", "group_code", "url",
]
ESTIMATED_QUALIFIERS = {"about", "nearly"}
UNKNOWN = "_U"  # SDMX: unspecified
NOT_APPLICABLE = "_Z"  # SDMX: not applicable
UNKNOWN_AREA = UNKNOWN
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
                rows = _write_sdmx_csv(con, table, tmp, path)
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


# ---------------------------------------------------------------- SDMX-CSV 2.0

def dataflow_id(table: str) -> str:
    return f"{SDMX_AGENCY}:DF_{table.upper()}({SDMX_VERSION})"


def time_period(start: date | None, end: date | None) -> str:
    """The SDMX TIME_PERIOD of [start, end]: the shortest standard form that says exactly it."""
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


def ref_area(area_code: str | int | None, area_name: str | None, area_level: str | None) -> str:
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
    seen: dict[tuple, int] = {}
    for metric, value, unit, qualifier, area_name, area_level, area_code, area_key, start, end, group, url in rows:
        key = {
            "METRIC": metric,
            "REF_AREA": ref_area(area_code, area_name, area_level),
            "AREA_LEVEL": area_level or UNKNOWN,
            "AREA_VERSION": area_key.rsplit(":", 1)[1] if area_key else NOT_APPLICABLE,
            "UNIT_MEASURE": unit,
            "BENEFICIARY_GROUP": group or NOT_APPLICABLE,
            "TIME_PERIOD": time_period(start, end),
        }
        # Figures that share every dimension (two amounts of one kind in one article) are told
        # apart by their number, so that every row has its own key.
        identity = tuple(key.values())
        seen[identity] = seen.get(identity, 0) + 1
        yield {
            "STRUCTURE": "dataflow",
            "STRUCTURE_ID": flow,
            "ACTION": "I",
            **{k: key[k] for k in SDMX_DIMENSIONS if k in key},
            "FIGURE_NO": str(seen[identity]),
            "OBS_VALUE": obs_value(value),
            "UNIT_MULT": "0",
            "OBS_STATUS": obs_status(qualifier),
            "QUALIFIER": qualifier,
            "SOURCE_URL": url,
        }


def _write_sdmx_csv(con, table: str, path: Path, final: Path) -> int:
    """The SDMX-CSV file at `path` (a temporary name) and its structure message beside `final`."""
    count = 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        # RFC 4180, as SDMX-CSV asks: comma, CRLF, fields quoted where needed.
        writer = csv.DictWriter(fh, fieldnames=SDMX_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for observation in sdmx_observations(con, table):
            writer.writerow(observation)
            count += 1
    structure = structure_path(final)
    tmp = structure.with_name(f".{structure.name}.{secrets.token_hex(4)}.tmp")
    try:
        tmp.write_bytes(sdmx_structure(con, table))
        os.replace(tmp, structure)
    finally:
        tmp.unlink(missing_ok=True)
    return count


def structure_path(csv_path: Path) -> Path:
    """The structure message beside an SDMX-CSV file: fct_households.sdmx.csv -> fct_households.structure.xml."""
    name = csv_path.name
    for suffix in (".sdmx.csv", ".csv"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return csv_path.with_name(f"{name}.structure.xml")


# SDMX-ML 3.0 namespaces
MES = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/message"
STR = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/structure"
COM = "http://www.sdmx.org/resources/sdmxml/schemas/v3_0/common"
CONCEPTS = {
    "METRIC": "What is measured (the metric catalogue)",
    "REF_AREA": "Place: statistics-office code, else the name as printed",
    "AREA_LEVEL": "Administrative level of the place",
    "AREA_VERSION": "First day of the unit version the code belongs to",
    "UNIT_MEASURE": "What the value counts",
    "BENEFICIARY_GROUP": "Beneficiary group",
    "FIGURE_NO": "Number of the figure among those sharing every other dimension",
    "TIME_PERIOD": "Period the figure covers",
    "OBS_VALUE": "The figure, normalised",
    "UNIT_MULT": "Power of ten to apply to the value (always 0)",
    "OBS_STATUS": "Observation status",
    "QUALIFIER": "How the figure was stated (exact, about, more than ...)",
    "SOURCE_URL": "Article the figure comes from",
}


def sdmx_codelists(con) -> dict[str, list[tuple[str, str]]]:
    """The codelists of the coded components: id -> [(code, name)]."""
    from extract import contract

    metrics = con.execute(f"select metric, definition_en from {MARTS_SCHEMA}.dim_metric order by metric").fetchall()
    groups = con.execute(f"select group_code, name_en from {MARTS_SCHEMA}.dim_group order by group_code").fetchall()
    return {
        "CL_METRIC": [(m, d or m) for m, d in metrics],
        "CL_AREA_LEVEL": [(lv, lv) for lv in contract.AREA_LEVELS] + [(UNKNOWN, "Unspecified")],
        "CL_UNIT": [(u, u) for u in contract.UNITS],
        "CL_GROUP": [(g, n or g) for g, n in groups] + [(NOT_APPLICABLE, "Not applicable")],
        "CL_OBS_STATUS": [("A", "Normal value"), ("E", "Estimated value")],
        "CL_QUALIFIER": [(q, q) for q in contract.QUALIFIERS],
    }


# component -> codelist (the others are free text or, for TIME_PERIOD, an SDMX time period)
SDMX_CODED = {"METRIC": "CL_METRIC", "AREA_LEVEL": "CL_AREA_LEVEL", "UNIT_MEASURE": "CL_UNIT",
              "BENEFICIARY_GROUP": "CL_GROUP", "OBS_STATUS": "CL_OBS_STATUS", "QUALIFIER": "CL_QUALIFIER"}


def _urn(kind: str, ident: str) -> str:
    return f"urn:sdmx:org.sdmx.infomodel.{kind}={SDMX_AGENCY}:{ident}({SDMX_VERSION})"


def sdmx_structure(con, table: str) -> bytes:
    """An SDMX-ML 3.0 structure message: the codelists, the concepts, the data structure of the
    table and its dataflow."""
    from xml.etree import ElementTree as ET

    ET.register_namespace("message", MES)
    ET.register_namespace("structure", STR)
    ET.register_namespace("common", COM)

    def named(parent, tag, ident, name, **attrs):
        el = ET.SubElement(parent, tag, {"id": ident, **attrs})
        ET.SubElement(el, f"{{{COM}}}Name", {"xml:lang": "en"}).text = name
        return el

    artefact = {"agencyID": SDMX_AGENCY, "version": SDMX_VERSION}
    root = ET.Element(f"{{{MES}}}Structure")
    header = ET.SubElement(root, f"{{{MES}}}Header")
    ET.SubElement(header, f"{{{MES}}}ID").text = f"ASXH_{table.upper()}"
    ET.SubElement(header, f"{{{MES}}}Test").text = "false"
    ET.SubElement(header, f"{{{MES}}}Prepared").text = _now()
    ET.SubElement(header, f"{{{MES}}}Sender", {"id": SDMX_AGENCY})
    structures = ET.SubElement(root, f"{{{MES}}}Structures")
    codelists = ET.SubElement(structures, f"{{{STR}}}Codelists")
    for ident, codes in sdmx_codelists(con).items():
        codelist = named(codelists, f"{{{STR}}}Codelist", ident, ident.replace("CL_", "").replace("_", " ").lower(), **artefact)
        for code, name in codes:
            named(codelist, f"{{{STR}}}Code", code, name)
    schemes = ET.SubElement(structures, f"{{{STR}}}ConceptSchemes")
    scheme = named(schemes, f"{{{STR}}}ConceptScheme", "CS_ASXH", "asxh-warehouse concepts", **artefact)
    for ident, name in CONCEPTS.items():
        named(scheme, f"{{{STR}}}Concept", ident, name)
    dsds = ET.SubElement(structures, f"{{{STR}}}DataStructures")
    dsd = named(dsds, f"{{{STR}}}DataStructure", f"DSD_{table.upper()}", f"asxh-warehouse {table}", **artefact)
    components = ET.SubElement(dsd, f"{{{STR}}}DataStructureComponents")

    def component(parent, tag, ident, **attrs):
        el = ET.SubElement(parent, tag, {"id": ident, **attrs})
        ET.SubElement(el, f"{{{STR}}}ConceptIdentity").text = f"{_urn('conceptscheme.Concept', 'CS_ASXH')}.{ident}"
        if ident in SDMX_CODED:
            representation = ET.SubElement(el, f"{{{STR}}}LocalRepresentation")
            ET.SubElement(representation, f"{{{STR}}}Enumeration").text = _urn("codelist.Codelist", SDMX_CODED[ident])
        return el

    dimensions = ET.SubElement(components, f"{{{STR}}}DimensionList", {"id": "DimensionDescriptor"})
    for position, ident in enumerate(SDMX_DIMENSIONS, 1):
        tag = "TimeDimension" if ident == "TIME_PERIOD" else "Dimension"
        component(dimensions, f"{{{STR}}}{tag}", ident, **({} if tag == "TimeDimension" else {"position": str(position)}))
    attributes = ET.SubElement(components, f"{{{STR}}}AttributeList", {"id": "AttributeDescriptor"})
    for ident in SDMX_ATTRIBUTES:
        el = component(attributes, f"{{{STR}}}Attribute", ident, usage="optional")
        relationship = ET.SubElement(el, f"{{{STR}}}AttributeRelationship")
        ET.SubElement(relationship, f"{{{STR}}}Observation")
    measures = ET.SubElement(components, f"{{{STR}}}MeasureList", {"id": "MeasureDescriptor"})
    for ident in SDMX_MEASURES:
        component(measures, f"{{{STR}}}Measure", ident)
    flows = ET.SubElement(structures, f"{{{STR}}}Dataflows")
    flow = named(flows, f"{{{STR}}}Dataflow", f"DF_{table.upper()}", f"asxh-warehouse {table}", **artefact)
    ET.SubElement(flow, f"{{{STR}}}Structure").text = _urn("datastructure.DataStructure", f"DSD_{table.upper()}")
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _now() -> str:
    from datetime import UTC, datetime

    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
