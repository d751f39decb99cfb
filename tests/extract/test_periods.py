from datetime import date

import pytest

from extract.periods import period_for, time_expressions

PUB = date(2017, 5, 15)


def _period(sentence: str, figure: str, published: date = PUB):
    start = sentence.index(figure)
    others = []
    return period_for(sentence, (start, start + len(figure)), others, published)


CASES = [
    ("Năm 2016, toàn tỉnh có 1.234 hộ nghèo.", "1.234", (date(2016, 1, 1), date(2016, 12, 31))),
    ("Từ năm 2016 đến nay, có 500 hộ được vay.", "500", (date(2016, 1, 1), PUB)),
    ("Từ đầu năm đến nay, huyện cấp 800 thẻ BHYT.", "800", (date(2017, 1, 1), PUB)),
    ("Trong quý I/2019, ngân hàng giải ngân 30 tỷ đồng.", "30 tỷ đồng", (date(2019, 1, 1), date(2019, 3, 31))),
    ("6 tháng đầu năm 2021, toàn tỉnh chi trả 12 tỷ đồng.", "12 tỷ đồng", (date(2021, 1, 1), date(2021, 6, 30))),
    ("Giai đoạn 2016-2020, huyện giảm 2.000 hộ nghèo.", "2.000", (date(2016, 1, 1), date(2020, 12, 31))),
    ("Tính đến ngày 30/6/2023, dư nợ đạt 900 tỷ đồng.", "900 tỷ đồng", (date(2023, 6, 30), date(2023, 6, 30))),
    ("Đến cuối quý I, dư nợ đạt 512 tỷ đồng.", "512 tỷ đồng", (date(2017, 3, 31), date(2017, 3, 31))),
    ("Đầu năm 2022, toàn huyện có 5.612 hộ nghèo.", "5.612", (date(2022, 1, 1), date(2022, 1, 1))),
    ("Tính đến cuối tháng 6/2022, có 178.420 người tham gia.", "178.420", (date(2022, 6, 30), date(2022, 6, 30))),
    ("Từ đầu tháng 12/2016 đến nay, đã giải ngân 12 tỷ đồng.", "12 tỷ đồng", (date(2016, 12, 1), PUB)),
    ("Trong 9 tháng, doanh số cho vay đạt 245 tỷ đồng.", "245 tỷ đồng", (date(2017, 1, 1), date(2017, 9, 30))),
    ("Huyện tặng 500 suất quà dịp Tết Đinh Dậu.", "500", (date(2017, 1, 1), date(2017, 2, 28))),
    ("Ngày 16/1, đoàn công tác tặng 300 suất quà dịp Tết.", "300", (date(2017, 1, 16), date(2017, 1, 16))),
    ("Toàn huyện có 1.500 hộ cận nghèo.", "1.500", (PUB, PUB)),
]


@pytest.mark.parametrize("sentence,figure,expected", CASES, ids=[c[0] for c in CASES])
def test_period_for_reads_stated_period(sentence, figure, expected):
    p = _period(sentence, figure)
    assert (p.start, p.end) == expected


def test_period_for_ignores_comparison_base_year():
    p = _period("Tỷ lệ bao phủ đạt 91,8%, tăng 1,3 điểm phần trăm so với cùng kỳ năm 2020.", "1,3")
    assert (p.start, p.end, p.explicit) == (PUB, PUB, False)


def test_period_for_ignores_name_of_poverty_standard():
    p = _period("Theo chuẩn nghèo giai đoạn 2022-2025, xã có 96 hộ nghèo.", "96")
    assert not p.explicit


def test_period_for_gives_each_figure_its_own_trailing_year():
    sentence = "Tỷ lệ hộ nghèo giảm từ 8,01% năm 2011 xuống còn 3,34% năm 2016."
    a, b = sentence.index("8,01%"), sentence.index("3,34%")
    first = period_for(sentence, (a, a + 5), [(b, b + 5)], PUB)
    second = period_for(sentence, (b, b + 5), [(a, a + 5)], PUB)
    assert (first.start, second.start) == (date(2011, 1, 1), date(2016, 1, 1))


def test_period_for_cuts_tet_at_publication_when_published_before_tet_ends():
    p = _period("Huyện tặng 500 suất quà dịp Tết Canh Tý 2020.", "500", date(2020, 1, 20))
    assert (p.start, p.end) == (date(2020, 1, 1), date(2020, 1, 20))


def test_period_for_leaves_dates_unknown_when_publication_unknown():
    p = _period("Từ đầu năm đến nay, huyện cấp 800 thẻ BHYT.", "800", None)
    assert p.end is None


def test_time_expressions_are_the_same_when_patterns_are_skipped_for_lacking_their_words(monkeypatch):
    """Patterns are not tried on sentences that lack their words or a digit (for speed); the
    reading must be what trying every pattern on every sentence gives."""
    import extract.periods as periods
    from extract.numbers import normalize_text
    from extract.sentences import split_sentences
    from tests.conftest import FIXTURES

    sentences = [s.text for p in sorted((FIXTURES / "devset").glob("*.txt")) for s in split_sentences(normalize_text(p.read_text(encoding="utf-8")))]
    sentences += [c[0] for c in CASES] + ["Quà Tết cho hộ nghèo.", "Lũy kế từ khi thành lập, so với cùng kỳ tăng.", "ĐẾN CUỐI QUÝ II, NGÀY 5/6"]
    gated = [periods.time_expressions(s, PUB) for s in sentences]
    every_pattern = [(kind, pattern, ()) for kind, pattern in periods._PATTERNS]
    monkeypatch.setattr(periods, "_GATED", every_pattern)
    monkeypatch.setattr(periods, "_GATED_DIGITLESS", every_pattern)
    monkeypatch.setattr(periods, "_GATED_YEARLESS", every_pattern)
    assert gated == [periods.time_expressions(s, PUB) for s in sentences]
    assert sum(map(len, gated)) > 100  # the sentences do hold time expressions


def test_time_patterns_never_match_the_empty_string_when_read_by_the_regex_parser():
    """time_expressions keeps the spans found in sorted disjoint lists (periods._Spans), which
    holds only for non-empty matches."""
    from re import _parser  # noqa: PLC2701 - the width of a pattern, as re itself reads it

    import extract.periods as periods

    for kind, pattern in periods._PATTERNS:
        assert _parser.parse(pattern.pattern, pattern.flags).getwidth()[0] > 0, kind


def test_time_expressions_keep_the_earlier_pattern_when_spans_overlap_on_a_long_line():
    # "tháng 9/2023" is also a "month"; "đến tháng 9/2023", tried first, takes it.
    line = "Tính đến tháng 9/2023, có 5 hộ; năm 2022 có 7 hộ; " * 300
    found = time_expressions(line, PUB)
    assert [e.kind for e in found] == ["month_end", "year"] * 300
    assert all(a.end <= b.start for a, b in zip(found, found[1:]))
