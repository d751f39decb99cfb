"""The reviewers' file (extract/corrections.py): every decision checked with a one-line error,
canonical values for dbt, bad rows left out of the build and the rest kept; `asxh review`'s
arguments refused with one line."""

from __future__ import annotations

import csv
import dataclasses
import logging

import pytest

from extract import cli, corrections
from extract.settings import Settings

GOOD = {
    "url": "https://baomoi.example/an-sinh/bai-1.html", "figure_text": "1.250 hộ", "position": "412",
    "decision": "correct", "field": "value", "corrected_value": "1520", "reviewer": "lan",
    "decided_at": "2026-12-03T09:15:00+07:00", "reason": "digits swapped",
}


def _row(**changes) -> dict:
    return {**GOOD, **changes}


@pytest.mark.parametrize("field,given,canonical", [
    ("value", "1520", "1520"),
    ("value", "3.34", "3.34"),
    ("unit", "person_time", "person_time"),
    ("metric", "poor_households", "poor_households"),
    ("metric", "poor_households_reduction", "poor_households_reduction"),
    ("fact_table", "loans", "loans"),
    ("area", "district:252", "district:252"),
    ("area", "province:26:2025-01-04", "province:26:2025-01-04"),
    ("area", "national", "national"),
    ("period", "2019", "2019-01-01..2019-12-31"),
    ("period", "2023-06-30", "2023-06-30..2023-06-30"),
    ("period", "2023-01-01..2023-06-30", "2023-01-01..2023-06-30"),
    ("group", "people_with_merit", "people_with_merit"),
    ("group", "none", ""),
])
def test_parse_decision_gives_the_canonical_value_when_a_correction_is_valid(field, given, canonical):
    decision = corrections.parse_decision(_row(field=field, corrected_value=given))
    assert (decision.field, decision.corrected_value) == (field, canonical)
    assert decision.decided_at == "2026-12-03T02:15:00+00:00"  # kept in UTC


@pytest.mark.parametrize("changes,message", [
    ({"field": "value", "corrected_value": "1.520"}, "is ambiguous"),
    ({"field": "value", "corrected_value": "1,5"}, "dot decimal and no thousands separator"),
    ({"field": "value", "corrected_value": "-3"}, "dot decimal"),
    ({"field": "unit", "corrected_value": "households"}, "unit must be one of"),
    ({"field": "metric", "corrected_value": "happiness"}, "not in the metric catalogue"),
    ({"field": "fact_table", "corrected_value": "fct_loans"}, "fact_table must be one of"),
    ({"field": "area", "corrected_value": "Vĩnh Tường"}, "area must be national"),
    ({"field": "area", "corrected_value": "district:99999"}, "no district with code 99999"),
    ({"field": "area", "corrected_value": "province:26:1999-01-01"}, "has versions from"),
    ({"field": "period", "corrected_value": "2020-13-01"}, "not a date"),
    ({"field": "period", "corrected_value": "2020-06-30..2020-01-01"}, "ends before it starts"),
    ({"field": "group", "corrected_value": "veterans"}, "group must be none or one of"),
    ({"field": "colour"}, "field of a correction must be one of"),
    ({"corrected_value": ""}, "corrected_value is empty"),
    ({"decision": "maybe"}, "decision must be one of"),
    ({"decision": "accept"}, "an accept decision takes no field"),
    ({"decision": "reject", "field": "value", "corrected_value": ""}, "a reject decision takes field not_a_fact"),
    ({"reason": ""}, "reason is empty"),
    ({"reviewer": " "}, "reviewer is empty"),
    ({"decided_at": "yesterday"}, "decided_at must be an ISO timestamp"),
    ({"url": "bai-1.html"}, "url must be the article's http(s) URL"),
    ({"figure_text": ""}, "figure_text is empty"),
    ({"position": "-4"}, "position must be the figure's character offset"),
])
def test_parse_decision_says_what_is_wrong_in_one_line_when_a_row_is_bad(changes, message):
    with pytest.raises(ValueError) as caught:
        corrections.parse_decision(_row(**changes))
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_parse_decision_takes_a_reject_without_field_as_not_a_fact_when_rejected():
    decision = corrections.parse_decision(_row(decision="reject", field="", corrected_value=""))
    assert (decision.decision, decision.field) == ("reject", "not_a_fact")


@pytest.fixture
def settings(tmp_path):
    return dataclasses.replace(Settings.from_env({}), home=tmp_path)


def _write(path, rows, header=corrections.COLUMNS):
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header] if isinstance(row, dict) else row)


def test_stage_corrections_keeps_good_rows_and_logs_each_bad_one_when_the_file_has_errors(settings, caplog):
    _write(corrections.corrections_path(settings), [
        _row(),
        _row(field="period", corrected_value="2019"),
        _row(field="unit", corrected_value="barrels"),
        ["https://x.example/a", "5 hộ", "3", "accept", "", "", "lan", "2026-12-03T10:00:00Z", "", "surplus"],
        {},
        _row(decision="reject", field="not_a_fact", corrected_value="", reason="a phone number"),
    ])
    with caplog.at_level(logging.ERROR, logger="extract.corrections"):
        result = corrections.stage_corrections(settings)
    assert result["decisions"] == 3
    assert [e.split(":")[0] for e in result["invalid"]] == ["corrections.csv line 4", "corrections.csv line 5"]
    assert "barrels" in result["invalid"][0] and "more than the header" in result["invalid"][1]
    assert len([r for r in caplog.records if r.levelno == logging.ERROR]) == 2
    with corrections.staged_corrections_path(settings).open(encoding="utf-8") as fh:
        staged = list(csv.DictReader(fh))
    assert [(r["field"], r["corrected_value"], r["line"]) for r in staged] == [
        ("value", "1520", "2"), ("period", "2019-01-01..2019-12-31", "3"), ("not_a_fact", "", "7")]


def test_stage_corrections_writes_a_header_alone_when_there_is_no_file(settings):
    assert corrections.stage_corrections(settings) == {"decisions": 0, "invalid": []}
    assert corrections.staged_corrections_path(settings).read_text(encoding="utf-8").strip() == ",".join((*corrections.COLUMNS, "line"))


def test_stage_corrections_refuses_the_file_in_one_line_when_a_column_is_missing(settings):
    _write(corrections.corrections_path(settings), [["https://x.example/a", "5 hộ"]], header=("url", "figure_text"))
    result = corrections.stage_corrections(settings)
    assert result["decisions"] == 0 and len(result["invalid"]) == 1 and "header lacks column(s) position" in result["invalid"][0]


def test_append_decisions_adds_rows_after_the_existing_ones_when_the_file_exists(settings):
    first = corrections.parse_decision(_row())
    second = corrections.parse_decision(_row(decision="accept", field="", corrected_value="", reason=""))
    corrections.append_decisions(settings, [first])
    corrections.append_decisions(settings, [second])
    decisions, errors = corrections.read_decisions(corrections.corrections_path(settings))
    assert errors == [] and [d.decision for d in decisions] == ["correct", "accept"]
    assert [d.line for d in decisions] == [2, 3]


@pytest.mark.parametrize("args,message", [
    (["review", "--correct", "abc-0001"], "--correct needs --field and --value"),
    (["review", "--accept", "abc-0001", "--field", "value"], "--field and --value go with --correct only"),
    (["review"], "no published warehouse"),
    (["review", "--limit", "0"], "--limit must be 1 or more"),
])
def test_asxh_review_fails_in_one_line_when_arguments_or_warehouse_are_missing(args, message, settings, monkeypatch, capsys):
    monkeypatch.setenv("ASXH_HOME", str(settings.home))
    assert cli.main(args) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err


def test_asxh_review_refuses_two_decisions_at_once_when_asked(settings, monkeypatch, capsys):
    monkeypatch.setenv("ASXH_HOME", str(settings.home))
    with pytest.raises(SystemExit) as caught:
        cli.main(["review", "--accept", "a-0001", "--reject", "a-0002"])
    assert caught.value.code == 2 and "not allowed with argument" in capsys.readouterr().err
