"""An article read as a whole: headline -> lead -> paragraphs -> sentences.

Reporting states place and time once and means them for many figures (facts.md "Frames"): in
the headline, the lead, the opening words of a paragraph, the heading of a list or table. This
module finds the blocks that can frame the rest; ``extract.facts`` walks the sentences and keeps
the frames (``periods.Frame``), ``extract.areas`` the places.

A headline is the first short line of the page that reads as a title (several words, no full
stop, not a date line); the lead is the first paragraph after it that reads as prose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import islice

from extract.pages import HEADER_COUNT, HEADER_UNIT  # the column headers an HTML table has too
from extract.sentences import paragraphs

_DATE_ONLY = re.compile(r"^[\W\d]*(?:(?:thứ\s+\S+|chủ nhật|ngày|ngày đăng|cập nhật)[\W\d]*)*$", re.I)
_WORD = re.compile(r"[^\W\d_]+")
_VIETNAMESE = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.I)
# How far down a page its headline may stand (chrome lines come first on some pages).
_HEADLINE_WITHIN = 8
_CAPTION = re.compile(r"(?:^|[\s.(])\(?Ảnh\s*:", re.I)
_LEAD_MIN_WORDS = 6


def _count(pattern: re.Pattern[str], text: str, up_to: int) -> int:
    """How many matches of ``pattern`` ``text`` has, counted up to ``up_to`` (paragraphs are
    long, and only whether they reach a few words is asked)."""
    return sum(1 for _ in islice(pattern.finditer(text), up_to))


def _reads_as_title(line: str) -> bool:
    return (
        len(line) <= 250  # the cheap tests first
        and not line.rstrip().endswith((".", ":", ";", ","))
        and 4 <= _count(_WORD, line, 41) <= 40
        and not _DATE_ONLY.match(line)
        and _count(_VIETNAMESE, line, 2) >= 2
        and not _CAPTION.search(line)
    )


@dataclass(frozen=True)
class Layout:
    """Offsets of the headline and the lead in an article text (None where there is none)."""

    headline: tuple[int, int] | None
    lead: tuple[int, int] | None
    headline_text: str | None = None

    @classmethod
    def of(cls, text: str) -> Layout:
        spans = paragraphs(text)
        headline = None
        for a, b in spans[:_HEADLINE_WITHIN]:
            if _reads_as_title(text[a:b].strip()):
                headline = (a, b)
                break
        lead = None
        after = headline[1] if headline else 0
        for a, b in spans:
            if a >= after and _count(_WORD, text[a:b], _LEAD_MIN_WORDS) >= _LEAD_MIN_WORDS and not _CAPTION.search(text[a:b]):
                lead = (a, b)
                break
        return cls(headline, lead, text[headline[0]:headline[1]].strip() if headline else None)

    def headline_and_lead(self, text: str) -> str:
        return "\n".join(text[span[0]:span[1]] for span in (self.headline, self.lead) if span)

    def in_headline(self, pos: int) -> bool:
        return self.headline is not None and self.headline[0] <= pos < self.headline[1]

    def in_lead(self, pos: int) -> bool:
        return self.lead is not None and self.lead[0] <= pos < self.lead[1]


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def reference_year(text: str, published: date | None) -> int | None:
    """The year that relative times ("6 tháng đầu năm", "ngày 30/9") are read in: the
    publication's, else the latest year the article names (the page lost its date line)."""
    if published:
        return published.year
    years = [int(y) for y in _YEAR.findall(text) if 1990 <= int(y) <= date.today().year]
    return max(years) if years else None


# ---------------------------------------------------------------- tables flattened one cell per line

_CELL_MAX_CHARS = 60
_NUMERIC_CELL = re.compile(r"^[\d.,\s]+%?$")
_ORDINAL = re.compile(r"^\d{1,2}$")
_LABEL_HEADERS = re.compile(r"^(?:s?tt|số tt|đơn vị|tên đơn vị|địa phương|địa bàn|huyện|xã|phường|tỉnh|huyện, thành phố|huyện/thành phố|huyện, thị xã, thành phố)$", re.I)
_MIN_ROWS = 2


def _is_cell(p: str) -> bool:
    return len(p) <= _CELL_MAX_CHARS and len(p.split()) <= 8 and not p.rstrip().endswith((".", ";", ":"))


def _column_names(header: list[str], n: int) -> list[tuple[str, str]] | None:
    """(name, unit) of each of the n value columns, from a header read cell by cell; a header of
    two rows ("Hộ nghèo" over "Số lượng (hộ)", "Tỉ lệ (%)") names each leaf after its group."""
    # A date line or a page number before the table is no column.
    cells = [c for c in header if not _LABEL_HEADERS.match(c.strip()) and not re.search(r"\d", c)]

    def leaf(cell: str, group: str = "") -> tuple[str, str]:
        m = HEADER_UNIT.match(cell)
        name, unit = (m["name"], m["unit"]) if m else (cell, "")
        if group:
            name = f"{name} {group[:1].lower()}{group[1:]}"
        if not unit and (counted := HEADER_COUNT.match(name)):
            unit = counted["noun"]
        return name.strip(), unit.strip()

    if len(cells) == n:
        return [leaf(c) for c in cells]
    groups = len(cells) - n
    if groups <= 0:
        return None
    for per_group in range(2, n + 1):
        singles = n - groups * per_group
        if singles < 0:
            break
        leaves = cells[singles + groups:]
        if len(leaves) != groups * per_group:
            continue
        names = [leaf(c) for c in cells[:singles]]
        for g in range(groups):
            names += [leaf(c, cells[singles + g]) for c in leaves[g * per_group:(g + 1) * per_group]]
        return names
    return None


def _read_flat_table(cells: list[str]) -> tuple[list[str], int] | None:
    """Rows of a table flattened one cell per line, each as one sentence ("Huyện A: Số lượng hộ
    nghèo 707 hộ; Tỉ lệ hộ nghèo 1,27%."), or None when the cells do not read as a table."""
    first_value = next((i for i, c in enumerate(cells) if _NUMERIC_CELL.match(c) and not _ORDINAL.match(c)), None)
    if first_value is None or first_value < 2:
        return None
    header = cells[: first_value - 1]
    rows: list[tuple[str, list[str]]] = []
    i = first_value - 1
    consumed = i
    while i < len(cells):
        label, values = cells[i], []
        i += 1
        while i < len(cells) and _NUMERIC_CELL.match(cells[i]):
            values.append(cells[i])
            i += 1
        if values and _ORDINAL.match(values[-1]) and i < len(cells):
            values.pop()  # the next row's number ("1", "2", ...)
        if _NUMERIC_CELL.match(label) or not values:
            break  # the table ends: what follows is not a row
        rows.append((label, values))
        consumed = i
    widths = {len(v) for _, v in rows}
    if len(rows) < _MIN_ROWS or len(widths) != 1:
        return None
    columns = _column_names(header, widths.pop())
    if columns is None:
        return None
    out = []
    for label, values in rows:
        parts = []
        for (name, unit), value in zip(columns, values):
            unit_text = "%" if unit == "%" and not value.endswith("%") else (f" {unit}" if unit and unit != "%" else "")
            parts.append(f"{name} {value}{unit_text}")
        out.append(f"{label}: " + "; ".join(parts) + ".")
    return out, consumed


def linearize_flat_tables(paragraphs: list[str]) -> list[str]:
    """Paragraphs with every run of one-cell lines that reads as a table replaced by one
    sentence per row, so that each cell keeps its row's place and its column's metric and unit
    (as pages.py does for an HTML <table>)."""
    out: list[str] = []
    i = 0
    while i < len(paragraphs):
        j = i
        while j < len(paragraphs) and _is_cell(paragraphs[j].strip()):
            j += 1
        run = [k for k in range(i, j) if paragraphs[k].strip()]
        table = _read_flat_table([paragraphs[k].strip() for k in run]) if len(run) >= 8 else None
        if table:
            rows, consumed = table
            out.extend(rows)
            # what followed the last row (an ordinal consumed as a value aside) is read as text
            i = run[consumed - 1] + 1 if consumed < len(run) else j
        else:
            out.append(paragraphs[i])
            i += 1
    return out
