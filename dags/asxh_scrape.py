"""Scrape: every source's new article pages into the raw archive, on a clock."""

from airflow.sdk import CronTriggerTimetable, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from assets import RAW_PAGES
from common import DEFAULT_ARGS, START_DATE, TAGS


@dag(
    dag_id="asxh_scrape",
    # Every six hours; a newly unpaused DAG waits for the next slot rather than running at once.
    schedule=CronTriggerTimetable("0 */6 * * *", timezone="Asia/Ho_Chi_Minh", run_immediately=False),
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=TAGS,
    doc_md=__doc__,
)
def asxh_scrape():
    @task(outlets=[RAW_PAGES])
    def fetch_new_pages(*, outlet_events):
        from extract.pipeline import scrape
        from extract.settings import Settings

        result = scrape(Settings.from_env())
        if result.new_pages == 0:
            raise AirflowSkipException(f"no new pages ({result.failed} failed, {result.skipped_known} already archived)")
        outlet_events[RAW_PAGES].extra = {"run_id": result.run_id, "new_pages": result.new_pages}
        return result.as_dict()

    fetch_new_pages()


asxh_scrape()
