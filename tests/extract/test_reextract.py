"""Extraction re-runs from the raw archive alone: no network, no duplicates, a newer extractor
re-extracts every article, an unchanged one nothing."""

from __future__ import annotations

import dataclasses

import pytest

from extract import pipeline
from extract.demo_site import DemoSite
from extract.settings import REPO_ROOT, Settings


@pytest.fixture(scope="module")
def archived(tmp_path_factory):
    home = tmp_path_factory.mktemp("reextract-home")
    with DemoSite() as site:
        env = {"ASXH_SOURCES": str(REPO_ROOT / "sources" / "demo.yaml"), "ASXH_DEMO_BASE_URL": site.base_url, "ASXH_REQUEST_DELAY": "0"}
        import os

        old = {k: os.environ.get(k) for k in env}
        os.environ.update(env)
        try:
            settings = dataclasses.replace(Settings.from_env(), home=home)
            scraped = pipeline.scrape(settings)
        finally:
            for k, v in old.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    # The demo site is down from here on: everything below works from the archive.
    first = pipeline.extract_pending(settings)
    return settings, scraped, first


def _staged(settings: Settings) -> dict[str, dict]:
    """The current staged row of every article (its latest batch), without the batch id."""
    return {k: {f: v for f, v in row.items() if f != "batch_id"} for k, row in pipeline.staged_articles(settings).items()}


def test_extract_pending_stages_every_archived_article_once(archived):
    settings, scraped, first = archived
    assert first.articles == scraped.new_pages > 0
    assert len(_staged(settings)) == scraped.new_pages


def test_extract_pending_does_nothing_when_extractor_and_pages_are_unchanged(archived):
    settings, _, _ = archived
    again = pipeline.extract_pending(settings)
    assert (again.articles, again.unchanged) == (0, len(_staged(settings)))


def test_reextract_rebuilds_the_same_articles_without_the_network(archived, monkeypatch):
    settings, _, _ = archived
    before = _staged(settings)
    monkeypatch.setattr("socket.socket.connect", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("network used")))
    result = pipeline.extract_pending(settings, force=True)
    after = _staged(settings)
    assert result.articles == len(before) and not result.errors
    assert set(after) == set(before)
    strip = lambda d: {k: v for k, v in d.items() if k != "extracted_at"}  # noqa: E731
    assert all(strip(after[name]) == strip(before[name]) for name in before)


def test_extract_pending_reextracts_everything_when_the_extractor_version_changes(archived, monkeypatch):
    settings, _, _ = archived
    monkeypatch.setattr(pipeline, "EXTRACTOR_VERSION", "999.0.0")
    result = pipeline.extract_pending(settings)
    assert result.articles == len(_staged(settings))
    assert {a["extractor_version"] for a in _staged(settings).values()} == {"999.0.0"}
