"""The one place where the pipeline's assets are named.

Each step emits its asset only when it wrote something new, so the next step runs when new
data lands and not on a clock.
"""

from airflow.sdk import Asset

RAW_PAGES = Asset(name="asxh_raw_pages", uri="asxh://raw/pages")
STAGED_ARTICLES = Asset(name="asxh_staged_articles", uri="asxh://staged/articles")
WAREHOUSE = Asset(name="asxh_warehouse", uri="asxh://warehouse/marts")
