"""The analyses of dbt_project/analyses/ answer the users' questions on a warehouse built from the
demo news site, without Airflow (the session's demo warehouse, tests/conftest.py: serve the demo
site, scrape, extract, dbt build), `dbt compile`
the analyses, and run the compiled SQL on the published (read-only) copy.

Expected figures come from the demo site's gold files (demo_site/gold/*.gold.json), and only
those the extractor reproduces are asserted. The demo site may grow (a third outlet): results are
checked with "contains", except where a test pins down the exact semantics of an analysis.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from datetime import date

import duckdb
import pytest
import yaml

from extract.pipeline import run_dbt
from extract.settings import Settings
from tests.conftest import DEMO_SITE, REPO, SEED_TEXT

ANALYSES_DIR = REPO / "dbt_project" / "analyses"
ANALYSES = sorted(p.stem for p in ANALYSES_DIR.glob("*.sql"))
GOLD_DIR = DEMO_SITE / "gold"

SEED = "baovinhphuc__vinh-tuong-tang-cuong-vai-tro-lanh-dao-an-sinh-xa-hoi"
TAM_DUONG = "baovinhphuc__tam-duong-ty-le-ho-ngheo-giam-con-4-87-phan-tram"
NGHE_AN_LOANS = "baonghean__6-thang-nghe-an-giai-ngan-1645-ty-dong-von-tin-dung-chinh-sach-31264"
QUYNH_LUU = "baonghean__quynh-luu-cham-lo-doi-song-nguoi-co-cong-va-doi-tuong-bao-tro-xa-hoi-23907"
LAP_THACH = "baovinhphuc__lap-thach-7648-doi-tuong-bao-tro-xa-hoi-huong-muc-tro-cap-moi"

# Variables of the second compile: a place typed in lower case, a province filter, and the
# conflict list widened to every figure reported more than once.
VARIANT_VARS = "{area_name: 'tam dương', area_level: district, province_today: 'phú thọ', include_agreeing: true}"


# ---------------------------------------------------------------- fixture: the demo warehouse

def _compiled(settings: Settings) -> dict[str, str]:
    folder = settings.home / "dbt_target" / "compiled" / "asxh" / "analyses"
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.sql"))}


@pytest.fixture(scope="module")
def demo(demo_warehouse):
    """A warehouse built from the demo site (the session's, tests/conftest.py), its analyses
    compiled twice (default variables and VARIANT_VARS), and how long each step took."""
    settings, site_url = demo_warehouse["settings"], demo_warehouse["base_url"]
    timings = dict(demo_warehouse["timings"])
    start = time.perf_counter() - sum(timings.values())
    mark = time.perf_counter()
    run_dbt(settings, "compile", "--select", "path:analyses")
    timings["compile"] = time.perf_counter() - mark
    compiled = _compiled(settings)
    manifest = json.loads((settings.home / "dbt_target" / "manifest.json").read_text(encoding="utf-8"))
    mark = time.perf_counter()
    run_dbt(settings, "compile", "--select", "path:analyses", "--vars", VARIANT_VARS)
    timings["compile_variant"] = time.perf_counter() - mark
    variant = _compiled(settings)
    timings["total"] = time.perf_counter() - start
    print("demo warehouse fixture timings (s):", {k: round(v, 1) for k, v in timings.items()})
    con = duckdb.connect(str(settings.published_path), read_only=True)
    con.execute("set search_path = 'marts'")  # the marts, as an analyst reads them
    yield {
        "settings": settings, "base_url": site_url, "con": con, "compiled": compiled,
        "variant": variant, "manifest": manifest, "timings": timings,
    }
    con.close()


def _run(con, sql: str) -> list[dict]:
    cursor = con.execute(sql)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


@pytest.fixture(scope="module")
def results(demo):
    """Each analysis (compiled with its default variables) run on the published warehouse."""
    return {name: _run(demo["con"], sql) for name, sql in demo["compiled"].items()}


@pytest.fixture(scope="module")
def variant_results(demo):
    return {name: _run(demo["con"], sql) for name, sql in demo["variant"].items()}


# ---------------------------------------------------------------- gold helpers

def gold(stem: str) -> dict:
    return json.loads((GOLD_DIR / f"{stem}.gold.json").read_text(encoding="utf-8"))


def gold_facts(stem: str, **where) -> list[dict]:
    facts = [f for f in gold(stem)["facts"] if all(f.get(k) == v for k, v in where.items())]
    assert facts, f"no gold fact of {stem} with {where}"
    return facts


def gold_fact(stem: str, **where) -> dict:
    facts = gold_facts(stem, **where)
    assert len(facts) == 1, f"{len(facts)} gold facts of {stem} with {where}"
    return facts[0]


def gold_values(fact: dict) -> set[float]:
    """Every value the demo site's gold files give for the same figure (metric, unit, place,
    period, group): one value, or the values of conflicting reports in several articles."""
    key = ("metric", "unit", "area", "area_level", "period_start", "period_end", "group")
    return {
        f["value"]
        for path in GOLD_DIR.glob("*.gold.json")
        for f in json.loads(path.read_text(encoding="utf-8"))["facts"]
        if all(f[k] == fact[k] for k in key)
    }


def period(fact: dict) -> tuple[date, date]:
    return date.fromisoformat(fact["period_start"]), date.fromisoformat(fact["period_end"])


def province_today(demo, gold_doc: dict) -> str:
    """Today's province of the gold article's province, from the warehouse's own dim_area."""
    rows = demo["con"].execute(
        "select distinct province_name_today from dim_area where area_level = 'province' and area_name = ?",
        [gold_doc["province"]],
    ).fetchall()
    assert len(rows) == 1, rows
    return rows[0][0]


def printed_figure(quote: str) -> str:
    """The figure as the gold quote prints it: '8,01% năm 2011' -> '8,01'."""
    return re.search(r"\d[\d.,]*\d|\d", quote).group()


def matching(rows: list[dict], **where) -> list[dict]:
    return [r for r in rows if all(r[k] == v for k, v in where.items())]


# ---------------------------------------------------------------- the fixture itself

def test_demo_warehouse_builds_and_compiles_every_analysis_when_built_without_airflow(demo):
    assert sorted(demo["compiled"]) == ANALYSES
    assert len(ANALYSES) >= 5
    for sql in demo["compiled"].values():
        assert "{{" not in sql and "ref(" not in sql  # rendered: refs became relations


# ---------------------------------------------------------------- 1. poverty rate of a place

def test_poverty_rate_lists_2011_and_2016_with_seed_sentences_when_area_is_vinh_tuong(demo, results):
    rows = results["poverty_rate_over_time"]
    doc = gold(SEED)
    url = f"{demo['base_url']}/{doc['article']}"
    seed_text = SEED_TEXT.read_text(encoding="utf-8")
    expected = gold_facts(SEED, metric="poor_household_rate", area="Vĩnh Tường")
    assert {period(f)[0].year for f in expected} == {2011, 2016}
    for fact in expected:
        start, end = period(fact)
        found = matching(rows, year=start.year, value=fact["value"], url=url)
        assert len(found) == 1, (fact, rows)
        row = found[0]
        assert row["observation_value"] in gold_values(fact)
        assert (row["period_start"], row["period_end"]) == (start, end)
        assert (row["area_level"], row["unit"], row["qualifier"]) == (fact["area_level"], fact["unit"], fact["qualifier"])
        assert row["province_name_today"] == province_today(demo, doc)
        assert row["url"] == url
        assert row["sentence"] in seed_text  # the seed article's own sentence
        assert printed_figure(fact["quote"]) in row["figure_as_printed"]
        assert row["figure_as_printed"] in row["sentence"]


def test_poverty_rate_has_only_poverty_rates_of_the_place_when_area_is_vinh_tuong(results):
    rows = results["poverty_rate_over_time"]
    assert rows
    for row in rows:
        assert row["area_name"] == "Vĩnh Tường"
        assert row["metric"] in ("poor_household_rate", "multidimensional_poverty_rate")
        assert row["unit"] == "percent"
        assert row["group_code"] != "near_poor_households"
    years = [r["year"] for r in rows if r["year"] is not None]
    assert years == sorted(years)
    per_observation: dict[str, list[dict]] = {}
    for row in rows:
        per_observation.setdefault(row["observation_id"], []).append(row)
    for reports in per_observation.values():
        chosen = [r for r in reports if r["is_chosen"]]
        assert len(chosen) == 1 and chosen[0]["value"] == chosen[0]["observation_value"]
        assert len({r["url"] for r in reports}) == len(reports) == reports[0]["support_articles"]


def test_poverty_rate_follows_the_place_and_leaves_out_near_poor_rate_when_area_var_is_lower_case(variant_results):
    rows = variant_results["poverty_rate_over_time"]
    rate = gold_fact(TAM_DUONG, metric="poor_household_rate", area="Tam Dương")
    near_poor = gold_fact(TAM_DUONG, metric="near_poor_household_rate", area="Tam Dương")
    assert matching(rows, year=period(rate)[0].year, value=rate["value"])
    assert not matching(rows, value=near_poor["value"])
    assert {(r["area_name"], r["area_level"]) for r in rows} == {("Tam Dương", "district")}


# ---------------------------------------------------------------- 2. BHYT cards by province and year

def test_bhyt_cards_include_9300_issued_in_2017_for_phu_tho_when_built_from_demo_site(demo, results):
    rows = results["bhyt_cards_by_province_year"]
    expected = [
        *gold_facts(SEED, fact_table="insurance_cards", area="Vĩnh Tường"),
        *gold_facts(TAM_DUONG, fact_table="insurance_cards", metric="health_insurance_cards_issued"),
    ]
    assert any(f["value"] == 9300 and f["metric"] == "health_insurance_cards_issued" for f in expected)
    province = province_today(demo, gold(SEED))
    assert province == province_today(demo, gold(TAM_DUONG)) == "Phú Thọ"
    for fact in expected:
        start, end = period(fact)
        found = matching(rows, province_name_today=province, year=start.year, metric=fact["metric"],
                         group_code=fact["group"], period_start=start, period_end=end)
        assert len(found) == 1 and found[0]["value"] in gold_values(fact), (fact, found)
        assert found[0]["card_kind"] == fact["metric"].removeprefix("health_insurance_cards_")
        assert found[0]["is_full_year"] == (start == date(start.year, 1, 1) and end == date(start.year, 12, 31))
        assert found[0]["is_point_in_time"] == (start == end)


def test_bhyt_cards_rows_each_equal_one_rollup_period_when_bucketed_by_year(demo, results):
    rows = results["bhyt_cards_by_province_year"]
    rollup = {
        (r["province_code_today"], r["metric"], r["group_code"], r["unit"], r["period_start"], r["period_end"]): r["value"]
        for r in _run(demo["con"], "select * from mart_province_rollup where fact_table = 'insurance_cards'")
    }
    assert rows
    keys = set()
    for row in rows:
        key = (row["province_code_today"], row["metric"], row["group_code"], row["unit"], row["period_start"], row["period_end"])
        assert rollup[key] == row["value"]  # one period's figure, never a sum over periods
        assert key not in keys
        keys.add(key)
        assert row["card_kind"] in ("issued", "reissued", "donated")
        if row["period_start"] is None or row["period_end"] is None:
            assert row["year"] is None
        elif row["period_start"].year == row["period_end"].year:
            assert row["year"] == row["period_start"].year
        else:
            assert row["year"] is None and row["figures_in_year"] is None
    for row in rows:
        if row["year"] is not None:
            same = matching(rows, province_code_today=row["province_code_today"], year=row["year"],
                            metric=row["metric"], group_code=row["group_code"], unit=row["unit"])
            assert row["figures_in_year"] == len(same)


# ---------------------------------------------------------------- 3. preferential loans by group

def test_loans_by_group_list_borrowers_and_amounts_of_each_group_when_built_from_demo_site(demo, results):
    rows = results["preferential_loans_by_group"]
    expected = [
        (TAM_DUONG, gold_fact(TAM_DUONG, metric="preferential_loan_borrowers")),
        (SEED, gold_fact(SEED, metric="preferential_loan_borrowers")),
        (SEED, gold_fact(SEED, metric="labour_export_loan_borrowers")),
        *[(NGHE_AN_LOANS, f) for f in gold_facts(NGHE_AN_LOANS, area="Nghệ An", period_start="2019-01-01",
                                                 period_end="2019-06-30")
          if f["metric"].endswith(("_borrowers", "_loan_amount"))],
    ]
    groups = {f["group"] for _, f in expected}
    assert {"poor_households", "workers", None} <= groups
    for stem, fact in expected:
        start, end = period(fact)
        found = matching(rows, metric=fact["metric"], value=fact["value"], unit=fact["unit"], group_code=fact["group"],
                         area_name=fact["area"], period_start=start, period_end=end)
        assert len(found) == 1, (fact, found)
        row = found[0]
        assert row["measure"] == ("amount_lent" if fact["unit"] == "vnd" else "borrowers")
        assert row["qualifier"] == fact["qualifier"]
        assert row["url"] == f"{demo['base_url']}/{gold(stem)['article']}"
        if fact["group"] is None:
            assert row["group_name_en"] == "(group not stated)"
    assert matching(rows, group_code="workers", programme="labour_export", measure="amount_lent")


def test_loans_by_group_keep_measures_apart_when_classified(results):
    rows = results["preferential_loans_by_group"]
    assert rows
    for row in rows:
        assert row["measure"] in ("borrowers", "amount_lent", "outstanding_borrowers", "outstanding_balance")
        assert (row["unit"] == "vnd") == (row["measure"] in ("amount_lent", "outstanding_balance")), row
        assert row["programme"] in ("preferential", "labour_export", "job_creation", "housing", "student", "sanitation")
        assert row["sentence"] and row["url"]


def test_loans_by_group_keep_only_the_chosen_province_when_province_today_var_is_set(variant_results):
    rows = variant_results["preferential_loans_by_group"]
    fact = gold_fact(TAM_DUONG, metric="preferential_loan_borrowers")
    assert matching(rows, value=fact["value"], group_code=fact["group"], area_name=fact["area"])
    assert {r["province_name_today"] for r in rows} == {"Phú Thọ"}


# ---------------------------------------------------------------- 4. allowances per quarter

def test_allowances_per_quarter_include_vinh_tuong_and_quynh_luu_payments_when_built_from_demo_site(demo, results):
    rows = results["allowances_by_province_quarter"]
    expected = [
        (SEED, gold_fact(SEED, metric="monthly_allowance_amount")),
        (SEED, gold_fact(SEED, metric="monthly_allowance_recipients")),
        (QUYNH_LUU, gold_fact(QUYNH_LUU, metric="monthly_allowance_amount")),
        (QUYNH_LUU, gold_fact(QUYNH_LUU, metric="monthly_allowance_recipients")),
    ]
    for stem, fact in expected:
        start, end = period(fact)
        quarter = (start.month - 1) // 3 + 1
        found = matching(rows, province_name_today=province_today(demo, gold(stem)), year=start.year, quarter=quarter,
                         metric=fact["metric"], group_code=fact["group"], unit=fact["unit"],
                         period_start=start, period_end=end)
        assert len(found) == 1 and found[0]["value"] in gold_values(fact), (fact, found)
        assert found[0]["quarter_label"] == f"{start.year}-Q{quarter}"
        assert found[0]["measure"] == ("amount" if fact["unit"] == "vnd" else "recipients")


def test_allowances_get_no_quarter_when_period_spans_quarters(demo, results):
    rows = results["allowances_by_province_quarter"]
    fact = gold_fact(LAP_THACH, metric="regular_allowance_amount", period_start="2024-01-01")
    start, end = period(fact)
    found = matching(rows, metric=fact["metric"], period_start=start, period_end=end, value=fact["value"])
    assert len(found) == 1
    assert (found[0]["year"], found[0]["quarter"], found[0]["figures_in_quarter"]) == (None, None, None)
    for row in rows:
        if row["quarter"] is not None:
            first_month = 3 * (row["quarter"] - 1) + 1
            assert date(row["year"], first_month, 1) <= row["period_start"] <= row["period_end"]
            assert (row["period_end"].month - 1) // 3 + 1 == row["quarter"] and row["period_end"].year == row["year"]
        elif row["period_start"] is not None and row["period_end"] is not None:
            assert (row["period_start"].year, (row["period_start"].month - 1) // 3) != (row["period_end"].year, (row["period_end"].month - 1) // 3)


# ---------------------------------------------------------------- 5. coverage

def test_coverage_shows_phu_tho_years_of_the_seed_article_when_built_from_demo_site(demo, results):
    rows = results["data_coverage_by_province_year"]
    province = province_today(demo, gold(SEED))
    years = {period(f)[0].year for f in gold(SEED)["facts"] if f["area"] == "Vĩnh Tường" and period(f)[0].year == period(f)[1].year}
    assert {2011, 2016, 2017} <= years
    for year in years:
        found = matching(rows, province_name_today=province, year=year)
        assert len(found) == 1
        assert found[0]["observations"] >= 1 and "baovinhphuc-demo" in found[0]["sources"]
    nghe_an = matching(rows, province_name_today=province_today(demo, gold(NGHE_AN_LOANS)), year=2019)
    assert nghe_an and nghe_an[0]["loans"] >= 1 and "baonghean-demo" in nghe_an[0]["sources"]


def test_coverage_counts_each_observation_once_when_its_period_lies_inside_a_year(demo, results):
    rows = results["data_coverage_by_province_year"]
    con = demo["con"]
    tables = ("fct_households", "fct_loans", "fct_insurance_cards", "fct_allowances", "fct_other_indicators")
    union = " union all ".join(f"select period_start, period_end from {t}" for t in tables)
    total, spanning = con.execute(
        f"select count(*), count(*) filter (where year(period_start) <> year(period_end)) from ({union})"
    ).fetchone()
    assert sum(r["observations"] for r in rows) + spanning == total
    for row in rows:
        by_table = row["households"] + row["loans"] + row["insurance_cards"] + row["allowances"] + row["other"]
        assert by_table == row["observations"]
    assert len({(r["province_code_today"], r["province_name_today"], r["year"]) for r in rows}) == len(rows)


# ---------------------------------------------------------------- 6. conflicting reports

def test_conflicting_reports_lists_every_report_of_flagged_observations_when_run_on_demo_data(results, variant_results):
    for name, rows, flag in (("default", results["conflicting_reports"], "has_conflict"),
                             ("include_agreeing", variant_results["conflicting_reports"], None)):
        per_observation: dict[str, list[dict]] = {}
        for row in rows:
            per_observation.setdefault(row["observation_id"], []).append(row)
        for observation_id, reports in per_observation.items():
            assert len(reports) == reports[0]["support_facts"] > 1, (name, observation_id)
            assert sum(r["is_chosen"] for r in reports) == 1
            if flag:
                assert all(r[flag] for r in reports)


# The conflicting reports of the demo site that the warehouse reproduces as one observation:
# Tam Dương's 2016 poverty rate and BHYT cards. (Not its 1.256 vs 1.278 poor households: the
# first article's 76 new poor households are extracted as poor_households and paired with 1.278;
# nor the second outlet's commune table, whose cells are not extracted.)
CONFLICT_AREA = "Tam Dương"
CONFLICT_METRICS = ("poor_household_rate", "health_insurance_cards_issued")


def gold_conflicts() -> list[tuple[dict, set[float]]]:
    """Figures that two gold files (two articles) give different values for, more than 0.5 %
    apart. (Two values of one key within one article are two figures, not a conflict.)"""
    reports: dict[tuple, list[tuple[str, dict]]] = {}
    for path in sorted(GOLD_DIR.glob("*.gold.json")):
        for f in json.loads(path.read_text(encoding="utf-8"))["facts"]:
            if f["metric"] in CONFLICT_METRICS and f["area"] == CONFLICT_AREA:
                key = (f["metric"], f["unit"], f["area"], f["area_level"], f["period_start"], f["period_end"], f["group"])
                reports.setdefault(key, []).append((path.name, f))
    out = []
    for found in reports.values():
        files = {name for name, _ in found}
        values = {f["value"] for _, f in found}
        if len(files) == len(found) > 1 and max(values) - min(values) > 0.005 * max(values):
            out.append((found[0][1], values))
    return out


def test_conflicting_reports_lists_both_values_of_tam_duong_2016_when_two_outlets_disagree(results):
    conflicts = gold_conflicts()
    if not conflicts:
        pytest.skip("no conflicting reports in the demo site's gold files")
    rows = results["conflicting_reports"]
    for fact, values in conflicts:
        start, end = period(fact)
        found = matching(rows, metric=fact["metric"], area_name=fact["area"], group_code=fact["group"],
                         period_start=start, period_end=end)
        assert {r["value"] for r in found} == values, (fact, found)
        assert sum(r["is_chosen"] for r in found) == 1
        assert len({r["url"] for r in found}) == len(found) and all(r["has_conflict"] for r in found)
        assert [r["chosen_value"] for r in found] == [r["value"] for r in found if r["is_chosen"]] * len(found)


def test_conflicting_reports_shows_both_values_beside_the_chosen_one_when_two_reports_disagree(demo, tmp_path):
    # A copy of the published warehouse where a second article reports Vĩnh Tường's 2011
    # poverty rate (reported once on the demo site) differently: the observation gets two
    # reports and is flagged.
    fact = gold_fact(SEED, metric="poor_household_rate", period_start="2011-01-01")
    assert gold_values(fact) == {fact["value"]}
    other_value = round(fact["value"] + 0.16, 2)
    copy = tmp_path / "warehouse.duckdb"  # the compiled SQL names the catalog "warehouse"
    shutil.copyfile(demo["settings"].published_path, copy)
    con = duckdb.connect(str(copy))
    con.execute("set search_path = 'marts'")
    observation_id, fact_id = con.execute(
        "select observation_id, fact_id from fct_households where metric = 'poor_household_rate' and area_name = 'Vĩnh Tường' and period_start = ? and value = ?",
        [date.fromisoformat(fact["period_start"]), fact["value"]],
    ).fetchone()
    con.execute(
        """insert into bridge_observation_fact by name
           select * replace (fact_id || '-other' as fact_id, false as is_chosen, ? as value, url || '?other' as url)
           from bridge_observation_fact where fact_id = ?""",
        [other_value, fact_id],
    )
    con.execute("update fct_households set has_conflict = true, support_facts = support_facts + 1 where observation_id = ?", [observation_id])
    con.close()
    con = duckdb.connect(str(copy), read_only=True)
    rows = [r for r in _run(con, demo["compiled"]["conflicting_reports"]) if r["observation_id"] == observation_id]
    con.close()
    assert [(r["is_chosen"], r["value"], r["chosen_value"]) for r in rows] == [
        (True, fact["value"], fact["value"]), (False, other_value, fact["value"])
    ]
    assert rows[0]["spread_pct"] == round(100 * (other_value - fact["value"]) / other_value, 2)
    assert rows[1]["url"].endswith("?other") and rows[0]["sentence"] == rows[1]["sentence"]


# ---------------------------------------------------------------- documentation: exposures and headers

def test_every_analysis_has_one_exposure_with_its_refs_when_compiled(demo):
    manifest = demo["manifest"]
    analyses = {n["name"]: sorted(n["depends_on"]["nodes"]) for n in manifest["nodes"].values() if n["resource_type"] == "analysis"}
    exposures = {e["name"]: e for e in manifest["exposures"].values()}
    assert sorted(analyses) == ANALYSES
    assert sorted(exposures) == ANALYSES
    for name, refs in analyses.items():
        exposure = exposures[name]
        assert sorted(exposure["depends_on"]["nodes"]) == refs, name
        assert exposure["type"] == "analysis"
        assert exposure["owner"]["name"] and "@" in exposure["owner"]["email"]
        assert exposure["maturity"] in ("low", "medium", "high")
        assert f"analyses/{name}.sql" in exposure["description"]


@pytest.mark.parametrize("name", ANALYSES)
def test_analysis_states_question_grain_and_caveats_when_read(name):
    header = (ANALYSES_DIR / f"{name}.sql").read_text(encoding="utf-8").split("\n\n", 1)[0]
    for part in ("-- Question:", "-- Grain:", "-- Caveats:"):
        assert part in header, (name, part)


def test_exposures_file_lists_one_analysis_exposure_per_analysis_when_parsed():
    doc = yaml.safe_load((REPO / "dbt_project" / "models" / "exposures.yml").read_text(encoding="utf-8"))
    assert sorted(e["name"] for e in doc["exposures"]) == ANALYSES
