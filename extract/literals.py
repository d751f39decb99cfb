"""The words a regular expression cannot match without, read from the expression itself.

text -> facts tries every rule of a figure's unit on up to four windows of its sentence, and most
rules name words the sentence does not hold. A rule whose required words are all absent from the
sentence (case-folded) cannot match any window of it, so it need not be tried: the same reading,
at a fraction of the regex work. Only what is certain is required: literal runs of the
expression's top-level sequence, groups that must match, one of a branch's alternatives.
"""

from __future__ import annotations

import itertools
import re

try:  # Python's own regex parser (3.11+); private, so its absence only turns the gates off
    from re import _constants as C  # noqa: PLC2701
    from re import _parser  # noqa: PLC2701
except ImportError:  # pragma: no cover - another Python: every rule is tried, as before
    C = _parser = None

# Literal runs shorter than this are no useful gate ("a", "đ").
MIN_LITERAL = 2


def lowered(text: str) -> str | None:
    """``text`` lower-cased character for character, so that a word (?i) finds in ``text`` is
    found as a plain literal at the same place; None if lower-casing changed the length.
    (The regex engine scans fast for the first letters of plain literals; under (?i), or behind a
    lookaround, it tries the whole pattern at every character.)"""
    # (?i) takes "İ" and "ı" for i and "ſ" for s, which lower() turns into two characters or keeps.
    text_lowered = text.replace("İ", "I").lower().replace("ı", "i").replace("ſ", "s")
    return text_lowered if len(text_lowered) == len(text) else None


def holds(folded: str, requirements: tuple[tuple[str, ...], ...]) -> bool:
    """Whether ``folded`` (a text's fold) meets every requirement: holds one of the words of
    each (plain loops: this runs for every pattern on every sentence, and generator expressions
    cost more than the test)."""
    for words in requirements:
        for w in words:
            if w in folded:
                break
        else:
            return False
    return True


def required_words(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Case-folded strings of which a match of ``pattern`` contains at least one, or None when
    no such set is known. Sound: whenever the pattern matches in a text, one of them occurs in
    the text's case fold."""
    if _parser is None:
        return None
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an expression the parser reads otherwise: no gate
        return None
    return _of_sequence(list(tree))


def fold(text: str) -> str:
    """A text as required words are compared with it: case-folded, and what (?i) takes for an i
    that case folding does not make one (ı, and İ folded to i + a combining dot) made i."""
    folded = text.casefold()
    if "ı" in folded or "\u0307" in folded:
        folded = folded.replace("ı", "i").replace("i\u0307", "i")
    return folded


def required_word_sets(pattern: re.Pattern[str]) -> tuple[tuple[str, ...], ...]:
    """Every requirement of ``pattern`` that required_words chooses from, each a tuple of
    case-folded strings one of which a match contains, shortest ones too (a "-" between two
    years): a text that lacks any one of them cannot hold a match. () when none is known."""
    if _parser is None:
        return ()
    try:
        tree = _parser.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - an expression the parser reads otherwise: no gate
        return ()
    return tuple(o for o in _options(list(tree)) if o and all(o))


def _best(options: list[tuple[str, ...]]) -> tuple[str, ...] | None:
    """Of several requirements (each alone is necessary), the most selective: the one whose
    shortest alternative is longest."""
    options = [o for o in options if o and min(map(len, o)) >= MIN_LITERAL]
    return max(options, key=lambda o: (min(map(len, o)), -len(o)), default=None)


def _of_sequence(items: list) -> tuple[str, ...] | None:
    return _best(_options(items))


# A branch whose alternatives each have several requirements yields one for every way of taking
# one requirement of each alternative (what a match holds is one of their words), up to this many.
_MAX_BRANCH_OPTIONS = 16


def _branch_options(alternatives: list[list]) -> list[tuple[str, ...]]:
    """What a branch requires: ``(lũ|bão)…(hỗ trợ|chi trả)|(hỗ trợ|chi trả)…(lũ|bão)`` requires
    one of the help words and, as well, one of the storm words. The union of each alternative's
    best requirement first (what ``_best`` chose before the others were read), then the other
    combinations; none when an alternative requires nothing."""
    per_alternative = []
    for alternative in alternatives:
        usable = [o for o in _options(alternative) if o and min(map(len, o)) >= MIN_LITERAL]
        if not usable:
            return []
        best = _best(usable)
        per_alternative.append([best] + [o for o in usable if o != best])
    combinations = 1
    for usable in per_alternative:
        combinations *= len(usable)
    chosen = itertools.product(*per_alternative) if combinations <= _MAX_BRANCH_OPTIONS else [
        [usable[0] for usable in per_alternative]]
    options = []
    for combination in chosen:
        union = tuple(dict.fromkeys(word for option in combination for word in option))
        if union not in options:
            options.append(union)
    return options


def _options(items: list) -> list[tuple[str, ...]]:
    """What a sequence requires: each option is a tuple of strings one of which a match holds."""
    options: list[tuple[str, ...]] = []
    run: list[str] = []

    def close() -> None:
        if run:
            options.append(("".join(run).casefold(),))
            run.clear()

    for op, av in items:
        if op is C.LITERAL:
            run.append(chr(av))
            continue
        close()
        if op is C.SUBPATTERN:
            sub = _of_sequence(list(av[-1]))
            if sub:
                options.append(sub)
        elif op is C.BRANCH:
            options.extend(_branch_options([list(branch) for branch in av[1]]))
        elif op in (C.MAX_REPEAT, C.MIN_REPEAT, C.POSSESSIVE_REPEAT) and av[0] >= 1:
            sub = _of_sequence(list(av[2]))
            if sub:
                options.append(sub)
        elif op is C.ATOMIC_GROUP:
            sub = _of_sequence(list(av))
            if sub:
                options.append(sub)
        elif op is C.IN and all(o is C.LITERAL for o, _ in av):
            # A class of plain characters ("[-–]"): one of them. Too short for _best.
            options.append(tuple(dict.fromkeys(chr(c).casefold() for _, c in av)))
        # Anything else (other classes, anchors, lookarounds, optional parts) requires nothing certain.
    close()
    return options
