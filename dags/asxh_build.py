"""Build: dbt builds the warehouse and its docs site, when staged articles land.

`dbt_build` runs one `dbt build` (DuckDB has one writer: one dbt process, in the one-slot
writer pool, under the writer lock of extract.pipeline), then publishes the warehouse and its
docs. The `dbt` group then shows every model as a task of its own: its status, seconds, rows
and tests in that build; each mart's task emits the mart's asset for downstream DAGs.
"""

from airflow.sdk import Param, TaskGroup, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from assets import STAGED_ARTICLES, WAREHOUSE, mart_asset
from common import DAGRUN_TIMEOUT, BUILD_TIMEOUT, DEFAULT_ARGS, FAILURE_NOTIFIER, START_DATE, TAGS, WRITER_POOL, warehouse_models

OK_TEST_STATUSES = {"pass", "success", "warn"}


@dag(
    dag_id="asxh_build",
    schedule=[STAGED_ARTICLES],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=DAGRUN_TIMEOUT["asxh_build"],
    default_args=DEFAULT_ARGS,
    on_failure_callback=[FAILURE_NOTIFIER],
    params={
        "full_refresh": Param(False, type="boolean", title="Full refresh",
                              description="Rebuild every model from every staged batch (dbt build --full-refresh); "
                                          "needed after a change of a seed, of a model's columns, or of corrections."),
    },
    tags=TAGS,
    doc_md=__doc__,
)
def asxh_build():
    @task(outlets=[WAREHOUSE], pool=WRITER_POOL, execution_timeout=BUILD_TIMEOUT,
          doc_md="One `dbt build` of every model and test (incremental: the staged batches not loaded yet), "
                 "the static docs site, then the warehouse published to `published/` (DuckDB 1.5 format, and "
                 "each mart as Parquet). Unreadable staged files are quarantined first.")
    def dbt_build(params=None, *, outlet_events):
        from extract.pipeline import build_warehouse
        from extract.settings import Settings

        result = build_warehouse(Settings.from_env(), full_refresh=bool((params or {}).get("full_refresh")))
        outlet_events[WAREHOUSE].extra = {"models": len(result["nodes"]), "quarantined": len(result["quarantined"])}
        return result

    built = dbt_build()

    with TaskGroup("dbt", tooltip="one task per dbt model: what the build did to it"):
        for model, layer in warehouse_models().items():
            model_task(model, layer)(built)


def model_task(model: str, layer: str):
    """The task of one dbt model: it reads the build's results and succeeds, is skipped or fails
    as the model did (its tests included); a mart's task emits that mart's asset."""
    assets = [mart_asset(model)] if layer == "marts" else []

    @task(task_id=model, outlets=assets,
          doc_md=f"dbt model `{model}` ({layer}): its status, seconds, rows and tests in this run's build.")
    def report_model(result: dict, *, outlet_events):
        node = result["nodes"].get(model)
        if node is None:
            raise AirflowSkipException(f"dbt build did not build {model} (disabled or ephemeral)")
        failed = {t: s for t, s in node["tests"].items() if s not in OK_TEST_STATUSES}
        if node["status"] != "success" or failed:
            raise RuntimeError(f"dbt {model}: {node['status']} {node['message'] or ''}; failed tests: {failed}")
        for asset in assets:
            outlet_events[asset].extra = {"rows": node["rows"], "tests": len(node["tests"])}
        return node

    return report_model


asxh_build()
