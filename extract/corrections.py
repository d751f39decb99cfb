"""Corrections as data: the reviewers' decisions on figures, kept in one CSV file under ASXH_HOME.

`$ASXH_HOME/corrections.csv` holds one row per decision: which figure (keyed by the article's URL,
the figure's text as printed and its character position in the article text, so that the key
survives a new extractor version, which renumbers facts), what was decided (accept, correct,
reject), which field (value, unit, metric, fact_table, area, period, group, not_a_fact), the
corrected value, who, when and why. `asxh review --accept/--correct/--reject` appends rows; people
may also edit the file by hand. The build validates it (`stage_corrections`): each bad row is one
line in the log and is left out, the others land in a checked copy in canonical form,
which dbt reads (source `review.corrections`, from `review/corrections_checked.csv`) and applies to the facts (int_facts_corrected).
Nothing here writes the warehouse: the file is the only record of decisions, and `make clean`
leaves it alone.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from pathlib import Path

from extract import contract

log = logging.getLogger(__name__)

COLUMNS = ("url", "figure_text", "position", "decision", "field", "corrected_value", "reviewer", "decided_at", "reason")
DECISIONS = ("accept", "correct", "reject")
CORRECTABLE = ("value", "unit", "metric", "fact_table", "area", "period", "group")
FIELDS = (*CORRECTABLE, "not_a_fact")
AREA_LEVELS = ("province", "district", "commune")
ADMIN_UNITS = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "admin_units.csv"


def corrections_path(settings) -> Path:
    """The reviewers' file: beside the warehouse, never inside a folder the build rewrites."""
    return settings.home / "corrections.csv"


def staged_corrections_path(settings) -> Path:
    """The checked copy dbt reads: outside staged/ (the articles' landing zone, whose files are
    quarantined when unreadable), rewritten by every build."""
    return settings.home / "review" / "corrections_checked.csv"


@lru_cache(maxsize=1)
def _admin_units() -> dict[tuple[str, int], set[str]]:
    """(level, code) -> the valid_from dates of its versions, from the seed dbt reads too."""
    units: dict[tuple[str, int], set[str]] = {}
    with ADMIN_UNITS.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            units.setdefault((row["level"], int(row["code"])), set()).add(row["valid_from"])
    return units


def _normal_value(text: str) -> str:
    # A dot decimal only: "1.234" would mean 1234 in Vietnamese print, so it must be unambiguous.
    if not re.fullmatch(r"\d+(\.\d+)?", text):
        raise ValueError(f"value must be a number with a dot decimal and no thousands separator (1234 or 3.34), got {text!r}")
    if re.fullmatch(r"\d{1,3}\.\d{3}", text):
        # Vietnamese print groups thousands with a dot: 1.520 is read 1520 there, 1.52 here.
        raise ValueError(f"value {text!r} is ambiguous (a thousands separator or a decimal?): write it with no thousands separator "
                         f"({text.replace('.', '')}), or a decimal with another digit ({text}0)")
    return text


def _one_of(field: str, allowed):
    """A check of a field whose value is one code of the fact contract."""
    def check(text: str) -> str:
        if text not in allowed:
            raise ValueError(f"{field} must be one of {', '.join(allowed)}, got {text!r}")
        return text
    return check


_normal_unit = _one_of("unit", contract.UNITS)


def _normal_metric(text: str) -> str:
    catalogue = contract.metric_catalogue()
    base = text.removesuffix("_increase").removesuffix("_reduction")
    if text not in catalogue and base not in catalogue:
        raise ValueError(f"metric {text!r} is not in the metric catalogue (dbt_project/seeds/metric_catalogue.csv)")
    return text


_normal_fact_table = _one_of("fact_table", contract.FACT_TABLES)


def _normal_area(text: str) -> str:
    """`national`, `<level>:<code>` (the unit version valid at the figure's date) or
    `<level>:<code>:<valid_from>` (a key of dim_area)."""
    if text == "national":
        return text
    parts = text.split(":")
    if len(parts) not in (2, 3) or parts[0] not in AREA_LEVELS or not parts[1].isdigit():
        raise ValueError(f"area must be national, <level>:<code> or <level>:<code>:<valid_from> (level province, district or commune; e.g. district:252), got {text!r}")
    versions = _admin_units().get((parts[0], int(parts[1])))
    if not versions:
        raise ValueError(f"area {text!r}: no {parts[0]} with code {parts[1]} among the administrative units (dim_area)")
    if len(parts) == 3 and parts[2] not in versions:
        raise ValueError(f"area {text!r}: that {parts[0]} has versions from {', '.join(sorted(versions))} only")
    return f"{parts[0]}:{int(parts[1])}" + (f":{parts[2]}" if len(parts) == 3 else "")


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"period: {text!r} is not a date YYYY-MM-DD") from None


def _normal_period(text: str) -> str:
    """`YYYY` (the whole year), `YYYY-MM-DD` (one day) or `YYYY-MM-DD..YYYY-MM-DD`, written as
    `start..end`."""
    if re.fullmatch(r"\d{4}", text):
        start, end = date(int(text), 1, 1), date(int(text), 12, 31)
    elif ".." in text:
        first, _, last = text.partition("..")
        start, end = _day(first.strip()), _day(last.strip())
    else:
        start = end = _day(text)
    if end < start:
        raise ValueError(f"period {text!r} ends before it starts")
    return f"{start.isoformat()}..{end.isoformat()}"


def _normal_group(text: str) -> str:
    if text in ("", "none"):
        return ""  # the figure is about no one group: the group is cleared
    if text not in contract.GROUPS:
        raise ValueError(f"group must be none or one of {', '.join(contract.GROUPS)}, got {text!r}")
    return text


NORMALISERS = {
    "value": _normal_value, "unit": _normal_unit, "metric": _normal_metric, "fact_table": _normal_fact_table,
    "area": _normal_area, "period": _normal_period, "group": _normal_group,
}


@dataclass(frozen=True)
class Decision:
    url: str
    figure_text: str
    position: int
    decision: str
    field: str
    corrected_value: str
    reviewer: str
    decided_at: str
    reason: str
    line: int = 0  # where it is in the reviewers' file (the header is line 1): the later line wins a tie

    def row(self, columns=COLUMNS) -> dict[str, str]:
        return {c: str(getattr(self, c)) for c in columns}


def parse_decision(row: dict[str, str | None]) -> Decision:
    """One row of the file, checked and in canonical form; ValueError says what is wrong in one line."""
    missing = [c for c in COLUMNS if c not in row]
    if missing:
        raise ValueError(f"missing column(s) {', '.join(missing)}")
    get = {c: (row.get(c) or "").strip() for c in COLUMNS}
    if not get["url"].startswith(("http://", "https://")):
        raise ValueError(f"url must be the article's http(s) URL, got {get['url']!r}")
    if not get["figure_text"]:
        raise ValueError("figure_text is empty (the figure as printed, e.g. '9.300 thẻ')")
    if not get["position"].isdigit():
        raise ValueError(f"position must be the figure's character offset in the article text (0 or more), got {get['position']!r}")
    decision, field, value = get["decision"], get["field"], get["corrected_value"]
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {', '.join(DECISIONS)}, got {decision!r}")
    if decision == "accept":
        if field or value:
            raise ValueError("an accept decision takes no field and no corrected_value")
    elif decision == "reject":
        if field not in ("", "not_a_fact") or value:
            raise ValueError("a reject decision takes field not_a_fact (or none) and no corrected_value")
        field = "not_a_fact"
    else:
        if field not in CORRECTABLE:
            raise ValueError(f"field of a correction must be one of {', '.join(CORRECTABLE)}, got {field!r}")
        if not value and field != "group":
            raise ValueError(f"corrected_value is empty for field {field}")
        value = NORMALISERS[field](value)
    if not get["reviewer"]:
        raise ValueError("reviewer is empty (who decided)")
    try:
        when = datetime.fromisoformat(get["decided_at"].replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"decided_at must be an ISO timestamp (2026-12-03T14:05:00+00:00), got {get['decided_at']!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    if decision != "accept" and not get["reason"]:
        raise ValueError(f"reason is empty: say why the figure is {'rejected' if decision == 'reject' else 'corrected'}")
    return Decision(get["url"], get["figure_text"], int(get["position"]), decision, field, value,
                    get["reviewer"], when.astimezone(UTC).isoformat(timespec="seconds"), get["reason"])


def read_decisions(path: Path) -> tuple[list[Decision], list[str]]:
    """The valid decisions of a corrections file and one error line per bad row (line numbers
    as an editor shows them, the header being line 1)."""
    if not path.exists():
        return [], []
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return [], [f"{path}: cannot be read ({exc.__class__.__name__}: {exc})"]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None:
        return [], []
    missing = [c for c in COLUMNS if c not in reader.fieldnames]
    if missing:
        return [], [f"{path}: header lacks column(s) {', '.join(missing)} (expected {','.join(COLUMNS)})"]
    decisions, errors = [], []
    for row in reader:
        if not any((v or "").strip() for k, v in row.items() if k is not None):
            continue  # a blank line
        try:
            if None in row:
                raise ValueError(f"{len(row[None])} value(s) more than the header's columns")
            decisions.append(dataclasses.replace(parse_decision(row), line=reader.line_num))
        except ValueError as exc:
            errors.append(f"{path.name} line {reader.line_num}: {exc}")
    return decisions, errors


def _csv_text(decisions: list[Decision], columns=(*COLUMNS, "line")) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for d in decisions:
        writer.writerow(d.row(columns))
    return out.getvalue()


def stage_corrections(settings) -> dict:
    """Check the reviewers' file and write its valid rows, canonical, where dbt reads them (a
    header alone when there are none: DuckDB cannot read a file that is not there). Each bad row
    is one error line in the log; the build goes on without it."""
    from extract.archive import write_atomic

    decisions, errors = read_decisions(corrections_path(settings))
    for error in errors:
        log.error("corrections: %s (row left out of the build)", error)
    write_atomic(staged_corrections_path(settings), _csv_text(decisions).encode("utf-8"))
    return {"decisions": len(decisions), "invalid": errors}


def append_decisions(settings, decisions: list[Decision]) -> Path:
    """Add decisions at the end of the reviewers' file (made with its header when missing). The
    file is rewritten whole under a temporary name and renamed, so that it is never half written."""
    from extract.archive import write_atomic

    path = corrections_path(settings)
    existing = path.read_text(encoding="utf-8-sig") if path.exists() else ""
    if not existing.strip():
        existing = ",".join(COLUMNS) + "\n"
    elif not existing.endswith("\n"):
        existing += "\n"
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    for d in decisions:
        writer.writerow(d.row())
    write_atomic(path, (existing + out.getvalue()).encode("utf-8"))
    return path


def now_utc() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def build_report(settings) -> dict:
    """What became of the decisions in the build just published (model review_corrections): how
    many were applied, superseded and orphaned, and the orphans themselves, each logged on one
    line so that none goes unseen."""
    import duckdb

    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        counts = dict(con.execute("select status, count(*) from marts.review_corrections group by status").fetchall())
        orphans = con.execute(
            "select url, figure_text, position, decision, field, orphan_reason from marts.review_corrections"
            " where status = 'orphaned' order by decided_at").fetchall()
    finally:
        con.close()
    report = {status: counts.get(status, 0) for status in ("applied", "superseded", "orphaned")}
    report["orphans"] = [f"{d} {f or ''} of {t!r} at {p} in {u}: {why}".replace("  ", " ") for u, t, p, d, f, why in orphans]
    for line in report["orphans"]:
        log.warning("orphaned correction: %s", line)
    log.info("corrections: %d applied, %d superseded, %d orphaned (model review_corrections)",
             report["applied"], report["superseded"], report["orphaned"])
    return report
