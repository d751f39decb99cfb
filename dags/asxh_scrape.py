"""Scrape: every source's new article pages into the raw archive, on a clock."""

from airflow.sdk import CronTriggerTimetable, Param, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from assets import RAW_PAGES
from common import DAGRUN_TIMEOUT, DEFAULT_ARGS, FAILURE_NOTIFIER, SCRAPE_TIMEOUT, START_DATE, TAGS, scrape_deadline


@dag(
    dag_id="asxh_scrape",
    # Every six hours; a newly unpaused DAG waits for the next slot rather than running at once.
    schedule=CronTriggerTimetable("0 */6 * * *", timezone="Asia/Ho_Chi_Minh", run_immediately=False),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=DAGRUN_TIMEOUT["asxh_scrape"],
    deadline=scrape_deadline(),
    default_args=DEFAULT_ARGS,
    on_failure_callback=[FAILURE_NOTIFIER],
    params={
        "sources": Param([], type="array", items={"type": "string"}, title="Sources",
                         description="Names of the sources to scrape (sources.yaml); empty: every source."),
    },
    tags=TAGS,
    doc_md=__doc__,
)
def asxh_scrape():
    @task(outlets=[RAW_PAGES], execution_timeout=SCRAPE_TIMEOUT,
          doc_md="Discover each source's article URLs (feeds, sitemaps, listings) and fetch the pages not yet "
                 "archived. Skipped when nothing is new; fails when no source could be reached.")
    def fetch_new_pages(params=None, *, outlet_events):
        from extract.pipeline import scrape
        from extract.settings import Settings

        result = scrape(Settings.from_env(), only=list((params or {}).get("sources") or []) or None)
        if result.sources and not result.sources_reached:
            raise RuntimeError(f"no source could be reached: {'; '.join(result.errors[:3])}")
        if result.new_pages == 0:
            raise AirflowSkipException(f"no new pages ({result.failed} failed, {result.skipped_known} already archived)")
        outlet_events[RAW_PAGES].extra = {"run_id": result.run_id, "new_pages": result.new_pages}
        return result.as_dict()

    fetch_new_pages()


asxh_scrape()
