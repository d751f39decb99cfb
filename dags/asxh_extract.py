"""Extract: new raw pages -> staged articles with their facts, when raw pages land."""

from airflow.sdk import Param, dag, task
from airflow.sdk.exceptions import AirflowSkipException

from assets import RAW_PAGES, STAGED_ARTICLES
from common import DAGRUN_TIMEOUT, DEFAULT_ARGS, EXTRACT_TIMEOUT, FAILURE_NOTIFIER, START_DATE, TAGS


@dag(
    dag_id="asxh_extract",
    schedule=[RAW_PAGES],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    dagrun_timeout=DAGRUN_TIMEOUT["asxh_extract"],
    default_args=DEFAULT_ARGS,
    on_failure_callback=[FAILURE_NOTIFIER],
    params={
        "force": Param(False, type="boolean", title="Re-extract everything",
                       description="Re-extract every archived article from the raw archive (after the extractor improved)."),
    },
    tags=TAGS,
    doc_md=__doc__,
)
def asxh_extract():
    @task(outlets=[STAGED_ARTICLES], execution_timeout=EXTRACT_TIMEOUT,
          doc_md="Parse every archived page not yet staged by this extractor version and stage it with its facts. "
                 "A page that fails is logged with its URL and the rest go on. Skipped when nothing is new.")
    def extract_new_articles(params=None, *, outlet_events):
        from extract.pipeline import extract_pending
        from extract.settings import Settings

        result = extract_pending(Settings.from_env(), force=bool((params or {}).get("force")))
        if result.articles == 0:
            raise AirflowSkipException(f"nothing new to extract ({result.unchanged} unchanged, {len(result.errors)} errors)")
        outlet_events[STAGED_ARTICLES].extra = {"articles": result.articles, "facts": result.facts}
        return result.as_dict()

    extract_new_articles()


asxh_extract()
