from decimal import Decimal

import pytest

from extract import literals
from extract.numbers import find_numbers, parse_number_words

VALUES = [
    ("1.000 hộ", Decimal(1000)),
    ("12.660 lượt", Decimal(12660)),
    ("3,34%", Decimal("3.34")),
    ("14, 5%", Decimal("14.5")),
    ("92.21%", Decimal("92.21")),
    ("1,588,505 người", Decimal(1588505)),
    ("58 nghìn hộ", Decimal(58000)),
    ("19 ngàn thẻ", Decimal(19000)),
    ("2 vạn suất", Decimal(20000)),
    ("18 tỷ đồng", Decimal(18_000_000_000)),
    ("18 tỉ đồng", Decimal(18_000_000_000)),
    ("18tỷ đồng", Decimal(18_000_000_000)),
    ("5,5 nghìn tỷ đồng", Decimal(5_500_000_000_000)),
    ("1.000 tỷ đồng", Decimal(1_000_000_000_000)),
    ("3 tỷ 714 triệu 800 nghìn đồng", Decimal(3_714_800_000)),
    ("197 tỷ 908 triệu", Decimal(197_908_000_000)),
    ("2.758.926 triệu đồng", Decimal(2_758_926_000_000)),
    ("dư nợ 1.250 tỷ", Decimal(1_250_000_000_000)),
    ("06 tỷ đồng", Decimal(6_000_000_000)),
    ("05 hộ", Decimal(5)),
    ("hai trăm hộ", Decimal(200)),
    ("ba nghìn suất quà", Decimal(3000)),
    ("mười lăm tỷ đồng", Decimal(15_000_000_000)),
    ("năm 2016 có 2016 hộ", Decimal(2016)),
]


@pytest.mark.parametrize("text,expected", VALUES, ids=[v[0] for v in VALUES])
def test_find_numbers_reads_value_when_vietnamese_format(text, expected):
    found = find_numbers(text)
    assert [n.value for n in found] == [expected]


NOT_FIGURES = [
    "04:05 | 15/05/2017",
    "ngày 15/5",
    "15-5-2017",
    "15.5.2017",
    "tháng 5/2017",
    "Quý I/2019",
    "năm 2016",
    "giai đoạn 2016-2020",
    "niên học 2016-2017",
    "Nghị định 136/2013/NĐ-CP",
    "Quyết định số 822/QĐ-UBND",
    "Chỉ thị 05-CT/TW",
    "Nghị quyết 04-NQ/HU",
    "Điều 5, khoản 2",
    "điện thoại 0211.3862.123",
    "đường dây nóng 1900 1234",
    "cụ 100 tuổi",
    "lần thứ 3",
    "6 tháng đầu năm",
    "hàng trăm hộ",
    "một ngày lương",
    "một số hộ",
    "số 25/77 ngõ Văn Cao",
    "Lượt truy cập: 1.234.567",
    "chủng virus H5N1",
]


@pytest.mark.parametrize("text", NOT_FIGURES, ids=NOT_FIGURES)
def test_find_numbers_finds_nothing_when_not_a_statistic(text):
    assert find_numbers(text) == []


def test_find_numbers_reads_both_parts_when_fraction():
    assert [n.value for n in find_numbers("16.003/80.276 hộ")] == [16003, 80276]


def test_find_numbers_reads_every_link_when_slash_chain():
    found = find_numbers("2.758.926 triệu đồng/98.081 hộ vay/2.592 tổ")
    assert [n.value for n in found] == [2_758_926_000_000, 98081, 2592]


def test_find_numbers_marks_percent_and_money():
    percent, money = find_numbers("chiếm 3,34% với 18 tỷ đồng")
    assert percent.is_percent and not percent.is_money
    assert money.is_money and not money.is_percent


def test_find_numbers_treats_ty_le_as_rate_not_scale():
    (n,) = find_numbers("có 5 tỷ lệ")
    assert n.value == 5 and not n.has_scale


@pytest.mark.parametrize(
    "words,expected",
    [("hai trăm", 200), ("mười lăm", 15), ("một trăm linh năm", 105), ("năm nghìn tỷ", 5 * 10**12), ("ba mươi mốt", 31)],
    ids=["hai trăm", "mười lăm", "một trăm linh năm", "năm nghìn tỷ", "ba mươi mốt"],
)
def test_parse_number_words_reads_value(words, expected):
    assert parse_number_words(words.split()) == expected


def test_figures_masks_and_word_numbers_are_the_same_when_their_first_characters_are_looked_for_first():
    """The figure and year patterns look ahead for the characters their matches can begin with,
    and the masks and word numbers are tried only where their words begin (for speed); they must
    find what the bare alternations find, on every kind of mask and in any case."""
    import re

    import extract.numbers as numbers
    from extract.numbers import normalize_text
    from tests.conftest import FIXTURES

    texts = [normalize_text(p.read_text(encoding="utf-8")) for p in sorted((FIXTURES / "devset").glob("*.txt"))]
    # Lone number words and words that only begin like one ("hai bao", "ba  bốn", "năm, hai trăm").
    texts.append("Năm 2020, hai bao gạo, ba  bốn hộ, năm, hai trăm người, MƯỜI hộ, Trăm cụ, một, sáu tấn, tư hộ.")
    texts.append(
        "Lúc 8h30 ngày 15/5/2017, 15-05-2017, 15.05.2017, tháng 5/2017, Ngày 3/4, Quý IV/2019, NĂM 2016-2020, "
        "Nghị định 136/2013/NĐ-CP, Số 25/77, (+84) 211.3862.123, 1900 1234, 65 tuổi, lần thứ 3, KM 12, "
        "6 tháng, lượt xem: 1.234, 567 views, Online: 89, Đợt 2, Phiên 4; hai trăm hộ, Một nghìn người, Mười lăm cụ, "
        "kế hoạch số 12/KH-UBND, kế hoạch 5 hộ, số nhà 7, Lượt Bình Luận 3, ,5 lượt xem, .12 Bình luận, 1.2 views, "
        "x1999, 2000.2001, ,2002 và 2003,5 hay 2004 hộ."
    )
    # A scan that begins inside a run of digits (after "tháng 12", "năm 2020", "quý 1"): a run
    # mask may begin there, though past that place only at the start of a run.
    texts.append("tháng 123 tuổi, năm 20201 năm, quý 15 lượt xem, ngày 12345,5 bình luận, 1234567 tuổi, 12.345,6 views.")
    # (?i) takes "İ" and "ı" for i and "ſ" for s: the masks and word numbers must too.
    texts.append("NİÊN HỌC 2019-2020, nıên khóa 2021, ſố 25/77, Lần Thứ 4, ſáu trăm hộ, haı trăm người, Chín Mươi hộ.")
    bare_masks = re.compile("|".join(f"(?:{m})" for m in numbers._MASKS))

    def can_be_figure(m: re.Match[str]) -> bool:
        words = m.group(1).split()
        return len(words) >= 2 or words[0].lower() in numbers._LONE_NUMBER_WORDS
    bare_words = re.compile(numbers._WORD_NUMBER_RE.pattern.replace("(?=[mMhHbBtTnNlLsScCvVrR\\u017f])", ""), re.IGNORECASE)
    assert bare_words.pattern != numbers._WORD_NUMBER_RE.pattern
    bare_numbers = re.compile(numbers._NUMBER_RE.pattern.removeprefix("(?=\\d)"))
    # The year as read left to right; _YEAR_RE puts its look behind after the digits.
    bare_years = re.compile(r"(?<![\d.,])(?:19[5-9]\d|20[0-4]\d)(?![\d.,]\d)")
    assert (bare_numbers.pattern, bare_years.pattern) != (numbers._NUMBER_RE.pattern, numbers._YEAR_RE.pattern)
    for text in texts:
        lowered = literals.lowered(text)
        assert lowered is not None
        word_numbers = numbers._word_led_matches(numbers._WORD_NUMBER_RE, numbers._NUMBER_PHRASE_START, text, lowered)
        assert [m.span() for m in numbers._NUMBER_RE.finditer(text)] == [m.span() for m in bare_numbers.finditer(text)]
        assert [m.span() for m in numbers._YEAR_RE.finditer(text)] == [m.span() for m in bare_years.finditer(text)]
        assert [m.span() for m in numbers._mask_matches(text, lowered)] == [m.span() for m in bare_masks.finditer(text)]
        # Only a word number that can be a figure is looked for there (two words, or a lone
        # "mười" or "trăm"): those must be the bare pattern's.
        assert [m.span() for m in word_numbers if can_be_figure(m)] == [
            m.span() for m in bare_words.finditer(text) if can_be_figure(m)]
    assert len(list(bare_masks.finditer(texts[-3]))) >= 24
    assert len(list(bare_masks.finditer(texts[-2]))) >= 10
    assert len(list(bare_masks.finditer(texts[-1]))) == 4
    assert len(list(bare_words.finditer(texts[-1]))) >= 3


def test_digit_masks_begin_where_their_lookahead_allows_when_probed_with_each_first_character():
    """_DIGIT_MASK_START must hold wherever a digit mask matches, and no word mask may begin
    with a digit or sign (masked_spans takes the two kinds as never beginning together)."""
    import re

    import extract.numbers as numbers

    start = re.compile(f"(?:{numbers._DIGIT_MASK_START})")
    probes = [chr(c) for c in range(0x250)] + ["٣", "۵", "०", "İ", "ſ", "K"]
    tails = ("1", "12/3/2020", "84 211 3862 123", "5 tuổi", " lượt xem", "1:30", "0/QĐ-UB", ",5 Bình luận", " views")
    matched = 0
    for mask in numbers._DIGIT_MASKS:
        pattern = re.compile(f"(?:{mask})")
        for c in probes:
            for tail in tails:  # a match beginning with c, whatever follows
                if pattern.match(c + tail):
                    matched += 1
                    assert start.match(c + tail), (mask, c + tail)
    assert matched > 50
    for mask in numbers._WORD_MASKS:
        assert mask.startswith(("(?i:", "(?<![\\wà-ỹ])(?i:")), mask


def test_lowered_text_finds_every_word_when_its_letters_are_ones_ignorecase_takes_for_others():
    """The mask words, number words and date labels are looked for as plain literals in
    literals.lowered(text): every character that (?i) takes for one of their letters must lower
    to that letter there."""
    import re
    import sys

    import extract.numbers as numbers
    import extract.reading as reading

    words = numbers._MASK_WORDS + list(numbers._WORD_TOKENS) + list(reading._LABEL_WORDS)
    letters = sorted(set("".join(words)) - {" "})
    every_character = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c < 0xE000)
    taken = set(re.findall(f"(?i:[{re.escape(''.join(letters))}])", every_character))
    assert len(taken) > len(letters)
    for c in taken:
        same = [k for k in letters if re.fullmatch(f"(?i:{re.escape(k)})", c)]
        assert same == [literals.lowered(c)], (hex(ord(c)), same)
