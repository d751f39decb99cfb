"""Build: dbt builds the warehouse and its docs site, when staged articles land.

dbt is the only writer of warehouse.duckdb; one run at a time, and the writer lock in
extract.pipeline makes any other writer wait rather than fail.
"""

from airflow.sdk import dag, task

from assets import STAGED_ARTICLES, WAREHOUSE
from common import DEFAULT_ARGS, START_DATE, TAGS


@dag(
    dag_id="asxh_build",
    schedule=[STAGED_ARTICLES],
    start_date=START_DATE,
    catchup=False,
    max_active_runs=1,
    default_args=DEFAULT_ARGS,
    tags=TAGS,
    doc_md=__doc__,
)
def asxh_build():
    @task(outlets=[WAREHOUSE])
    def dbt_build_and_docs():
        from extract.pipeline import build_warehouse
        from extract.settings import Settings

        return build_warehouse(Settings.from_env())

    dbt_build_and_docs()


asxh_build()
