"""Extract: new raw pages -> staged articles with their facts, when raw pages land."""

from airflow.sdk import dag, task
from airflow.sdk.exceptions import AirflowSkipException

from assets import RAW_PAGES, STAGED_ARTICLES
from common import DEFAULT_ARGS, START_DATE, TAGS


@dag(
    dag_id="asxh_extract",
    schedule=[RAW_PAGES],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=TAGS,
    doc_md=__doc__,
)
def asxh_extract():
    @task(outlets=[STAGED_ARTICLES])
    def extract_new_articles(*, outlet_events):
        from extract.pipeline import extract_pending
        from extract.settings import Settings

        result = extract_pending(Settings.from_env())
        if result.articles == 0:
            raise AirflowSkipException(f"nothing new to extract ({result.unchanged} unchanged, {len(result.errors)} errors)")
        outlet_events[STAGED_ARTICLES].extra = {"articles": result.articles, "facts": result.facts}
        return result.as_dict()

    extract_new_articles()


asxh_extract()
