"""The one place where the pipeline's assets are named.

Each step emits its asset only when it wrote something new, so the next step runs when new
data lands and not on a clock.
"""

from airflow.sdk import Asset

RAW_PAGES = Asset(name="asxh_raw_pages", uri="asxh://raw/pages")
STAGED_ARTICLES = Asset(name="asxh_staged_articles", uri="asxh://staged/articles")
WAREHOUSE = Asset(name="asxh_warehouse", uri="asxh://warehouse/marts")


def mart_asset(model: str) -> Asset:
    """One asset per mart of the warehouse (dbt_project/models/marts): a downstream DAG schedules
    on the tables it reads, e.g. schedule=[mart_asset("fct_households")]. Its event carries the
    rows dbt wrote and the mart's tests."""
    return Asset(name=f"asxh_mart_{model}", uri=f"asxh://warehouse/marts/{model}")
