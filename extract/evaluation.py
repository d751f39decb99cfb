"""Run the extractor on gold files (shaped like tests/fixtures/seed/*.gold.json) and score it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from extract import areas
from extract.facts import extract_facts, skip_reason
from extract.fetch import decode_html
from extract.pages import parse_article, parse_text_article
from extract.scoring import Score


def article_path(gold_path: Path, gold: dict) -> Path:
    """Gold files name their article relative to their own folder or to the site root above it."""
    for base in (gold_path.parent, gold_path.parent.parent):
        candidate = base / gold["article"]
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{gold_path}: article {gold['article']} not found")


def article_text(path: Path) -> tuple[str, date | None]:
    raw = path.read_bytes()
    if path.suffix.lower() in (".html", ".htm"):
        article = parse_article(decode_html(raw))
        return article.text, article.published
    text = raw.decode("utf-8-sig")
    return text, parse_text_article(text).published


def predict(gold_path: Path, gazetteer: areas.Gazetteer | None = None) -> tuple[dict, list[dict]]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text, page_date = article_text(article_path(gold_path, gold))
    published = date.fromisoformat(gold["published"]) if gold.get("published") else page_date
    # As the pipeline does: a page that is not about social security gives no facts.
    facts = [] if skip_reason(text) else extract_facts(text, published, gold.get("province"), gazetteer)
    return gold, [f.to_json() for f in facts]


def score_gold_files(paths: list[Path]) -> Score:
    gazetteer = areas.Gazetteer.load()
    score = Score()
    for path in sorted(paths):
        gold, predicted = predict(path, gazetteer)
        score.add_article(path.name, predicted, gold["facts"])
    return score
