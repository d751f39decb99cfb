"""Pages of layouts the extractor has no hints for give the same facts as the article's plain text.

Each dev-set article is poured into three page templates (tests/fixtures/layouts/) whose chrome
(menus, related lists, comments, widgets, footers) is full of figures that are not the article's.
"""

from __future__ import annotations

import html
from pathlib import Path

import pytest

from extract.facts import extract_facts
from extract.pages import parse_article, parse_dateline
from tests.conftest import FIXTURES

LAYOUTS = sorted((FIXTURES / "layouts").glob("*.html"))
ARTICLES = sorted((FIXTURES / "devset").glob("*.txt"))


def _page(template: Path, article: Path) -> str:
    lines = [line.strip() for line in article.read_text(encoding="utf-8").splitlines() if line.strip()]
    title, rest = lines[0], lines[1:]
    dateline = next(line for line in rest[:3] if parse_dateline(line))
    paragraphs = "\n".join(f"<p>{html.escape(line)}</p>" for line in rest if line != dateline)
    return template.read_text(encoding="utf-8").replace("{title}", html.escape(title)).replace(
        "{dateline}", html.escape(dateline)).replace("{paragraphs}", paragraphs)


def _key(fact) -> tuple:
    return (fact.fact_table, fact.metric, fact.value, fact.unit, fact.qualifier,
            fact.period_start, fact.period_end, fact.group, fact.area, fact.area_level)


@pytest.mark.parametrize("layout", LAYOUTS, ids=[p.stem for p in LAYOUTS])
@pytest.mark.parametrize("article", ARTICLES, ids=[p.stem[:12] for p in ARTICLES])
def test_page_of_unseen_layout_gives_the_same_facts_as_plain_text(layout, article, gazetteer):
    text = article.read_text(encoding="utf-8")
    page = parse_article(_page(layout, article))
    assert page.published == parse_dateline(next(l for l in text.splitlines()[1:4] if parse_dateline(l)))
    from_text = sorted(map(_key, extract_facts(text, page.published, None, gazetteer)), key=repr)
    from_page = sorted(map(_key, extract_facts(page.text, page.published, None, gazetteer)), key=repr)
    assert from_page == from_text
