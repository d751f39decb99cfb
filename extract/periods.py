"""The period a figure covers, from the time expressions of its sentence (facts.md "period").

A time expression right after a figure belongs to that figure alone ("8,01% năm 2011 xuống còn
3,34% năm 2016"); one that leads a clause covers the figures after it in that clause, and one that
opens the sentence covers the whole sentence ("Từ đầu năm đến nay, ... 300 ...; 12 nghìn ...").
A figure with no expression is dated at publication.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date

from extract.literals import fold, holds, required_word_sets

_STEMS = {"canh": 0, "tân": 1, "nhâm": 2, "quý": 3, "giáp": 4, "ất": 5, "bính": 6, "đinh": 7, "mậu": 8, "kỷ": 9, "kỉ": 9}
_BRANCHES = {
    "thân": 0, "dậu": 1, "tuất": 2, "hợi": 3, "tý": 4, "tí": 4, "sửu": 5, "dần": 6, "mão": 7,
    "mẹo": 7, "thìn": 8, "tỵ": 9, "tị": 9, "ngọ": 10, "mùi": 11,
}
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}

_Y = r"((?:19|20)\d{2})"
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # What a figure is compared with is not its period: "tăng 1,3 điểm so với cùng kỳ năm 2020",
    # and the name of a poverty standard is not one either: "chuẩn nghèo giai đoạn 2022-2025".
    # Both are matched first and then ignored (kind "ignore").
    # The date of a document is not the time of its figures: "Quyết định số 134/QĐ-BLĐTBXH ngày 31/01/2024".
    ("ignore", re.compile(r"(?i:quyết định|nghị quyết|công văn|thông tư|nghị định|chỉ thị|kế hoạch|tờ trình|thông báo)\s+(?:số\s+)?[\w/.-]*\d[\w/.-]*(?:\s+(?:của|do)\s+[^,.;]{0,60}?)?\s+(?i:ngày)\s+\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)\d{2}")),
    ("ignore", re.compile(r"(?i:so với|bằng|như)\s+(?:(?:cùng kỳ|cuối|đầu)\s+)?(?:năm|quý|tháng|kỳ|giai đoạn)?\s*(?:[IV]+\s*/\s*)?(?:\d{1,2}/)?(?:(?:19|20)\d{2}|trước|ngoái)(?:\s*[-–]\s*(?:19|20)\d{2})?")),
    ("ignore", re.compile(r"(?i:so với)\s+(?:cùng kỳ|đầu năm|cuối năm|đầu kỳ|kỳ trước|tháng trước|quý trước|năm trước|năm ngoái)")),
    # The term of an office or the span a programme is named for is no time frame of figures:
    # "Đại hội Đảng bộ huyện nhiệm kỳ 2015 - 2020", "Chương trình mục tiêu quốc gia ... giai đoạn 2021-2025".
    ("ignore", re.compile(rf"(?i:nhiệm kỳ)\s*{_Y}\s*[-–]\s*{_Y}")),
    ("ignore", re.compile(rf"(?i:chương trình|đề án|nghị quyết|kế hoạch|chiến lược|quyết định|dự án|danh sách|phong trào)[^.;:]{{0,120}}?(?i:giai đoạn)\s*{_Y}\s*[-–]\s*{_Y}")),
    ("ignore", re.compile(rf"(?i:chuẩn nghèo)[^,.;:\d]{{0,50}}?(?:(?i:giai đoạn)\s*)?{_Y}\s*[-–]\s*{_Y}")),
    ("since_year", re.compile(rf"(?i:từ|kể từ)\s+(?:năm\s+)?{_Y}\s+(?:đến|tới|cho đến)\s+nay")),
    ("since_date", re.compile(r"(?i:từ|kể từ)\s+(?:ngày\s+)?(\d{1,2})[/-](\d{1,2})[/-]" + _Y + r"\s+(?:đến|tới|cho đến)\s+nay")),
    ("since_month", re.compile(r"(?i:từ|kể từ)\s+(?:đầu\s+)?(?i:tháng)\s+(\d{1,2})\s*/\s*" + _Y + r"\s+(?:đến|tới|cho đến)\s+nay")),
    ("since_start_of_year", re.compile(r"(?i:từ đầu năm)(?:\s+" + _Y + r")?(?:\s+(?:đến|tới)\s+nay)?")),
    ("cumulative", re.compile(r"(?i:lũy kế|luỹ kế|từ khi thành lập(?: đến nay)?|từ khi triển khai(?: đến nay)?)")),
    ("year_range", re.compile(rf"(?i:giai đoạn|thời kỳ|nhiệm kỳ)?\s*{_Y}\s*[-–]\s*{_Y}")),
    ("quarter_end", re.compile(r"(?i:đến cuối quý|cuối quý|hết quý|đến hết quý)\s+([IV]+|[1-4])(?:\s*(?:/|-|–|năm)\s*" + _Y + r")?")),
    ("quarter", re.compile(r"(?i:quý)\s+([IV]+|[1-4])(?:\s*(?:/|-|–|năm)\s*" + _Y + r")?")),
    ("months_of_year", re.compile(r"(\d{1,2})\s+(?i:tháng)(?:\s+(?i:đầu))?\s+(?i:năm)(?:\s+" + _Y + r")?")),
    # "Trong 9 tháng, ..." of the publication year; "sau 10 tháng triển khai" is a duration.
    ("months_of_year", re.compile(r"(?<![\wà-ỹ])(?i:trong)\s+(\d{1,2})\s+(?i:tháng)(?:\s+(?i:qua|vừa qua))?(?=[\s,])")),
    ("month_end", re.compile(r"(?i:tính đến|đến|tới|hết|đến hết|cuối|đến cuối|tính đến cuối)\s+(?i:tháng)\s+(\d{1,2})\s*(?:/|\s(?i:năm))\s*" + _Y)),
    ("month", re.compile(r"(?i:tháng)\s+(\d{1,2})\s*(?:/|năm)\s*" + _Y)),
    ("as_of_date", re.compile(r"(?i:tính đến|tính tới|đến|tới|hết|đến hết|tính đến hết|thời điểm|ngày)\s+(?:ngày\s*)?(\d{1,2})[/.-](\d{1,2})[/.-]" + _Y)),
    # "đến hết ngày 30-9", "đến ngày5/11": as of a day of the publication's year.
    ("as_of_day", re.compile(r"(?i:tính đến|tính tới|đến hết|đến|tới|hết)\s+(?i:ngày)\s*(\d{1,2})[/-](\d{1,2})(?![/-]?\d)")),
    ("as_of_year_end", re.compile(r"(?i:đến cuối năm|cuối năm|đến hết năm|hết năm|tính đến cuối năm)\s+" + _Y)),
    ("year_start", re.compile(r"(?<![\wà-ỹ])(?i:đầu năm)(?:\s+" + _Y + r")?(?![\wà-ỹ])")),
    # A handover date that opens the sentence: "Ngày 16/1, đoàn công tác ... tặng 300 suất quà".
    # An outlet's tag may come first: "(NTO) Ngày 28-4-2011, ...".
    ("day", re.compile(r"^(?:\([^()\d]{1,25}\)\s*[-–]?\s*)?(?:(?i:sáng|chiều|tối|trưa)\s+)?(?i:ngày)?\s*(\d{1,2})[/-](\d{1,2})(?:[/-]" + _Y + r")?(?=\s*,)")),
    ("tet", re.compile(r"(?<![\wà-ỹ])(?i:tết)(?:\s+(?i:nguyên đán))?((?:\s+[A-ZÀ-ỸĐ][a-zà-ỹđ]+){0,2})(?:\s+" + _Y + r")?")),
    ("year", re.compile(r"(?<![\wà-ỹ])(?i:năm)\s+" + _Y)),
]


# What a pattern cannot match without, by its place in _PATTERNS, so that it is not tried on a
# sentence that lacks it (25 patterns on every sentence were a good part of text -> facts): one
# of some words (lower case; None: no such word), and a digit (all but "so với năm trước",
# "so với cùng kỳ", "từ đầu năm", "lũy kế", "cuối quý I", "quý II", "đầu năm", "Tết").
_NEEDS_BY_PLACE: tuple[tuple[tuple[str, ...] | None, bool], ...] = (
    (("ngày",), True), (("so với", "bằng", "như"), False), (("so với",), False),  # ignore
    (("nhiệm kỳ",), True), (("giai đoạn",), True), (("chuẩn nghèo",), True),  # ignore
    (("nay",), True), (("nay",), True), (("nay",), True),  # since_year, since_date, since_month
    (("từ đầu năm",), False), (("lũy kế", "luỹ kế", "từ khi"), False), (None, True),  # since_start_of_year, cumulative, year_range
    (("quý",), False), (("quý",), False),  # quarter_end, quarter
    (("tháng",), True), (("tháng",), True), (("tháng",), True), (("tháng",), True),  # months_of_year x2, month_end, month
    (None, True), (("ngày",), True), (("năm",), True), (("đầu năm",), False),  # as_of_date, as_of_day, as_of_year_end, year_start
    (None, True), (("tết",), False), (("năm",), True),  # day, tet, year
)
assert len(_NEEDS_BY_PLACE) == len(_PATTERNS)
_DIGIT = re.compile(r"\d")
_NEEDS_WORD = {p: words for (_, p), (words, _) in zip(_PATTERNS, _NEEDS_BY_PLACE) if words}
_DIGITLESS_PATTERNS = [(kind, p) for (kind, p), (_, digit) in zip(_PATTERNS, _NEEDS_BY_PLACE) if not digit]


def _needs(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    """What a sentence must hold (in its case fold) for ``pattern`` to match in it: the words
    above, then every requirement extract/literals.py reads from the pattern (the "-" of a year
    range, the "19"/"20" of a year), each a tuple of strings one of which must occur; the
    longest first, as the rarest."""
    read = sorted(set(required_word_sets(pattern)), key=lambda ws: (-min(map(len, ws)), ws))
    stated = _NEEDS_WORD.get(pattern)
    return ((stated,) if stated else ()) + tuple(ws for ws in read if ws != stated)


def _gated(patterns: list[tuple[str, re.Pattern[str]]]) -> list[tuple[str, re.Pattern[str], tuple[tuple[str, ...], ...]]]:
    return [(kind, p, _needs(p)) for kind, p in patterns]


_GATED, _GATED_DIGITLESS = _gated(_PATTERNS), _gated(_DIGITLESS_PATTERNS)
# Half the patterns need a year ("19"/"20"): a sentence with digits but no year is read by the rest.
_YEAR_DIGITS = ("19", "20")
_GATED_YEARLESS = [(kind, p, needs) for kind, p, needs in _GATED if _YEAR_DIGITS not in needs]


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None
    explicit: bool  # False: the publication-date default
    kind: str = ""  # the kind of expression it was read from (see _PATTERNS), "" for the default


@dataclass(frozen=True)
class TimeExpression:
    start: int
    end: int
    kind: str
    period: Period


def _year_end(y: int) -> date:
    return date(y, 12, 31)


def _month_end(y: int, m: int) -> date:
    return date(y, m, calendar.monthrange(y, m)[1])


def _tet_year(names: str, year: str | None, published: date | None) -> int | None:
    if year:
        return int(year)
    words = names.lower().split()
    if len(words) == 2 and words[0] in _STEMS and words[1] in _BRANCHES and published:
        # The year of that name nearest to publication (the cycle is 60 years).
        for y in range(published.year - 1, published.year + 2):
            if y % 10 == _STEMS[words[0]] and y % 12 == _BRANCHES[words[1]]:
                return y
    if published:
        # Gifts for the coming Tết are reported from November on.
        return published.year + 1 if published.month >= 11 else published.year
    return None


def _day(day: str, month: str, year: str | None, pub: date | None, ref_year: int | None) -> date | None:
    """A day of a date line: without its year, of the publication's year (else ref_year), and
    "ngày 28/12" in a January paper is last December."""
    y = int(year) if year else (pub.year if pub else ref_year)
    if y is None:
        return None
    try:
        d = date(y, int(month), int(day))
    except ValueError:
        return None
    if pub and d > pub and not year:
        d = date(y - 1, d.month, d.day)
    return d


def _period(kind: str, m: re.Match[str], published: date | None, ref_year: int | None = None) -> Period | None:
    pub = published
    if kind == "since_year":
        return Period(date(int(m.group(1)), 1, 1), pub, True)
    if kind == "since_date":
        try:
            return Period(date(int(m.group(3)), int(m.group(2)), int(m.group(1))), pub, True)
        except ValueError:
            return None
    if kind == "since_month":
        month = int(m.group(1))
        return Period(date(int(m.group(2)), month, 1), pub, True) if 1 <= month <= 12 else None
    if kind == "quarter_end":
        q = _ROMAN.get(m.group(1).lower())
        year = int(m.group(2)) if m.group(2) else (pub.year if pub else ref_year)
        if q is None or year is None:
            return None
        d = _month_end(year, 3 * q)
        return Period(d, d, True)
    if kind == "month_end":
        month = int(m.group(1))
        if not 1 <= month <= 12:
            return None
        d = _month_end(int(m.group(2)), month)
        return Period(d, d, True)
    if kind == "year_start":
        year = int(m.group(1)) if m.group(1) else (pub.year if pub else ref_year)
        if year is None:
            return None
        return Period(date(year, 1, 1), date(year, 1, 1), True)
    if kind == "day":
        d = _day(m.group(1), m.group(2), m.group(3), pub, ref_year)
        return Period(d, d, True) if d else None
    if kind == "since_start_of_year":
        year = int(m.group(1)) if m.group(1) else (pub.year if pub else ref_year)
        if year is None:
            return Period(None, None, True)
        return Period(date(year, 1, 1), pub, True)
    if kind == "cumulative":
        return Period(None, pub, True)
    if kind == "year_range":
        y1, y2 = int(m.group(1)), int(m.group(2))
        if y2 <= y1:
            return None
        return Period(date(y1, 1, 1), _year_end(y2), True)
    if kind == "quarter":
        q = _ROMAN.get(m.group(1).lower())
        year = int(m.group(2)) if m.group(2) else (pub.year if pub else ref_year)
        if q is None or year is None:
            return None
        return Period(date(year, 3 * q - 2, 1), _month_end(year, 3 * q), True)
    if kind == "months_of_year":
        n = int(m.group(1))
        stated = m.group(2) if m.re.groups >= 2 else None
        year = int(stated) if stated else (pub.year if pub else ref_year)
        if not 1 <= n <= 12 or year is None:
            return None
        return Period(date(year, 1, 1), _month_end(year, n), True)
    if kind == "month":
        month, year = int(m.group(1)), int(m.group(2))
        if not 1 <= month <= 12:
            return None
        return Period(date(year, month, 1), _month_end(year, month), True)
    if kind == "as_of_date":
        try:
            d = date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
        return Period(d, d, True)
    if kind == "as_of_day":
        d = _day(m.group(1), m.group(2), None, pub, ref_year)
        return Period(d, d, True) if d else None
    if kind == "as_of_year_end":
        d = _year_end(int(m.group(1)))
        return Period(d, d, True)
    if kind == "tet":
        named = m.group(1).strip() or m.group(2) or "nguyên đán" in m.group(0).lower()
        if not named and re.search(r"(?i:quà)\s*$", m.string[: m.start()]):
            return None  # "quà tết" names a kind of gift; a frame such as "Năm 2018" keeps its hold
        year = _tet_year(m.group(1), m.group(2), pub) or ref_year
        if year is None:
            return Period(None, None, True)
        start, end = date(year, 1, 1), _month_end(year, 2)
        if pub and pub < end:
            end = max(pub, start)
        return Period(min(start, end), end, True)
    if kind == "ignore":
        return Period(None, None, False)
    if kind == "year":
        y = int(m.group(1))
        return Period(date(y, 1, 1), _year_end(y), True)
    raise ValueError(kind)


class _Spans:
    """Disjoint non-empty spans, sorted, for "does [start, end) overlap one of them?" in log time
    (comparing each match with every expression found before was quadratic in a long line)."""

    def __init__(self) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect_right(self._starts, start)  # the spans before i begin at or before `start`
        return (i > 0 and self._ends[i - 1] > start) or (i < len(self._starts) and self._starts[i] < end)

    def add(self, start: int, end: int) -> None:
        i = bisect_right(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def time_expressions(sentence: str, published: date | None, ref_year: int | None = None) -> list[TimeExpression]:
    """Non-overlapping time expressions of a sentence, the longest first where they overlap.

    ``ref_year`` completes a time stated without its year ("6 tháng đầu năm") when the
    publication date is unknown (document.reference_year); what runs "đến nay" stays open."""
    found: list[TimeExpression] = []
    taken = _Spans()  # the spans of `found`, which never overlap
    # Most patterns need a digit; a sentence without one is read by the few that do not.
    folded = fold(sentence)
    if not _DIGIT.search(sentence):
        patterns = _GATED_DIGITLESS
    elif _YEAR_DIGITS[0] in folded or _YEAR_DIGITS[1] in folded:
        patterns = _GATED
    else:
        patterns = _GATED_YEARLESS
    for kind, pattern, needs in patterns:
        if not holds(folded, needs):
            continue
        for m in pattern.finditer(sentence):
            if taken.overlaps(m.start(), m.end()):
                continue
            period = _period(kind, m, published, ref_year)
            if period is not None:
                taken.add(m.start(), m.end())
                # Period(...) rather than dataclasses.replace, which costs several times more
                period = Period(period.start, period.end, period.explicit, kind)
                found.append(TimeExpression(m.start(), m.end(), kind, period))
    return sorted((e for e in found if e.kind != "ignore"), key=lambda e: e.start)


def default_period(published: date | None) -> Period:
    return Period(published, published, False)


def period_for(
    sentence: str,
    figure: tuple[int, int],
    other_figures: list[tuple[int, int]],
    published: date | None,
    expressions: list[TimeExpression] | None = None,
    inherited: Period | None = None,
) -> Period:
    """The period of the figure at `figure` (offsets within `sentence`); `inherited` is the frame
    a continuing sentence takes from the one before it (see sentence_frame)."""
    exprs = expressions if expressions is not None else time_expressions(sentence, published)
    f_start, f_end = figure
    # Sorted, so that the last figure end before a place is found by bisection (scanning all
    # figures for each expression made a long line of figures and times quadratic, or worse).
    ends = sorted(e for _, e in other_figures + [figure])

    def previous_figure_end(pos: int) -> int | None:
        i = bisect_right(ends, pos)
        return ends[i - 1] if i else None

    # 1. An expression that trails this figure: after it, with no other figure between, in its clause.
    #    A stated handover date that opens the sentence wins over "dịp Tết" (facts.md "Tết").
    for e in exprs:
        if e.start >= f_end and previous_figure_end(e.start) == f_end:
            if e.start - f_end <= 80 and ";" not in sentence[f_end : e.start]:
                stated_day = next((d for d in exprs if d.kind == "day" and d.end <= f_start), None)
                return stated_day.period if e.kind == "tet" and stated_day else e.period
    # 2. The nearest expression before the figure that leads its clause (trails no other figure)
    #    or opens the sentence.
    for e in reversed(exprs):
        if e.end > f_start:
            continue
        prev = previous_figure_end(e.start)
        trails_a_figure = prev is not None and e.start - prev <= 80 and ";" not in sentence[prev : e.start]
        if trails_a_figure:
            continue
        # It leads the figures after it, across clauses: "Tính đến hết tháng 4, ... trong đó: BHXH là 374.764 người".
        return e.period
    return inherited or default_period(published)


_OPENS = re.compile(r"\s*(?:\([^()]{1,25}\)\s*[-–]?\s*)?(?:[\wÀ-ỹ]+\s+){0,2}")
# A time that is what the sentence speaks of, not when: "Năm 2016 là năm đầu tiên ...".
_SUBJECT_AFTER = re.compile(r"\s+(?:là|được xác định là|được coi là|sẽ)(?![\wà-ỹ])", re.I)
_COMMA_AFTER = re.compile(r"\s*,")


def next_frame(sentence: str, expressions: list[TimeExpression], figures: list[tuple[int, int]],
               frame: Period | None, anywhere: bool = False, adverbial: bool = False) -> Period | None:
    """The time frame after a sentence: the last expression of it that leads what follows (it
    trails no figure of the sentence), else the frame before it. In a headline (``anywhere``)
    any expression frames the article: "Kết quả rà soát hộ nghèo năm 2023". ``adverbial``: an
    expression that is the sentence's subject ("Năm 2016 là năm đầu tiên ...") frames nothing."""
    if not anywhere:
        # An adverbial that opens the sentence is its frame ("Ngày 28-4-2011, UBND tỉnh công
        # nhận hộ nghèo ... giai đoạn 2011-2015."), whatever it names later.
        for e in expressions[:1]:
            if _OPENS.fullmatch(sentence, 0, e.start) and _COMMA_AFTER.match(sentence, e.end) and e.period.end:
                return e.period
    for e in reversed(expressions):
        if e.period.start is None and e.period.end is None:
            continue
        prev = max((end for _, end in figures if end <= e.start), default=None)
        trails_a_figure = prev is not None and ";" not in sentence[prev:e.start] and e.start - prev <= 80
        if anywhere:
            return e.period
        if not trails_a_figure and not (adverbial and _SUBJECT_AFTER.match(sentence, e.end)):
            return e.period
    return frame


# ---------------------------------------------------------------- the period of a metric

# Expressions that state a span of time ("6 tháng đầu năm 2023", "quý I", "từ đầu năm đến nay")
# and those that state a point that a flow runs up to ("tính đến 30/9", "đến hết tháng 8").
_SPANS = {"months_of_year", "quarter", "month", "since_start_of_year", "since_year", "since_date",
          "since_month", "year_range", "cumulative"}
_AS_OF = {"as_of_date", "as_of_day", "month_end", "quarter_end", "as_of_year_end"}
_BASE_START_OF_YEAR = re.compile(r"^[^.;]{0,30}?so với (?:đầu năm|thời điểm đầu năm|đầu kỳ|31/12/(?:19|20)\d{2}|cuối năm)", re.I)
# "so với cuối năm 2021": the change runs over the year after it (the gold set's reading).
_BASE_YEAR_END = re.compile(r"^[^.;]{0,30}?so với (?:cuối năm|thời điểm cuối năm|31/12/)\s*((?:19|20)\d{2})", re.I)


def period_of_metric(period: Period, time_kind: str, is_change: bool, after: str = "") -> Period:
    """Shape a stated period by what the metric is (facts.md "Stocks, flows and rates").

    A stock or a rate is a point in time: stated for a span it is dated at the span's end (a
    whole year "năm X" stays the year: a yearly review reports the year). A flow covers its
    period: up to a point "tính đến 30/9" it runs from 1 January of that year. A change of a
    stock runs from its base ("so với đầu năm", "so với cuối năm X", in ``after``) to the date.
    """
    if is_change and time_kind in ("stock", "rate") and (m := _BASE_YEAR_END.match(after)):
        return Period(date(int(m.group(1)) + 1, 1, 1), period.end if period.explicit else None, True, period.kind)
    if not period.explicit or period.end is None:
        return period
    if time_kind in ("stock", "rate") and not is_change:
        if period.kind in _SPANS and period.start != period.end:
            return replace(period, start=period.end)
        return period
    if time_kind in ("stock", "rate") and is_change:
        end = period.end
        if _BASE_START_OF_YEAR.match(after) or period.kind in _AS_OF or period.kind in _SPANS:
            return replace(period, start=date(end.year, 1, 1))
        return period
    if time_kind == "flow" and period.kind in _AS_OF and period.start == period.end:
        return replace(period, start=date(period.end.year, 1, 1))
    return period
