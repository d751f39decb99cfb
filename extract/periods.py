"""The period a figure covers, from the time expressions of its sentence (facts.md "period").

A time expression right after a figure belongs to that figure alone ("8,01% năm 2011 xuống còn
3,34% năm 2016"); one that leads a clause covers the figures after it in that clause, and one that
opens the sentence covers the whole sentence ("Từ đầu năm đến nay, ... 300 ...; 12 nghìn ...").
A figure with no expression is dated at publication.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

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
    ("ignore", re.compile(r"(?i:so với|bằng|như)\s+(?:(?:cùng kỳ|cuối|đầu)\s+)?(?:năm|quý|tháng|kỳ|giai đoạn)?\s*(?:[IV]+\s*/\s*)?(?:\d{1,2}/)?(?:(?:19|20)\d{2}|trước|ngoái)(?:\s*[-–]\s*(?:19|20)\d{2})?")),
    ("ignore", re.compile(r"(?i:so với)\s+(?:cùng kỳ|đầu năm|cuối năm|đầu kỳ|kỳ trước|tháng trước|quý trước|năm trước|năm ngoái)")),
    ("ignore", re.compile(rf"(?i:chuẩn nghèo)(?:\s+(?i:đa chiều))?(?:\s+(?i:giai đoạn))?\s*{_Y}\s*[-–]\s*{_Y}")),
    ("since_year", re.compile(rf"(?i:từ|kể từ)\s+(?:năm\s+)?{_Y}\s+(?:đến|tới|cho đến)\s+nay")),
    ("since_date", re.compile(r"(?i:từ|kể từ)\s+(?:ngày\s+)?(\d{1,2})/(\d{1,2})/" + _Y + r"\s+(?:đến|tới|cho đến)\s+nay")),
    ("since_month", re.compile(r"(?i:từ|kể từ)\s+(?:đầu\s+)?(?i:tháng)\s+(\d{1,2})\s*/\s*" + _Y + r"\s+(?:đến|tới|cho đến)\s+nay")),
    ("since_start_of_year", re.compile(r"(?i:từ đầu năm)(?:\s+" + _Y + r")?(?:\s+(?:đến|tới)\s+nay)?")),
    ("cumulative", re.compile(r"(?i:lũy kế|luỹ kế|từ khi thành lập(?: đến nay)?|từ khi triển khai(?: đến nay)?)")),
    ("year_range", re.compile(rf"(?i:giai đoạn|thời kỳ|nhiệm kỳ)?\s*{_Y}\s*[-–]\s*{_Y}")),
    ("quarter_end", re.compile(r"(?i:đến cuối quý|cuối quý|hết quý|đến hết quý)\s+([IV]+|[1-4])(?:\s*(?:/|năm)\s*" + _Y + r")?")),
    ("quarter", re.compile(r"(?i:quý)\s+([IV]+|[1-4])(?:\s*(?:/|năm)\s*" + _Y + r")?")),
    ("months_of_year", re.compile(r"(\d{1,2})\s+(?i:tháng)(?:\s+(?i:đầu))?\s+(?i:năm)(?:\s+" + _Y + r")?")),
    # "Trong 9 tháng, ..." of the publication year; "sau 10 tháng triển khai" is a duration.
    ("months_of_year", re.compile(r"(?<![\wà-ỹ])(?i:trong)\s+(\d{1,2})\s+(?i:tháng)(?:\s+(?i:qua|vừa qua))?(?=[\s,])")),
    ("month_end", re.compile(r"(?i:tính đến|đến|tới|hết|đến hết|cuối|đến cuối|tính đến cuối)\s+(?i:tháng)\s+(\d{1,2})\s*/\s*" + _Y)),
    ("month", re.compile(r"(?i:tháng)\s+(\d{1,2})\s*(?:/|năm)\s*" + _Y)),
    ("as_of_date", re.compile(r"(?i:tính đến|tính tới|đến|tới|hết|đến hết|tính đến hết|thời điểm|ngày)\s+(?:ngày\s+)?(\d{1,2})/(\d{1,2})/" + _Y)),
    ("as_of_year_end", re.compile(r"(?i:đến cuối năm|cuối năm|đến hết năm|hết năm|tính đến cuối năm)\s+" + _Y)),
    ("year_start", re.compile(r"(?<![\wà-ỹ])(?i:đầu năm)(?:\s+" + _Y + r")?(?![\wà-ỹ])")),
    # A handover date that opens the sentence: "Ngày 16/1, đoàn công tác ... tặng 300 suất quà".
    ("day", re.compile(r"^(?:(?i:sáng|chiều|tối|trưa)\s+)?(?i:ngày)?\s*(\d{1,2})/(\d{1,2})(?:/" + _Y + r")?(?=\s*,)")),
    ("tet", re.compile(r"(?<![\wà-ỹ])(?i:tết)(?:\s+(?i:nguyên đán))?((?:\s+[A-ZÀ-ỸĐ][a-zà-ỹđ]+){0,2})(?:\s+" + _Y + r")?")),
    ("year", re.compile(r"(?<![\wà-ỹ])(?i:năm)\s+" + _Y)),
]


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None
    explicit: bool  # False: the publication-date default


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


def _period(kind: str, m: re.Match[str], published: date | None) -> Period | None:
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
        year = int(m.group(2)) if m.group(2) else (pub.year if pub else None)
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
        year = int(m.group(1)) if m.group(1) else (pub.year if pub else None)
        if year is None:
            return None
        return Period(date(year, 1, 1), date(year, 1, 1), True)
    if kind == "day":
        year = int(m.group(3)) if m.group(3) else (pub.year if pub else None)
        if year is None:
            return None
        try:
            d = date(year, int(m.group(2)), int(m.group(1)))
        except ValueError:
            return None
        if pub and d > pub and not m.group(3):
            d = date(year - 1, d.month, d.day)  # "ngày 28/12" in a January paper is last December
        return Period(d, d, True)
    if kind == "since_start_of_year":
        year = int(m.group(1)) if m.group(1) else (pub.year if pub else None)
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
        year = int(m.group(2)) if m.group(2) else (pub.year if pub else None)
        if q is None or year is None:
            return None
        return Period(date(year, 3 * q - 2, 1), _month_end(year, 3 * q), True)
    if kind == "months_of_year":
        n = int(m.group(1))
        stated = m.group(2) if m.re.groups >= 2 else None
        year = int(stated) if stated else (pub.year if pub else None)
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
    if kind == "as_of_year_end":
        d = _year_end(int(m.group(1)))
        return Period(d, d, True)
    if kind == "tet":
        year = _tet_year(m.group(1), m.group(2), pub)
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


def time_expressions(sentence: str, published: date | None) -> list[TimeExpression]:
    """Non-overlapping time expressions of a sentence, the longest first where they overlap."""
    found: list[TimeExpression] = []
    for kind, pattern in _PATTERNS:
        for m in pattern.finditer(sentence):
            if any(e.start < m.end() and m.start() < e.end for e in found):
                continue
            period = _period(kind, m, published)
            if period is not None:
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
    figures = sorted(other_figures + [figure])

    def previous_figure_end(pos: int) -> int | None:
        ends = [e for s, e in figures if e <= pos]
        return max(ends) if ends else None

    def clause_start(pos: int) -> int:
        cut = max(sentence.rfind(";", 0, pos), sentence.rfind(":", 0, pos))
        return cut + 1

    # 1. An expression that trails this figure: after it, with no other figure between, in its clause.
    #    A stated handover date that opens the sentence wins over "dịp Tết" (facts.md "Tết").
    for e in exprs:
        if e.start >= f_end and previous_figure_end(e.start) == f_end:
            between = sentence[f_end : e.start]
            if ";" not in between and len(between) <= 80:
                stated_day = next((d for d in exprs if d.kind == "day" and d.end <= f_start), None)
                return stated_day.period if e.kind == "tet" and stated_day else e.period
    # 2. The nearest expression before the figure that leads its clause (trails no other figure)
    #    or opens the sentence.
    for e in reversed(exprs):
        if e.end > f_start:
            continue
        prev = previous_figure_end(e.start)
        trails_a_figure = prev is not None and ";" not in sentence[prev : e.start] and e.start - prev <= 80
        if trails_a_figure:
            continue
        opens_sentence = e.start <= 3 or sentence[: e.start].strip(" ,") == ""
        if opens_sentence or e.start >= clause_start(f_start):
            return e.period
    return inherited or default_period(published)


# "Trong đó", "Cụ thể", "Riêng": the sentence breaks down the one before it, in its time frame.
_CONTINUES = re.compile(r"^(?:Trong đó|Trong số (?:này|đó)|Cụ thể|Riêng|Đáng chú ý|Ngoài ra|Bên cạnh đó)\b", re.I)


def sentence_frame(sentence: str, published: date | None, expressions: list[TimeExpression],
                   previous: Period | None) -> Period | None:
    """The time frame a sentence sets for all its figures: an expression that opens it, or, for a
    sentence that continues the one before ("Trong đó, ..."), that sentence's frame."""
    for e in expressions:
        # Opening the sentence, perhaps after a preposition: "Trong 6 tháng đầu năm 2019, ...".
        if re.fullmatch(r"\s*(?:[\wÀ-ỹ]+\s+){0,2}", sentence[: e.start]):
            return e.period
    if previous is not None and _CONTINUES.match(sentence.strip()):
        return previous
    return None
