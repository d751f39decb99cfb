"""Telling an operator that something went wrong: always in the log, and as a JSON POST to
ASXH_ALERT_WEBHOOK when it is set (a chat webhook, an incident tool, a relay to email).

The Airflow side (dags/common.py) turns task failures and missed deadlines into calls of these
functions; this module never imports Airflow, so it is tested without it.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from datetime import datetime, timedelta

from extract.settings import Settings

log = logging.getLogger("asxh.alerts")

WEBHOOK_TIMEOUT = 10  # seconds: an alert must never hold a task or the scheduler for long
SCRAPE_DEADLINE = timedelta(days=1)


def _settings() -> Settings | None:
    try:
        return Settings.from_env()
    except ValueError as exc:  # a bad setting must not swallow the alert: log it without the webhook
        log.error("alert settings are invalid (%s): alerting to the log only", exc)
        return None


def send_alert(alert: dict, settings: Settings | None = None) -> bool:
    """Log `alert` (a JSON-able dict with at least "summary") as an error, and POST it to the
    webhook when one is configured. Returns whether the webhook took it. Never raises: the
    alert of a failure must not become a second failure."""
    log.error("ALERT %s %s", alert.get("summary", ""), json.dumps(alert, ensure_ascii=False, default=str))
    settings = settings if settings is not None else _settings()
    if settings is None or not settings.alert_webhook:
        return False
    body = json.dumps(alert, ensure_ascii=False, default=str).encode("utf-8")
    request = urllib.request.Request(settings.alert_webhook, data=body, method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": settings.user_agent})
    try:
        with urllib.request.urlopen(request, timeout=WEBHOOK_TIMEOUT) as response:
            ok = 200 <= response.status < 300
    except (urllib.error.URLError, OSError) as exc:
        log.error("alert webhook %s failed: %s", settings.alert_webhook, exc)
        return False
    if not ok:
        log.error("alert webhook %s answered %s", settings.alert_webhook, response.status)
    return ok


def last_scrape_finished(settings: Settings) -> datetime | None:
    """When a scrape last reached its sources (written by extract.pipeline.scrape)."""
    from extract.pipeline import LAST_SCRAPE_FILE

    try:
        data = json.loads((settings.home / LAST_SCRAPE_FILE).read_text(encoding="utf-8"))
        return datetime.fromisoformat(data["finished_at"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def scrape_deadline_missed(context: dict | None = None, **_) -> bool:
    """Airflow's deadline callback of the scrape DAG: one of its runs had not succeeded a day after
    it was queued. Alert unless a later scrape reached its sources meanwhile (then the sources are
    fine and only that run failed, which its task's failure alert already said)."""
    context = context or {}
    run = context.get("dag_run") or {}
    settings = _settings()
    queued = run.get("queued_at") or run.get("run_after")
    last = last_scrape_finished(settings) if settings else None
    if last and queued and last >= datetime.fromisoformat(str(queued).replace("Z", "+00:00")):
        log.info("scrape deadline of run %s passed, but a later scrape succeeded at %s: no alert", run.get("run_id"), last.isoformat())
        return False
    send_alert({
        "kind": "deadline_missed",
        "summary": f"no scrape has succeeded for {SCRAPE_DEADLINE.days} day (last success: {last.isoformat() if last else 'never'})",
        "dag_id": run.get("dag_id"),
        "run_id": run.get("run_id") or run.get("dag_run_id"),
        "queued_at": queued,
        "deadline": (context.get("deadline") or {}).get("deadline_time"),
        "last_success": last.isoformat() if last else None,
    }, settings)
    return True
