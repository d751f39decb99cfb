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


def _article_page(body: str, head: str = "") -> str:
    return f"<html><head><title>Bài báo - Báo tỉnh</title>{head}</head><body>{body}</body></html>"


_SENTENCES = [
    "Năm 2023, toàn huyện có 1.250 hộ nghèo được vay vốn ưu đãi để phát triển sản xuất và chăn nuôi.",
    "Ngân hàng Chính sách xã hội huyện đã giải ngân 45 tỷ đồng cho các hộ cận nghèo và hộ mới thoát nghèo.",
    "Các xã vùng cao được ưu tiên nguồn vốn để hỗ trợ người dân làm nhà ở và cải tạo vườn tạp.",
    "Đến cuối năm, tỷ lệ hộ nghèo của huyện giảm còn 3,2%, vượt chỉ tiêu Nghị quyết đề ra.",
]
_CHROME = (
    "<nav><a href='/'>Trang chủ</a> <a href='/xh'>Xã hội</a></nav>"
    "<div class='sidebar'><h3>Đọc nhiều</h3><ul><li><a href='/1'>Trao 9.999 suất quà cho hộ khó khăn dịp Tết</a></li>"
    "<li><a href='/2'>Giải ngân 888 tỷ đồng vốn vay chính sách năm nay</a></li></ul></div>"
)


def test_parse_article_reads_text_in_divs_and_br_runs_when_page_has_no_p():
    body = "<div class='noi-dung'>" + "<br>".join(_SENTENCES[:2]) + "<div>" + _SENTENCES[2] + "</div><span>" + _SENTENCES[3] + "</span></div>"
    article = parse_article(_article_page(_CHROME + "<h1>Bài báo</h1>" + body))
    assert article.paragraphs == _SENTENCES


def test_parse_article_keeps_lead_and_body_when_article_spans_sibling_blocks():
    page = _article_page(
        _CHROME + "<div class='wrap'><h1>Bài báo</h1><div class='sapo'>" + _SENTENCES[0] + "</div>"
        "<div class='share'>Chia sẻ <a href='/fb'>Facebook</a> <a href='/zalo'>Zalo</a></div>"
        "<div class='body'><p>" + "</p><p>".join(_SENTENCES[1:]) + "</p></div>"
        "<div class='tin-lien-quan'><a href='/3'>Hơn 7.777 hộ thoát nghèo trong năm qua ở các huyện</a></div></div>"
    )
    article = parse_article(page)
    assert article.paragraphs == _SENTENCES


def test_parse_article_drops_comments_read_also_and_captions_when_inside_article():
    page = _article_page(
        "<article><h1>Bài báo</h1><p>" + _SENTENCES[0] + "</p>"
        "<figure><img src='a.jpg'><figcaption>Trao 555 suất quà cho hộ nghèo. Ảnh: Minh Hòa</figcaption></figure>"
        "<p>" + _SENTENCES[1] + "</p><p>Xem thêm: <a href='/4'>Huyện B hỗ trợ 666 hộ làm nhà</a></p>"
        "<p>" + "</p><p>".join(_SENTENCES[2:]) + "</p>"
        "<div id='comments'><p>Bạn đọc Nguyễn Văn A: xã tôi có 444 hộ nghèo mà chưa ai được hỗ trợ vay vốn.</p></div></article>"
    )
    text = parse_article(page).text
    for sentence in _SENTENCES:
        assert sentence in text
    for chrome in ("555", "666", "444", "Xem thêm"):
        assert chrome not in text


def test_parse_article_keeps_layout_table_cells_as_paragraphs_when_cells_are_long():
    cell = " ".join(_SENTENCES[:2])  # over 120 characters: a layout table, not a data table
    page = _article_page("<table><tr><td><h1>Bài báo</h1></td></tr><tr><td>" + cell + "</td><td>" + " ".join(_SENTENCES[2:]) + "</td></tr></table>")
    article = parse_article(page)
    assert article.paragraphs == [cell, " ".join(_SENTENCES[2:])]


def test_parse_article_takes_meta_publication_time_over_a_dateline():
    head = "<meta property='article:published_time' content='2024-03-12T08:00:00+07:00'>"
    article = parse_article(_article_page("<h1>Bài báo</h1><p>01/01/2020</p><p>" + _SENTENCES[0] + "</p>", head))
    assert (article.published, article.published_source) == (date(2024, 3, 12), "meta")


def test_parse_article_records_the_cut_when_page_is_over_the_text_budget(monkeypatch):
    import extract.pages as pages

    monkeypatch.setattr(pages, "MAX_TEXT_CHARS", 250)
    page = _article_page("<article><h1>Bài báo</h1>" + "".join(f"<p>{s}</p>" for s in _SENTENCES * 3) + "</article>")
    article = parse_article(page)
    assert article.cut_reason and "250" in article.cut_reason
    assert 0 < sum(len(p) + 2 for p in article.paragraphs) <= 250
    assert parse_article(_article_page("<p>" + _SENTENCES[0] + "</p>")).cut_reason is None


def test_parse_article_drops_teaser_cards_when_a_link_wraps_heading_and_paragraph():
    card = (
        "<div class='row'><a href='/{n}'><div class='card'><h2>Huyện {n} trao quà Tết</h2>"
        "<p>Trong tuần qua, huyện đã trao {n} suất quà cho các hộ có hoàn cảnh khó khăn trên địa bàn.</p></div></a></div>"
    )
    page = _article_page(
        "<main><div class='content'><h1>Bài báo</h1>" + "".join(f"<p>{s}</p>" for s in _SENTENCES) + "</div>"
        "<div class='list'><h3>Mới cập nhật</h3>" + "".join(card.format(n=n) for n in (111, 222, 333)) + "</div></main>"
    )
    text = parse_article(page).text
    for sentence in _SENTENCES:
        assert sentence in text
    for n in ("111", "222", "333", "Mới cập nhật"):
        assert n not in text


def test_parse_article_leaves_out_the_block_after_the_article_when_it_is_not_the_articles_paragraphs():
    page = _article_page(
        "<div class='wrap'><h1>Bài báo</h1><div class='text'>" + "".join(f"<p>{s}</p>" for s in _SENTENCES) + "</div>"
        "<div class='box'><p>Nhận bản tin mỗi sáng để không bỏ lỡ 12 chuyên mục và tin tức mới nhất của tòa soạn.</p></div></div>"
    )
    article = parse_article(page)
    assert article.paragraphs == _SENTENCES


def test_parse_article_keeps_every_paragraph_when_article_is_bare_paragraphs_after_one_long_one():
    long_paragraph = " ".join(_SENTENCES * 3)  # most of the prose: the reading lands on this <p>
    page = _article_page(_CHROME + "<h1>Bài báo</h1><p>" + long_paragraph + "</p><p>" + _SENTENCES[0] + "</p><p>" + _SENTENCES[1] + "</p>")
    article = parse_article(page)
    assert article.paragraphs == [long_paragraph, _SENTENCES[0], _SENTENCES[1]]


def test_parse_article_ends_at_the_head_of_what_follows_it_when_that_box_has_no_links():
    teasers = "".join(f"<p>Huyện {n} tổ chức trao {n} suất quà cho hộ nghèo nhân dịp đầu xuân năm mới.</p>" for n in (111, 222))
    page = _article_page(
        "<article><h1>Bài báo</h1>" + "".join(f"<p>{s}</p>" for s in _SENTENCES) + "<h3>Có thể bạn quan tâm</h3>" + teasers + "</article>"
    )
    assert parse_article(page).paragraphs == _SENTENCES


def test_parse_article_keeps_the_text_after_a_related_head_when_it_stands_in_the_first_half():
    # A head early in the text is no end: the article's own text follows it.
    page = _article_page("<article><h1>Bài báo</h1><p>" + _SENTENCES[0] + "</p><h3>Tin mới cập nhật</h3>"
                         + "".join(f"<p>{s}</p>" for s in _SENTENCES[1:] * 2) + "</article>")
    assert parse_article(page).paragraphs[:3] == [_SENTENCES[0], "Tin mới cập nhật", _SENTENCES[1]]


def test_parse_article_reads_the_post_when_a_blog_keeps_it_in_a_script_template():
    post = "".join(f"<p>{s}</p>" for s in _SENTENCES)
    page = _article_page(
        _CHROME + "<div class='post'><h1>Bài báo</h1><div class='post-body' itemprop='articleBody'>"
        "<script type='text/template'>" + post + "</script></div></div>"
        "<script type='text/javascript'>var s = '<p>Đoạn mã 999 không phải bài viết</p>';</script>"
    )
    assert parse_article(page).paragraphs == _SENTENCES


def test_parse_article_reads_a_noscript_page_when_it_holds_the_content_and_drops_a_short_one():
    body = "".join(f"<p>{s}</p>" for s in _SENTENCES * 3)
    page = _article_page("<noscript><p>Bật JavaScript để xem 777 tin mới.</p></noscript><div id='app'></div>"
                         "<noscript><div class='page'><h1>Bài báo</h1>" + body + "</div></noscript>")
    text = parse_article(page).text
    assert all(s in text for s in _SENTENCES)
    assert "777" not in text
