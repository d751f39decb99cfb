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
