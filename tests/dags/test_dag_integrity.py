"""Every DAG file imports cleanly, without network or database access at parse time, and follows
the project's DAG policy. Parsing runs in a fresh interpreter so that Airflow's configuration
(picked at its first import) is this test's alone."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REPO

PARSE_SCRIPT = textwrap.dedent(
    """
    import json, socket, sqlite3, sys

    # Parse time must not reach the network or open a database: make both fail loudly.
    def forbidden(*args, **kwargs):
        raise RuntimeError("network or database access at DAG parse time")
    socket.socket.connect = forbidden
    socket.create_connection = forbidden
    sqlite3.connect = forbidden
    try:
        import duckdb
        duckdb.connect = forbidden
    except ImportError:
        pass

    from airflow.dag_processing.dagbag import DagBag

    # The dag-processor puts the DAGs folder on sys.path (dags/assets.py is imported as "assets").
    sys.path.insert(0, sys.argv[1])
    bag = DagBag(dag_folder=sys.argv[1])
    out = {"import_errors": {k: str(v) for k, v in bag.import_errors.items()}, "dags": {}}
    for dag_id, dag in bag.dags.items():
        assets = sorted(a.name for a in dag.schedule) if isinstance(dag.schedule, list) else []
        out["dags"][dag_id] = {
            "timetable": type(dag.timetable).__name__,
            "assets": assets,
            "tags": sorted(dag.tags),
            "max_active_runs": dag.max_active_runs,
            "catchup": dag.catchup,
            "dagrun_timeout": dag.dagrun_timeout.total_seconds() if dag.dagrun_timeout else None,
            "has_failure_notifier": bool(dag.on_failure_callback),
            "deadlines": [type(d.reference).__name__ + ":" + str(d.interval.total_seconds()) for d in (dag.deadline or [])],
            "params": sorted(dag.params.keys()),
            "tasks": {t.task_id: {"owner": t.owner, "retries": t.retries, "outlets": [o.name for o in t.outlets],
                                  "execution_timeout": t.execution_timeout.total_seconds() if t.execution_timeout else None,
                                  "pool": t.pool, "doc_md": t.doc_md,
                                  "mapped": bool(getattr(t, "is_mapped", False)),
                                  "upstream": sorted(t.upstream_task_ids),
                                  "notifiers": [type(c).__name__ for c in (t.on_failure_callback or [])]}
                      for t in dag.tasks},
        }
    print("RESULT" + json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def parsed(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow-home")
    env = dict(os.environ, AIRFLOW_HOME=str(home), AIRFLOW__CORE__LOAD_EXAMPLES="False",
               AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home}/airflow.db",
               AIRFLOW__CORE__UNIT_TEST_MODE="True", AIRFLOW__CORE__DAGS_FOLDER=str(REPO / "dags"))
    completed = subprocess.run([sys.executable, "-c", PARSE_SCRIPT, str(REPO / "dags")], env=env,
                               capture_output=True, text=True, timeout=300)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT")]
    assert lines, f"parse failed:\n{completed.stderr[-3000:]}"
    return json.loads(lines[-1][len("RESULT"):])


def test_dag_files_import_without_errors_when_network_and_databases_are_forbidden(parsed):
    assert parsed["import_errors"] == {}
    assert set(parsed["dags"]) == {"asxh_scrape", "asxh_extract", "asxh_build", "asxh_backfill"}


def test_only_the_scrape_dag_runs_on_a_clock(parsed):
    dags = parsed["dags"]
    assert dags["asxh_scrape"]["timetable"] == "CronTriggerTimetable"
    assert dags["asxh_extract"]["timetable"] == dags["asxh_build"]["timetable"] == "AssetTriggeredTimetable"
    assert dags["asxh_backfill"]["timetable"] == "NullTimetable"  # on demand only


def test_scrape_dag_maps_one_fetch_task_per_host_when_parsed(parsed):
    tasks = parsed["dags"]["asxh_scrape"]["tasks"]
    assert set(tasks) == {"plan_hosts", "fetch_new_pages"}
    assert tasks["fetch_new_pages"]["mapped"] and tasks["fetch_new_pages"]["upstream"] == ["plan_hosts"]
    assert not tasks["plan_hosts"]["mapped"] and tasks["plan_hosts"]["outlets"] == []


def test_each_step_emits_the_asset_the_next_step_is_scheduled_on(parsed):
    dags = parsed["dags"]
    assert dags["asxh_scrape"]["tasks"]["fetch_new_pages"]["outlets"] == ["asxh_raw_pages"]
    assert dags["asxh_backfill"]["tasks"]["backfill_source"]["outlets"] == ["asxh_raw_pages"]
    assert dags["asxh_extract"]["tasks"]["extract_new_articles"]["outlets"] == ["asxh_staged_articles"]
    assert dags["asxh_build"]["tasks"]["dbt_build"]["outlets"] == ["asxh_warehouse"]
    assert dags["asxh_extract"]["assets"] == ["asxh_raw_pages"]
    assert dags["asxh_build"]["assets"] == ["asxh_staged_articles"]


ALL_DAGS = ["asxh_scrape", "asxh_extract", "asxh_build", "asxh_backfill"]


@pytest.mark.parametrize("dag_id", ALL_DAGS)
def test_dag_follows_policy_when_parsed(parsed, dag_id):
    dag = parsed["dags"][dag_id]
    assert "asxh" in dag["tags"]
    assert dag["max_active_runs"] == 1, "one run at a time: the warehouse has one writer"
    assert not dag["catchup"]
    for task in dag["tasks"].values():
        assert task["owner"] == "asxh"
        assert task["retries"] >= 1


def test_dag_files_stay_thin_when_read():
    """DAG files call extract's functions inside tasks; heavy imports never run at parse time."""
    for path in (REPO / "dags").glob("*.py"):
        top_level = [line for line in path.read_text().splitlines() if line.startswith(("import ", "from "))]
        for line in top_level:
            assert "extract" not in line and "duckdb" not in line and "dbt" not in line and "bs4" not in line, f"{path.name}: {line}"


@pytest.mark.parametrize("dag_id", ALL_DAGS)
def test_dag_bounds_every_task_and_run_and_notifies_failures_when_parsed(parsed, dag_id):
    dag = parsed["dags"][dag_id]
    assert dag["dagrun_timeout"] and dag["dagrun_timeout"] <= 3 * 3600
    assert dag["has_failure_notifier"]
    for task_id, task in dag["tasks"].items():
        assert task["execution_timeout"] and task["execution_timeout"] <= dag["dagrun_timeout"], task_id
        assert task["notifiers"] == ["AsxhFailureNotifier"], task_id
        assert task["doc_md"], task_id


def test_dags_offer_params_for_manual_runs_when_parsed(parsed):
    dags = parsed["dags"]
    assert dags["asxh_scrape"]["params"] == ["sources"]
    assert dags["asxh_extract"]["params"] == ["force"]
    assert dags["asxh_build"]["params"] == ["full_refresh"]
    assert dags["asxh_backfill"]["params"] == ["since", "source", "until"]


def test_scrape_dag_has_a_deadline_alert_of_one_day_when_parsed(parsed):
    assert parsed["dags"]["asxh_scrape"]["deadlines"] == ["DagRunQueuedAtDeadline:86400.0"]


def test_build_dag_runs_dbt_in_the_one_slot_writer_pool_and_shows_each_model_when_parsed(parsed):
    tasks = parsed["dags"]["asxh_build"]["tasks"]
    assert tasks["dbt_build"]["pool"] == "asxh_warehouse_writer"
    models = {p.stem: p.parent.name for p in (REPO / "dbt_project" / "models").rglob("*.sql")}
    assert {t.removeprefix("dbt.") for t in tasks if t.startswith("dbt.")} == set(models)
    for model, layer in models.items():
        expected = [f"asxh_mart_{model}"] if layer == "marts" else []
        assert tasks[f"dbt.{model}"]["outlets"] == expected
