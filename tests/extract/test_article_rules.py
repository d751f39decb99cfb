"""Rules of reading the article as a whole (issue "read the article, not the sentence"), each on
sentences written for this test: periods shaped by stock, flow and rate; frames; the outlet's
and the article's place; groups of lists; topics of list items."""

from __future__ import annotations

from datetime import date

import pytest

from extract.facts import extract_facts
from extract.periods import Period, period_of_metric, time_expressions

PUB = date(2019, 7, 12)


@pytest.fixture(scope="module")
def facts_of(gazetteer):
    def run(text: str, province: str | None = "Nghệ An", published: date | None = PUB, **kw):
        return {f.value: f for f in extract_facts(text, published, province, gazetteer, **kw)}

    return run


def _period(f) -> tuple[str | None, str | None]:
    return f.period_start, f.period_end


# ---------------------------------------------------------------- stocks, flows, rates


def test_stock_stated_for_months_of_a_year_is_dated_at_their_end(facts_of):
    facts = facts_of("Trong 6 tháng đầu năm 2019, toàn huyện còn 1.245 hộ nghèo.")
    assert _period(facts[1245]) == ("2019-06-30", "2019-06-30")


def test_flow_stated_for_months_of_a_year_covers_them(facts_of):
    facts = facts_of("Trong 6 tháng đầu năm 2019, ngân hàng đã cho 2.140 lượt hộ vay vốn ưu đãi.")
    assert _period(facts[2140]) == ("2019-01-01", "2019-06-30")


def test_flow_up_to_a_day_runs_from_the_first_of_january(facts_of):
    facts = facts_of("Đến hết ngày 30-6, ngân hàng đã giải ngân 120 tỷ đồng cho hộ nghèo.")
    assert _period(facts[120_000_000_000]) == ("2019-01-01", "2019-06-30")


def test_stock_up_to_a_month_is_the_months_last_day(facts_of):
    facts = facts_of("Tính đến hết tháng 4 năm 2019, toàn tỉnh có 2.995.000 người tham gia BHYT.")
    assert _period(facts[2_995_000]) == ("2019-04-30", "2019-04-30")


def test_rate_takes_the_date_of_its_stock(facts_of):
    facts = facts_of("Quý I/2019, tỷ lệ hộ nghèo của huyện còn 4,5%.")
    assert _period(facts[4.5]) == ("2019-03-31", "2019-03-31")


def test_change_against_the_start_of_the_year_runs_from_the_first_of_january(facts_of):
    facts = facts_of("Đến 30/6/2019, tổng dư nợ đạt 500 tỷ đồng, tăng 20 tỷ đồng so với đầu năm.")
    assert _period(facts[500_000_000_000]) == ("2019-06-30", "2019-06-30")
    assert _period(facts[20_000_000_000]) == ("2019-01-01", "2019-06-30")


def test_change_against_the_end_of_a_year_runs_from_the_year_after():
    p = period_of_metric(Period(None, None, False), "stock", True, " so với cuối năm 2018.")
    assert (p.start, p.end, p.explicit) == (date(2019, 1, 1), None, True)


def test_a_whole_year_stays_the_year_for_a_stock(facts_of):
    facts = facts_of("Theo kết quả rà soát năm 2018, toàn huyện còn 950 hộ nghèo.")
    assert _period(facts[950]) == ("2018-01-01", "2018-12-31")


# ---------------------------------------------------------------- frames


def test_an_opening_date_frames_its_sentence_over_a_span_named_later(facts_of):
    facts = facts_of(
        "(TTX) Ngày 28-4-2019, UBND tỉnh công nhận hộ nghèo giai đoạn 2016-2020. Theo đó, toàn tỉnh có 21.300 hộ nghèo.",
        published=None,
    )
    assert _period(facts[21_300]) == ("2019-04-28", "2019-04-28")


@pytest.mark.parametrize(
    "sentence",
    [
        "Thực hiện Nghị quyết Đại hội Đảng bộ huyện nhiệm kỳ 2015 - 2020, huyện đã trao 300 suất quà.",
        "Theo Quyết định số 24/QĐ-UBND ngày 06/01/2019, huyện đã trao 300 suất quà.",
        "Thực hiện Chương trình mục tiêu quốc gia giảm nghèo bền vững, xây dựng nông thôn mới giai đoạn 2016-2020, huyện đã trao 300 suất quà.",
    ],
    ids=["nhiệm-kỳ", "số-ngày-của-văn-bản", "chương-trình-giai-đoạn"],
)
def test_names_of_terms_programmes_and_documents_are_no_period(facts_of, sentence):
    assert facts_of(sentence)[300].period_basis == "publication_date"


def test_qua_tet_names_a_gift_and_leaves_the_frame_of_the_paragraph(facts_of):
    facts = facts_of("Năm 2018, huyện đã phân bổ quà tết cho 4.375 hộ nghèo.")
    assert _period(facts[4375]) == ("2018-01-01", "2018-12-31")


def test_ref_year_completes_a_time_without_year_when_the_page_has_no_date():
    (e,) = time_expressions("06 tháng đầu năm, huyện đã chi trả 6 tỷ đồng", None, 2018)
    assert (e.period.start, e.period.end) == (date(2018, 1, 1), date(2018, 6, 30))


def test_a_time_before_a_colon_leads_the_figures_after_it(facts_of):
    facts = facts_of("Tính đến 30/6/2019, toàn tỉnh có 2.000.000 người tham gia BHYT, trong đó: học sinh là 300.000 người.")
    assert _period(facts[300_000]) == ("2019-06-30", "2019-06-30")


# ---------------------------------------------------------------- places


def test_bare_district_names_of_the_outlets_province_are_places(facts_of):
    facts = facts_of("Trong đó Quỳ Hợp có 5.894 hộ nghèo; Quế Phong có 4.210 hộ nghèo.")
    assert (facts[5894].area, facts[4210].area) == ("Quỳ Hợp", "Quế Phong")


def test_h_dot_abbreviates_huyen(facts_of):
    facts = facts_of("Ngân hàng Chính sách xã hội H.Quỳ Hợp đã cho 1.100 lượt hộ vay vốn.")
    assert (facts[1100].area, facts[1100].area_level) == ("Quỳ Hợp", "district")


def test_a_place_after_the_figure_in_another_clause_is_not_its_place(facts_of):
    facts = facts_of("Huyện Quỳ Hợp chi trả chế độ cho 7 đối tượng người có công; an táng hài cốt liệt sĩ từ tỉnh Quảng Nam về.")
    assert facts[7].area == "Quỳ Hợp"


def test_a_zone_of_communes_is_not_one_commune(facts_of):
    facts = facts_of("Dư nợ tại các xã vùng sâu, vùng xa, xã đặc biệt khó khăn là 547 tỷ đồng.")
    assert (facts[547_000_000_000].area, facts[547_000_000_000].area_level) == ("Nghệ An", "province")


def test_toan_huyen_binds_to_the_outlets_district(facts_of):
    facts = facts_of("Năm 2018, toàn huyện đã chi trả trợ cấp cho 1.500 đối tượng.", province="An Giang", district="Tịnh Biên")
    assert (facts[1500].area, facts[1500].area_level) == ("Tịnh Biên", "district")


# ---------------------------------------------------------------- groups and topics


def test_a_list_of_groups_before_a_figure_is_named_by_its_first(facts_of):
    facts = facts_of("Cho vay hộ nghèo, cận nghèo, thoát nghèo là 62 tỷ đồng.")
    assert facts[62_000_000_000].group == "poor_households"


def test_the_base_of_a_share_is_not_its_group(facts_of):
    facts = facts_of("Hộ nghèo là đồng bào dân tộc thiểu số có 2.393 hộ, chiếm 27,22% hộ nghèo của tỉnh.")
    assert facts[27.22].group == "ethnic_minorities"


def test_households_in_total_have_no_group(facts_of):
    facts = facts_of("Tổng số hộ nghèo còn 16.003/80.276 hộ.")
    assert facts[80276].metric == "households_total" and facts[80276].group is None


def test_a_list_item_takes_the_topic_of_the_sentence_before_it(facts_of):
    facts = facts_of(
        "Toàn quốc có 31 tỉnh vượt kế hoạch phát triển người tham gia BHYT. "
        "Trong đó cao nhất là Hà Nam với 727.215 người, Nam Định là 1.588.505 người."
    )
    assert facts[727_215].metric == facts[1_588_505].metric == "health_insurance_participants"


def test_a_list_items_own_topic_wins_over_the_sentence_before(facts_of):
    facts = facts_of("Huyện đã cấp 900 thẻ BHYT. Toàn huyện còn 612 hộ nghèo.")
    assert facts[612].metric == "poor_households"


def test_xuat_qua_is_a_gift(facts_of):
    facts = facts_of("Các đồng chí lãnh đạo huyện đã trao 3.822 xuất quà Chủ tịch nước.")
    assert (facts[3822].fact_table, facts[3822].unit) == ("allowances", "gift")


def test_people_of_households_between_a_count_and_its_share_leave_the_share_its_count(facts_of):
    facts = facts_of("Hộ cận nghèo có 19.378 hộ, với 71.801 người, chiếm 4,21% dân số.")
    assert facts[4.21].metric == "near_poor_household_rate"


# ---------------------------------------------------------------- confidence


def test_confidence_is_full_when_metric_place_and_time_are_in_the_figures_own_words(facts_of):
    facts = facts_of("Năm 2018, huyện Quỳ Hợp đã cấp 9.800 thẻ BHYT cho người dân tộc thiểu số.")
    assert (facts[9800].confidence, facts[9800].confidence_reasons) == (1.0, [])


def test_confidence_is_lower_and_says_why_when_time_and_place_are_inferred(facts_of):
    facts = facts_of("Đây là kết quả đáng ghi nhận.\n\nCó 640 hộ nghèo.", published=None)
    fact = facts[640]
    assert fact.confidence < 0.6
    assert any("publication" in r for r in fact.confidence_reasons)
    assert any("unknown" in r for r in fact.confidence_reasons)


def test_confidence_of_a_catch_all_figure_is_below_one_read_by_a_specific_rule(facts_of):
    facts = facts_of("Huyện Quỳ Hợp có 35 mô hình sinh kế; huyện Quỳ Hợp đã cấp 500 thẻ BHYT năm 2018.")
    assert facts[35].confidence < facts[500].confidence
