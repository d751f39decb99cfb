"""Paragraphs and sentences with their offsets in the article text.

A regex splitter was measured equal to underthesea's on the seed article (26 sentences) and it
also splits after "…"; abbreviations that end in a dot (TP., TT., PGS.) do not end a sentence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ABBREVIATIONS = re.compile(
    r"(?:\b(?:TP|Tp|TT|TX|Q|P|TS|ThS|PGS|GS|BS|KS|Th|St|Mr|Mrs|Ms|Dr|v\.v|Nxb|tr)|\b[A-ZĐ])\.$"
)
# A match of _ABBREVIATIONS is at most 4 characters ("PGS.") and \b reads one before it: the
# last 5 characters before a sentence end decide, not the whole sentence (searching all of it
# for each "." tried every position of the sentence).
_ABBREVIATION_TAIL = 5
_END = re.compile(r"[.!?…]+[\"”’)]*\s+(?=[\"“‘(]?[A-ZÀ-ỸĐ0-9])")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str
    paragraph: int  # index of the paragraph the sentence belongs to


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks separated by line breaks."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        if m.group().strip():
            spans.append(m.span())
    return spans


def split_sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    for p_index, (p_start, p_end) in enumerate(paragraphs(text)):
        start = p_start
        for m in _END.finditer(text, p_start, p_end):
            if _ABBREVIATIONS.search(text[max(start, m.start() + 1 - _ABBREVIATION_TAIL) : m.start() + 1]):
                continue
            out.append(_sentence(text, start, m.start() + len(m.group().rstrip()), p_index))
            start = m.end()
        if start < p_end:
            out.append(_sentence(text, start, p_end, p_index))
    return [s for s in out if s.text]


def _sentence(text: str, start: int, end: int, paragraph: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end, text[start:end], paragraph)
