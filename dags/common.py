"""Policy every asxh DAG shares (checked by tests/dags): owner, tags, retries, time limits, the
failure notifier, the writer pool, and the dbt models the build DAG shows one task each.

Nothing may run unbounded or fail unseen: every task has an execution_timeout (default_args),
every DAG a dagrun_timeout, and every failure reaches AsxhFailureNotifier (the log always, the
ASXH_ALERT_WEBHOOK when set).
"""

import os
import re
from datetime import datetime, timedelta
from pathlib import Path

from airflow.sdk import BaseNotifier


class AsxhFailureNotifier(BaseNotifier):
    """Airflow's notifier interface around extract.alerts.send_alert: a failed task (after its
    retries) or a failed DAG run (dagrun_timeout) becomes one alert."""

    def notify(self, context):
        from extract.alerts import send_alert

        ti = context.get("ti") or context.get("task_instance")
        run = context.get("dag_run")
        dag = context.get("dag")
        exception = context.get("exception")
        reason = context.get("reason")
        alert = {
            "kind": "task_failed" if ti is not None else "dag_run_failed",
            "dag_id": getattr(dag, "dag_id", None) or getattr(run, "dag_id", None),
            "run_id": getattr(run, "run_id", None),
            "task_id": getattr(ti, "task_id", None),
            "try_number": getattr(ti, "try_number", None),
            "error": f"{exception.__class__.__name__}: {exception}" if exception else reason,
        }
        where = f"{alert['dag_id']}.{alert['task_id']}" if alert["task_id"] else f"{alert['dag_id']} run"
        alert["summary"] = f"{where} failed: {str(alert['error']).splitlines()[0] if alert['error'] else 'no reason given'}"
        send_alert(alert)


FAILURE_NOTIFIER = AsxhFailureNotifier()

DEFAULT_ARGS = {
    "owner": "asxh",
    "retries": 2,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
    # A default for every task; the long steps set their own, each one bounded.
    "execution_timeout": timedelta(minutes=10),
    "on_failure_callback": [FAILURE_NOTIFIER],
}
START_DATE = datetime(2026, 1, 1)
TAGS = ["asxh"]

# Time limits of the steps. A scrape is bounded by its own settings (pages per source, delay,
# timeout, retries): 200 pages per source at the default 2 s pause take about 7 min a source.
SCRAPE_TIMEOUT = timedelta(hours=2)
EXTRACT_TIMEOUT = timedelta(hours=1)
BUILD_TIMEOUT = timedelta(minutes=45)
# A DAG run ends (failed, and notified) at the latest this long after it started.
DAGRUN_TIMEOUT = {"asxh_scrape": timedelta(hours=3), "asxh_extract": timedelta(hours=2), "asxh_build": timedelta(hours=1),
                  "asxh_backfill": timedelta(hours=3)}
# Hosts scraped at once by one scrape run (its mapped tasks), as ASXH_SCRAPE_WORKERS bounds `asxh scrape`.
SCRAPE_PARALLEL_HOSTS = 8

# DuckDB has one writer: the dbt build takes this pool's only slot (created by `make run`,
# `make airflow` and the compose init service), so that no two builds ever wait on each other's lock.
WRITER_POOL = "asxh_warehouse_writer"


def scrape_deadline():
    """Airflow's deadline alert on the scrape DAG: a run not succeeded a day after it was queued
    calls extract.alerts.scrape_deadline_missed, which alerts unless a later scrape succeeded."""
    from airflow.sdk import DeadlineAlert, DeadlineReference, SyncCallback

    return DeadlineAlert(
        reference=DeadlineReference.DAGRUN_QUEUED_AT,
        interval=timedelta(days=1),
        callback=SyncCallback("extract.alerts.scrape_deadline_missed"),
        name="no_scrape_for_a_day",
    )


def dbt_project_dir() -> Path:
    # The same variable and default as extract.settings (not imported here: parsing stays light).
    return Path(os.environ.get("ASXH_DBT_PROJECT_DIR") or Path(__file__).resolve().parent.parent / "dbt_project")


def warehouse_models() -> dict[str, str]:
    """Every dbt model of the project, name -> layer (staging, intermediate, marts), read from the
    model files at parse time: no dbt command runs while Airflow parses the DAGs."""
    models = {}
    for path in sorted((dbt_project_dir() / "models").rglob("*.sql")):
        layer = path.relative_to(dbt_project_dir() / "models").parts[0]
        if re.fullmatch(r"\w+", path.stem):
            models[path.stem] = layer
    return models
