"""Scrape: every source's new article pages into the raw archive, on a clock.

`plan_hosts` lists the sources by host (extract.pipeline.host_groups); `fetch_new_pages` is mapped
over that list, one task per host (per source, except where sources share a host: they share a
task, so that the host keeps one request at a time and its pause). The tasks run side by side as
far as the executor allows (LocalExecutor's parallelism, or Celery workers with the compose file's
`celery` profile), each with its own politeness: robots.txt, the per-host pause and Crawl-delay.
"""

from airflow.sdk import CronTriggerTimetable, Param, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowSkipException

from assets import RAW_PAGES
from common import (
    DAGRUN_TIMEOUT,
    DEFAULT_ARGS,
    FAILURE_NOTIFIER,
    SCRAPE_PARALLEL_HOSTS,
    SCRAPE_TIMEOUT,
    START_DATE,
    TAGS,
    scrape_deadline,
)


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
    @task(doc_md="The sources to scrape (the `sources` param, else the whole registry), grouped by host: "
                 "one group per mapped `fetch_new_pages` task. Reads the registry file only.")
    def plan_hosts(params=None) -> list[list[str]]:
        from extract.pipeline import host_groups, select_sources
        from extract.settings import Settings

        sources = select_sources(Settings.from_env(), only=list((params or {}).get("sources") or []) or None)
        return [[s.name for s in group] for group in host_groups(sources)]

    @task(outlets=[RAW_PAGES], execution_timeout=SCRAPE_TIMEOUT, max_active_tis_per_dagrun=SCRAPE_PARALLEL_HOSTS,
          map_index_template="{{ source_names }}",
          doc_md="One host's sources: discover their article URLs (feeds, sitemaps, listings) and fetch the pages "
                 "not yet archived. Emits the raw-pages asset only when new pages landed (skipped otherwise); "
                 "fails when none of its sources could be reached.")
    def fetch_new_pages(sources: list[str], *, outlet_events):
        from extract.pipeline import scrape
        from extract.settings import Settings

        get_current_context()["source_names"] = ", ".join(sources)
        result = scrape(Settings.from_env(), only=sources)
        if result.sources and not result.sources_reached:
            raise RuntimeError(f"no source could be reached: {'; '.join(result.errors[:3])}")
        if result.new_pages == 0:
            raise AirflowSkipException(f"no new pages ({result.failed} failed, {result.skipped_known} already archived)")
        outlet_events[RAW_PAGES].extra = {"run_id": result.run_id, "new_pages": result.new_pages, "sources": sources}
        return result.as_dict()

    fetch_new_pages.expand(sources=plan_hosts())


asxh_scrape()
