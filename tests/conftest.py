"""Shared fixtures. Tests never touch the internet: pages come from a local HTTP server."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
FIXTURES = REPO / "tests" / "fixtures"
SEED_TEXT = FIXTURES / "seed" / "vinh-tuong-an-sinh-xa-hoi-2017.txt"
SEED_GOLD = FIXTURES / "seed" / "vinh-tuong-an-sinh-xa-hoi-2017.gold.json"
DEMO_SITE = REPO / "demo_site"


@pytest.fixture(scope="session")
def gazetteer():
    from extract.areas import Gazetteer

    return Gazetteer.load()


def gold_files() -> list[Path]:
    """Every hand-made gold file: the seed, the demo site's pages and the dev set."""
    return sorted(
        [SEED_GOLD, *(DEMO_SITE / "gold").glob("*.gold.json"), *(FIXTURES / "devset").glob("*.gold.json")]
    )


# ---------------------------------------------------------------- a small built warehouse
# Fixture articles: the seed as plain text, two demo layouts, and one page that is not about
# social security. Built once per session, because a dbt
# build takes seconds; tests that change the warehouse copy it first (`warehouse_home_copy`).

WAREHOUSE_FIXTURE_PAGES = [
    ("fixture-seed", "Vĩnh Phúc", SEED_TEXT),
    ("baovinhphuc-demo", "Vĩnh Phúc", DEMO_SITE / "baovinhphuc/xa-hoi/song-lo-du-no-tin-dung-chinh-sach-dat-312-6-ty-dong.html"),
    ("baonghean-demo", "Nghệ An", next((DEMO_SITE / "baonghean/an-sinh-xa-hoi").glob("*-[0-9]*.html"))),
    ("baonghean-demo", "Nghệ An", next((DEMO_SITE / "baonghean/the-thao").glob("*.html"))),
]


def fixture_staged_articles(gazetteer, pages=None) -> list[dict]:
    """The staged rows of WAREHOUSE_FIXTURE_PAGES (or of `pages`), as the extract step makes them."""
    from extract.archive import FetchRecord
    from extract.pipeline import build_staged_article

    staged_rows = []
    for source, province, path in pages or WAREHOUSE_FIXTURE_PAGES:
        body = path.read_bytes()
        if path.suffix == ".txt":
            # A plain-text article is staged as a minimal HTML page: one paragraph per line.
            lines = body.decode("utf-8").splitlines()
            body = ("<html><body><h1>" + lines[0] + "</h1>" + "".join(f"<p>{l}</p>" for l in lines[1:] if l.strip()) + "</body></html>").encode()
        key = f"{source}:/{path.name}"
        record = FetchRecord(run_id="fixture", source=source, kind="article", key=key, url=f"https://example.invalid/{path.name}",
                             final_url=None, status=200, fetched_at="2026-01-01T00:00:00+00:00", sha256="0" * 64,
                             error=None, retryable=False, province=province, content_type="text/html")
        staged_rows.append(build_staged_article(record, body, gazetteer))
    return staged_rows


def stage_fixture_articles(settings, gazetteer) -> None:
    """Write WAREHOUSE_FIXTURE_PAGES as one staged batch, as the extract step would."""
    from extract.pipeline import write_batch

    write_batch(settings, fixture_staged_articles(gazetteer))


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory, gazetteer):
    """Settings of a tmp ASXH_HOME with a built and published warehouse and its docs site.
    Read it, never write it: it is shared by every test of the session."""
    import dataclasses

    from extract.pipeline import build_warehouse
    from extract.settings import Settings

    home = tmp_path_factory.mktemp("asxh-built-home")
    settings = dataclasses.replace(Settings.from_env({}), home=home)
    stage_fixture_articles(settings, gazetteer)
    build_warehouse(settings)
    return settings


@pytest.fixture
def warehouse_home_copy(built_warehouse, tmp_path):
    """A private copy of the built ASXH_HOME, for tests that rebuild, republish or delete."""
    import dataclasses
    import shutil

    home = tmp_path / "asxh-home"
    shutil.copytree(built_warehouse.home, home)
    return dataclasses.replace(built_warehouse, home=home)


# ---------------------------------------------------------------- the demo site's warehouse
# Scraped from the demo news site (served on loopback for the scrape only), extracted and built
# once per session: the analyses and the review tests read it; tests that change it work on a
# copy of its ASXH_HOME (`demo_home_copy`), whose raw archive allows `asxh reextract`.

@pytest.fixture(scope="session")
def demo_warehouse(tmp_path_factory):
    """{"settings", "base_url", "timings"} of a warehouse built from the demo site. Read it,
    never write it."""
    import time

    from extract.demo_site import DemoSite
    from extract.pipeline import build_warehouse, extract_pending, scrape
    from extract.settings import Settings

    timings: dict[str, float] = {}
    start = time.perf_counter()
    home = tmp_path_factory.mktemp("asxh-demo-home")
    with pytest.MonkeyPatch.context() as mp, DemoSite() as site:
        mp.setenv("ASXH_SOURCES", str(REPO / "sources" / "demo.yaml"))
        mp.setenv("ASXH_DEMO_BASE_URL", site.base_url)
        mp.setenv("ASXH_REQUEST_DELAY", "0")
        mp.setenv("ASXH_HOME", str(home))
        settings = Settings.from_env()
        scraped = scrape(settings)
        timings["scrape"] = time.perf_counter() - start
    assert scraped.failed == 0 and scraped.new_pages > 0, scraped.as_dict()
    mark = time.perf_counter()
    extracted = extract_pending(settings)
    timings["extract"] = time.perf_counter() - mark
    assert not extracted.errors, extracted.errors
    mark = time.perf_counter()
    build_warehouse(settings)
    timings["build"] = time.perf_counter() - mark
    return {"settings": settings, "base_url": site.base_url, "timings": timings}


@pytest.fixture
def demo_home_copy(demo_warehouse, tmp_path):
    """Settings of a private copy of the demo warehouse's ASXH_HOME (raw archive, staged files,
    warehouse), for tests that add corrections, re-extract or rebuild."""
    import dataclasses
    import shutil

    home = tmp_path / "asxh-demo-home"
    shutil.copytree(demo_warehouse["settings"].home, home)
    return dataclasses.replace(demo_warehouse["settings"], home=home)
