"""dbt builds the warehouse from staged fixture articles: models, tests and the docs site."""

from __future__ import annotations

import json

import duckdb
import pytest
import yaml

from extract import contract
from tests.conftest import REPO

@pytest.fixture(scope="module")
def warehouse(built_warehouse):
    """The session's warehouse built from the fixture articles (tests/conftest.py)."""
    con = duckdb.connect(str(built_warehouse.published_path), read_only=True)
    con.execute("set search_path = 'marts'")  # the marts, as an analyst reads them
    yield built_warehouse, con, {"docs": str(built_warehouse.docs_dir / "index.html")}
    con.close()


def _rows(con, sql):
    return con.execute(sql).fetchall()


def test_dbt_build_lands_seed_figures_in_their_fact_tables_when_built_from_fixtures(warehouse):
    _, con, _ = warehouse
    assert _rows(con, "select unit, qualifier from fct_insurance_cards where value = 9300") == [("card", "more_than")]
    assert _rows(con, "select unit, qualifier, period_start from fct_households where value = 3.34") == [("percent", "exact", __import__("datetime").date(2016, 1, 1))]
    assert _rows(con, "select unit, qualifier from fct_allowances where value = 18000000000") == [("vnd", "more_than")]


def test_dbt_build_keeps_skipped_pages_out_of_fact_tables_when_not_about_social_security(warehouse):
    _, con, _ = warehouse
    skipped = _rows(con, "select article_id from dim_article where status = 'skipped'")
    assert len(skipped) == 1
    for table in ("fct_households", "fct_loans", "fct_insurance_cards", "fct_allowances", "fct_other_indicators"):
        assert _rows(con, f"select count(*) from {table} where article_id = '{skipped[0][0]}'") == [(0,)]


def test_dbt_build_writes_static_docs_site_when_built(warehouse):
    settings, _, result = warehouse
    html = (settings.docs_dir / "index.html").read_text(encoding="utf-8")
    assert "fct_households" in html and "dim_metric" in html
    assert result["docs"].endswith("index.html")


def test_every_fact_row_reaches_its_sentence_when_joined_to_its_article(warehouse):
    _, con, _ = warehouse
    rows = _rows(con, """
        select f.value, substring(a.article_text, f.span_start + 1, f.span_end - f.span_start), f.sentence, a.article_text
        from fct_insurance_cards f join dim_article a using (article_id)""")
    assert rows
    for _value, mention, sentence, text in rows:
        assert mention and mention in sentence and sentence in text


def _accepted_values(model_yaml: str, column: str) -> list[str]:
    doc = yaml.safe_load((REPO / "dbt_project" / model_yaml).read_text(encoding="utf-8"))
    for col in doc["models"][0]["columns"]:
        if col["name"] == column:
            for test in col.get("data_tests", []):
                if isinstance(test, dict) and "accepted_values" in test:
                    return test["accepted_values"]["arguments"]["values"]
    raise AssertionError(f"no accepted_values on {model_yaml}:{column}")


@pytest.mark.parametrize(
    "model_yaml,column,enum",
    [
        ("models/staging/stg_news__facts.yml", "fact_table", contract.FACT_TABLES),
        *[(f"models/marts/{m}.yml", "unit", contract.UNITS) for m in ("fct_households", "fct_loans", "fct_insurance_cards", "fct_allowances", "fct_other_indicators")],
        *[(f"models/marts/{m}.yml", "qualifier", contract.QUALIFIERS) for m in ("fct_households", "fct_loans", "fct_insurance_cards", "fct_allowances", "fct_other_indicators")],
        *[(f"models/marts/{m}.yml", "area_level", contract.AREA_LEVELS) for m in ("fct_households", "fct_loans", "fct_insurance_cards", "fct_allowances", "fct_other_indicators")],
    ],
)
def test_dbt_accepted_values_equal_python_contract(model_yaml, column, enum):
    assert sorted(_accepted_values(model_yaml, column)) == sorted(enum)


def test_beneficiary_group_seed_equals_python_contract():
    import csv

    with open(REPO / "dbt_project/seeds/beneficiary_groups.csv", encoding="utf-8") as fh:
        assert sorted(r["group_code"] for r in csv.DictReader(fh)) == sorted(contract.GROUPS)


def test_every_model_and_column_is_documented_in_the_manifest(warehouse):
    settings, _, _ = warehouse
    manifest = json.loads((settings.home / "dbt_target" / "manifest.json").read_text())
    catalog = json.loads((settings.home / "dbt_target" / "catalog.json").read_text())
    missing = []
    for unique_id, node in manifest["nodes"].items():
        if node["resource_type"] != "model":
            continue
        if not node["description"].strip():
            missing.append(unique_id)
        columns = catalog["nodes"][unique_id]["columns"]
        for name in columns:
            if not node["columns"].get(name, {}).get("description", "").strip():
                missing.append(f"{unique_id}.{name}")
    assert missing == []


def test_docs_site_overview_shows_the_marts_schema_contracts_and_the_four_rules_when_built(warehouse):
    settings, _, _ = warehouse
    manifest = json.loads((settings.home / "dbt_target" / "manifest.json").read_text())
    overview = manifest["docs"]["doc.asxh.__overview__"]["block_contents"]
    for words in ("## Schemas", "`marts`", "**Contracts.**", "## Four rules for right numbers",
                  "A row is a figure, not a total", "Never add figures of different periods or levels",
                  "Read `period_basis`", "Places are as they were"):
        assert words in overview, words
    # The one-file site carries that overview, and every mart's contract is enforced.
    html = (settings.docs_dir / "index.html").read_text(encoding="utf-8")
    assert "Four rules for right numbers" in html
    marts = [n for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["schema"] == "marts"]
    assert len(marts) >= 16 and all(n["config"]["contract"]["enforced"] for n in marts)
    assert all(c.get("data_type") for n in marts for c in n["columns"].values())


def test_build_makes_the_docs_site_again_only_when_the_project_changed(warehouse_home_copy, tmp_path):
    import dataclasses
    import shutil

    from extract.pipeline import build_warehouse

    project = tmp_path / "dbt_project"
    shutil.copytree(REPO / "dbt_project", project, ignore=shutil.ignore_patterns("target", "logs"))
    settings = dataclasses.replace(warehouse_home_copy, dbt_project_dir=project)
    index = settings.docs_dir / "index.html"
    build_warehouse(settings)  # another project directory: the docs are made for it
    made = index.stat().st_mtime_ns
    build_warehouse(settings)  # nothing changed in the project: the docs stay
    assert index.stat().st_mtime_ns == made
    docs = project / "models" / "docs.md"
    docs.write_text(docs.read_text(encoding="utf-8") + "\n{% docs col_probe %}A probe.{% enddocs %}\n", encoding="utf-8")
    build_warehouse(settings)  # a changed project: the docs are made again
    assert index.stat().st_mtime_ns != made
