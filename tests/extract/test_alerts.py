"""Alerts reach the log always and the webhook when one is set; the scrape deadline alerts only
when no scrape reached its sources since the late run was queued."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import UTC, datetime, timedelta

from extract.alerts import scrape_deadline_missed, send_alert
from extract.archive import write_atomic
from extract.pipeline import LAST_SCRAPE_FILE
from extract.settings import Settings
from tests.local_http import LocalServer


def test_send_alert_logs_and_posts_the_alert_when_a_webhook_is_set(caplog):
    with LocalServer() as hook:
        settings = Settings.from_env({"ASXH_ALERT_WEBHOOK": hook.url("/hook")})
        with caplog.at_level(logging.ERROR, logger="asxh.alerts"):
            assert send_alert({"summary": "asxh_build.dbt_build failed: boom", "kind": "task_failed"}, settings)
        assert [json.loads(body)["summary"] for _, body in hook.posts] == ["asxh_build.dbt_build failed: boom"]
    assert "ALERT asxh_build.dbt_build failed: boom" in caplog.text


def test_send_alert_logs_and_does_not_raise_when_the_webhook_is_down(caplog):
    with LocalServer() as hook:
        url = hook.url("/hook")
    settings = Settings.from_env({"ASXH_ALERT_WEBHOOK": url})  # the server is closed now
    with caplog.at_level(logging.ERROR, logger="asxh.alerts"):
        assert send_alert({"summary": "x failed"}, settings) is False
    assert "ALERT x failed" in caplog.text and f"alert webhook {url} failed" in caplog.text


def _context(queued: datetime) -> dict:
    return {"dag_run": {"dag_id": "asxh_scrape", "run_id": "scheduled__x", "queued_at": queued.isoformat().replace("+00:00", "Z")},
            "deadline": {"deadline_time": (queued + timedelta(days=1)).isoformat()}}


def test_scrape_deadline_alerts_when_no_scrape_succeeded_since_the_run_was_queued(tmp_path, monkeypatch):
    with LocalServer() as hook:
        monkeypatch.setenv("ASXH_HOME", str(tmp_path))
        monkeypatch.setenv("ASXH_ALERT_WEBHOOK", hook.url("/hook"))
        queued = datetime.now(UTC) - timedelta(days=1, minutes=1)
        write_atomic(tmp_path / LAST_SCRAPE_FILE, json.dumps({"finished_at": (queued - timedelta(hours=6)).isoformat()}).encode())
        assert scrape_deadline_missed(context=_context(queued)) is True
        alert = json.loads(hook.posts[0][1])
    assert alert["kind"] == "deadline_missed" and alert["dag_id"] == "asxh_scrape"
    assert alert["summary"].startswith("no scrape has succeeded for 1 day")


def test_scrape_deadline_stays_quiet_when_a_later_scrape_succeeded(tmp_path, monkeypatch):
    with LocalServer() as hook:
        monkeypatch.setenv("ASXH_HOME", str(tmp_path))
        monkeypatch.setenv("ASXH_ALERT_WEBHOOK", hook.url("/hook"))
        queued = datetime.now(UTC) - timedelta(days=1, minutes=1)
        write_atomic(tmp_path / LAST_SCRAPE_FILE, json.dumps({"finished_at": (queued + timedelta(hours=6)).isoformat()}).encode())
        assert scrape_deadline_missed(context=_context(queued)) is False
        assert hook.posts == []
