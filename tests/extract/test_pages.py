"""HTML page -> article on the demo site's two layouts: the article's text in, the page chrome out."""

from __future__ import annotations

import json
from datetime import date

import pytest

from extract.fetch import decode_html
from extract.pages import parse_article, parse_dateline
from tests.conftest import DEMO_SITE

GOLD_PAGES = sorted((DEMO_SITE / "gold").glob("*.gold.json"))


def _page(gold_path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    html = decode_html((DEMO_SITE / gold["article"]).read_bytes())
    return gold, parse_article(html)


@pytest.mark.parametrize("gold_path", GOLD_PAGES, ids=[p.stem for p in GOLD_PAGES])
def test_parse_article_keeps_every_gold_quote_when_page_has_chrome(gold_path):
    import unicodedata

    gold, article = _page(gold_path)
    text = article.text
    for fact in gold["facts"]:
        assert unicodedata.normalize("NFC", fact["quote"]) in text


@pytest.mark.parametrize("gold_path", GOLD_PAGES, ids=[p.stem for p in GOLD_PAGES])
def test_parse_article_finds_publication_date_not_the_site_date_bar(gold_path):
    gold, article = _page(gold_path)
    assert article.published == date.fromisoformat(gold["published"])


def _chrome_texts(html: str) -> list[str]:
    """Texts of the page's footer, sidebars, navigation and link lists (related articles)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    blocks = soup.find_all(["footer", "aside", "nav"])
    blocks += [ul for ul in soup.find_all(["ul", "ol"]) if ul.find_all("li") and all(li.find("a") for li in ul.find_all("li"))]
    texts = []
    for block in blocks:
        for item in block.find_all(["li", "p", "a"]):
            text = " ".join(item.get_text(" ", strip=True).split())
            if len(text) >= 25:
                texts.append(text)
    return texts


@pytest.mark.parametrize("gold_path", GOLD_PAGES, ids=[p.stem for p in GOLD_PAGES])
def test_parse_article_drops_related_lists_sidebars_and_footer(gold_path):
    gold, article = _page(gold_path)
    html = decode_html((DEMO_SITE / gold["article"]).read_bytes())
    body = " ".join(article.text.split())
    chrome = [t for t in _chrome_texts(html) if t != article.title]
    assert chrome, "the demo pages carry chrome: this test must see some"
    leaked = [t for t in chrome if t in body]
    assert leaked == []


@pytest.mark.parametrize(
    "line,expected",
    [
        ("04:05 | 15/05/2017", date(2017, 5, 15)),
        ("Thứ Hai, 15/5/2017 - 08:30", date(2017, 5, 15)),
        ("Cập nhật: 15-05-2017", date(2017, 5, 15)),
        ("Ngày đăng: 12/06/2019", date(2019, 6, 12)),
        ("Chủ nhật, 29/11/2026", date(2026, 11, 29)),
        ("không có ngày", None),
    ],
    ids=["04:05 | 15/05/2017", "Thứ Hai, 15/5/2017 - 08:30", "Cập nhật: 15-05-2017", "Ngày đăng: 12/06/2019", "Chủ nhật, 29/11/2026", "không có ngày"],
)
def test_parse_dateline_reads_vietnamese_datelines(line, expected):
    assert parse_dateline(line) == expected


def test_decode_html_reads_windows_1258_page_when_declared_in_meta():
    pages = [p for p in (DEMO_SITE / "baonghean").rglob("*.html") if b"windows-1258" in p.read_bytes()[:2000]]
    assert pages, "the demo site carries one windows-1258 page"
    text = decode_html(pages[0].read_bytes())
    assert "hộ nghèo" in __import__("unicodedata").normalize("NFC", text)


def test_parse_article_reads_table_rows_as_sentences_with_column_units():
    html = """<html><body><article><h1>Dư nợ chính sách</h1><p>Đoạn mở đầu của bài viết về tín dụng chính sách tại các huyện trong tỉnh.</p>
    <table><caption>Dư nợ tại một số huyện</caption>
    <tr><th>Huyện</th><th>Dư nợ (tỷ đồng)</th><th>Số hộ còn dư nợ</th><th>Tỷ lệ nợ quá hạn (%)</th></tr>
    <tr><td>Diễn Châu</td><td>612,4</td><td>15.320</td><td>0,12</td></tr></table></article></body></html>"""
    article = parse_article(html)
    assert "Huyện Diễn Châu: Dư nợ 612,4 tỷ đồng; Số hộ còn dư nợ 15.320 hộ; Tỷ lệ nợ quá hạn 0,12%." in article.paragraphs
    assert "Dư nợ tại một số huyện" in article.paragraphs
