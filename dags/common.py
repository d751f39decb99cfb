"""Defaults every asxh DAG shares: owner, tags and retry policy (checked by tests/dags)."""

from datetime import datetime, timedelta

DEFAULT_ARGS = {
    "owner": "asxh",
    "retries": 2,
    "retry_delay": timedelta(minutes=1),
    "retry_exponential_backoff": True,
}
START_DATE = datetime(2026, 1, 1)
TAGS = ["asxh"]
