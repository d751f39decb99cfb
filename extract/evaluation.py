"""Run the extractor on gold files (shaped like tests/fixtures/seed/*.gold.json) and score it.

Each article goes through the pipeline's own code path (``reading.read_page``) with only what the
pipeline has: the page, its URL (the gold's ``url``, or the text's own ``URL:`` line), the sources
registry and the page's own date. A gold file's ``province`` and ``published`` are answers, not
inputs; only our own fixtures without a URL (the dev set, the demo pages) pass them in, standing in
for the registry entry and the page's date line that a fetched page would have.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from extract import areas
from extract.reading import Reading, read_article, read_page
from extract.scoring import Score
from extract.settings import REPO_ROOT
from extract.sources import Source, load_sources

REGISTRY_PATH = REPO_ROOT / "sources" / "sources.yaml"


def article_path(gold_path: Path, gold: dict) -> Path:
    """Gold files name their article relative to their own folder or to the site root above it."""
    for base in (gold_path.parent, gold_path.parent.parent):
        candidate = base / gold["article"]
        if candidate.exists():
            return candidate
    raise FileNotFoundError(f"{gold_path}: article {gold['article']} not found")


def read_gold_article(gold_path: Path, gold: dict, registry: list[Source], gazetteer: areas.Gazetteer) -> Reading:
    path = article_path(gold_path, gold)
    is_html = path.suffix.lower() in (".html", ".htm")
    reading = read_page(path.read_bytes(), gold.get("url"), registry, gazetteer, is_html=is_html)
    if reading.url is None and (gold.get("province") or gold.get("published")):
        # Our own fixture with no URL: its gold stands in for the registry entry and date line.
        outlet = Source(name="fixture", homepage="http://fixture.invalid/", province=gold.get("province"))
        published = date.fromisoformat(gold["published"]) if gold.get("published") else None
        reading = read_article(reading.article, "http://fixture.invalid/", [outlet], gazetteer, published)
    return reading


def predict(gold_path: Path, gazetteer: areas.Gazetteer | None = None,
            registry: list[Source] | None = None) -> tuple[dict, list[dict]]:
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    registry = load_sources(REGISTRY_PATH) if registry is None else registry
    reading = read_gold_article(gold_path, gold, registry, gazetteer or areas.Gazetteer.load())
    return gold, [f.to_json() for f in reading.facts]


def score_gold_files(paths: list[Path]) -> Score:
    gazetteer = areas.Gazetteer.load()
    registry = load_sources(REGISTRY_PATH)
    score = Score()
    for path in sorted(paths):
        gold, predicted = predict(path, gazetteer, registry)
        score.add_article(path.name, predicted, gold["facts"])
    return score
