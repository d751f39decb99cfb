"""Sentence -> facts on short invented sentences: one behaviour per test, Vietnamese input as id."""

from __future__ import annotations

from datetime import date

import pytest

from extract.facts import extract_facts

PUB = date(2019, 7, 12)


@pytest.fixture(scope="module")
def facts_of(gazetteer):
    def run(text: str, province: str | None = "Nghệ An"):
        return extract_facts(text, PUB, province, gazetteer)

    return run


CLASSIFIED = [
    ("Toàn huyện hiện có 1.245 hộ nghèo.", "households", "poor_households", "household", 1245),
    ("Tỷ lệ hộ cận nghèo của huyện còn 7,2%.", "households", "near_poor_household_rate", "percent", 7.2),
    ("Năm qua có 312 hộ thoát nghèo.", "households", "escaped_poverty_households", "household", 312),
    ("Ngân hàng đã cho 2.140 lượt hộ vay vốn ưu đãi.", "loans", "preferential_loan_borrowers", "household_time", 2140),
    ("Tổng dư nợ đạt 1.250 tỷ đồng.", "loans", "outstanding_loan_balance", "vnd", 1_250_000_000_000),
    ("Nợ quá hạn chỉ chiếm 0,12% tổng dư nợ.", "loans", "overdue_loan_ratio", "percent", 0.12),
    ("Huyện đã cấp 9.800 thẻ BHYT cho người dân tộc thiểu số.", "insurance_cards", "health_insurance_cards_issued", "card", 9800),
    ("Tỷ lệ bao phủ BHYT đạt 92,4% dân số.", "insurance_cards", "health_insurance_coverage_rate", "percent", 92.4),
    ("Các nhà hảo tâm trao tặng 150 sổ BHXH cho người nghèo.", "insurance_cards", "social_insurance_books_donated", "card", 150),
    ("Tỉnh chi trả trợ cấp thường xuyên cho 8.420 đối tượng bảo trợ xã hội.", "allowances", "regular_allowance_recipients", "person", 8420),
    ("Mỗi suất quà trị giá 500.000 đồng.", "allowances", "gift_package_value", "vnd", 500_000),
    ("Người cao tuổi được hưởng 360.000 đồng/người/tháng.", "allowances", "allowance_per_beneficiary", "vnd", 360_000),
    ("Dịp Tết, huyện trao 4.500 suất quà cho gia đình chính sách.", "allowances", "tet_gift_packages", "gift", 4500),
    ("Tỉnh xuất cấp 120 tấn gạo cứu đói cho nhân dân.", "allowances", "relief_rice_kg", "other", 120_000),
    ("Tỉnh có 1.200 tổ tiết kiệm và vay vốn.", "loans", "loan_savings_groups", "other", 1200),
]


@pytest.mark.parametrize("text,table,metric,unit,value", CLASSIFIED, ids=[c[0] for c in CLASSIFIED])
def test_extract_facts_classifies_figure_when_sentence_names_it(facts_of, text, table, metric, unit, value):
    (fact,) = facts_of(text)
    assert (fact.fact_table, fact.metric, fact.unit, fact.value) == (table, metric, unit, value)


QUALIFIED = [
    ("Huyện có hơn 300 hộ nghèo.", "more_than"),
    ("Huyện có trên 300 hộ nghèo.", "more_than"),
    ("Huyện có gần 300 hộ nghèo.", "nearly"),
    ("Huyện có xấp xỉ 300 hộ nghèo.", "nearly"),
    ("Huyện có khoảng 300 hộ nghèo.", "about"),
    ("Huyện có ước 300 hộ nghèo.", "about"),
    ("Huyện có ít nhất 300 hộ nghèo.", "at_least"),
    ("Huyện có dưới 300 hộ nghèo.", "less_than"),
    ("Huyện có chưa đến 300 hộ nghèo.", "less_than"),
    ("Huyện có 300 hộ nghèo.", "exact"),
]


@pytest.mark.parametrize("text,qualifier", QUALIFIED, ids=[q[0] for q in QUALIFIED])
def test_extract_facts_reads_qualifier_before_figure(facts_of, text, qualifier):
    (fact,) = facts_of(text)
    assert fact.qualifier == qualifier


def test_extract_facts_qualifier_does_not_spread_across_a_list(facts_of):
    facts = facts_of("Huyện có hơn 300 hộ nghèo; 200 hộ cận nghèo.")
    assert [(f.value, f.qualifier) for f in facts] == [(300, "more_than"), (200, "exact")]


@pytest.mark.parametrize(
    "text,values,qualifiers",
    [
        ("Mỗi xã nhận từ 3 đến 5 tỷ đồng để hỗ trợ hộ nghèo.", [3e9, 5e9], ["at_least", "less_than"]),
        ("Huyện trao 5.000 - 8.000 suất quà dịp Tết.", [5000, 8000], ["at_least", "less_than"]),
        ("Dự kiến khoảng 200 - 250 hộ được vay vốn.", [], []),
        ("Có khoảng 200 - 250 hộ được vay vốn.", [200, 250], ["about", "about"]),
    ],
    ids=["từ 3 đến 5 tỷ đồng", "5.000 - 8.000 suất quà", "dự kiến khoảng 200 - 250 hộ", "khoảng 200 - 250 hộ"],
)
def test_extract_facts_reads_range_as_two_bounded_facts(facts_of, text, values, qualifiers):
    facts = facts_of(text)
    assert [f.value for f in facts] == values
    assert [f.qualifier for f in facts] == qualifiers


def test_extract_facts_reads_change_as_its_own_metric_never_a_level(facts_of):
    facts = facts_of("Tổng dư nợ đạt 1.250 tỷ đồng, tăng 86 tỷ đồng so với cùng kỳ.")
    assert [(f.metric, f.value) for f in facts] == [
        ("outstanding_loan_balance", 1_250_000_000_000),
        ("outstanding_loan_balance_increase", 86_000_000_000),
    ]


def test_extract_facts_reads_rate_change_in_points(facts_of):
    facts = facts_of("Tỷ lệ bao phủ BHYT đạt 92%, tăng 1,5 điểm phần trăm so với năm trước.")
    assert [(f.metric, f.value, f.unit) for f in facts] == [
        ("health_insurance_coverage_rate", 92, "percent"),
        ("health_insurance_coverage_rate_increase", 1.5, "percent"),
    ]


def test_extract_facts_reads_two_levels_when_falling_from_one_to_another(facts_of):
    facts = facts_of("Tỷ lệ hộ nghèo giảm từ 12,5% năm 2015 xuống còn 6,1% năm 2018.")
    assert [(f.metric, f.value, f.period_start) for f in facts] == [
        ("poor_household_rate", 12.5, "2015-01-01"),
        ("poor_household_rate", 6.1, "2018-01-01"),
    ]


def test_extract_facts_reads_both_figures_of_a_fraction(facts_of):
    facts = facts_of("Toàn xã còn 412/4.105 hộ nghèo.")
    assert sorted(f.value for f in facts) == [412, 4105]
    assert {f.fact_table for f in facts} == {"households"}


@pytest.mark.parametrize(
    "text",
    [
        "Năm 2020, huyện phấn đấu giảm tỷ lệ hộ nghèo xuống dưới 3%.",
        "Chỉ tiêu tỷ lệ bao phủ BHYT từ 90% trở lên.",
        "Mức cho vay tối đa 100 triệu đồng/hộ.",
        "Đường dây nóng 0238.3844.123 tiếp nhận phản ánh của hộ nghèo.",
        "Theo Nghị định 136/2013/NĐ-CP, người cao tuổi 80 tuổi được trợ cấp.",
        "Sáng 15/5/2019, huyện tổ chức hội nghị lần thứ 3 về giảm nghèo.",
    ],
    ids=["phấn đấu giảm ... dưới 3%", "từ 90% trở lên", "mức cho vay tối đa", "đường dây nóng", "Nghị định 136/2013, 80 tuổi", "ngày, lần thứ 3"],
)
def test_extract_facts_finds_no_fact_when_figure_is_target_rule_or_code(facts_of, text):
    assert facts_of(text) == []


def test_extract_facts_merges_one_figure_printed_twice(facts_of):
    lead = "Toàn huyện có 1.245 hộ nghèo được cấp thẻ."
    facts = facts_of(f"{lead}\n\n{lead}")
    (fact,) = [f for f in facts if f.value == 1245]
    assert len(fact.mentions) == 2


def test_extract_facts_keeps_the_precise_value_when_title_rounds_it(facts_of):
    facts = facts_of("Giải ngân gần 515 tỷ đồng vốn vay ưu đãi\n\nNăm qua, ngân hàng giải ngân 514.654 triệu đồng vốn vay ưu đãi.")
    (fact,) = facts
    assert (fact.value, fact.qualifier, len(fact.mentions)) == (514_654_000_000, "exact", 2)


def test_extract_facts_span_covers_the_figure_in_the_text(facts_of):
    text = "Huyện đã cấp hơn 9.300 thẻ BHYT cho hộ nghèo."
    (fact,) = facts_of(text)
    assert text[fact.span[0]:fact.span[1]] == "9.300"


def test_every_metric_the_rules_can_emit_is_in_the_catalogue_with_both_definitions():
    from extract.contract import metric_catalogue
    from extract.facts import RULES

    catalogue = metric_catalogue()
    for rule in RULES:
        assert rule.metric in catalogue, rule.metric
        entry = catalogue[rule.metric]
        assert entry.fact_table == rule.fact_table, rule.metric
        assert entry.definition_vi.strip() and entry.definition_en.strip(), rule.metric


def test_extract_facts_reads_every_link_of_a_slash_chain(facts_of):
    facts = facts_of("Tổng dư nợ đạt 2.758.926 triệu đồng/98.081 hộ vay/2.592 tổ tiết kiệm và vay vốn.")
    assert [(f.metric, f.value) for f in facts] == [
        ("outstanding_loan_balance", 2_758_926_000_000),
        ("preferential_loan_borrowers", 98081),
        ("loan_savings_groups", 2592),
    ]


def test_extract_facts_leaves_start_unknown_when_figure_is_cumulative(facts_of):
    (fact,) = facts_of("Lũy kế từ khi thành lập đến nay, đã có 1,2 triệu lượt hộ được vay vốn.")
    assert (fact.period_start, fact.period_end) == (None, PUB.isoformat())


def test_extract_facts_reads_share_after_a_count_as_that_counts_rate(facts_of):
    facts = facts_of("Toàn huyện có 1.713 hộ cận nghèo, chiếm 6,64%.")
    assert [(f.metric, f.value) for f in facts] == [("near_poor_households", 1713), ("near_poor_household_rate", 6.64)]


def test_extract_facts_gives_a_continuing_sentence_the_frame_of_the_one_before(facts_of):
    facts = facts_of("Trong 6 tháng đầu năm 2019, ngân hàng giải ngân 300 tỷ đồng. Trong đó, cho vay hộ nghèo 120 tỷ đồng.")
    assert {(f.value, f.period_start, f.period_end) for f in facts} == {
        (300_000_000_000, "2019-01-01", "2019-06-30"),
        (120_000_000_000, "2019-01-01", "2019-06-30"),
    }


def test_extract_facts_does_not_carry_a_mid_paragraph_frame_into_a_sentence_that_does_not_continue(facts_of):
    facts = facts_of(
        "Huyện chăm lo cho người nghèo. Trong 6 tháng đầu năm 2019, ngân hàng giải ngân 300 tỷ đồng. "
        "Toàn tỉnh có 1.200 hộ nghèo."
    )
    poor = next(f for f in facts if f.value == 1200)
    assert poor.period_basis == "publication_date"


def test_extract_facts_carries_a_paragraph_opening_frame_into_the_next_paragraphs(facts_of):
    facts = facts_of(
        "Năm 2018, huyện đã chi trả trợ cấp cho 1.500 đối tượng bảo trợ xã hội.\n\n"
        "Các đoàn công tác đã trao 640 suất quà cho hộ nghèo."
    )
    gifts = next(f for f in facts if f.value == 640)
    assert (gifts.period_start, gifts.period_end, gifts.period_basis) == ("2018-01-01", "2018-12-31", "stated")


def test_extract_facts_takes_the_headline_frame_for_figures_without_their_own(facts_of):
    facts = facts_of(
        "Kết quả rà soát hộ nghèo trên địa bàn tỉnh năm 2018\n\n"
        "Toàn tỉnh còn 3.412 hộ nghèo, chiếm 1,2% tổng số hộ."
    )
    assert {(f.value, f.period_start, f.period_end) for f in facts} == {
        (3412, "2018-01-01", "2018-12-31"), (1.2, "2018-01-01", "2018-12-31"),
    }


def test_extract_facts_frame_that_is_the_subject_of_its_sentence_frames_nothing(facts_of):
    facts = facts_of("Năm 2016 là năm đầu tiên thực hiện chuẩn nghèo mới.\n\nToàn huyện còn 950 hộ nghèo.")
    (poor,) = facts
    assert poor.period_basis == "publication_date"


@pytest.mark.parametrize(
    "text,metric,unit,value",
    [
        ("Số hộ nghèo toàn huyện còn 1.245.", "poor_households", "household", 1245),
        ("Tổng số thẻ BHYT đã cấp là 9.800.", "health_insurance_cards_issued", "card", 9800),
        ("Số lượt hộ được vay vốn ưu đãi đạt 3.120.", "preferential_loan_borrowers", "household_time", 3120),
    ],
    ids=["Số hộ nghèo ... còn 1.245", "Tổng số thẻ BHYT ... là 9.800", "Số lượt hộ được vay ... đạt 3.120"],
)
def test_extract_facts_reads_the_counted_noun_before_the_figure(facts_of, text, metric, unit, value):
    (fact,) = facts_of(text)
    assert (fact.metric, fact.unit, fact.value) == (metric, unit, value)


def test_extract_facts_gives_list_items_the_time_of_their_introduction(facts_of):
    text = "Trong năm 2018, toàn huyện đạt được những kết quả sau:\n- Cấp 12.500 thẻ BHYT cho người nghèo.\n- Trao 6.215 suất quà cho hộ nghèo."
    facts = facts_of(text)
    assert {(f.value, f.period_start, f.period_end) for f in facts} == {
        (12500, "2018-01-01", "2018-12-31"),
        (6215, "2018-01-01", "2018-12-31"),
    }


@pytest.mark.parametrize(
    "text,value,unit",
    [
        ("Huyện trao 1,250 suất quà cho hộ nghèo.", 1250, "gift"),
        ("Mỗi hộ nghèo được hỗ trợ 46.000đ/tháng.", 46000, "vnd"),
        ("Mỗi hộ được hỗ trợ một triệu rưỡi đồng.", 1_500_000, "vnd"),
        ("Huyện cứu trợ ba mươi bảy hộ nghèo.", 37, "household"),
    ],
    ids=["1,250 suất quà", "46.000đ/tháng", "một triệu rưỡi đồng", "ba mươi bảy hộ"],
)
def test_extract_facts_reads_loose_number_styles(facts_of, text, value, unit):
    (fact,) = facts_of(text)
    assert (fact.value, fact.unit) == (value, unit)


def test_extract_facts_does_not_read_an_interest_rate_as_a_poverty_rate(facts_of):
    (fact,) = facts_of("Hộ nghèo được vay với lãi suất 6,6%/năm.")
    assert (fact.fact_table, fact.metric) == ("other", "other_rate")
