"""An incremental build after a new batch gives the same warehouse as a full refresh.

The new batch holds a new article, an article staged again with a changed figure and one figure
fewer, and an article staged again as skipped (it loses its facts): the three ways a batch
changes what an earlier build landed.
"""

from __future__ import annotations

import copy
import dataclasses
import shutil

import duckdb
import pytest

from extract.pipeline import build_warehouse, write_batch
from tests.conftest import DEMO_SITE, fixture_staged_articles

NEW_PAGE = [("baovinhphuc-demo", "Vĩnh Phúc", DEMO_SITE / "baovinhphuc/xa-hoi/tam-duong-ty-le-ho-ngheo-giam-con-4-87-phan-tram.html")]


def _relations(con) -> list[tuple[str, str]]:
    return con.execute(
        "select table_schema, table_name from information_schema.tables"
        " where table_catalog = current_database() and table_schema in ('marts', 'intermediate')"
        " and table_name not in ('int_changed_articles', 'int_facts_replaced', 'int_touched_observations', 'int_touched_rollup_keys')"
        " order by all").fetchall()


def _second_batch(settings, gazetteer) -> dict:
    """The new batch: one new article, one changed, one now skipped (ids of the last two)."""
    first = {a["article_id"]: a for a in fixture_staged_articles(gazetteer)}
    kept = sorted((a for a in first.values() if a["status"] == "kept" and len(a["facts"]) >= 2), key=lambda a: a["article_id"])
    changed, emptied = copy.deepcopy(kept[0]), copy.deepcopy(kept[1])
    changed["facts"] = changed["facts"][1:]
    changed["facts"][0]["value"] = changed["facts"][0]["value"] * 2 + 1
    emptied.update(status="skipped", skip_reason="not about social security", facts=[])
    write_batch(settings, [*fixture_staged_articles(gazetteer, NEW_PAGE), changed, emptied])
    return {"changed": changed, "emptied": emptied}


@pytest.fixture(scope="module")
def two_builds(built_warehouse, gazetteer, tmp_path_factory):
    """The session's warehouse plus a second batch, built incrementally, and a copy of it
    rebuilt with --full-refresh."""
    incremental = dataclasses.replace(built_warehouse, home=tmp_path_factory.mktemp("incremental") / "home")
    shutil.copytree(built_warehouse.home, incremental.home)
    batch = _second_batch(incremental, gazetteer)
    result = build_warehouse(incremental)
    full = dataclasses.replace(incremental, home=tmp_path_factory.mktemp("full") / "home")
    shutil.copytree(incremental.home, full.home)
    build_warehouse(full, full_refresh=True)
    return incremental, full, batch, result


def test_incremental_build_reads_only_the_new_batch_when_a_batch_is_added(two_builds):
    incremental, _, batch, result = two_builds
    assert result["full_refresh"] is False
    con = duckdb.connect(str(incremental.warehouse_path), read_only=True)
    try:
        loads = con.execute("select count(*), count(distinct invocation_id) from staging.stg_news__batches").fetchone()
        changed = {r[0] for r in con.execute("select article_id from intermediate.int_changed_articles").fetchall()}
    finally:
        con.close()
    assert loads == (2, 2)
    assert len(changed) == 3 and {batch["changed"]["article_id"], batch["emptied"]["article_id"]} <= changed


def test_incremental_build_equals_full_refresh_when_articles_are_added_changed_and_emptied(two_builds):
    incremental, full, batch, _ = two_builds
    con = duckdb.connect()
    try:
        con.execute("attach ? as inc (read_only)", [str(incremental.warehouse_path)])
        con.execute("attach ? as rebuilt (read_only)", [str(full.warehouse_path)])
        con.execute("use inc")
        relations = _relations(con)
        assert ("marts", "fct_households") in relations and ("intermediate", "int_observations") in relations
        differences = {}
        for schema, name in relations:
            a, b = f'inc."{schema}"."{name}"', f'rebuilt."{schema}"."{name}"'
            count = con.execute(f"select (select count(*) from (from {a} except all from {b}))"
                                f" + (select count(*) from (from {b} except all from {a}))").fetchone()[0]
            if count:
                differences[f"{schema}.{name}"] = count
        assert differences == {}
        # The changes landed: the emptied article has no facts left, the changed one its new value.
        emptied = batch["emptied"]["article_id"]
        assert con.execute("select count(*) from inc.marts.bridge_observation_fact where article_id = ?", [emptied]).fetchone()[0] == 0
        assert con.execute("select status from inc.marts.dim_article where article_id = ?", [emptied]).fetchone()[0] == "skipped"
        changed = batch["changed"]
        values = {r[0] for r in con.execute("select value from inc.marts.bridge_observation_fact where article_id = ?", [changed["article_id"]]).fetchall()}
        assert changed["facts"][0]["value"] in values
        assert con.execute("select count(*) from inc.marts.bridge_observation_fact where article_id = ?", [changed["article_id"]]).fetchone()[0] == len(changed["facts"])
    finally:
        con.close()
