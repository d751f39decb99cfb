"""The one code path page -> facts (extract.reading), the outlet's place (extract.outlets) and the
document's blocks (extract.document), on pages and sentences written for these tests."""

from __future__ import annotations

from datetime import date

import pytest

from extract.document import Layout, linearize_flat_tables, reference_year
from extract.outlets import fold, outlet_of
from extract.reading import page_date_of_lines, read_page, url_date
from extract.sources import Source

REGISTRY = [
    Source(name="baonghean", homepage="https://baonghean.vn/", province="Nghệ An"),
    Source(name="baovinhphuc", homepage="https://baovinhphuc.com.vn/", province="Vĩnh Phúc",
           until=date(2025, 6, 30)),
    Source(name="dantri", homepage="https://dantri.com.vn/", province=None, national=True),
    Source(name="giamngheo", homepage="http://giamngheo.backan.gov.vn/"),  # listed without its province
]


def _text_page(*paragraphs: str, url: str = "https://baonghean.vn/tin-tuc.html") -> str:
    return f"URL: {url}\n\n" + "\n\n".join(paragraphs)


def test_read_page_keeps_an_article_with_named_figures_when_topic_words_are_few(gazetteer):
    page = _text_page(
        "Huyện Quỳ Hợp giải ngân hơn 40 tỷ đồng",
        "08:30 | 12/07/2019",
        "Trong 6 tháng đầu năm 2019, ngân hàng đã cho 1.250 hộ vay với tổng số tiền hơn 40 tỷ đồng.",
    )
    reading = read_page(page, None, REGISTRY, gazetteer, is_html=False)
    assert reading.status == "kept"
    assert {f.value for f in reading.facts} >= {1250, 40_000_000_000}


def test_read_page_skips_an_article_without_named_figures_or_topic_words(gazetteer):
    page = _text_page(
        "Đội bóng giành chiến thắng trên sân nhà",
        "08:30 | 12/07/2019",
        "Trận đấu diễn ra trước 12.000 khán giả, đội chủ nhà thắng với tỷ số cách biệt sau hiệp hai.",
    )
    reading = read_page(page, None, REGISTRY, gazetteer, is_html=False)
    assert reading.status == "skipped"
    assert "not about social security" in reading.skip_reason


def test_read_page_binds_toan_tinh_to_the_outlets_province(gazetteer):
    page = _text_page(
        "Kết quả giảm nghèo sáu tháng đầu năm",
        "08:30 | 12/07/2019",
        "Tính đến 30/6/2019, toàn tỉnh còn 21.400 hộ nghèo, giảm mạnh so với cùng kỳ.",
    )
    (fact,) = read_page(page, None, REGISTRY, gazetteer, is_html=False).facts
    assert (fact.area, fact.area_level) == ("Nghệ An", "province")


@pytest.mark.parametrize(
    "url,province,district",
    [
        ("https://baonghean.vn/a.html", "Nghệ An", None),  # the registry
        ("http://giamngheo.backan.gov.vn/Pages/x.aspx", "Bắc Kạn", None),  # a province portal
        ("http://baogialai.com.vn/x.html", "Gia Lai", None),  # an outlet word around the name
        ("http://vinhphuctv.vn/x", "Vĩnh Phúc", None),
        ("http://tinhbien.angiang.gov.vn/x", "An Giang", "Tịnh Biên"),  # a district portal
    ],
    ids=["registry", "province-portal", "bao-prefix", "tv-suffix", "district-portal"],
)
def test_outlet_of_finds_the_province_from_registry_or_host(gazetteer, url, province, district):
    outlet = outlet_of(url, REGISTRY, gazetteer, date(2019, 1, 1))
    assert (outlet.province, outlet.district) == (province, district)


def test_outlet_of_gives_no_place_for_a_national_outlet(gazetteer):
    outlet = outlet_of("https://dantri.com.vn/xa-hoi/x.htm", REGISTRY, gazetteer)
    assert outlet.national and outlet.province is None


def test_outlet_of_an_entry_without_province_reads_its_host(gazetteer):
    outlet = outlet_of("http://giamngheo.backan.gov.vn/Pages/x.aspx", REGISTRY, gazetteer)
    assert (outlet.source, outlet.province, outlet.national) == ("giamngheo", "Bắc Kạn", False)


def test_outlet_of_an_outlet_after_its_last_day_falls_back_to_its_host(gazetteer):
    # baovinhphuc covered Vĩnh Phúc until the merger; its host still names Vĩnh Phúc.
    outlet = outlet_of("https://baovinhphuc.com.vn/x", REGISTRY, gazetteer, date(2026, 1, 5))
    assert outlet.reason == "host"


def test_fold_drops_marks_and_spaces():
    assert fold("Đắk Lắk") == "daklak" and fold("Bà Rịa - Vũng Tàu") == "bariavungtau"


@pytest.mark.parametrize(
    "lines,expected",
    [
        (["Thứ 4, Ngày 21/02/2024 -", "Tiêu đề bài viết về an sinh", "Ngày đăng: 06/02/2024 16:49"], date(2024, 2, 6)),
        (["Liên kết", "Ngày đăng: 12.01.2021"], date(2021, 1, 12)),
        (["Tiêu đề", "08:30 | 18/10/2016"], date(2016, 10, 18)),
        (["Thứ 4, Ngày 21/02/2024 -", "Tiêu đề"], None),
        # A label in capitals, or in any case, still names the page's date over a bare date line.
        (["Tin mới về hỗ trợ hộ nghèo", "15/01/2024", "CẬP NHẬT: 20/01/2024"], date(2024, 1, 20)),
        (["Tin mới về hỗ trợ hộ nghèo", "15/01/2024", "Đăng Ngày 19/01/2024"], date(2024, 1, 19)),
    ],
    ids=["labelled-over-today-header", "dotted", "dateline", "only-today-header", "label-in-capitals",
         "label-in-title-case"],
)
def test_page_date_of_lines_reads_the_pages_own_date(lines, expected):
    assert page_date_of_lines(lines) == expected


def test_url_date_reads_a_timestamp_in_the_url():
    assert url_date("https://x.vn/quang-tri-cham-lo-tet-20190121151831614.htm") == date(2019, 1, 21)
    assert url_date("https://x.vn/tin-12345.html") is None


def test_layout_finds_headline_after_chrome_and_lead():
    text = "Trang chủ\n\nBa Vì trao 500 suất quà cho hộ nghèo dịp Tết\n\nSáng 20/1, huyện Ba Vì đã tổ chức trao quà cho các hộ nghèo trên địa bàn."
    layout = Layout.of(text)
    assert layout.headline_text == "Ba Vì trao 500 suất quà cho hộ nghèo dịp Tết"
    assert text[layout.lead[0]:layout.lead[1]].startswith("Sáng 20/1")


def test_reference_year_is_the_publication_year_else_the_latest_year_named():
    assert reference_year("Năm 2018 và năm 2019", date(2020, 3, 1)) == 2020
    assert reference_year("Kết quả năm 2018 so với năm 2017", None) == 2018


def test_linearize_flat_tables_reads_a_two_row_header_cell_by_cell():
    cells = ["STT", "Đơn vị", "Tổng số hộ", "Hộ nghèo", "Hộ cận nghèo", "Số lượng (hộ)", "Tỉ lệ (%)",
             "Số lượng (hộ)", "Tỉ lệ (%)", "1", "Huyện An Lão", "12.000", "600", "5,00", "480", "4,00",
             "2", "Huyện Kim Thành", "20.000", "400", "2,00", "300", "1,50", "Nguồn: Sở Lao động"]
    rows = linearize_flat_tables(["Kết quả rà soát năm 2019:", *cells])
    assert rows[1] == ("Huyện An Lão: Tổng số hộ 12.000 hộ; Số lượng hộ nghèo 600 hộ; Tỉ lệ hộ nghèo 5,00%; "
                       "Số lượng hộ cận nghèo 480 hộ; Tỉ lệ hộ cận nghèo 4,00%.")
    assert rows[2].startswith("Huyện Kim Thành: ") and rows[-1] == "Nguồn: Sở Lao động"


def test_read_page_gives_one_fact_per_cell_of_a_flattened_table_with_its_row_place(gazetteer):
    cells = ["TT", "Đơn vị", "Hộ nghèo", "Hộ cận nghèo", "Số lượng (hộ)", "Tỉ lệ (%)", "Số lượng (hộ)", "Tỉ lệ (%)",
             "1", "Huyện Quỳ Hợp", "5.894", "14,62", "3.120", "7,74", "2", "Huyện Quế Phong", "4.210", "22,10", "1.980", "10,39"]
    page = _text_page("Kết quả rà soát hộ nghèo năm 2018 của các huyện miền tây", "08:30 | 10/01/2019", *cells)
    facts = read_page(page, None, REGISTRY, gazetteer, is_html=False).facts
    by_value = {f.value: f for f in facts}
    assert by_value[5894].metric == "poor_households" and by_value[5894].area == "Quỳ Hợp"
    assert by_value[22.1].metric == "poor_household_rate" and by_value[22.1].area == "Quế Phong"
    assert (by_value[1980].period_start, by_value[1980].period_end) == ("2018-01-01", "2018-12-31")


def test_read_page_takes_a_labelled_date_over_a_date_in_the_body(gazetteer):
    page = ("<html><body><article><h1>Huyện Quỳ Hợp trao 300 suất quà cho hộ nghèo</h1>"
            "<p>date 2024-02-06</p>"
            "<p>Thực hiện Nghị quyết số 18/NQ-HĐND ngày 28/12/2023 của tỉnh, huyện đã trao 300 suất quà Tết cho hộ nghèo.</p>"
            "</article></body></html>")
    reading = read_page(page, "https://baonghean.vn/qua-tet.html", REGISTRY, gazetteer, is_html=True)
    assert reading.article.published == date(2024, 2, 6)
