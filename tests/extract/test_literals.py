"""The required words of a pattern (extract/literals.py) gate which rules are tried; a gate that
is wrong would change facts silently, so it is checked against the patterns' own matches."""

from __future__ import annotations

import re

import pytest

from extract.literals import required_words


@pytest.mark.parametrize(
    "pattern,expected",
    [
        (r"hộ nghèo", ("hộ nghèo",)),
        (r"(?:BHYT|bảo hiểm y tế)", ("bhyt", "bảo hiểm y tế")),
        (r"¤\s*(?:so với\s+)?cùng kỳ", ("cùng kỳ",)),
        (r"vay.{0,40}(?:học sinh|sinh viên)", ("học sinh", "sinh viên")),
        (r"(?:hộ )?nghèo", ("nghèo",)),  # the optional part requires nothing
        (r".", None),
        (r"\d+|tỷ", None),  # one alternative requires no word: no gate
    ],
    ids=["literal", "branch", "after optional", "longest of the sequence", "optional group", "any", "open branch"],
)
def test_required_words_are_what_every_match_contains_when_pattern_is_read(pattern, expected):
    assert required_words(re.compile(pattern, re.I)) == expected


def test_required_words_occur_in_the_case_fold_of_every_match_when_rules_match_dev_set_sentences():
    from extract.facts import GROUP_PATTERNS, RULES, _fold
    from extract.numbers import normalize_text
    from extract.sentences import split_sentences
    from tests.conftest import FIXTURES

    sentences = [s.text for p in sorted((FIXTURES / "devset").glob("*.txt"))
                 for s in split_sentences(normalize_text(p.read_text(encoding="utf-8")))]
    sentences += ["HỘ NGHÈO", "Bảo Hiểm Y Tế", "THẺ BHYT ĐÃ CẤP"]
    patterns = [r.pattern for r in RULES] + [p for _, p in GROUP_PATTERNS]
    matched = 0
    for pattern in patterns:
        words = required_words(pattern)
        if words is None:
            continue
        for sentence in sentences:
            m = pattern.search(sentence)
            if m:
                matched += 1
                assert any(w in _fold(m.group()) for w in words), (pattern.pattern, m.group())
    assert matched > 200  # the check saw many matches


def test_extract_facts_gives_the_same_facts_when_rules_are_tried_without_their_gates(monkeypatch, gazetteer):
    import extract.facts as facts
    from tests.conftest import FIXTURES

    texts = [p.read_text(encoding="utf-8") for p in sorted((FIXTURES / "devset").glob("*.txt"))]
    gated = [facts.extract_facts(t, None, None, gazetteer) for t in texts]
    monkeypatch.setattr(facts, "_may_match", lambda rule, folded: True)
    monkeypatch.setattr(facts, "_live", lambda gated, folded: [item for item, _ in gated])
    assert gated == [facts.extract_facts(t, None, None, gazetteer) for t in texts]
    assert sum(map(len, gated)) > 100


@pytest.mark.parametrize(
    "pattern,expected",
    [
        (r"(?i:giai đoạn)?\s*(19|20)\d{2}\s*[-–]\s*(19|20)\d{2}", (("19", "20"), ("-", "–"), ("19", "20"))),
        (r"(?i:từ|kể từ)\s+năm\s+(\d+)", (("từ", "kể từ"), ("năm",))),
        (r"[^-–]\d", ()),  # a negated class requires none of its characters
        (r"(?:hộ )?nghèo|\d", ()),  # an alternative that requires nothing: no requirement
    ],
    ids=["year range", "words in sequence", "negated class", "open branch"],
)
def test_required_word_sets_are_every_requirement_of_a_match_when_pattern_is_read(pattern, expected):
    from extract.literals import required_word_sets

    assert required_word_sets(re.compile(pattern)) == expected


def test_a_branch_requires_one_requirement_of_each_alternative_when_they_have_several():
    from extract.literals import required_word_sets

    # Help and a storm in either order: both are required, and their union too.
    sets = required_word_sets(re.compile(r"(?:cứu trợ|tiếp tế)[^.]{0,30}(?:bão|lụt)|(?:bão|lụt)[^.]{0,30}(?:cứu trợ|tiếp tế)"))
    assert ("cứu trợ", "tiếp tế") in sets and ("bão", "lụt") in sets
    assert all(set(ws) <= {"cứu trợ", "tiếp tế", "bão", "lụt"} for ws in sets)
    # An alternative that requires nothing leaves the branch without a requirement.
    assert required_word_sets(re.compile(r"(?:cứu trợ)[^.]*bão|\d+")) == ()


def test_every_required_word_set_occurs_in_the_case_fold_of_every_match_when_rules_match_dev_set_sentences():
    from extract.facts import GROUP_PATTERNS, RULES, _fold
    from extract.literals import required_word_sets
    from extract.numbers import normalize_text
    from extract.sentences import split_sentences
    from tests.conftest import FIXTURES

    sentences = [s.text for p in sorted((FIXTURES / "devset").glob("*.txt"))
                 for s in split_sentences(normalize_text(p.read_text(encoding="utf-8")))]
    matched = 0
    for pattern in [r.pattern for r in RULES] + [p for _, p in GROUP_PATTERNS]:
        sets = required_word_sets(pattern)
        for sentence in sentences:
            for m in pattern.finditer(sentence):
                matched += 1
                folded = _fold(m.group())
                assert all(any(w in folded for w in ws) for ws in sets), (pattern.pattern, m.group(), sets)
    assert matched > 200


def test_a_rule_needing_two_kinds_of_word_is_gated_off_where_the_sentence_has_one_kind():
    import extract.facts as facts

    rule = re.compile(r"(?:cứu trợ|tiếp tế)[^.]{0,30}(?:bão|lụt)|(?:bão|lụt)[^.]{0,30}(?:cứu trợ|tiếp tế)", re.I)
    assert not facts._may_match(rule, facts._fold("Xã đã cứu trợ 120 hộ nghèo."))
    assert facts._may_match(rule, facts._fold("Sau bão, xã đã cứu trợ 120 hộ."))
    assert facts._may_match(rule, facts._fold("Tiếp tế cho 40 hộ bị LỤT."))


def test_fold_makes_i_what_ignorecase_takes_for_i_when_text_has_dotted_or_dotless_i():
    from extract.literals import fold

    assert fold("NİÊN HỌC, nıên khóa, ſố") == "niên học, niên khóa, số"
    assert re.search(r"(?i:niên học)", "NİÊN HỌC") and re.search(r"(?i:niên)", "nıên")


def test_rules_gated_off_in_a_sentence_match_none_of_its_figures_windows_when_dev_set_is_read():
    # Rules are gated by the words of a figure's sentence but matched in windows that put " ¤ "
    # where the figure is: a gate must hold wherever its rule matches a window.
    import extract.facts as facts
    from extract.numbers import find_numbers, normalize_text
    from extract.sentences import split_sentences
    from tests.conftest import FIXTURES

    patterns = [r for r in facts.RULES if r.pattern.pattern != "."] + [p for _, p in facts.GROUP_PATTERNS]
    matched = 0
    for path in sorted((FIXTURES / "devset").glob("*.txt")):
        text = normalize_text(path.read_text(encoding="utf-8"))
        numbers = find_numbers(text)
        for sentence in split_sentences(text):
            nums = [n for n in numbers if sentence.start <= n.start < sentence.end]
            for c in facts._candidates(text, sentence, nums) if nums else []:
                for window in facts._windows(text, c, nums):
                    for rule in patterns:
                        if (rule.pattern if isinstance(rule, facts.Rule) else rule).search(window):
                            matched += 1
                            assert facts._may_match(rule, c.reading.folded), (getattr(rule, "metric", rule), window)
    assert matched > 500  # the check saw many matches


def test_gate_words_leave_out_the_figure_mark_and_its_spaces_when_a_rule_reads_across_it():
    from extract.facts import _as_in_sentence

    assert _as_in_sentence(("tổng ", "hộ nghèo ¤ năm")) == ("tổng", "hộ nghèo")
    assert _as_in_sentence((" ¤ ",)) is None  # nothing of it is sure to be in the sentence
