"""Settings are checked when they are read: a bad value stops the run with the variable's name
and its allowed range, instead of a scrape without pauses or requests that all time out."""

from __future__ import annotations

import pytest

from extract.settings import Settings


@pytest.mark.parametrize(
    "name,value,allowed",
    [
        ("ASXH_REQUEST_DELAY", "-1", "at least 0 and at most 600"),
        ("ASXH_REQUEST_DELAY", "nan", "at least 0 and at most 600"),
        ("ASXH_REQUEST_DELAY", "inf", "at least 0 and at most 600"),
        ("ASXH_REQUEST_DELAY", "two", "at least 0 and at most 600"),
        ("ASXH_TIMEOUT", "0", "more than 0 and at most 600"),
        ("ASXH_TIMEOUT", "-1", "more than 0 and at most 600"),
        ("ASXH_MAX_RETRIES", "-1", "from 0 to 10"),
        ("ASXH_MAX_RETRIES", "1.5", "from 0 to 10"),
        ("ASXH_MAX_PAGE_BYTES", "0", "from 1000 to 100000000"),
        ("ASXH_MAX_PAGES_PER_SOURCE", "0", "from 1 to 100000"),
        ("ASXH_MAX_LISTING_PAGES", "-3", "from 1 to 1000"),
        ("ASXH_SCRAPE_WORKERS", "0", "from 1 to 64"),
        ("ASXH_SCRAPE_WORKERS", "65", "from 1 to 64"),
        ("ASXH_SCRAPE_WORKERS", "four", "from 1 to 64"),
        ("ASXH_BACKFILL_REQUESTS", "0", "from 1 to 100000"),
        ("ASXH_ALERT_WEBHOOK", "ftp://127.0.0.1/x", "http:// or https:// URL"),
        ("ASXH_DUCKDB_MEMORY_LIMIT", "8", "a size from 100MB to 1TB"),
        ("ASXH_DUCKDB_MEMORY_LIMIT", "10MB", "a size from 100MB to 1TB"),
        ("ASXH_DUCKDB_MEMORY_LIMIT", "lots", "a size from 100MB to 1TB"),
        ("ASXH_DUCKDB_THREADS", "0", "from 1 to 256"),
    ],
)
def test_settings_name_the_variable_and_its_range_when_a_value_is_out_of_range(name, value, allowed):
    with pytest.raises(ValueError) as caught:
        Settings.from_env({name: value})
    message = str(caught.value)
    assert message.startswith(f"{name} must be ")
    assert allowed in message and repr(value) in message
    assert "\n" not in message


def test_settings_accept_values_at_the_edges_of_their_ranges():
    settings = Settings.from_env({"ASXH_REQUEST_DELAY": "0", "ASXH_TIMEOUT": "0.5", "ASXH_MAX_RETRIES": "0",
                                  "ASXH_MAX_LISTING_PAGES": "1", "ASXH_ALERT_WEBHOOK": "http://127.0.0.1:9/hook"})
    assert (settings.request_delay, settings.timeout, settings.max_retries, settings.max_listing_pages) == (0.0, 0.5, 0, 1)
    assert settings.alert_webhook == "http://127.0.0.1:9/hook"


def test_settings_read_scrape_workers_and_backfill_requests_when_set():
    settings = Settings.from_env({"ASXH_SCRAPE_WORKERS": "64", "ASXH_BACKFILL_REQUESTS": "1"})
    assert (settings.scrape_workers, settings.backfill_requests) == (64, 1)
    assert (Settings.from_env({}).scrape_workers, Settings.from_env({}).backfill_requests) == (8, 200)


def test_settings_use_defaults_when_variables_are_empty():
    settings = Settings.from_env({"ASXH_TIMEOUT": "", "ASXH_MAX_RETRIES": " "})
    assert settings.timeout == 20.0 and settings.max_retries == 3 and settings.alert_webhook is None


def test_settings_read_duckdb_bounds_and_pass_them_to_dbt_when_set():
    from extract.pipeline import dbt_env

    settings = Settings.from_env({"ASXH_DUCKDB_MEMORY_LIMIT": "6gb", "ASXH_DUCKDB_THREADS": "3"})
    assert (settings.duckdb_memory_limit, settings.duckdb_threads) == ("6GB", 3)
    env = dbt_env(settings)
    assert (env["ASXH_DUCKDB_MEMORY_LIMIT"], env["ASXH_DUCKDB_THREADS"]) == ("6GB", "3")
    assert (Settings.from_env({}).duckdb_memory_limit, Settings.from_env({}).duckdb_threads) == ("4GB", 2)
