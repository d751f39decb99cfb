"""`asxh review`: the review queue of the published warehouse, and the reviewers' decisions.

The queue is the dbt model `review_queue` (its order and its columns are decided there, in SQL);
this module only selects from it, on a read-only connection to the published copy, so that a
review never holds the lock dbt needs to build. A decision is looked up in the same copy (which
article, which figure text, which position) and appended to `$ASXH_HOME/corrections.csv`
(extract/corrections.py); the next `asxh build` applies it.
"""

from __future__ import annotations

import csv
import getpass
import io
from pathlib import Path

from extract import corrections
from extract.contract import FACT_TABLES

# The queue's columns in a CSV to fill in: what to decide on, then the blanks of a decision.
QUEUE_COLUMNS = (
    "review_rank", "review_reason", "fact_id", "fact_table", "metric", "value", "unit", "qualifier",
    "area_name", "area_level", "area_status", "province_name_today", "period_start", "period_end",
    "period_basis", "group_code", "confidence", "confidence_reasons", "sentence_marked", "url",
    "figure_text", "position",
)
BLANKS = ("decision", "field", "corrected_value", "reason")


def _connect(settings):
    import duckdb

    path = settings.published_path
    if not path.exists():
        raise RuntimeError(f"no published warehouse at {path}: run `asxh build` first")
    return duckdb.connect(str(path), read_only=True)


def _rows(con, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def queue(settings, table: str | None = None, province: str | None = None, limit: int = 20) -> list[dict]:
    """The first `limit` rows of review_queue, of one fact table and one of today's provinces
    (its name in any case) when given."""
    if table is not None and table not in FACT_TABLES:
        raise ValueError(f"--table must be one of {', '.join(FACT_TABLES)}, got {table!r}")
    if limit < 1:
        raise ValueError(f"--limit must be 1 or more, got {limit}")
    where, params = [], []
    if table:
        where.append("fact_table = ?")
        params.append(table)
    if province:
        where.append("lower(province_name_today) = lower(?)")
        params.append(province.strip())
    con = _connect(settings)
    try:
        if province and not con.execute(
                "select 1 from marts.dim_area where lower(province_name_today) = lower(?) limit 1", [province.strip()]).fetchone():
            raise ValueError(f"--province {province!r} is not one of today's provinces (dim_area.province_name_today)")
        sql = ("select * from marts.review_queue" + (" where " + " and ".join(where) if where else "")
               + " order by review_rank limit ?")
        return _rows(con, sql, [*params, limit])
    finally:
        con.close()


def _period(row: dict) -> str:
    if row["period_start"] is None and row["period_end"] is None:
        return "no period"
    if row["period_start"] == row["period_end"]:
        return f"{row['period_start']}"
    return f"{row['period_start']}..{row['period_end']}"


def format_text(rows: list[dict]) -> str:
    """One block per report: why it is here, what the extractor decided, the sentence with the
    figure marked, the URL."""
    if not rows:
        return "the review queue is empty: every report has a decision (or none matches the filters)"
    blocks = []
    for r in rows:
        value = f"{r['value']:g}" if isinstance(r["value"], float) else str(r["value"])
        place = f"{r['area_name'] or '-'} ({r['area_level'] or '-'}, {r['area_status']})"
        if r["province_name_today"]:
            place += f", today {r['province_name_today']}"
        blocks.append("\n".join([
            f"#{r['review_rank']}  {r['review_reason']}   fact {r['fact_id']}",
            f"    decided: {r['fact_table']}.{r['metric']} = {value} {r['unit']} ({r['qualifier']}) | {place} | "
            f"{_period(r)} ({r['period_basis']}) | group {r['group_code'] or '-'}",
            f"    confidence {r['confidence']:.2f}: {r['confidence_reasons'] or 'metric, place and time read in its own words'}",
            f"    «{r['sentence_marked']}»",
            f"    {r['url']}",
        ]))
    return "\n\n".join(blocks)


def format_csv(rows: list[dict]) -> str:
    """The queue as a CSV to fill in: one row per report, with empty decision, field,
    corrected_value and reason columns (`asxh review --import FILE` reads it back)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=(*QUEUE_COLUMNS, *BLANKS), lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        writer.writerow({**{c: "" if r.get(c) is None else r[c] for c in QUEUE_COLUMNS}, **{b: "" for b in BLANKS}})
    return out.getvalue()


def reviewer(who: str | None) -> str:
    return (who or "").strip() or getpass.getuser()


def decide(settings, fact_id: str, decision: str, field: str | None, value: str | None, why: str | None,
           who: str | None) -> corrections.Decision:
    """Record one decision on a fact of the published warehouse: checked, then appended."""
    con = _connect(settings)
    try:
        found = _rows(con, "select url, figure_text, span_start from marts.bridge_observation_fact where fact_id = ?", [fact_id])
    finally:
        con.close()
    if not found:
        raise ValueError(f"no fact {fact_id!r} in the published warehouse (take a fact_id from `asxh review`; a rejected fact is no longer there)")
    fact = found[0]
    row = {
        "url": fact["url"], "figure_text": fact["figure_text"], "position": str(fact["span_start"]),
        "decision": decision, "field": field or ("not_a_fact" if decision == "reject" else ""),
        "corrected_value": value or "", "reviewer": reviewer(who), "decided_at": corrections.now_utc(),
        "reason": why or "",
    }
    checked = corrections.parse_decision(row)
    corrections.append_decisions(settings, [checked])
    return checked


def import_filled(settings, path: Path, who: str | None) -> list[corrections.Decision]:
    """The decisions of a filled-in queue CSV (`asxh review --format csv`): rows whose decision
    is filled in. Every row is checked before any is appended, so that a file with an error adds
    nothing; the error names its line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot be read ({exc.__class__.__name__}: {exc})") from None
    reader = csv.DictReader(io.StringIO(text, newline=""))
    needed = ("url", "figure_text", "position", *BLANKS)
    missing = [c for c in needed if c not in (reader.fieldnames or [])]
    if missing:
        raise ValueError(f"{path}: no column(s) {', '.join(missing)} (write the file with `asxh review --format csv`)")
    decisions = []
    for row in reader:
        if not (row.get("decision") or "").strip():
            continue
        row = {**row, "reviewer": (row.get("reviewer") or "").strip() or reviewer(who),
               "decided_at": (row.get("decided_at") or "").strip() or corrections.now_utc()}
        if row["decision"].strip() == "reject" and not (row.get("field") or "").strip():
            row["field"] = "not_a_fact"
        try:
            decisions.append(corrections.parse_decision(row))
        except ValueError as exc:
            raise ValueError(f"{path.name} line {reader.line_num}: {exc}") from None
    if decisions:
        corrections.append_decisions(settings, decisions)
    return decisions


def describe(d: corrections.Decision) -> str:
    what = {"accept": "accepted", "reject": "rejected (not a fact)"}.get(d.decision, f"{d.field} → {d.corrected_value or 'none'}")
    return f"{what}: {d.figure_text!r} at {d.position} in {d.url}"
