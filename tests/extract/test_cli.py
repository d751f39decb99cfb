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


def test_asxh_extract_span_points_at_the_figure_in_the_article_text():
    # Spans point into the article's text as the pipeline stages it: headline, then paragraphs.
    from extract.cli import _read_article

    _, text = _read_article(SEED_TEXT)
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


def test_asxh_extract_tags_each_fact_with_its_file_when_given_many_files():
    page = DEMO_SITE / "baovinhphuc/xa-hoi/vinh-tuong-tang-cuong-vai-tro-lanh-dao-an-sinh-xa-hoi.html"
    facts = _extract(str(SEED_TEXT), str(page))
    assert {f["file"] for f in facts} == {str(SEED_TEXT), str(page)}
    alone = _extract(str(page))
    assert [f["value"] for f in facts if f["file"] == str(page)] == [f["value"] for f in alone]


def test_asxh_extract_goes_on_with_the_other_files_when_one_is_missing(tmp_path):
    completed = subprocess.run([ASXH, "extract", str(tmp_path / "nope.txt"), str(SEED_TEXT)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 2
    assert "no such file" in completed.stderr
    assert completed.stdout.strip(), "the seed article's facts are still printed"


def test_asxh_article_prints_one_json_object_per_file_with_the_contract_fields(tmp_path):
    page = DEMO_SITE / "baovinhphuc/xa-hoi/vinh-tuong-tang-cuong-vai-tro-lanh-dao-an-sinh-xa-hoi.html"
    other = tmp_path / "trang.html"
    other.write_text("<html><head><title>Tin ngắn - Báo X</title></head><body><nav><a href='/'>Trang chủ</a></nav>"
                     "<div><h1>Tin ngắn</h1><p>Ngày 12/3/2024, xã A trao 120 suất quà cho hộ nghèo trên địa bàn xã.</p></div></body></html>",
                     encoding="utf-8")
    completed = subprocess.run([ASXH, "article", str(page), str(other)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    objects = [json.loads(line) for line in completed.stdout.splitlines()]
    assert [o["file"] for o in objects] == [str(page), str(other)]
    for o in objects:
        assert {"file", "title", "published", "published_source", "author", "text"} <= set(o)
    assert objects[1]["title"] == "Tin ngắn"
    assert "120 suất quà" in objects[1]["text"] and "Trang chủ" not in objects[1]["text"]
