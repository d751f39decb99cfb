"""A task that runs past its execution_timeout fails, and the project's failure notifier tells
the operator: in the log, and as a POST to ASXH_ALERT_WEBHOOK (a local server here). The DAG is a
probe built from dags/common.py's DEFAULT_ARGS, run with dag.test() in a fresh interpreter."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import REPO
from tests.local_http import LocalServer

# The probe DAG lives in its own DAGs folder (dag.test() syncs the configured folder to the
# database); dags/ is on PYTHONPATH so that it imports the project's common.py.
PROBE_DAG = textwrap.dedent(
    """
    import time
    from datetime import timedelta

    from airflow.sdk import dag, task
    from common import DEFAULT_ARGS, START_DATE

    @dag(dag_id="asxh_timeout_probe", schedule=None, start_date=START_DATE,
         default_args={**DEFAULT_ARGS, "retries": 0})
    def probe():
        @task(execution_timeout=timedelta(seconds=2))
        def stall():
            time.sleep(60)

        stall()

    probe_dag = probe()
    """
)
RUN_PROBE = textwrap.dedent(
    """
    import json, sys, time

    sys.path.insert(0, sys.argv[1])
    from asxh_timeout_probe import probe_dag

    started = time.monotonic()
    run = probe_dag.test()
    print("RESULT" + json.dumps({"state": str(run.state), "seconds": time.monotonic() - started,
                                 "tasks": {ti.task_id: str(ti.state) for ti in run.get_task_instances()}}))
    """
)


@pytest.fixture(scope="module")
def probe_run(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow-home")
    (home / "dags").mkdir()
    (home / "dags" / "asxh_timeout_probe.py").write_text(PROBE_DAG)
    with LocalServer() as hook:
        env = dict(os.environ, AIRFLOW_HOME=str(home), AIRFLOW__CORE__LOAD_EXAMPLES="False",
                   AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home}/airflow.db",
                   AIRFLOW__CORE__UNIT_TEST_MODE="True", AIRFLOW__CORE__DAGS_FOLDER=str(home / "dags"),
                   ASXH_HOME=str(home / "asxh"), ASXH_ALERT_WEBHOOK=hook.url("/alerts"),
                   PYTHONPATH=os.pathsep.join([str(REPO / "dags"), str(REPO)]))
        subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"],
                       env=env, capture_output=True, text=True, timeout=300, check=True)
        completed = subprocess.run([sys.executable, "-c", RUN_PROBE, str(home / "dags")], env=env,
                                   capture_output=True, text=True, timeout=300)
        posts = list(hook.posts)
    lines = [line for line in completed.stdout.splitlines() if line.startswith("RESULT")]
    assert lines, completed.stdout[-2000:] + completed.stderr[-4000:]
    return json.loads(lines[-1][len("RESULT"):]), posts, completed.stdout + completed.stderr


def test_task_fails_when_it_runs_past_its_execution_timeout(probe_run):
    result, _, _ = probe_run
    assert result["tasks"] == {"stall": "failed"}
    assert "failed" in result["state"]
    assert result["seconds"] < 55, "the task was stopped by its timeout, not by finishing its sleep"


def test_failure_notifier_posts_the_failed_task_to_the_webhook_when_a_task_times_out(probe_run):
    _, posts, _ = probe_run
    assert [path for path, _ in posts] == ["/alerts"]
    alert = json.loads(posts[0][1])
    assert alert["kind"] == "task_failed"
    assert (alert["dag_id"], alert["task_id"]) == ("asxh_timeout_probe", "stall")
    assert "Timeout" in alert["error"]


def test_failure_notifier_logs_the_alert_when_a_task_times_out(probe_run):
    _, _, output = probe_run
    assert "ALERT asxh_timeout_probe.stall failed" in output
