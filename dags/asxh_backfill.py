"""Backfill: one source's articles of a past window, on demand (trigger with Params).

Calls extract.backfill.backfill: sitemap indexes by `lastmod` and listing pages followed deep,
bounded per run and resumable, so a run that stopped (its time limit, a kill) is continued by
the next trigger with the same Params. Emits the raw-pages asset when new pages landed, so the
extract and build DAGs follow as after a scrape.
"""

from airflow.sdk import Param, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from assets import RAW_PAGES
from common import DAGRUN_TIMEOUT, DEFAULT_ARGS, FAILURE_NOTIFIER, SCRAPE_TIMEOUT, START_DATE, TAGS


@dag(
    dag_id="asxh_backfill",
    schedule=None,
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=DAGRUN_TIMEOUT["asxh_backfill"],
    default_args=DEFAULT_ARGS,
    on_failure_callback=[FAILURE_NOTIFIER],
    params={
        "source": Param("", type="string", title="Source", description="Name of the source in sources.yaml."),
        "since": Param("2015-01-01", type="string", format="date", title="Since", description="First day (YYYY-MM-DD)."),
        "until": Param(None, type=["null", "string"], format="date", title="Until",
                       description="Last day (YYYY-MM-DD); empty: today, or the outlet's last day."),
    },
    tags=TAGS,
    doc_md=__doc__,
)
def asxh_backfill():
    @task(outlets=[RAW_PAGES], execution_timeout=SCRAPE_TIMEOUT,
          doc_md="Walk the source's sitemaps and listings back to `since`, fetch what is not archived yet, within "
                 "this run's bounds. Skipped when nothing new landed; the next run goes on where this one stopped.")
    def backfill_source(params=None, *, outlet_events):
        from datetime import date

        from extract.backfill import backfill
        from extract.settings import Settings

        params = params or {}
        if not params.get("source"):
            raise ValueError("set the `source` param to a source of sources.yaml")
        until = date.fromisoformat(params["until"]) if params.get("until") else None
        result = backfill(Settings.from_env(), params["source"], date.fromisoformat(params["since"]), until)
        if result.new_pages == 0:
            raise AirflowSkipException(f"no new pages ({result.failed} failed, {result.pending} pending, "
                                       f"{'finished' if result.finished else 'not finished'})")
        outlet_events[RAW_PAGES].extra = {"run_id": result.run_id, "new_pages": result.new_pages, "source": result.source}
        return result.as_dict()

    backfill_source()


asxh_backfill()
