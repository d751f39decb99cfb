"""The extractor's quality on the hand-made gold files, by facts.md's scoring.

The floors only ever move up: raise them when the extractor improves, never lower them to let a
change through. Measured values are printed (pytest -s) so that the closing notes can quote them.
"""

from __future__ import annotations

import pytest

from extract.evaluation import score_gold_files
from tests.conftest import DEMO_SITE, FIXTURES, SEED_GOLD

HELD_OUT = sorted((FIXTURES / "heldout").glob("*.gold.json"))
DEV_SET = sorted([*(FIXTURES / "devset").glob("*.gold.json"), *(DEMO_SITE / "gold").glob("*.gold.json")])

# Floors for the dev set (24 articles of tests/fixtures/devset + the demo site's 24 pages).
F1_FLOOR = 0.98
ATTRIBUTE_FLOORS = {"unit": 0.99, "qualifier": 0.99, "area": 0.95, "period": 0.73, "group": 0.89}
PER_TABLE_F1_FLOOR = 0.97


@pytest.fixture(scope="module")
def dev_score():
    score = score_gold_files(DEV_SET)
    print("\n" + score.table())
    return score


def test_dev_set_has_at_least_thirty_articles():
    assert len(DEV_SET) >= 30


def test_seed_article_scores_f1_one():
    score = score_gold_files([SEED_GOLD])
    assert score.total.f1 == 1.0, "\n".join(score.errors)
    for attribute in ("unit", "qualifier", "area", "period", "group"):
        assert score.accuracy(attribute) == 1.0, attribute


def test_dev_set_f1_stays_above_floor(dev_score):
    assert dev_score.total.f1 >= F1_FLOOR, dev_score.table()


@pytest.mark.parametrize("table", ["households", "loans", "insurance_cards", "allowances"])
def test_dev_set_f1_per_fact_table_stays_above_floor(dev_score, table):
    assert dev_score.by_table[table].f1 >= PER_TABLE_F1_FLOOR, dev_score.table()


@pytest.mark.parametrize("attribute", sorted(ATTRIBUTE_FLOORS))
def test_dev_set_attribute_accuracy_stays_above_floor(dev_score, attribute):
    assert dev_score.accuracy(attribute) >= ATTRIBUTE_FLOORS[attribute], dev_score.table()


# The held-out set (tests/fixtures/heldout/, 10 articles in unusual shapes: an interview, lists,
# a council session with targets, a national report ...) was written apart from the extractor.
# It scored F1 0.937 when first run; general fixes it prompted raised that to 0.951, so it is no
# longer a clean held-out measure: it guards against regressions on unusual shapes.
HELD_OUT_F1_FLOOR = 0.94


def test_held_out_set_f1_stays_above_floor():
    score = score_gold_files(HELD_OUT)
    print("\n" + score.table())
    assert len(HELD_OUT) == 10
    assert score.total.f1 >= HELD_OUT_F1_FLOOR, score.table()
