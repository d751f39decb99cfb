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

from extract.sentences import paragraphs

_DATE_ONLY = re.compile(r"^[\W\d]*(?:(?:thứ\s+\S+|chủ nhật|ngày|ngày đăng|cập nhật)[\W\d]*)*$", re.I)
_WORD = re.compile(r"[^\W\d_]+")
_VIETNAMESE = re.compile(r"[ăâđêôơưàảãáạằẳẵắặầẩẫấậèẻẽéẹềểễếệìỉĩíịòỏõóọồổỗốộờởỡớợùủũúụừửữứựỳỷỹýỵ]", re.I)
# How far down a page its headline may stand (chrome lines come first on some pages).
_HEADLINE_WITHIN = 8
_CAPTION = re.compile(r"(?:^|[\s.(])\(?Ảnh\s*:", re.I)
_LEAD_MIN_WORDS = 6


def _reads_as_title(line: str) -> bool:
    words = _WORD.findall(line)
    return (
        4 <= len(words) <= 40
        and len(line) <= 250
        and not line.rstrip().endswith((".", ":", ";", ","))
        and not _DATE_ONLY.match(line)
        and len(_VIETNAMESE.findall(line)) >= 2
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
            if a >= after and len(_WORD.findall(text[a:b])) >= _LEAD_MIN_WORDS and not _CAPTION.search(text[a:b]):
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
