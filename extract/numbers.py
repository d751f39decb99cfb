"""Vietnamese figures in text -> normalised numbers.

Vietnamese writes "1.000" for a thousand and "3,34" for 3.34; papers also print the stray
English style ("1,588,505", "92.21%"), scale words ("58 nghìn", "5,5 nghìn tỷ", "3 tỷ 714 triệu"),
leading zeros ("06 tỷ") and now and then number words ("hai trăm hộ"). This module finds such
figures and their values. It knows nothing about what a figure measures: that is facts.py.

Numbers that are never statistics (dates, times, years, legal document numbers, phone numbers,
ages, ordinals, durations) are masked first, so that their digits can never become figures.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from extract import literals

SCALES: dict[str, Decimal] = {
    "nghìn": Decimal(10) ** 3,
    "ngàn": Decimal(10) ** 3,
    "vạn": Decimal(10) ** 4,
    "triệu": Decimal(10) ** 6,
    "tr": Decimal(10) ** 6,
    "tỷ": Decimal(10) ** 9,
    "tỉ": Decimal(10) ** 9,
}

# "tỷ lệ" is "rate", "tỷ trọng" is "share": there "tỷ" is no scale.
_SCALE_WORD = r"(?:nghìn|ngàn|vạn|triệu|tỷ|tỉ|tr\.?)(?!\s+(?:lệ|trọng)\b)(?![\wà-ỹ])"
_SCALE_RE = re.compile(rf"\s*((?:{_SCALE_WORD})(?:\s+(?:{_SCALE_WORD}))?)", re.IGNORECASE)
_CURRENCY_RE = re.compile(r"\s*(đồng|đ(?![\wà-ỹ])|vnđ|vnd|tr\.?đ)", re.IGNORECASE)
_PERCENT_RE = re.compile(r"\s?(%|phần trăm)", re.IGNORECASE)

# Digit forms, most specific first. Each alternative is interpreted by _parse_digits.
_DIGITS = (
    r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?"  # English thousands: 1,588,505
    r"|\d{1,3}(?:\.\d{3})+(?:,\d+)?"  # Vietnamese thousands: 2.758.926 / 12.660 / 1.000,5
    r"|\d+,\s\d{1,2}(?=\s?%)"  # a stray space after the decimal comma: "14, 5%"
    r"|\d+,\d+"  # Vietnamese decimal: 3,34
    r"|\d+\.\d{1,2}(?!\d)"  # English decimal where it cannot be thousands: 92.21
    r"|\d+"
)
# Not inside a word or another number; a letter may follow only as a glued scale word ("18tỷ").
# (?=\d) first: a figure starts with a digit, and the lookbehind is then tried only there.
_NUMBER_RE = re.compile(rf"(?=\d)(?<![\w.,:-])((?>{_DIGITS}))(?![.,]?\d)")

_LETTER = r"[A-Za-zÀ-ỹĐđ]"

# Spans whose digits are never figures. Order does not matter: all are masked. A mask begins
# either with a digit or sign, or with a word (matched in any case); the two kinds are found
# apart (see _mask_matches), so a word mask is written with _word_mask, which notes its words.
# "\d++" (possessive): where what follows cannot begin with a digit, giving digits back cannot
# help, and trying it at every place of a long figure cost time.
_FIXED_DIGIT_MASKS = [
    r"\d{1,2}[:h]\d{2}(?::\d{2})?(?!\d)",  # times 04:05, 8h30
    r"(?<!\d)\d{1,2}/\d{1,2}/\d{2,4}(?!\d)",  # dates 15/05/2017
    r"(?<![\d.,])\d{1,2}/\d{1,2}(?![\d/])(?!\s*(?:hộ|người|xã|lượt))",  # day/month 30/4 (not a fraction of counts)
    r"(?<!\d)\d{1,2}-\d{1,2}-\d{4}(?!\d)",
    r"(?<!\d)\d{1,2}\.\d{1,2}\.\d{4}(?!\d)",
    r"(?<!\d)(?:19|20)\d{2}\s*[-–]\s*(?:19|20)\d{2}(?!\d)",  # year ranges 2016-2020
    # Legal and document numbers: 136/2013/NĐ-CP, 822/QĐ-UBND, 05-CT/TW, 04-NQ/HU
    r"(?<![\w.])\d++(?:/\d{2,4})?[/-](?:[A-ZĐ]{1,}[-/]?)+[A-ZĐ0-9]*",
    # Phone and fax numbers: 0211.3862.xxx, 0238 3844 123, 1900 1234
    r"(?<!\d)(?:\(?\+?84\)?[\s.]?|0)\d{2,3}[\s.]?\d{3,4}[\s.]?\d{3,4}(?!\d)",
    r"(?<!\d)(?:1900|1800)[\s.]?\d{3,4}(?:[\s.]?\d{2,4})?(?!\d)",
]
# Masks that take a whole run of one class of characters (possessively), then what follows it.
# Such a mask that matches inside a run also matches from the run's first character, so past the
# place where a scan begins it is looked for only at the start of a run (_DIGIT_MASK_AT_RUN_START):
# trying it at every digit of a long run read the rest of the run each time (quadratic).
_RUN_MASKS = [  # (the run's class, what follows the run)
    (r"\d", r"\s*(?i:tuổi)"),  # ages
    (r"\d", r"\s+(?i:năm|tháng|ngày|tuần|giờ|phút|giây|buổi|kỳ)(?![\wà-ỹ])"),  # durations: 6 tháng, 5 năm qua
    (r"[\d.,]", r"\s*(?i:lượt (?:xem|truy cập|thích|chia sẻ)|bình luận|views?)"),
]
_DIGIT_MASKS = _FIXED_DIGIT_MASKS + [f"{run}++{rest}" for run, rest in _RUN_MASKS]
# Where a digit mask can begin: a digit, the "(" or "+" of a phone number, or the "." or "," of
# a view count (",5 lượt xem"); tests/extract/test_numbers.py checks it. Looking ahead for these
# first spares trying the alternatives at most places.
_DIGIT_MASK_START = r"[\d(+.,]"

_MASK_WORDS: list[str] = []  # lower case, every word a word mask may begin with


def _word_mask(words: str, rest: str, *, whole_word: bool = False) -> str:
    """A mask that begins with one of ``words`` ("a|b", lower case), in any case, then ``rest``."""
    _MASK_WORDS.extend(words.split("|"))
    return (r"(?<![\wà-ỹ])" if whole_word else "") + f"(?i:{words}){rest}"


_WORD_MASKS = [
    _word_mask("tháng", r"\s+\d{1,2}(?:\s*/\s*\d{4})?"),  # tháng 5, tháng 5/2017
    _word_mask("ngày", r"\s+\d{1,2}(?:\s*/\s*\d{1,2})?(?:\s*/\s*\d{2,4})?"),
    _word_mask("quý", r"\s+[IVX1-4]+(?:\s*/\s*\d{4})?"),
    _word_mask("năm|niên học|niên khóa|giai đoạn|nhiệm kỳ|mùa vụ|vụ", r"\s+\d{4}(?:\s*[-–]\s*\d{4})?"),
    _word_mask(
        "nghị định|quyết định|thông tư|chỉ thị|nghị quyết|công văn|kế hoạch số|kết luận|điều|khoản|chương|mục|luật|văn bản",
        r"\s+(?:số\s+)?\d+[\w/.-]*", whole_word=True,
    ),
    # "số 25/77" is an address or a document; "tổng số 969.930" and "doanh số 52,6 tỷ" are figures.
    _word_mask("số", r"\s+\d+/\d+[\w/.-]*", whole_word=True),
    _word_mask("lần thứ|thứ|khóa|khoá|đợt|tập|kỳ|số nhà|km|tầng|phòng|lô|top|hạng|phiên", r"\s+\d+"),
    _word_mask("lượt xem|lượt truy cập|lượt thích|lượt chia sẻ|lượt bình luận", r"[:\s]*[\d.,]+"),
    _word_mask("truy cập|đang online|online", r"[:\s]*[\d.,]+"),
]
_MASKS = _DIGIT_MASKS + _WORD_MASKS


def _alternation(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


_DIGIT_MASK_RE = re.compile(f"(?={_DIGIT_MASK_START})(?:{_alternation(_DIGIT_MASKS)})")
_DIGIT_MASK_AT_RUN_START = re.compile(
    f"(?={_DIGIT_MASK_START})(?:"
    + _alternation(_FIXED_DIGIT_MASKS + [f"(?<!{run}){run}++{rest}" for run, rest in _RUN_MASKS])
    + ")"
)
_WORD_MASK_RE = re.compile(_alternation(_WORD_MASKS))


def _word_tree(words: list[str]) -> str:
    """A regex of plain literals that matches any one of ``words``, written as a tree of their
    prefixes ("t(?:háng|hứ)", "s(?:ố(?: nhà)?)": the longer word first): the regex engine jumps
    to the next place that holds a first letter and there tries one branch per letter, not
    every word that begins with it."""
    rests_by_first: dict[str, list[str]] = {}
    for word in sorted(set(words)):
        rests_by_first.setdefault(word[0], []).append(word[1:])
    branches = []
    for first, rests in rests_by_first.items():
        longer = [rest for rest in rests if rest]
        if not longer:
            branches.append(re.escape(first))
        elif len(rests) == 1:
            branches.append(re.escape(first + rests[0]))
        else:  # "" in rests: a word that is the prefix of others ("số", "số nhà") is tried last
            branches.append(re.escape(first) + f"(?:{_word_tree(longer)})" + ("?" if "" in rests else ""))
    return "|".join(branches)


# Where a word mask may begin, looked for in the lower-cased text as plain literals ((?i) would
# try all ~50 words at nearly every letter, which made the masks a fifth of text -> facts): a
# mask word, then what every word mask has after its word, a digit, a Roman numeral, the "." or
# "," of a count, or "số" (_WORD_MASKS). tháng, ngày, năm stand in most sentences, mostly
# without a number after them, and each was tried for nothing.
_MASK_WORD_START = re.compile(f"(?:{_word_tree(_MASK_WORDS)})(?=[:\\s]*(?:[\\d.,ivx]|số))")
_MASK_RE = re.compile(_alternation(_MASKS))  # all masks at once: what _mask_matches must find

# A bare four-digit year is masked unless it counts something ("2016 hộ").
# The digits come first and the look behind after them (not before the first), so that the
# regex engine can jump from one "1" or "2" to the next instead of trying every place.
_YEAR_RE = re.compile(r"(?:19[5-9]|20[0-4])\d(?<![\d.,]\d{4})(?![\d.,]\d)")
_COUNT_NOUN_AFTER = re.compile(
    r"\s*(?:hộ|người|lượt|suất|thẻ|sổ|căn|ngôi|nhà|đối tượng|lao động|học sinh|trẻ|cháu|em|trường hợp|khách hàng|nhân khẩu|phần quà|tổ|xã|cụ)\b",
    re.IGNORECASE,
)

_WORD_DIGITS = {
    "một": 1, "mốt": 1, "hai": 2, "ba": 3, "bốn": 4, "tư": 4, "năm": 5, "lăm": 5,
    "sáu": 6, "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9,
}
_WORD_TOKENS = set(_WORD_DIGITS) | {"mười", "mươi", "linh", "lẻ", "trăm", "chục", "nghìn", "ngàn", "vạn", "triệu", "tỷ", "tỉ", "rưỡi", "rưởi"}
_WORD_NUMBER_RE = re.compile(
    # The lookahead (the words' first letters, ſ being what (?i) takes for s) spares the
    # alternation at most positions.
    r"(?<![\wà-ỹ])(?=[mMhHbBtTnNlLsScCvVrR\u017f])((?:(?:" + "|".join(sorted(_WORD_TOKENS, key=len, reverse=True)) + r")(?:\s+|(?=[^\wà-ỹ])|$))+)",
    re.IGNORECASE,
)
# A lone number word is too weak to be a figure ("một", "năm" = five or year), except these.
_LONE_NUMBER_WORDS = ("mười", "trăm")
# Where a word number that can be a figure may begin, in the lower-cased text (see
# _word_led_matches): two number words, or one of the lone ones. Most number words in a text
# stand alone ("năm 2020"), and trying the whole pattern at each of them was for nothing.
_NUMBER_WORD = f"(?:{_word_tree(list(_WORD_TOKENS))})"
_NUMBER_PHRASE_START = re.compile(
    _NUMBER_WORD + f"(?:{'|'.join(f'(?<={w})' for w in _LONE_NUMBER_WORDS)}|\\s+{_NUMBER_WORD})"
)
# Vague quantities are not values: "hàng trăm", "hàng nghìn", "vài chục", "mấy trăm".
_VAGUE_BEFORE = re.compile(r"(?:hàng|vài|mấy|dăm|nhiều|một vài)\s*$", re.IGNORECASE)
# A word number counts only when a counted noun or a money word follows it.
_WORD_NUMBER_NOUN_AFTER = re.compile(
    r"\s*(?:hộ|người|lượt|suất|thẻ|sổ|căn|ngôi|đối tượng|lao động|học sinh|trẻ|cháu|em|trường hợp|khách hàng|phần quà|tổ|đồng|cụ|gia đình)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NumberMention:
    """One figure as printed: its span covers the digits, the scale words and %, đồng."""

    start: int
    end: int
    text: str
    value: Decimal
    is_percent: bool
    is_money: bool
    has_scale: bool
    from_words: bool = False
    factor: Decimal = Decimal(1)  # the scale applied to the digits: a range's bare first end borrows it


def normalize_text(text: str) -> str:
    """NFC, and the non-breaking and odd spaces that pages carry turned into plain spaces.

    Offsets stay valid only if the length does not change, so each replacement is one character
    for one character; NFC may shorten decomposed text, which is why callers normalise once, first.
    """
    text = unicodedata.normalize("NFC", text)
    for odd in _ODD_SPACES:
        if odd in text:  # str.translate walked every character through a dict: slow on long texts
            text = text.replace(odd, " ")
    return text


_ODD_SPACES = ("\u00a0", "\u202f", "\u2009", "\u200b", "\ufeff")


_ENGLISH_THOUSANDS = re.compile(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?")
_VIETNAMESE_THOUSANDS = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")
_VIETNAMESE_DECIMAL = re.compile(r"\d+,\d+")


def parse_digits(raw: str) -> Decimal:
    """The value of one digit group as printed, by the rules in the module docstring."""
    s = raw.replace(" ", "")
    if _ENGLISH_THOUSANDS.fullmatch(s):
        return Decimal(s.replace(",", ""))
    if _VIETNAMESE_THOUSANDS.fullmatch(s):
        return Decimal(s.replace(".", "").replace(",", "."))
    if _VIETNAMESE_DECIMAL.fullmatch(s):
        return Decimal(s.replace(",", "."))
    try:
        return Decimal(s)
    except InvalidOperation as exc:  # the regex admits nothing else; this guards edits to it
        raise ValueError(f"not a number: {raw!r}") from exc


def parse_scale(words: str) -> Decimal:
    """'nghìn tỷ' -> 1e12, 'triệu' -> 1e6."""
    factor = Decimal(1)
    for word in words.lower().replace(".", "").split():
        factor *= SCALES[word]
    return factor


def parse_number_words(words: list[str]) -> Decimal | None:
    """'hai trăm' -> 200, 'mười lăm' -> 15, 'ba nghìn' -> 3000, 'năm nghìn tỷ' -> 5e12."""
    total = Decimal(0)  # finished groups (above a scale word)
    group = Decimal(0)  # the current group below the last scale word
    digit: int | None = None
    last_scale: Decimal | None = None
    for word in (w.lower() for w in words):
        if word in _WORD_DIGITS:
            if digit is not None:
                return None  # "hai ba" is no number
            digit = _WORD_DIGITS[word]
        elif word == "mười":
            group += 10
        elif word in ("mươi", "chục"):
            group += (digit if digit is not None else 1) * 10
            digit = None
        elif word in ("linh", "lẻ"):
            continue
        elif word in ("rưỡi", "rưởi"):
            # "một triệu rưỡi" = 1.5 million: half of the scale just named
            if last_scale is None:
                return None
            total += last_scale / 2
        elif word == "trăm":
            group += (digit if digit is not None else 1) * 100
            digit = None
        elif word in SCALES:
            scale = SCALES[word]
            chunk = group + (digit or 0)
            if chunk == 0 and total == 0:
                chunk = Decimal(1)
            if last_scale is not None and scale > last_scale:
                total = (total + chunk) * scale  # "năm nghìn tỷ": the scales multiply
            else:
                total += chunk * scale
            last_scale = scale
            group, digit = Decimal(0), None
        else:
            return None
    value = total + group + (digit or 0)
    return value if value > 0 else None


def masked_spans(text: str, lowered: str | None) -> list[tuple[int, int]]:
    """The spans of ``text`` that hold no figure; ``lowered`` is literals.lowered(text)."""
    spans = [m.span() for m in _mask_matches(text, lowered)]
    for m in _YEAR_RE.finditer(text):
        if not _COUNT_NOUN_AFTER.match(text, m.end()):
            spans.append(m.span())
    return spans


def _mask_matches(text: str, lowered: str | None) -> Iterator[re.Match[str]]:
    """What _MASK_RE.finditer(text) yields, found faster: digit masks by their own search, word
    masks only where the lower-cased text holds one of their words. A digit mask and a word mask
    never begin at the same place (their first characters differ), so taking the earlier of the
    two next matches, and searching again past it, is what the one alternation does."""
    if lowered is None:
        yield from _MASK_RE.finditer(text)
        return
    digit = _next_digit_mask(text, 0)
    word = _next_word_mask(text, lowered, 0)
    while digit or word:
        m = digit if word is None or (digit is not None and digit.start() < word.start()) else word
        yield m
        pos = m.end()  # no mask matches the empty string
        if digit is not None and digit.start() < pos:
            digit = _next_digit_mask(text, pos)
        if word is not None and word.start() < pos:
            word = _next_word_mask(text, lowered, pos)


def _next_digit_mask(text: str, pos: int) -> re.Match[str] | None:
    """_DIGIT_MASK_RE.search(text, pos): at ``pos`` a run mask may begin inside a run (the scan
    begins there); after it, one that begins inside a run would have matched at its start."""
    return _DIGIT_MASK_RE.match(text, pos) or _DIGIT_MASK_AT_RUN_START.search(text, pos + 1)


def _next_word_mask(text: str, lowered: str, pos: int) -> re.Match[str] | None:
    return next(_word_led_matches(_WORD_MASK_RE, _MASK_WORD_START, text, lowered, pos), None)


def _word_led_matches(
    pattern: re.Pattern[str], words: re.Pattern[str], text: str, lowered: str, pos: int = 0
) -> Iterator[re.Match[str]]:
    """pattern.finditer(text, pos), for a pattern whose every match begins with a match of
    ``words`` (plain literals) in ``lowered`` (see literals.lowered): it is tried only there."""
    while start := words.search(lowered, pos):
        m = pattern.match(text, start.start())
        if m:
            yield m
            pos = m.end()  # the patterns this is used for never match the empty string
        else:
            pos = start.start() + 1  # words overlap ("kế hoạch số"): the next may begin inside this one


class _SpanSet:
    """Spans, for "does [start, end) overlap any of them?" in log time: the spans are merged
    into disjoint sorted intervals once (a page's text has thousands of masked spans and of
    numbers; scanning them all for each number made find_numbers quadratic)."""

    def __init__(self, spans: list[tuple[int, int]]) -> None:
        merged: list[list[int]] = []
        for s, e in sorted(sp for sp in spans if sp[0] < sp[1]):
            if merged and s <= merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], e)
            else:
                merged.append([s, e])
        self._starts = [s for s, _ in merged]
        self._ends = [e for _, e in merged]

    def overlaps(self, start: int, end: int) -> bool:
        # The first interval that ends after `start` is the only one that can overlap [start, end).
        i = bisect_left(self._ends, start + 1)
        return i < len(self._starts) and self._starts[i] < end and start < end


def _extend(text: str, end: int) -> tuple[int, Decimal, bool, bool, bool]:
    """Read the scale words, % and currency after a number ending at `end`.

    Returns the new end, the scale factor, and whether there was a scale, a % and a currency.
    """
    factor = Decimal(1)
    has_scale = False
    m = _SCALE_RE.match(text, end)
    if m:
        factor = parse_scale(m.group(1))
        has_scale = True
        end = m.end()
    is_percent = False
    is_money = False
    p = _PERCENT_RE.match(text, end)
    if p:
        is_percent = True
        end = p.end()
    else:
        c = _CURRENCY_RE.match(text, end)
        if c:
            is_money = True
            end = c.end()
    return end, factor, has_scale, is_percent, is_money


_LETTER_AT = re.compile(r"[^\W\d_]")  # a letter glued to the digits
_COMPOUND_PART = re.compile(rf"\s+({_DIGITS})\s*({_SCALE_WORD})", re.IGNORECASE)


def find_numbers(text: str) -> list[NumberMention]:
    """Every figure in `text` that is not a date, time, year, code, phone number, age or ordinal."""
    lowered = literals.lowered(text)  # the masks and the word numbers look for words in it
    mask_set = _SpanSet(masked_spans(text, lowered))
    found: list[NumberMention] = []
    taken_until = -1
    for m in _NUMBER_RE.finditer(text):
        start, digits_end = m.span(1)
        if start < taken_until or mask_set.overlaps(start, digits_end):
            continue
        glued = _LETTER_AT.match(text, digits_end)
        if glued and not _SCALE_RE.match(text, digits_end) and not _CURRENCY_RE.match(text, digits_end):
            continue  # "H5N1", "3G", "100m": a code or a measure, not a figure ("46.000đ" is money)
        value = parse_digits(m.group(1))
        end, factor, has_scale, is_percent, is_money = _extend(text, digits_end)
        value *= factor
        # Compound amounts: "3 tỷ 714 triệu 800 nghìn đồng", each part of a smaller scale.
        while has_scale and not is_percent and not is_money:
            part = _COMPOUND_PART.match(text, end)
            if not part:
                break
            part_scale = parse_scale(part.group(2))
            if part_scale >= factor:
                break
            value += parse_digits(part.group(1)) * part_scale
            factor = part_scale
            end = part.end()
            c = _CURRENCY_RE.match(text, end)
            if c:
                is_money = True
                end = c.end()
                break
        found.append(
            NumberMention(
                start, end, text[start:end], value, is_percent, is_money, has_scale, factor=factor
            )
        )
        taken_until = end
    found.extend(_find_word_numbers(text, lowered, mask_set, found))
    found.sort(key=lambda n: n.start)
    return found


def _find_word_numbers(
    text: str, lowered: str | None, mask_set: _SpanSet, digit_numbers: list[NumberMention]
) -> list[NumberMention]:
    found = []
    taken = _SpanSet([(n.start, n.end) for n in digit_numbers])
    matches = (
        _WORD_NUMBER_RE.finditer(text) if lowered is None
        else _word_led_matches(_WORD_NUMBER_RE, _NUMBER_PHRASE_START, text, lowered)
    )
    for m in matches:
        raw = m.group(1).rstrip()
        start, end = m.start(1), m.start(1) + len(raw)
        words = raw.split()
        # A lone digit word ("một", "năm" = five or year) or a lone scale is too weak to be a figure.
        if len(words) < 2 and words[0].lower() not in _LONE_NUMBER_WORDS:
            continue
        if mask_set.overlaps(start, end) or taken.overlaps(start, end):
            continue
        # The vague word must end right before the number: a short window is enough (searching
        # from the text's start made this quadratic).
        if _VAGUE_BEFORE.search(text, max(0, start - 40), start):
            continue
        # Trailing scale words belong to the number; the noun must follow the whole phrase.
        if not _WORD_NUMBER_NOUN_AFTER.match(text, end):
            continue
        value = parse_number_words(words)
        if value is None:
            continue
        is_money = bool(_CURRENCY_RE.match(text, end))
        if is_money:
            end = _CURRENCY_RE.match(text, end).end()
        has_scale = any(w.lower() in SCALES for w in words)
        found.append(NumberMention(start, end, text[start:end], value, False, is_money, has_scale, True))
    return found
