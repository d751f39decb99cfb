"""Sentences and their offsets (extract/sentences.py)."""

from __future__ import annotations

import re

from extract.numbers import normalize_text
from extract.sentences import _ABBREVIATIONS, _END, paragraphs, split_sentences
from tests.conftest import FIXTURES


def test_split_sentences_keeps_an_abbreviation_inside_when_its_dot_is_followed_by_a_capital():
    text = "Đoàn do PGS. TS. Lê Văn B. Hùng dẫn đầu đến TP. Vinh. Đoàn tặng 30 suất quà!\nHết."
    assert [s.text for s in split_sentences(text)] == [
        "Đoàn do PGS. TS. Lê Văn B. Hùng dẫn đầu đến TP. Vinh.", "Đoàn tặng 30 suất quà!", "Hết."]
    assert [s.paragraph for s in split_sentences(text)] == [0, 0, 1]


def _whole_sentence_split(text: str) -> list[tuple[int, int]]:
    """The splitter as it was: each candidate end checked against the whole sentence before it."""
    out = []
    for p_start, p_end in paragraphs(text):
        start = p_start
        for m in _END.finditer(text, p_start, p_end):
            if _ABBREVIATIONS.search(text[start : m.start() + 1]):
                continue
            out.append((start, m.start() + len(m.group().rstrip())))
            start = m.end()
        if start < p_end:
            out.append((start, p_end))
    return out


def test_split_sentences_is_the_same_when_only_the_end_of_a_sentence_is_read_for_abbreviations():
    texts = [normalize_text(p.read_text(encoding="utf-8")) for p in sorted((FIXTURES / "devset").glob("*.txt"))]
    texts.append("Ông A. Bình, v.v. Nam. Mrs. Lan. ThS. Hà. X. Y. Z. Q. 5 hộ. Nxb. Kim Đồng. tr. 5. HTX. Mới. Mã XPGS. Lan. AThS. Hà.")
    for text in texts:
        expected = []
        for start, end in _whole_sentence_split(text):
            while start < end and text[start].isspace():
                start += 1
            while end > start and text[end - 1].isspace():
                end -= 1
            if start < end:
                expected.append((start, end))
        assert [(s.start, s.end) for s in split_sentences(text)] == expected
    assert len(re.findall(r"\.", texts[-1])) > len(split_sentences(texts[-1]))  # abbreviations were kept
