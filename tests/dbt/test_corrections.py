"""Reviewers' corrections on the demo site's warehouse: each kind of decision changes the fact
tables as it says, holds after `asxh reextract` (a new extractor version) and a full rebuild, a
rejected figure leaves its observation, a decision whose figure is gone is reported, and the
review queue puts conflicts and doubtful figures first.

The figures decided on are chosen by what they are (a single report, a figure of a resolved
district, a report of a figure two articles give ...), not by their wording, so that the tests
follow the demo site if it grows. Decisions go through `asxh review` itself.
"""

from __future__ import annotations

import csv
import dataclasses
import shutil

import duckdb
import pytest

from extract import cli, pipeline

FACT_TABLES = {
    "households": "marts.fct_households", "loans": "marts.fct_loans", "insurance_cards": "marts.fct_insurance_cards",
    "allowances": "marts.fct_allowances", "other": "marts.fct_other_indicators",
}


def _rows(con, sql: str, params=()) -> list[dict]:
    cursor = con.execute(sql, list(params))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _connect(settings):
    return duckdb.connect(str(settings.published_path), read_only=True)


def _review(monkeypatch, settings, *args: str) -> None:
    monkeypatch.setenv("ASXH_HOME", str(settings.home))
    assert cli.main(["review", *args]) == 0


# ---------------------------------------------------------------- choosing the figures

def _choose(con) -> dict[str, dict]:
    """One report for each decision, each of another observation: facts of int_facts_joined
    with how many reports their observation has."""
    facts = _rows(con, """
        select f.*, o.support_facts, o.has_conflict
        from intermediate.int_facts_joined f join intermediate.int_observations o using (observation_id)
        order by f.fact_id""")
    used: set[str] = set()

    def take(name: str, test) -> dict:
        for f in facts:
            if f["observation_id"] not in used and test(f):
                used.add(f["observation_id"])
                return f
        raise AssertionError(f"the demo site has no figure for the {name} decision")

    single = lambda f: f["support_facts"] == 1 and f["area_status"] == "resolved"  # noqa: E731
    return {
        "reject_shared": take("reject_shared", lambda f: f["support_facts"] > 1 and not f["has_conflict"]),
        "reject_single": take("reject_single", single),
        "value": take("value", single),
        "unit": take("unit", lambda f: single(f) and f["unit"] == "household"),
        "metric": take("metric", lambda f: single(f) and f["fact_table"] == "households" and f["unit"] == "household"),
        "fact_table": take("fact_table", lambda f: single(f) and f["fact_table"] == "other"),
        "area": take("area", lambda f: single(f) and f["area_level"] == "district"),
        "area_national": take("area_national", lambda f: single(f) and f["area_level"] == "province"),
        "period": take("period", lambda f: single(f) and f["period_start"] is not None and f["period_start"].year != 2019),
        "group": take("group", lambda f: single(f) and f["group_code"] != "people_with_merit"),
        "accept": take("accept", single),
    }


DECISIONS = {
    "value": ("--field", "value", "--value", "{value_plus}"),
    "unit": ("--field", "unit", "--value", "household_time"),
    "metric": ("--field", "metric", "--value", "outstanding_loan_borrowers"),
    "fact_table": ("--field", "fact_table", "--value", "allowances"),
    "area": ("--field", "area", "--value", "province:26"),
    "area_national": ("--field", "area", "--value", "national"),
    "period": ("--field", "period", "--value", "2019"),
    "group": ("--field", "group", "--value", "people_with_merit"),
}


def _report(con, fact: dict) -> dict | None:
    """The report of this figure in the warehouse now (found by URL and the figure's text, as a
    decision is, so that a renumbered fact is still found), with its observation's row."""
    found = _rows(con, "select * from marts.bridge_observation_fact where url = ? and figure_text = ? and span_start = ?",
                  (fact["url"], fact["figure_text"], fact["span_start"]))
    if not found:
        return None
    report = found[0]
    table = FACT_TABLES[report["fact_table"]]
    observation = _rows(con, f"select * from {table} where observation_id = ?", (report["observation_id"],))
    return {**report, "observation": observation[0] if observation else None, "table": table}


def _state(settings, chosen: dict[str, dict]) -> dict:
    con = _connect(settings)
    try:
        return {
            "reports": {name: _report(con, fact) for name, fact in chosen.items()},
            "observations": {name: _rows(con, f"select * from {FACT_TABLES[fact['fact_table']]} where observation_id = ?",
                                         (fact["observation_id"],)) for name, fact in chosen.items()},
            "corrections": _rows(con, "select * from marts.review_corrections order by decided_at"),
            "queue_facts": {r["fact_id"] for r in _rows(con, "select fact_id from marts.review_queue")},
        }
    finally:
        con.close()


@pytest.fixture(scope="module")
def reviewed(demo_warehouse, tmp_path_factory):
    """A copy of the demo warehouse; one decision of each kind recorded with `asxh review`, an
    orphaned one and a bad row added by hand; then built, re-extracted by a new extractor version
    and built, and fully rebuilt. The state of the decided figures after each build."""
    home = tmp_path_factory.mktemp("asxh-review") / "home"
    shutil.copytree(demo_warehouse["settings"].home, home)
    settings = dataclasses.replace(demo_warehouse["settings"], home=home)
    con = _connect(settings)
    try:
        chosen = _choose(con)
    finally:
        con.close()
    with pytest.MonkeyPatch.context() as mp:
        for name, args in DECISIONS.items():
            fact = chosen[name]
            args = tuple(a.format(value_plus=f"{fact['value'] + 7:g}") for a in args)
            _review(mp, settings, "--correct", fact["fact_id"], *args, "--why", f"test of {name}", "--who", "tester")
        _review(mp, settings, "--accept", chosen["accept"]["fact_id"], "--who", "tester")
        for name in ("reject_shared", "reject_single"):
            _review(mp, settings, "--reject", chosen[name]["fact_id"], "--why", "not a figure of the programme", "--who", "tester")
    path = home / "corrections.csv"
    with path.open("a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        # a figure this article does not print: orphaned, and reported
        writer.writerow([chosen["accept"]["url"], "987.654.321 hộ", 5, "accept", "", "", "tester", "2026-12-01T09:00:00Z", ""])
        # a bad row: one error line, left out, the rest applied
        writer.writerow([chosen["accept"]["url"], "1 hộ", 5, "correct", "colour", "red", "tester", "2026-12-01T09:00:00Z", "bad"])
    builds = {"first": pipeline.build_warehouse(settings)}
    states = {"first": _state(settings, chosen)}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(pipeline, "EXTRACTOR_VERSION", "999.0.0")
        extracted = pipeline.extract_pending(settings)  # a new version re-extracts every article
        assert extracted.articles > 0 and not extracted.errors
    builds["reextracted"] = pipeline.build_warehouse(settings)
    states["reextracted"] = _state(settings, chosen)
    builds["full_refresh"] = pipeline.build_warehouse(settings, full_refresh=True)
    states["full_refresh"] = _state(settings, chosen)
    return {"settings": settings, "chosen": chosen, "builds": builds, "states": states}


BUILDS = ("first", "reextracted", "full_refresh")


@pytest.mark.parametrize("build", BUILDS)
def test_correction_of_each_field_changes_the_fact_table_when_applied(reviewed, build):
    chosen, state = reviewed["chosen"], reviewed["states"][build]
    got = state["reports"]
    for name in DECISIONS:
        assert got[name] is not None, name
        assert got[name]["is_corrected"] and got[name]["observation"]["is_corrected"], name
        assert f"test of {name}" in got[name]["correction_note"], name
    assert got["value"]["observation"]["value"] == pytest.approx(chosen["value"]["value"] + 7)
    assert got["value"]["observation"]["observation_id"] == chosen["value"]["observation_id"]
    assert got["unit"]["observation"]["unit"] == "household_time"
    assert (got["metric"]["table"], got["metric"]["observation"]["metric"]) == ("marts.fct_loans", "outstanding_loan_borrowers")
    assert got["fact_table"]["table"] == "marts.fct_allowances"
    area = got["area"]["observation"]
    assert (area["area_level"], area["area_code"], area["area_name"], area["province_name_today"]) == ("province", "26", "Vĩnh Phúc", "Phú Thọ")
    national = got["area_national"]["observation"]
    assert (national["area_level"], national["area_status"], national["area_code"]) == ("national", "national", None)
    period = got["period"]["observation"]
    assert (str(period["period_start"]), str(period["period_end"]), period["period_basis"]) == ("2019-01-01", "2019-12-31", "stated")
    assert got["group"]["observation"]["group_code"] == "people_with_merit"
    # a moved figure leaves the observation it was in: a unit, metric, table, place or period is of the key
    for name in ("unit", "metric", "fact_table", "area", "area_national", "period", "group"):
        assert got[name]["observation_id"] != chosen[name]["observation_id"], name
        assert state["observations"][name] == [], name


@pytest.mark.parametrize("build", BUILDS)
def test_accepted_figure_is_reviewed_and_unchanged_when_accepted(reviewed, build):
    chosen, got = reviewed["chosen"]["accept"], reviewed["states"][build]["reports"]["accept"]
    assert got["is_reviewed"] and not got["is_corrected"]
    assert got["observation"]["is_reviewed"] and not got["observation"]["is_corrected"]
    assert got["value"] == chosen["value"] and got["observation_id"] == chosen["observation_id"]


@pytest.mark.parametrize("build", BUILDS)
def test_rejected_figure_leaves_its_observation_when_another_report_remains(reviewed, build):
    chosen, state = reviewed["chosen"]["reject_shared"], reviewed["states"][build]
    assert state["reports"]["reject_shared"] is None
    (observation,) = state["observations"]["reject_shared"]
    assert observation["support_facts"] == chosen["support_facts"] - 1
    assert observation["fact_id"] != chosen["fact_id"]


@pytest.mark.parametrize("build", BUILDS)
def test_rejected_figure_takes_its_observation_away_when_it_was_the_only_report(reviewed, build):
    state = reviewed["states"][build]
    assert state["reports"]["reject_single"] is None
    assert state["observations"]["reject_single"] == []


@pytest.mark.parametrize("build", BUILDS)
def test_decided_figures_leave_the_review_queue_when_decided(reviewed, build):
    state = reviewed["states"][build]
    decided = {r["fact_id"] for r in state["reports"].values() if r is not None}
    assert decided and not decided & state["queue_facts"]


@pytest.mark.parametrize("build", BUILDS)
def test_orphaned_correction_is_reported_when_its_figure_is_not_in_the_article(reviewed, build):
    result, state = reviewed["builds"][build], reviewed["states"][build]
    orphans = [c for c in state["corrections"] if c["status"] == "orphaned"]
    assert [(c["figure_text"], c["fact_id"]) for c in orphans] == [("987.654.321 hộ", None)]
    assert "no figure printed as this text" in orphans[0]["orphan_reason"]
    assert result["corrections"]["orphaned"] == 1 and "987.654.321 hộ" in result["corrections"]["orphans"][0]
    assert result["corrections"]["applied"] == len(DECISIONS) + 3
    assert result["nodes"]["review_corrections"]["tests"]["assert_no_orphaned_corrections"] == "warn"


def test_bad_correction_row_is_left_out_with_one_error_line_when_built(reviewed):
    invalid = reviewed["builds"]["first"]["corrections"]["invalid"]
    assert len(invalid) == 1 and "line 14" in invalid[0] and "colour" in invalid[0] and "\n" not in invalid[0]


def test_reextraction_renews_the_extractor_version_of_corrected_figures_when_reextracted(reviewed):
    got = reviewed["states"]["reextracted"]["reports"]["value"]
    assert got["extractor_version"] == "999.0.0" and got["is_corrected"]


# ---------------------------------------------------------------- the review queue

@pytest.fixture(scope="module")
def queue(demo_warehouse):
    con = _connect(demo_warehouse["settings"])
    try:
        rows = _rows(con, "select * from marts.review_queue order by review_rank")
        conflicts = {r["observation_id"] for t in FACT_TABLES.values()
                     for r in _rows(con, f"select observation_id from {t} where has_conflict")}
        facts = _rows(con, "select fact_id, observation_id, confidence from intermediate.int_facts_joined")
    finally:
        con.close()
    return rows, conflicts, facts


def test_review_queue_lists_conflicts_first_when_the_demo_site_has_disagreeing_reports(queue):
    rows, conflicts, facts = queue
    assert conflicts, "the demo site has figures two outlets disagree on"
    flags = [r["has_open_conflict"] for r in rows]
    first_other = flags.index(False)
    assert all(flags[:first_other]) and not any(flags[first_other:])
    in_conflict = {f["fact_id"] for f in facts if f["observation_id"] in conflicts}
    assert {r["fact_id"] for r in rows[:first_other]} == in_conflict
    assert all(r["review_reason"].startswith("conflict: the reports give ") for r in rows[:first_other])


def test_review_queue_orders_by_lowest_confidence_then_biggest_value_when_no_conflict(queue):
    rows, _, facts = queue
    rest = [r for r in rows if not r["has_open_conflict"]]
    keys = [(r["confidence"], -abs(r["value"])) for r in rest]
    assert keys == sorted(keys)
    assert len({r["confidence"] for r in rest}) > 3  # confidences differ: the order is not by accident
    lowest = min(f["confidence"] for f in facts if f["fact_id"] in {r["fact_id"] for r in rest})
    assert rest[0]["confidence"] == lowest < 0.6
    assert len(rows) == len(facts)  # nothing decided yet: every report is in the queue


def test_review_queue_marks_the_figure_in_its_sentence_when_listed(queue):
    rows, _, _ = queue
    for r in rows:
        assert f"[[{r['figure_text']}]]" in r["sentence_marked"], r["fact_id"]
        assert r["sentence_marked"].replace("[[", "", 1).replace("]]", "", 1) == r["sentence"]


def test_asxh_review_prints_the_queue_by_table_and_province_when_filtered(demo_warehouse, monkeypatch, capsys):
    monkeypatch.setenv("ASXH_HOME", str(demo_warehouse["settings"].home))
    assert cli.main(["review", "--limit", "3"]) == 0
    text = capsys.readouterr().out
    assert text.startswith("#1  conflict: the reports give ") and "#3" in text and "#4" not in text
    assert "[[" in text and "decided: " in text and "http" in text
    assert cli.main(["review", "--table", "loans", "--province", "nghệ an", "--limit", "50"]) == 0
    blocks = capsys.readouterr().out.split("\n\n")
    assert blocks and all("decided: loans." in b and "today Nghệ An" in b for b in blocks)


def test_asxh_review_writes_a_csv_to_fill_in_and_imports_it_when_filled(demo_home_copy, monkeypatch, capsys):
    monkeypatch.setenv("ASXH_HOME", str(demo_home_copy.home))
    out = demo_home_copy.home / "to-review.csv"
    assert cli.main(["review", "--format", "csv", "--out", str(out), "--limit", "4"]) == 0
    with out.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 4 and [r["review_rank"] for r in rows] == ["1", "2", "3", "4"]
    assert all(r["decision"] == "" and r["url"].startswith("http") and r["figure_text"] for r in rows)
    rows[0].update(decision="accept")
    rows[2].update(decision="correct", field="value", corrected_value="1234", reason="the later report is right")
    with out.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    capsys.readouterr()
    assert cli.main(["review", "--import", str(out), "--who", "tester"]) == 0
    assert "2 decision(s) added" in capsys.readouterr().out
    with (demo_home_copy.home / "corrections.csv").open(encoding="utf-8") as fh:
        recorded = list(csv.DictReader(fh))
    assert [(r["decision"], r["field"], r["corrected_value"], r["reviewer"]) for r in recorded] == [
        ("accept", "", "", "tester"), ("correct", "value", "1234", "tester")]
    assert (recorded[1]["url"], recorded[1]["figure_text"], recorded[1]["position"]) == (rows[2]["url"], rows[2]["figure_text"], rows[2]["position"])


def test_coverage_analysis_counts_reviewed_observations_when_figures_are_reviewed(reviewed):
    settings = reviewed["settings"]
    pipeline.run_dbt(settings, "compile", "--select", "data_coverage_by_province_year")
    sql = (settings.home / "dbt_target" / "compiled" / "asxh" / "analyses" / "data_coverage_by_province_year.sql").read_text(encoding="utf-8")
    con = _connect(settings)
    try:
        rows = _rows(con, sql)
        checked = {r["observation_id"] for t in FACT_TABLES.values()
                   for r in _rows(con, f"select observation_id from {t} where is_reviewed and year(period_start) = year(period_end)")}
    finally:
        con.close()
    assert sum(r["reviewed"] for r in rows) == len(checked) > 0
    assert sum(r["corrected"] for r in rows) > 0
    for r in rows:
        assert r["corrected"] <= r["reviewed"] <= r["observations"]
        if r["observations"]:
            assert r["reviewed_share"] == round(r["reviewed"] / r["observations"], 3)
