"""`asxh extract FILE` is a public contract: one JSON object per fact per line, facts.md's fields."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from extract.scoring import Score
from tests.conftest import DEMO_SITE, SEED_GOLD, SEED_TEXT

ASXH = str(Path(sys.executable).parent / "asxh")
FIELDS = {"fact_table", "metric", "value", "unit", "qualifier", "area", "area_level", "period_start", "period_end", "group", "sentence", "span"}


def _extract(*args: str) -> list[dict]:
    completed = subprocess.run([ASXH, "extract", *args], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    return [json.loads(line) for line in completed.stdout.splitlines()]


def test_asxh_extract_prints_contract_fields_when_given_a_text_file():
    facts = _extract(str(SEED_TEXT))
    assert facts
    for fact in facts:
        assert FIELDS <= set(fact)
        start, end = fact["span"]
        assert 0 <= start < end


def test_asxh_extract_span_points_at_the_figure_in_the_file_text():
    text = SEED_TEXT.read_text(encoding="utf-8")
    for fact in _extract(str(SEED_TEXT)):
        start, end = fact["span"]
        assert text[start:end] in fact["sentence"]
        assert any(c.isdigit() for c in text[start:end])


def test_asxh_extract_scores_f1_one_on_the_seed_article():
    gold = json.loads(SEED_GOLD.read_text(encoding="utf-8"))
    score = Score()
    score.add_article("seed", _extract(str(SEED_TEXT)), gold["facts"])
    assert score.total.f1 == 1.0, "\n".join(score.errors)


def test_asxh_extract_uses_published_option_for_periods():
    facts = _extract(str(SEED_TEXT), "--published", "2017-06-01")
    cards = next(f for f in facts if f["value"] == 9300)
    assert cards["period_start"] == cards["period_end"] == "2017-06-01"


def test_asxh_extract_reads_html_pages_of_both_demo_layouts():
    for page in (DEMO_SITE / "baovinhphuc/xa-hoi/vinh-tuong-tang-cuong-vai-tro-lanh-dao-an-sinh-xa-hoi.html",
                 next((DEMO_SITE / "baonghean/an-sinh-xa-hoi").glob("*-[0-9]*.html"))):
        facts = _extract(str(page))
        assert len(facts) >= 5


def test_asxh_extract_fails_clearly_when_file_is_missing(tmp_path):
    completed = subprocess.run([ASXH, "extract", str(tmp_path / "nope.txt")], capture_output=True, text=True)
    assert completed.returncode == 2
    assert "no such file" in completed.stderr


def test_asxh_extract_adds_the_url_to_each_fact_when_given():
    facts = _extract(str(SEED_TEXT), "--url", "https://example.invalid/bai-viet.html")
    assert facts and all(f["url"] == "https://example.invalid/bai-viet.html" for f in facts)
