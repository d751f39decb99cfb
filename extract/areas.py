"""Administrative units (gazetteer) and the area of a figure in an article.

Reads only the seeds written by ``python -m extract.area_seeds`` (admin_units.csv and
admin_unit_lineage.csv in dbt_project/seeds), never the vietnam-provinces package, so that
extraction runs from the committed files alone.

Two parts:

- ``Gazetteer``: the units of both snapshots (2025-01 and current), keyed by (level, code,
  valid_from), name lookup valid on a date, places named in a text (``find_mentions``), and
  today's province of any unit through the lineage.
- ``AreaResolver``: the area of a figure from its place in the article (facts.md "Areas", notes
  hard case 17). In short: a place named in the figure's clause, then sentence; else a
  reference such as "toàn huyện" bound to the last unit of that level named before; else the
  paragraph's place (a paragraph that opens with an official of a unit, or with a unit); else
  the article's first place; else the outlet's province; else nothing.

Units are looked up valid on the publication date. Units of the 2025-01 snapshot have no known
start (``valid_from_known`` false): they stand for any earlier date too, which is the best the
data can do (pre-2025 mergers and renamings are not in it; see the limits in the README/report).
"""

from __future__ import annotations

import csv
import functools
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from extract.sentences import Sentence, paragraphs, split_sentences

if TYPE_CHECKING:
    from extract.document import Layout

DEFAULT_SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"
UNITS_FILE = "admin_units.csv"
LINEAGE_FILE = "admin_unit_lineage.csv"

LEVEL_RANK = {"national": 0, "province": 1, "district": 2, "commune": 3}
NATIONAL_NAME = "Việt Nam"

STATUS_RESOLVED = "resolved"
STATUS_AMBIGUOUS = "ambiguous"
STATUS_UNKNOWN = "unknown"
STATUS_NATIONAL = "national"
STATUS_NONE = "none"


# --------------------------------------------------------------------------- text normalisation

# Old-style tone placement on open syllables oa, oe, uy ("Hoà", "khoẻ", "Thuỵ") -> the placement
# the gazetteer uses ("Hòa", "khỏe", "Thụy"). "qu" is a consonant: "Quý", "Quỳ" stay (and the
# typo "Qũy" is left alone). Both forms have the same length, so offsets are kept.
_TONED_AE = "àáảãạèéẻẽẹÀÁẢÃẠÈÉẺẼẸ"
_TONED_Y = "ỳýỷỹỵỲÝỶỸỴ"
_OLD_TONE = re.compile(rf"([oO])([{_TONED_AE}])(?!\w)|(?<![qQ])([uU])([{_TONED_Y}])(?!\w)")
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"


def _move_tone(m: re.Match[str]) -> str:
    first, second = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
    decomposed = unicodedata.normalize("NFD", second)
    tone = "".join(c for c in decomposed if c in _TONE_MARKS)
    base = "".join(c for c in decomposed if c not in _TONE_MARKS)
    return unicodedata.normalize("NFC", first + tone) + base


# Where _OLD_TONE can match: a vowel pair it may move the tone of. One character class first
# lets the engine scan fast; _OLD_TONE's alternation of groups is tried at every letter (it was
# a fifth of reading a text's places). The two hold no character in common, so a hint never
# hides a match that starts on its second character.
_OLD_TONE_HINT = re.compile(rf"[oOuU][{_TONED_AE}{_TONED_Y}](?!\w)")


def normalize_name(text: str) -> str:
    """NFC and modern tone placement: 'Hoà' -> 'Hòa', 'Thuỵ' -> 'Thụy' ('Qũy' is left as is).
    The same as _OLD_TONE.sub(_move_tone, ...), tried only where a hint is."""
    text = unicodedata.normalize("NFC", text)
    pieces: list[str] = []
    done = 0
    for hint in _OLD_TONE_HINT.finditer(text):
        m = _OLD_TONE.match(text, hint.start())
        if m is not None:
            pieces += (text[done : m.start()], _move_tone(m))
            done = m.end()
    return "".join(pieces) + text[done:] if pieces else text


@dataclass(frozen=True)
class _NormalText:
    """A text in NFC with modern tone placement, and where each of its characters came from.

    NFC can merge a letter with its combining marks (NFD input), so offsets in the normalised
    text are mapped back to the original through ``origin``.
    """

    text: str
    # origin[i] = offset in the original text of normalised character i; one extra end entry.
    # None when the text was NFC already: offsets are the original's.
    origin: list[int] | None

    # The resolver reads one text for places, then for references: the last text's reading is
    # kept (one entry: nothing of another article stays).
    @classmethod
    @functools.lru_cache(maxsize=1)
    def of(cls, original: str) -> _NormalText:
        if unicodedata.is_normalized("NFC", original):
            return cls(normalize_name(original), None)
        parts: list[str] = []
        origin: list[int] = []
        # A base character and the combining marks after it compose independently of the rest.
        for m in re.finditer(r".[\u0300-\u036f]*", original, re.DOTALL):
            composed = unicodedata.normalize("NFC", m.group())
            parts.append(composed)
            origin.extend([m.start()] * len(composed))
        origin.append(len(original))
        return cls(normalize_name("".join(parts)), origin)

    def span(self, start: int, end: int) -> tuple[int, int]:
        if self.origin is None:
            return start, end
        return self.origin[start], self.origin[end]



# Tokens: words, and every other non-space character alone. Curly apostrophes and dashes are
# folded so that "Đắk R’Lấp" / "Bà Rịa–Vũng Tàu" match the gazetteer's "Đắk R'Lấp" / "Bà Rịa - Vũng Tàu".
_TOKEN = re.compile(r"\w+|[^\w\s]")
_FOLDS = (("’", "'"), ("‘", "'"), ("ʼ", "'"), ("`", "'"), ("–", "-"), ("—", "-"), ("‑", "-"))


def _fold(text: str) -> str:
    """The text with curly apostrophes and dashes folded, one character for one (offsets hold).
    str.replace per mark, and only for marks present: str.translate with a table walks the
    text character by character in Python's slow path and cost more than all the matching."""
    for mark, plain in _FOLDS:
        if mark in text:
            text = text.replace(mark, plain)
    return text


class _Tokens:
    """The tokens of a short text (a name): their folded texts and their offsets."""

    __slots__ = ("texts", "_matches")

    def __init__(self, text: str) -> None:
        if "ʼ" in text:  # a letter (\w) before folding, a mark after: fold token by token
            self._matches = list(_TOKEN.finditer(text))
            self.texts = [_fold(m.group()) for m in self._matches]
        else:
            self._matches = list(_TOKEN.finditer(_fold(text)))
            self.texts = [m.group() for m in self._matches]

    def __len__(self) -> int:
        return len(self.texts)

    def start(self, i: int) -> int:
        return self._matches[i].start()

    def low(self, i: int) -> str:
        return _word_info(self.texts[i])[0]


class _Tok(NamedTuple):
    start: int
    end: int
    text: str  # folded


_NEXT_TOKEN = re.compile(r"\s*(\w+|[^\w\s])")
_LAST_TOKEN = re.compile(r"(?:\w+|[^\w\s])(?=\s*\Z)")


class _TextReader:
    """The tokens of a long text, read where the matching asks: after a type word, along a
    name, before and after a name. A page has tens of thousands of tokens and most are
    lower-case syllables that start no place: tokenising all of them up front was the
    resolver's biggest cost. The tokens are those of _Tokens (the same pattern, read from a
    token's start), so offsets and texts agree with a full tokenisation."""

    __slots__ = ("source", "_fold_each")

    def __init__(self, text: str) -> None:
        self._fold_each = "ʼ" in text  # a letter (\w) before folding: tokens of the text, folded one by one
        self.source = text if self._fold_each else _fold(text)  # folding keeps offsets

    def next(self, pos: int) -> _Tok | None:
        """The token at ``pos`` or the first after it."""
        m = _NEXT_TOKEN.match(self.source, pos)
        if m is None:
            return None
        word = m.group(1)
        return _Tok(m.start(1), m.end(1), _fold(word) if self._fold_each else word)

    def whole(self, m: re.Match[str]) -> _Tok:
        """The token a pattern matched whole (a \\w run between word boundaries) in ``source``."""
        return self.span(m.start(), m.end())

    def span(self, start: int, end: int) -> _Tok:
        """The token that is ``source[start:end]`` (a \\w run between word boundaries)."""
        word = self.source[start:end]
        return _Tok(start, end, _fold(word) if self._fold_each else word)

    def previous(self, pos: int) -> _Tok | None:
        """The last token that ends at or before ``pos``."""
        window = 64
        while True:
            lo = max(0, pos - window)
            m = _LAST_TOKEN.search(self.source, lo, pos)
            # Nothing in the window (a long run of spaces), or a match at its edge that may be
            # the tail of a longer word: look further back.
            if lo == 0 or (m is not None and m.start() > lo):
                break
            window *= 4
        if m is None:
            return None
        word = m.group()
        return _Tok(m.start(), m.end(), _fold(word) if self._fold_each else word)


def _word_info(word: str) -> tuple[str, bool]:
    """A word's case-folded form, and whether it is capitalised ('Tám': not an acronym such as
    'CSXH' nor a number)."""
    info = _WORD_INFO.get(word)
    if info is None:
        title = word[:1].isupper() and (len(word) == 1 or not word[1:].isupper()) and word.isalpha()
        if len(_WORD_INFO) > 200_000:
            _WORD_INFO.clear()
        info = _WORD_INFO[word] = (word.casefold(), title)
    return info


# A word's case-folded form and title flag, by the word: Vietnamese is written in syllables, few
# and repeated, so most words are looked up rather than worked out (bounded: cleared when large).
_WORD_INFO: dict[str, tuple[str, bool]] = {}


@functools.lru_cache(maxsize=8192)  # a pure function of the name, asked for each mention of it
def _name_key(name: str) -> str:
    """Lookup key of a name: normalised, case-folded, tokens joined by one space."""
    return " ".join(_Tokens(normalize_name(name).casefold()).texts)


@functools.lru_cache(maxsize=8192)  # a pure function of the name, asked for each mention of it
def _lookup_key(name: str) -> str:
    """The key a name is looked up by: its own, or that of the name it abbreviates ("TPHCM")."""
    alias = _ALIASES.get(tuple(_Tokens(name.strip()).texts))
    return _name_key(alias[0]) if alias else _name_key(name)


# --------------------------------------------------------------------------- data types


@dataclass(frozen=True, slots=True)  # slots: ~14k units, ~11k links
class AdminUnit:
    code: int
    valid_from: date
    valid_to: date | None
    level: str  # province | district | commune
    unit_type: str  # tỉnh, thành phố trung ương, huyện, quận, thị xã, thành phố, xã, phường, thị trấn, đặc khu
    name: str  # without the type prefix, NFC, modern tone placement
    full_name: str
    parent_code: int | None
    province_code: int
    valid_from_known: bool = True  # false: the unit existed on valid_from, its start is unknown
    snapshot: str = ""

    def valid_on(self, day: date) -> bool:
        started = not self.valid_from_known or self.valid_from <= day
        return started and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a text, e.g. "huyện Vĩnh Tường" (offsets into the original text)."""

    start: int
    end: int
    text: str
    name: str  # the gazetteer's spelling of the name ("Vĩnh Tường"), or the words read for an unknown place
    level: str  # national | province | district | commune
    unit_type: str  # the type the text gives ("huyện", "thành phố", ...), "" for a bare name
    levels: tuple[str, ...] = ()  # all levels the prefix allows ("thành phố": province and district)
    known: bool = True  # false: prefixed words that name no unit of the gazetteer (an old or misspelt name)


@dataclass(frozen=True)
class AreaRef:
    name: str | None
    level: str | None
    code: int | None
    valid_from: date | None
    province_code_current: int | None
    status: str  # 'resolved' | 'ambiguous' | 'unknown' | 'national' | 'none'


NONE_REF = AreaRef(None, None, None, None, None, STATUS_NONE)
NATIONAL_REF = AreaRef(NATIONAL_NAME, "national", None, None, None, STATUS_NATIONAL)


@dataclass(frozen=True, slots=True)  # slots: ~14k units, ~11k links
class LineageLink:
    old_code: int
    old_level: str
    new_code: int
    new_level: str
    is_partial: bool
    effective_date: date
    source: str
    old_valid_from: date
    new_valid_from: date


# --------------------------------------------------------------------------- prefixes


@dataclass(frozen=True)
class _Prefix:
    words: tuple[str, ...]  # case-folded tokens
    levels: tuple[str, ...]  # levels it can introduce, most likely first
    unit_type: str
    names_unknown: bool = True  # whether capitalised words after it are a place even if not in the gazetteer


# Longest first where one starts another ("huyện ủy" before "huyện"). Abbreviations do not
# introduce unknown places: "P. Nguyễn" is more likely a person than a ward.
_PREFIXES: tuple[_Prefix, ...] = (
    _Prefix(("tỉnh", "ủy"), ("province",), "tỉnh"),
    _Prefix(("thành", "ủy"), ("province", "district"), "thành phố"),
    _Prefix(("huyện", "ủy"), ("district",), "huyện"),
    _Prefix(("quận", "ủy"), ("district",), "quận"),
    _Prefix(("thị", "ủy"), ("district",), "thị xã"),
    _Prefix(("thành", "phố"), ("province", "district"), "thành phố"),
    _Prefix(("tp", "."), ("province", "district"), "thành phố", False),
    _Prefix(("tp",), ("province", "district"), "thành phố", False),
    _Prefix(("thị", "xã"), ("district",), "thị xã"),
    _Prefix(("tx", "."), ("district",), "thị xã", False),
    _Prefix(("thị", "trấn"), ("commune",), "thị trấn"),
    _Prefix(("tt", "."), ("commune",), "thị trấn", False),
    _Prefix(("đặc", "khu"), ("commune",), "đặc khu"),
    _Prefix(("tỉnh",), ("province",), "tỉnh"),
    _Prefix(("huyện",), ("district",), "huyện"),
    _Prefix(("quận",), ("district",), "quận"),
    _Prefix(("q", "."), ("district",), "quận", False),
    _Prefix(("h", "."), ("district",), "huyện", False),
    _Prefix(("xã",), ("commune",), "xã"),
    _Prefix(("phường",), ("commune",), "phường"),
    _Prefix(("p", "."), ("commune",), "phường", False),
)
_PREFIX_FIRST_WORDS = {p.words[0] for p in _PREFIXES}
# The prefixes by their first word, longest first as in _PREFIXES.
_PREFIXES_BY_FIRST: dict[str, tuple[_Prefix, ...]] = {
    w: tuple(p for p in _PREFIXES if p.words[0] == w) for w in _PREFIX_FIRST_WORDS
}
_NATIONAL_PHRASES = (("cả", "nước"), ("toàn", "quốc"))
# The words a place found in a text can start with, and the longest of them (a cheap first test).
_FIRST_WORDS = _PREFIX_FIRST_WORDS | {w for w, _ in _NATIONAL_PHRASES}
# The words that can follow a place's first word within its type or phrase ("thành phố", "TP.", "cả nước").
_SECOND_WORDS = {p.words[1] for p in _PREFIXES if len(p.words) == 2} | {w for _, w in _NATIONAL_PHRASES}
# Whole words, any case; the lookahead of first letters lets the engine skip other positions fast.
# (Used where lower-casing changes a text's length; elsewhere _FIRST_WORD_LOWER in the lower-cased text.)
_FIRST_WORD = re.compile(
    rf"(?=[{''.join(sorted({w[0] for w in _FIRST_WORDS}))}])\b(?:{'|'.join(sorted(map(re.escape, _FIRST_WORDS), key=len, reverse=True))})\b",
    re.IGNORECASE,
)
_WORD_CHARS = re.compile(r"\w+(?: \w+)*")  # a word, or words one space apart ("thành phố")


def _whole_words(words: Iterable[str]) -> re.Pattern[str]:
    """What rf"\\b(?:{'|'.join(words)})\\b" finds (``words``: see _WORD_CHARS), written so that
    every branch begins with a plain letter: the regex engine then jumps from one first letter to
    the next in C. A leading \\b or lookahead makes it try the whole pattern at every character,
    which cost most of reading a text's places. The boundary before a word is looked behind
    its first letter (fixed width), the boundary after it ahead."""
    rests_by_first: dict[str, list[str]] = {}
    for word in set(words):
        if not _WORD_CHARS.fullmatch(word):
            raise ValueError(f"not a word: {word!r}")
        rests_by_first.setdefault(word[0], []).append(word[1:])
    branches = []
    for first, rests in sorted(rests_by_first.items()):
        # Longest first, as an alternation of whole words must try them; "" last (the letter alone).
        alternatives = "|".join(re.escape(r) for r in sorted(rests, key=lambda r: (-len(r), r)))
        branches.append(rf"{re.escape(first)}(?<!\w.)(?:{alternatives})(?!\w)")
    return re.compile("|".join(branches))


# _FIRST_WORD as plain letters, looked for in the lower-cased text (same length, same offsets).
_FIRST_WORD_LOWER = _whole_words(_FIRST_WORDS)

# Abbreviations of names, found with or without a prefix ("TP.HCM", "TPHCM", "TP HCM").
_ALIASES: dict[tuple[str, ...], tuple[str, str]] = {
    ("HCM",): ("Hồ Chí Minh", "province"),
    ("TPHCM",): ("Hồ Chí Minh", "province"),
}
# Capitalised words after a type word that start an organisation's name, not a place's.
_ORGANISATION_WORDS = {"Đoàn", "Hội", "Ủy", "Ban", "Đảng", "Phòng", "Sở", "Bộ", "Mặt", "Công", "Ngân"}
# Capitalised words that may stand before a bare place name at the start of a sentence.
_OPENERS = {"Tại", "Ở", "Riêng", "Còn", "Với", "Trong", "Cùng", "Theo", "Cả", "Toàn", "Và", "Nhưng", "Từ", "Đến"}
# Province names that are seldom the province when bare: "tư tưởng Hồ Chí Minh", "Đoàn ... Hồ Chí Minh".
_NOT_BARE = {"Hồ Chí Minh"}


@dataclass(frozen=True)
class _Hit:
    """A place found in a text: text[start:end] (offsets of the normalised text)."""

    start: int
    end: int
    name: str
    level: str
    unit_type: str  # "" for a bare name
    levels: tuple[str, ...]
    known: bool = True


@dataclass
class _TrieNode:
    children: dict[str, _TrieNode] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # level -> the gazetteer's spelling of the name


def _trie_add(root: _TrieNode, words: Iterable[str], level: str, name: str) -> None:
    node = root
    for w in words:
        node = node.children.setdefault(w, _TrieNode())
    node.names.setdefault(level, name)


def _trie_longest(
    root: _TrieNode, reader: _TextReader, token: _Tok | None, levels: Iterable[str]
) -> tuple[int, dict[str, str]] | None:
    """Longest name starting at ``token`` with one of the levels: (offset where it ends, level -> name)."""
    wanted = set(levels)
    node, best = root, None
    while token is not None and (child := node.children.get(token.text)) is not None:
        node = child
        found = {lv: n for lv, n in node.names.items() if lv in wanted}
        if found:
            best = (token.end, found)
        token = reader.next(token.end)
    return best


# --------------------------------------------------------------------------- gazetteer


def _type_matches(unit: AdminUnit, unit_type: str) -> bool:
    # "thành phố" in a text is a provincial city or a centrally-run one.
    return unit.unit_type == unit_type or (unit_type == "thành phố" and unit.unit_type.startswith("thành phố"))


@dataclass(frozen=True)
class _ProvinceContext:
    """Provinces a name should be in: exact codes at the date, and their current provinces."""

    codes: frozenset[int]
    current: frozenset[int]

    def __bool__(self) -> bool:
        return bool(self.codes or self.current)


class Gazetteer:
    def __init__(self, units: list[AdminUnit], lineage: list[LineageLink]) -> None:
        self._units = units
        self._lineage = lineage
        self._by_key: dict[tuple[str, int, date], AdminUnit] = {}
        self._by_code: dict[int, list[AdminUnit]] = defaultdict(list)
        self._by_name: dict[tuple[str, str], list[AdminUnit]] = defaultdict(list)
        for u in units:
            key = (u.level, u.code, u.valid_from)
            if key in self._by_key:
                raise ValueError(f"duplicate unit {key}")
            self._by_key[key] = u
            self._by_code[u.code].append(u)
            self._by_name[(_name_key(u.name), u.level)].append(u)
        self._successors: dict[tuple[str, int], list[LineageLink]] = defaultdict(list)
        self._predecessors: dict[tuple[str, int], list[LineageLink]] = defaultdict(list)
        for link in lineage:
            self._successors[(link.old_level, link.old_code)].append(link)
            self._predecessors[(link.new_level, link.new_code)].append(link)
        self._districts: dict[tuple[int, date], list[AdminUnit]] | None = None  # built on first use
        self._name_trie: _TrieNode | None = None  # built on the first find_mentions
        self._province_words: re.Pattern[str] | None = None  # first words of province names, built with it
        self._province_trie: _TrieNode | None = None

    # ---- loading

    @classmethod
    def load(cls, seeds_dir: Path | None = None) -> Gazetteer:
        folder = seeds_dir or DEFAULT_SEEDS_DIR
        units_path, lineage_path = folder / UNITS_FILE, folder / LINEAGE_FILE
        for path in (units_path, lineage_path):
            if not path.exists():
                raise FileNotFoundError(f"{path} is missing: run `python -m extract.area_seeds` first")
        with units_path.open(encoding="utf-8", newline="") as f:
            units = [
                AdminUnit(
                    code=int(r["code"]),
                    valid_from=date.fromisoformat(r["valid_from"]),
                    valid_to=date.fromisoformat(r["valid_to"]) if r["valid_to"] else None,
                    level=r["level"],
                    unit_type=r["unit_type"],
                    name=r["name"],
                    full_name=r["full_name"],
                    parent_code=int(r["parent_code"]) if r["parent_code"] else None,
                    province_code=int(r["province_code"]),
                    valid_from_known=r["valid_from_known"] == "true",
                    snapshot=r["snapshot"],
                )
                for r in csv.DictReader(f)
            ]
        with lineage_path.open(encoding="utf-8", newline="") as f:
            lineage = [
                LineageLink(
                    old_code=int(r["old_code"]),
                    old_level=r["old_level"],
                    new_code=int(r["new_code"]),
                    new_level=r["new_level"],
                    is_partial=r["is_partial"] == "true",
                    effective_date=date.fromisoformat(r["effective_date"]),
                    source=r["source"],
                    old_valid_from=date.fromisoformat(r["old_valid_from"]),
                    new_valid_from=date.fromisoformat(r["new_valid_from"]),
                )
                for r in csv.DictReader(f)
            ]
        return cls(units, lineage)

    # ---- units and lineage

    @property
    def units(self) -> list[AdminUnit]:
        return list(self._units)

    def unit(self, level: str, code: int, valid_from: date) -> AdminUnit | None:
        return self._by_key.get((level, code, valid_from))

    def unit_of(self, ref: AreaRef) -> AdminUnit | None:
        """The unit a resolved reference points to."""
        if ref.status != STATUS_RESOLVED or ref.level is None or ref.code is None or ref.valid_from is None:
            return None
        return self._by_key.get((ref.level, ref.code, ref.valid_from))

    def units_named(self, name: str, level: str | None = None) -> list[AdminUnit]:
        """Every version of every unit with that name (any date), optionally of one level."""
        key = _name_key(name)
        levels = [level] if level else list(LEVEL_RANK)
        return [u for lv in levels for u in self._by_name.get((key, lv), [])]

    def districts_of(self, province: AdminUnit) -> list[AdminUnit]:
        """The districts of a province, in its snapshot."""
        if self._districts is None:
            self._districts = defaultdict(list)
            for u in self._units:
                if u.level == "district":
                    self._districts[(u.province_code, u.valid_from)].append(u)
        return self._districts.get((province.code, province.valid_from), [])

    def parent(self, unit: AdminUnit) -> AdminUnit | None:
        if unit.parent_code is None:
            return None
        parent_level = "district" if unit.level == "commune" and unit.valid_to is not None else "province"
        return self._by_key.get((parent_level, unit.parent_code, unit.valid_from))

    def ancestor(self, unit: AdminUnit, level: str) -> AdminUnit | None:
        """The unit itself or the unit above it at that level, in the same snapshot."""
        current: AdminUnit | None = unit
        while current is not None and current.level != level:
            current = self.parent(current)
        return current

    def successors(self, unit: AdminUnit) -> list[tuple[AdminUnit, bool]]:
        """The units this old unit went into on 2025-07-01, with is_partial."""
        out = []
        for link in self._successors.get((unit.level, unit.code), []):
            if link.old_valid_from != unit.valid_from:
                continue
            new = self._by_key.get((link.new_level, link.new_code, link.new_valid_from))
            if new is not None:
                out.append((new, link.is_partial))
        return out

    def predecessors(self, unit: AdminUnit) -> list[tuple[AdminUnit, bool]]:
        """The old units that went (wholly or partly) into this new unit."""
        out = []
        for link in self._predecessors.get((unit.level, unit.code), []):
            if link.new_valid_from != unit.valid_from:
                continue
            old = self._by_key.get((link.old_level, link.old_code, link.old_valid_from))
            if old is not None:
                out.append((old, link.is_partial))
        return out

    def current_province(self, code: int, valid_from: date, level: str | None = None) -> AdminUnit | None:
        """Today's province of a unit of any level and time, via the lineage of its province.

        A code with a valid_from can name units of several levels (province 1, district 1 and
        commune 1 of one snapshot): give ``level`` then, unless they all lie in one province.
        """
        units = [
            u for u in self._by_code.get(code, []) if u.valid_from == valid_from and (level is None or u.level == level)
        ]
        found = {self._current_province_of(u) for u in units}
        if len(found) > 1:
            levels = sorted({u.level for u in units}, key=LEVEL_RANK.__getitem__)
            raise ValueError(
                f"code {code} valid from {valid_from} names units of levels {levels} in different provinces: pass level"
            )
        return found.pop() if found else None

    def _current_province_of(self, unit: AdminUnit) -> AdminUnit | None:
        province = self._by_key.get(("province", unit.province_code, unit.valid_from))
        seen = set()
        # Follow province -> province links until a unit that is still valid (one step today).
        while province is not None and province.valid_to is not None and province.code not in seen:
            seen.add(province.code)
            targets = {(s.code, s.valid_from) for s, _ in self.successors(province) if s.level == "province"}
            if len(targets) != 1:
                return None  # no successor, or split: no single province today
            code, valid_from = targets.pop()
            province = self._by_key.get(("province", code, valid_from))
        return province

    def ref(self, unit: AdminUnit) -> AreaRef:
        today = self._current_province_of(unit)
        return AreaRef(
            unit.name, unit.level, unit.code, unit.valid_from, today.code if today else None, STATUS_RESOLVED
        )

    # ---- name resolution

    def resolve(
        self,
        name: str,
        level: str | None,
        on: date | None,
        province_hint: str | None = None,
        parent_hint: int | None = None,
    ) -> AreaRef:
        """The unit with that name (and level) valid on that date.

        ``name`` may carry its type ("huyện Vĩnh Tường"). Several candidates are narrowed by the
        direct parent's code (``parent_hint``: the district of a pre-2025 commune, the province
        of a district or of a current commune), then by the province (``province_hint``, a
        province name, e.g. the outlet's); still several -> 'ambiguous', none -> 'unknown'.
        ``on`` None means today. A name that no unit bears on that day resolves to the latest
        former unit of that name (post-reform texts name old units: "huyện Vĩnh Tường (cũ)").
        """
        name, level, unit_type = self._strip_prefix(name, level)
        if _name_key(name) in {" ".join(w) for w in _NATIONAL_PHRASES} | {_name_key(NATIONAL_NAME)}:
            return NATIONAL_REF
        context = self.province_context(province_hint, on) if province_hint else None
        levels = (level,) if level else ("province", "district", "commune")
        return self._resolve(name, levels, on, unit_type=unit_type, provinces=context, parent_code=parent_hint)

    def province_context(self, province: str, on: date | None) -> _ProvinceContext:
        ref = self._resolve(province, ("province",), on)
        units = self.units_named(self._strip_prefix(province, "province")[0], "province")
        if ref.status == STATUS_RESOLVED and ref.code is not None:
            codes = frozenset({ref.code})
        else:
            codes = frozenset(u.code for u in units)
        current = frozenset(p.code for u in units if (p := self._current_province_of(u)) is not None)
        return _ProvinceContext(codes, current)

    @staticmethod
    def _strip_prefix(name: str, level: str | None) -> tuple[str, str | None, str | None]:
        """'huyện Vĩnh Tường' -> ('Vĩnh Tường', 'district', 'huyện'); a bare name is kept as is."""
        text = normalize_name(name).strip()
        tokens = _Tokens(text)
        words = tuple(tokens.low(i) for i in range(len(tokens)))
        for p in _PREFIXES:
            n = len(p.words)
            if words[:n] == p.words and len(tokens) > n:
                if level is None and len(p.levels) == 1:
                    level = p.levels[0]
                return text[tokens.start(n) :], level, p.unit_type
        return text, level, None

    def _candidates(self, name: str, levels: Iterable[str], on: date | None) -> list[AdminUnit]:
        key = _lookup_key(name)
        every = [u for lv in levels for u in self._by_name.get((key, lv), [])]
        day = on or date.today()
        valid = [u for u in every if u.valid_on(day)]
        if valid:
            return valid
        # Nothing of that name on that day: the text names a former unit ("huyện Vĩnh Tường
        # (cũ)" in 2026). Take the latest versions that ended before the day.
        former = [u for u in every if u.valid_to is not None and u.valid_to < day]
        last = max((u.valid_to for u in former if u.valid_to), default=None)
        return [u for u in former if u.valid_to == last]

    def _resolve(
        self,
        name: str,
        levels: tuple[str, ...],
        on: date | None,
        *,
        unit_type: str | None = None,
        provinces: _ProvinceContext | None = None,
        parent_code: int | None = None,
        strict: bool = False,
    ) -> AreaRef:
        """Resolve among ``levels`` (tried in order: the first level with candidates wins).

        ``strict``: a candidate outside ``provinces`` is not taken even when it is the only one
        (used for commune names, which repeat across the country: an article about a district
        that names a commune merged long ago must not land on a namesake elsewhere).
        """
        by_level = {lv: c for lv in levels if (c := self._candidates(name, (lv,), on))}
        typed = [lv for lv in by_level if unit_type and any(_type_matches(u, unit_type) for u in by_level[lv])]
        for level in typed[:1] or list(by_level)[:1]:
            candidates = by_level[level]
            narrowed = self._narrow(candidates, unit_type, provinces, parent_code)
            if strict and provinces:
                narrowed = [u for u in narrowed if self._in_provinces(u, provinces)]
            if len(narrowed) == 1:
                return self.ref(narrowed[0])
            if not narrowed:
                return AreaRef(normalize_name(name), level, None, None, None, STATUS_UNKNOWN)
            return AreaRef(narrowed[0].name, level, None, None, None, STATUS_AMBIGUOUS)
        return AreaRef(
            normalize_name(name.strip()), levels[0] if len(levels) == 1 else None, None, None, None, STATUS_UNKNOWN
        )

    def _in_provinces(self, unit: AdminUnit, provinces: _ProvinceContext) -> bool:
        if unit.province_code in provinces.codes:
            return True
        today = self._current_province_of(unit)
        return today is not None and today.code in provinces.current

    def _narrow(
        self,
        candidates: list[AdminUnit],
        unit_type: str | None,
        provinces: _ProvinceContext | None,
        parent_code: int | None,
    ) -> list[AdminUnit]:
        """Apply each hint only while it leaves at least one candidate: hints choose, never veto."""
        filters: list[Callable[[AdminUnit], bool]] = []
        if parent_code is not None:
            filters.append(lambda u: u.parent_code == parent_code)
        if provinces:
            filters.append(lambda u: u.province_code in provinces.codes)
            filters.append(lambda u: self._in_provinces(u, provinces))
        if unit_type:
            # Types change over time (thị trấn -> xã), so the type only separates namesakes
            # such as huyện Kỳ Anh and thị xã Kỳ Anh.
            filters.append(lambda u: _type_matches(u, unit_type))
        for keep in filters:
            if len(candidates) <= 1:
                break
            kept = [u for u in candidates if keep(u)]
            if kept:
                candidates = kept
        return candidates

    def resolve_mention(
        self,
        mention: PlaceMention,
        on: date | None,
        provinces: _ProvinceContext | None = None,
        parent_code: int | None = None,
        strict: bool = False,
    ) -> AreaRef:
        if mention.level == "national":
            return NATIONAL_REF
        if not mention.known:
            return AreaRef(mention.name, mention.level, None, None, None, STATUS_UNKNOWN)
        levels = mention.levels or (mention.level,)
        return self._resolve(
            mention.name,
            levels,
            on,
            unit_type=mention.unit_type or None,
            provinces=provinces,
            parent_code=parent_code,
            strict=strict,
        )

    # ---- places in a text

    def _tries(self) -> tuple[_TrieNode, _TrieNode]:
        """Token tries of every unit name (any snapshot) and of the province names (built once)."""
        if self._name_trie is None or self._province_trie is None:
            names, provinces = _TrieNode(), _TrieNode()
            for u in self._units:
                words = tuple(_Tokens(u.name).texts)
                _trie_add(names, words, u.level, u.name)
                if u.level == "province" and len(words) >= 2 and u.name not in _NOT_BARE:
                    _trie_add(provinces, words, "province", u.name)
            for words, (name, level) in _ALIASES.items():
                _trie_add(names, words, level, name)  # after a prefix: "TP.HCM", "TP HCM"
                if words == ("TPHCM",):
                    _trie_add(provinces, words, level, name)  # bare
            self._name_trie, self._province_trie = names, provinces
        return self._name_trie, self._province_trie

    def find_mentions(self, text: str, bare_units: Iterable[AdminUnit] = ()) -> list[PlaceMention]:
        """Places named in a text, in order, with offsets into ``text``.

        - a type word or abbreviation (tỉnh, thành phố, TP., huyện, quận, Q., thị xã, TX., xã,
          phường, P., thị trấn, TT., đặc khu) followed by a unit name, the name matched
          case-sensitively so that "huyện chỉ đạo", "huyện đông dân" are no places; party
          committees name their place too ("Huyện ủy Vĩnh Tường", and "UBND huyện X",
          "Đảng ủy xã X" contain "huyện X", "xã X");
        - a type word followed by capitalised words that name no unit (an old or misspelt
          name: "xã Tam Phúc", merged in 2019) -> a mention with ``known`` false;
        - "cả nước", "toàn quốc" -> national;
        - bare names: a province name of two words or more ("Vĩnh Phúc"), and the name of a unit
          the same text names with its type elsewhere ("Vĩnh Tường có ..."), unless the name
          sits inside a longer proper noun (a capitalised word before or after it: "Báo Vĩnh
          Phúc", a person's name); and the names of ``bare_units`` (the districts of the outlet's
          province: a list "Ninh Hải 10,17%; Ninh Phước 12,5%" written without "huyện").
        """
        norm = _NormalText.of(text)
        reader = _TextReader(norm.text)
        names, province_names = self._tries()
        found: list[_Hit] = []
        # Only type words and the first words of "cả nước", "toàn quốc" can start a place here;
        # a pattern finds them (any case), the text in between is passed over.
        resume = 0
        lowered = reader.source.lower()
        first_words = (_FIRST_WORD_LOWER.finditer(lowered) if len(lowered) == len(reader.source)
                       else _FIRST_WORD.finditer(reader.source))
        for m in first_words:
            token = reader.span(m.start(), m.end())
            if token.start < resume or _word_info(token.text)[0] not in _FIRST_WORDS:
                continue  # inside the place found before, or a word the pattern's case folding took
            following = reader.next(token.end)
            if following is None:
                continue
            if (following.text not in names.children and not _word_info(following.text)[1]
                    and _word_info(following.text)[0] not in _SECOND_WORDS):
                continue  # "xã hội": no name, no capitalised words, no second word of a prefix
            hit = self._prefixed_at(reader, token, following, names)
            if hit is None:
                if (_word_info(token.text)[0], _word_info(following.text)[0]) in _NATIONAL_PHRASES:
                    hit = _Hit(token.start, following.end, NATIONAL_NAME, "national", "", ("national",))
            if hit is not None:
                found.append(hit)
                resume = hit.end

        # Bare names: after the prefixed ones, since they can name units the text introduces later (a title).
        local = _TrieNode()
        for hit in found:
            words = _Tokens(hit.name).texts
            if hit.known and hit.level != "national" and len(words) >= 2:
                _trie_add(local, words, hit.level, hit.name)
        for unit in bare_units:
            words = _Tokens(unit.name).texts
            if len(words) >= 2:
                _trie_add(local, words, unit.level, unit.name)
        # The places found so far, in order and apart: a bare name must not overlap one.
        taken_starts, taken_ends = [h.start for h in found], [h.end for h in found]

        def overlaps_taken(start: int, end: int) -> bool:
            k = bisect_left(taken_starts, end) - 1  # the last place that starts before `end`
            return k >= 0 and taken_ends[k] > start

        # Only the first word of a name of the two tries can start a bare name: the others are passed over.
        resume = 0
        for token in self._name_starts(reader, local, province_names):
            if token.start < resume or overlaps_taken(token.start, token.end):
                continue
            if not (_word_info(token.text)[1] or token.text == "TPHCM"):
                continue
            match = _trie_longest(local, reader, token, LEVEL_RANK) or _trie_longest(
                province_names, reader, token, ("province",)
            )
            if match is None or overlaps_taken(token.start, match[0]):
                continue
            end, by_level = match
            before, after = reader.previous(token.start), reader.next(end)
            before_ok = before is None or not _word_info(before.text)[1] or before.text in _OPENERS
            after_ok = after is None or not _word_info(after.text)[1]
            if before_ok and after_ok:
                level = self._bare_level(found, token.start, by_level)
                found.append(_Hit(token.start, end, by_level[level], level, "", (level,)))
                resume = end

        mentions = []
        for hit in sorted(found, key=lambda h: h.start):
            start, end = norm.span(hit.start, hit.end)
            mentions.append(
                PlaceMention(start, end, text[start:end], hit.name, hit.level, hit.unit_type, hit.levels, hit.known)
            )
        return mentions

    def _name_starts(self, reader: _TextReader, local: _TrieNode, provinces: _TrieNode) -> list[_Tok]:
        """The words of the text that start a name of ``provinces`` or of ``local``, in order."""
        starts = [reader.whole(m) for m in self._province_first_words().finditer(reader.source)]
        words = [w for w in local.children if w not in provinces.children]
        if words:
            # Names of this text (a handful of words), whole words only: the words of letters in one
            # pattern that begins with letters (see _whole_words), any other token on its own.
            plain = [w for w in words if _WORD_CHARS.fullmatch(w)]
            if plain:
                starts += [reader.whole(m) for m in _whole_words(plain).finditer(reader.source)]
            starts += [reader.whole(m) for w in words if w not in plain
                       for m in re.finditer(rf"\b{re.escape(w)}\b", reader.source)]
            starts.sort()
        return starts

    def _province_first_words(self) -> re.Pattern[str]:
        """A pattern of the first words of province names, whole words (built once)."""
        if self._province_words is None:
            _, provinces = self._tries()
            self._province_words = _whole_words(provinces.children)
        return self._province_words

    @staticmethod
    def _bare_level(found: list[_Hit], start: int, by_level: dict[str, str]) -> str:
        """A bare name takes the level of the nearest namesake named with its type before it
        (else the first after it); a bare province name is a province."""
        namesakes = [h for h in found if h.unit_type and by_level.get(h.level) == h.name]
        before = [h for h in namesakes if h.start < start]
        if before:
            return before[-1].level
        if namesakes:
            return namesakes[0].level
        return next(iter(by_level))

    def _prefixed_at(self, reader: _TextReader, token: _Tok, following: _Tok | None, names: _TrieNode) -> _Hit | None:
        """A type word (or abbreviation, "TP." = tokens TP and .) at ``token`` (``following`` is
        the token after it) and the name after it."""
        prefixes = _PREFIXES_BY_FIRST.get(_word_info(token.text)[0])
        if prefixes is None:
            return None
        second = _word_info(following.text)[0] if following is not None else None
        for p in prefixes:
            if len(p.words) == 2:
                if p.words[1] != second:
                    continue
                after, name_first = following.end, reader.next(following.end)
            else:
                after, name_first = token.end, following
            match = _trie_longest(names, reader, name_first, p.levels)
            if match is not None:
                end, by_level = match
                levels = tuple(lv for lv in p.levels if lv in by_level)
                return _Hit(token.start, end, by_level[levels[0]], levels[0], p.unit_type, levels)
            unknown = self._unknown_name(reader, name_first, after) if p.names_unknown else None
            if unknown is not None:
                end, words = unknown
                level = p.levels[-1]  # "thành phố X" unknown: a provincial city is likelier than a new province
                return _Hit(token.start, end, words, level, p.unit_type, (level,), known=False)
            return None
        return None

    @staticmethod
    def _unknown_name(reader: _TextReader, token: _Tok | None, pos: int) -> tuple[int, str] | None:
        """2-4 capitalised words from ``token``, right after a type word that ends at ``pos`` (a
        place missing from the data): where they end, and the words."""
        if token is None or token.text in _ORGANISATION_WORDS:
            return None  # "Tỉnh Đoàn Vĩnh Phúc", "Huyện Hội ...": an organisation, not a place name
        words: list[_Tok] = []
        previous_end = pos
        while token is not None and len(words) < 4 and _word_info(token.text)[1] and token.start - previous_end <= 1:
            words.append(token)
            previous_end = token.end
            token = reader.next(token.end)
        return (words[-1].end, " ".join(t.text for t in words)) if len(words) >= 2 else None


# --------------------------------------------------------------------------- areas of figures

# Words that refer to a unit without naming it: "toàn huyện", "của huyện", "Huyện ủy", "xã".
# (The lookahead of first letters lets the engine skip the other positions quickly: half the time.)
_REFERENCE = re.compile(r"(?=[thqxp])\b(thành phố|thị xã|thị trấn|tỉnh|huyện|quận|xã|phường)\b", re.IGNORECASE)
# _REFERENCE as plain letters, looked for in the lower-cased text (where lower-casing keeps its length).
_REFERENCE_LOWER = _whole_words(["thành phố", "thị xã", "thị trấn", "tỉnh", "huyện", "quận", "xã", "phường"])
_REFERENCE_LEVEL = {
    "tỉnh": "province",
    "thành phố": "city",
    "huyện": "district",
    "quận": "district",
    "thị xã": "district",
    "xã": "commune",
    "phường": "commune",
    "thị trấn": "commune",
}
# Before a type word: it speaks of many units or of a tier, not of one unit ("các xã", "cấp
# huyện", "3 xã", "các xã, thị trấn"); a year is no count ("Năm 2016 huyện có").
_MERGED_FROM = re.compile(r"\b(?:trên cơ sở|sắp xếp|sáp nhập|hợp nhất|nhập (?:toàn bộ|các|xã|phường))\b", re.IGNORECASE)
_NOT_ONE_UNIT_BEFORE = re.compile(
    # "quà của UBND tỉnh", "ngân sách tỉnh": the unit gives; the figure's place is elsewhere.
    r"(?:\b(?:quà|ngân sách|nguồn|kinh phí|vốn)\s+(?:của\s+)?(?:UBND|Ủy ban nhân dân)?\s*|"
    r"\b(?:các|những|mỗi|từng|nhiều|một số|số|cấp|liên|giữa|hai|ba|bốn|năm|100%)|\b\d{1,3}|"
    r"\b(?:xã|phường|thị trấn|huyện|quận|thị xã|tỉnh|thành phố)\s*(?:,|và|hoặc))\s*$",
    re.IGNORECASE,
)
# After a type word: another word ("xã hội" = society, "xã viên", "tỉnh táo", "tỉnh lộ").
_NOT_A_UNIT_AFTER = re.compile(
    r"^\s*(?:hội|viên|luận|táo|ngộ|giấc|lộ|lẻ|chèo)\b"
    # a kind of unit, not one unit: "xã, thôn đặc biệt khó khăn", "các xã vùng cao", "xã nghèo"
    r"|^\s*(?:,\s*(?:thôn|bản|ấp|phường|thị trấn)|đặc biệt khó khăn|vùng cao|vùng sâu|vùng xa|miền núi|bãi ngang|nghèo|an toàn khu)\b",
    re.IGNORECASE,
)
_SPEECH = re.compile(r"(?=[cknp])\b(?:cho biết|chia sẻ|khẳng định|nhấn mạnh|phát biểu)\b", re.IGNORECASE)
_OPENING = re.compile(r"^(?:(?:Tại|Ở|Riêng|Với|Còn|Đối với)\s+)?$")
_CLAUSE_END = re.compile(r"[;:]")
_CHAIN_GAP = re.compile(r"[\s,()\-–]*")  # between places of one chain: "xã A, huyện B", "xã A (huyện B)"


@dataclass(frozen=True)
class _Place:
    mention: PlaceMention
    ref: AreaRef
    paragraph: int
    caption: bool

    @property
    def level(self) -> str:
        return self.ref.level or self.mention.level

    @property
    def start(self) -> int:
        return self.mention.start

    @property
    def end(self) -> int:
        return self.mention.end


@dataclass(frozen=True)
class _Reference:
    start: int
    end: int
    level: str  # province | district | commune | city (thành phố: province or district)


def is_caption(paragraph: str) -> bool:
    """A photo caption: ends with "Ảnh: <author>" / "Ảnh <author>" / "(Ảnh minh họa)", or starts with "Ảnh:"."""
    text = paragraph.strip()
    if "Ảnh" not in text:  # both patterns need it; most paragraphs are no captions
        return False
    if re.match(r"^\(?Ảnh\s*:", text):
        return True
    m = re.search(r"(?:^|[\s.(])\(?Ảnh\s*:?\s*([^.!?]{0,60}?)\)?\.?$", text)
    if not m:
        return False
    credit = m.group(1).split()
    if not credit or len(credit) > 6:
        return False
    return " ".join(credit).casefold() in ("minh họa", "minh hoạ") or all(w[:1].isupper() for w in credit)


class AreaResolver:
    """The area of each figure of one article (facts.md "Areas", notes hard case 17)."""

    def __init__(
        self,
        gazetteer: Gazetteer,
        text: str,
        published: date | None,
        province: str | None,
        *,
        district: str | None = None,
        layout: "Layout | None" = None,
        sentences: list[Sentence] | None = None,
    ) -> None:
        """``layout`` and ``sentences`` are the text's, when the caller has read them already."""
        self._g = gazetteer
        self._text = text
        self._published = published
        self._sentences: list[Sentence] = sentences if sentences is not None else split_sentences(text)
        self._paragraph_spans = paragraphs(text)
        # Sorted starts for lookups by position in log time (a long page has thousands of
        # sentences, places and figures: linear scans per figure made the resolver quadratic).
        self._sentence_starts = [s.start for s in self._sentences]
        self._paragraph_starts = [a for a, _ in self._paragraph_spans]
        self._captions = {i for i, (a, b) in enumerate(self._paragraph_spans) if is_caption(text[a:b])}
        self._outlet_context = gazetteer.province_context(province, published) if province else None
        self._outlet = gazetteer.resolve(province, "province", published) if province else None
        if self._outlet is not None and self._outlet.status != STATUS_RESOLVED:
            # The outlet's province under a name of another time (an old outlet read today).
            self._outlet = gazetteer.resolve(province, "province", None) if province else None
            self._outlet = self._outlet if self._outlet and self._outlet.status == STATUS_RESOLVED else None
        self._outlet_district = None
        if district and self._outlet is not None:
            ref = gazetteer.resolve(district, "district", published, province_hint=province)
            self._outlet_district = ref if ref.status == STATUS_RESOLVED else None
        from extract.document import Layout  # document reads sentences too; imported late to keep areas a leaf

        self._layout = layout or Layout.of(text)
        mentions = gazetteer.find_mentions(text, self._outlet_districts())
        self._places = [p for p in self._resolve_places(mentions) if not self._is_predecessor(p)]
        self._place_starts = [p.start for p in self._places]  # places are in text order
        self._place_index = {id(p): i for i, p in enumerate(self._places)}
        self._chain_heads: dict[int, _Place] = {}  # place index -> the head of its chain
        self._kinds: dict[tuple[str, str], tuple[list[_Place], list[int]]] = {}  # see _places_before
        self._mentions = [p.mention for p in self._places]
        self._references = self._find_references()
        self._reference_starts = [r.start for r in self._references]
        self._topics = self._paragraph_topics()
        self._article_place = self._find_article_place()

    # ---- public

    @property
    def places(self) -> list[tuple[PlaceMention, AreaRef]]:
        return [(p.mention, p.ref) for p in self._places]

    def area_at(self, start: int, end: int) -> AreaRef:
        """The area of a figure whose mention is text[start:end]."""
        return self.explain_at(start, end)[0]

    def explain_at(self, start: int, end: int) -> tuple[AreaRef, str]:
        """The area of a figure and the rule that gave it ('clause', 'sentence', 'paragraph',
        'caption', 'article', 'outlet', 'none'): for debugging and for tracing facts."""
        sentence = self._sentence_at(start)
        paragraph = sentence.paragraph if sentence else self._paragraph_at(start)
        in_caption = paragraph in self._captions

        def usable(p: _Place) -> bool:
            # A caption's places belong to the caption only.
            return not p.caption or (in_caption and p.paragraph == paragraph)

        if sentence is not None:
            clause = self._clause(sentence, start)
            # Past the figure's clause, only a place named before it is its place: one named
            # after it belongs to a later clause ("...; an táng hài cốt từ tỉnh Quảng Nam về").
            for reason, (lo, hi) in (("clause", clause), ("sentence", (sentence.start, start))):
                ref = self._cue_in(lo, hi, start, end, usable)
                if ref is not None:
                    return ref, reason
        topic = self._topics.get(paragraph)
        if topic is not None and (not topic.caption or in_caption):
            return topic.ref, "paragraph"
        if in_caption:
            own = [p for p in self._places if p.paragraph == paragraph]
            if own:
                return self._most_specific(own, start).ref, "caption"
        if self._article_place is not None:
            return self._article_place, "article"
        return NONE_REF, "none"

    # ---- set-up

    def _outlet_districts(self) -> list[AdminUnit]:
        """The districts of the outlet's province on the publication date (none after the
        districts were abolished in July 2025)."""
        unit = self._g.unit_of(self._outlet) if self._outlet is not None else None
        if unit is None:
            return []
        return self._g.districts_of(unit)

    def _find_article_place(self) -> AreaRef | None:
        """Where the article is (facts.md "The outlet's place"): a place named in its headline
        or lead; else the outlet's district or province; else the first place it names."""
        usable = [p for p in self._places if not p.caption and p.ref.status != STATUS_UNKNOWN]
        framed = [p for p in usable if self._layout.in_headline(p.start) or self._layout.in_lead(p.start)]
        if framed:
            return self._chain_head(framed[0]).ref
        if self._outlet_district is not None:
            return self._outlet_district  # a district's own portal names its district seldom
        if self._outlet is not None:
            return self._outlet
        first = next((p for p in self._places if not p.caption), None)
        return first.ref if first else None

    def _is_predecessor(self, place: _Place) -> bool:
        """A unit named as what a new one was formed from ("thành lập trên cơ sở sắp xếp ... các
        xã Hưng Long, Yên Dương") is history, not the place of the sentence's figures."""
        sentence_start = max(self._text.rfind(".", 0, place.start), self._text.rfind("\n", 0, place.start)) + 1
        return bool(_MERGED_FROM.search(self._text, sentence_start, place.start))

    def _resolve_places(self, mentions: list[PlaceMention]) -> list[_Place]:
        """Resolve mentions in text order with the context read so far.

        Provinces and districts first (their names rarely repeat), then communes, which take
        the nearest district around them in a chain ("xã A, huyện B") or named before, and
        must lie in a province of the article (strict) once the article has one.
        """
        on = self._published
        refs: dict[int, AreaRef] = {}
        order = sorted(range(len(mentions)), key=lambda k: (LEVEL_RANK.get(mentions[k].level, 0) == 3, k))
        # The context grows with each resolved mention: kept up to date here rather than
        # recomputed from all of them for each (_context_provinces, which it equals).
        codes: set[int] = set(self._outlet_context.codes) if self._outlet_context else set()
        current: set[int] = set(self._outlet_context.current) if self._outlet_context else set()
        for k in order:
            m = mentions[k]
            provinces = _ProvinceContext(frozenset(codes), frozenset(current))
            parent = self._context_parent(mentions, refs, k) if m.level == "commune" else None
            strict = m.level == "commune" and bool(provinces)
            ref = refs[k] = self._g.resolve_mention(m, on, provinces or None, parent, strict=strict)
            unit = self._g.unit_of(ref)
            if unit is not None:
                codes.add(unit.province_code)
            if ref.province_code_current is not None:
                current.add(ref.province_code_current)
        places = []
        for k, m in enumerate(mentions):
            para = self._paragraph_at(m.start)
            places.append(_Place(m, refs[k], para, para in self._captions))
        return places

    def _context_provinces(self, refs: dict[int, AreaRef]) -> _ProvinceContext:
        """The outlet's province and the provinces of the places resolved so far."""
        codes: set[int] = set()
        current: set[int] = set()
        if self._outlet_context:
            codes |= self._outlet_context.codes
            current |= self._outlet_context.current
        for ref in refs.values():
            unit = self._g.unit_of(ref)
            if unit is not None:
                codes.add(unit.province_code)
            if ref.province_code_current is not None:
                current.add(ref.province_code_current)
        return _ProvinceContext(frozenset(codes), frozenset(current))

    def _context_parent(self, mentions: list[PlaceMention], refs: dict[int, AreaRef], k: int) -> int | None:
        """The district next to the commune in a chain ("xã A, huyện B"), else the last one before."""
        chain = self._chain_indices(mentions, k)
        for j in chain:
            ref = refs.get(j)
            if ref and ref.status == STATUS_RESOLVED and ref.level == "district":
                return ref.code
        for j in range(k - 1, -1, -1):
            ref = refs.get(j)
            if ref and ref.status == STATUS_RESOLVED and ref.level == "district":
                return ref.code
        return None

    def _chain_indices(self, mentions: list[PlaceMention], k: int) -> list[int]:
        """Mentions joined to mention k by commas, spaces or brackets only."""
        out = []
        for step in (1, -1):
            j = k
            while 0 <= j + step < len(mentions):
                a, b = (mentions[j], mentions[j + step]) if step == 1 else (mentions[j + step], mentions[j])
                if a.end < b.start and not _CHAIN_GAP.fullmatch(self._text, a.end, b.start):
                    break
                j += step
                out.append(j)
        return out

    def _find_references(self) -> list[_Reference]:
        norm = _NormalText.of(self._text)
        taken_starts = [p.start for p in self._places]
        reach = []  # reach[i]: the furthest end of places 0..i
        for p in self._places:
            reach.append(max(reach[-1], p.end) if reach else p.end)
        out = []
        lowered = norm.text.lower()
        found = (_REFERENCE_LOWER.finditer(lowered) if len(lowered) == len(norm.text)
                 else _REFERENCE.finditer(norm.text))
        for m in found:
            start, end = norm.span(m.start(), m.end())
            i = bisect_right(taken_starts, start) - 1
            if i >= 0 and reach[i] > start:
                continue  # part of a named place
            # (the cheap test first: "xã hội" is in nearly every article on social security)
            if _NOT_A_UNIT_AFTER.match(norm.text[m.end() : m.end() + 30]):
                continue
            if _NOT_ONE_UNIT_BEFORE.search(norm.text[max(0, m.start() - 20) : m.start()]):
                continue
            out.append(_Reference(start, end, _REFERENCE_LEVEL[m.group().casefold()]))
        return out

    def _paragraph_topics(self) -> dict[int, _Place]:
        """The place a paragraph is about: that of an official who speaks in its first sentence
        ("Phó Bí thư Đảng ủy xã Tuân Chính cho biết: ..."), or a place that opens it ("Xã Vũ Lễ là ...")."""
        topics: dict[int, _Place] = {}
        first_sentences: dict[int, Sentence] = {}
        for s in self._sentences:
            first_sentences.setdefault(s.paragraph, s)
        for para, s in first_sentences.items():
            inside = [
                p
                for p in self._places[bisect_left(self._place_starts, s.start) : bisect_right(self._place_starts, s.end)]
                if p.end <= s.end and p.ref.status != STATUS_NATIONAL
            ]
            if not inside:
                continue
            speech = _SPEECH.search(self._text, s.start, s.end)
            if speech:
                before = [p for p in inside if p.end <= speech.start()]
                if before:
                    topics[para] = self._chain_head(before[-1])
                    continue
            if _OPENING.match(self._text[s.start : inside[0].start]):
                topics[para] = self._chain_head(inside[0])
        return topics

    # ---- lookups

    def _sentence_at(self, pos: int) -> Sentence | None:
        i = bisect_right(self._sentence_starts, pos) - 1
        best = self._sentences[i] if i >= 0 else None
        if best is not None and pos > best.end and self._paragraph_at(pos) != best.paragraph:
            return None
        return best

    def _paragraph_at(self, pos: int) -> int:
        return max(0, bisect_right(self._paragraph_starts, pos) - 1)

    def _clause(self, sentence: Sentence, pos: int) -> tuple[int, int]:
        lo, hi = sentence.start, sentence.end
        for m in _CLAUSE_END.finditer(self._text, sentence.start, sentence.end):
            if m.end() <= pos:
                lo = m.end()
            elif m.start() >= pos:
                hi = m.start()
                break
        return lo, hi

    def _chain_head(self, place: _Place) -> _Place:
        """The most specific place of the chain a place belongs to ("thôn Đình, xã Chấn Hưng, huyện ...")."""
        k = self._place_index[id(place)]
        head = self._chain_heads.get(k)  # asked for again by each figure near the place
        if head is None:
            chain = [self._places[j] for j in self._chain_indices(self._mentions, k)] + [place]
            head = self._chain_heads[k] = max(chain, key=lambda p: (LEVEL_RANK.get(p.level, 0), -abs(p.start - place.start)))
        return head

    def _most_specific(self, places: list[_Place], pos: int) -> _Place:
        return max(places, key=lambda p: (LEVEL_RANK.get(p.level, 0), -abs(p.start - pos)))

    def _cue_in(self, lo: int, hi: int, start: int, end: int, usable: Callable[[_Place], bool]) -> AreaRef | None:
        """The area given by the nearest place or reference in text[lo:hi]: before the figure
        first (the nearest), else after it; a chain of places counts as its most specific one."""
        window = self._places[bisect_left(self._place_starts, lo) : bisect_right(self._place_starts, hi)]
        places = [p for p in window if p.end <= hi and usable(p)]
        window_refs = self._references[bisect_left(self._reference_starts, lo) : bisect_right(self._reference_starts, hi)]
        refs = [r for r in window_refs if r.end <= hi]
        cues: list[_Place | _Reference] = [*places, *refs]
        if not cues:
            return None
        before = [c for c in cues if c.end <= start]
        cue = max(before, key=lambda c: c.end) if before else min(cues, key=lambda c: c.start)
        if isinstance(cue, _Place):
            return self._chain_head(cue).ref
        assert isinstance(cue, _Reference)
        return self._bind(cue, start, usable)

    def _bind(self, reference: _Reference, pos: int, usable: Callable[[_Place], bool]) -> AreaRef:
        """The last unit of the reference's level named before pos (captions aside); else the
        unit of that level above the last more specific one; else, for a province, the outlet's."""
        same = next(self._places_before(("of", reference.level), pos, usable), None)
        if same is not None:
            return same.ref
        level = "province" if reference.level == "city" else reference.level
        for p in self._places_before(("below", level), pos, usable):
            unit = self._g.unit_of(p.ref)
            above = self._g.ancestor(unit, level) if unit else None
            if above is not None:
                return self._g.ref(above)
        if level == "province" and self._outlet is not None:
            return self._outlet
        if level == "district" and self._outlet_district is not None:
            return self._outlet_district
        article = self._article_place
        if article is not None and article.level == level:
            return article
        return AreaRef(None, level, None, None, None, STATUS_UNKNOWN)

    def _places_before(self, kind: tuple[str, str], pos: int, usable: Callable[[_Place], bool]) -> Iterator[_Place]:
        """The usable places of a kind that end by pos, nearest first. A kind is ("of", level):
        the places a reference of that level ("city": thành phố) names; or ("below", level): the
        places more specific than the level. Each kind's places are listed once per article, so
        that a figure reads back only through places of its kind (reading back through all places
        for each figure made long pages quadratic)."""
        listed = self._kinds.get(kind)
        if listed is None:
            places = [p for p in self._places if self._is_kind(p, kind)]
            listed = self._kinds[kind] = (places, [p.start for p in places])
        places, starts = listed
        for k in range(bisect_left(starts, pos) - 1, -1, -1):  # the places that start before pos
            p = places[k]
            if p.end <= pos and usable(p):
                yield p

    def _is_kind(self, place: _Place, kind: tuple[str, str]) -> bool:
        test, level = kind
        if test == "below":
            return LEVEL_RANK.get(place.level, 0) > LEVEL_RANK[level]
        if level == "city":
            return place.mention.unit_type == "thành phố" or self._unit_type(place).startswith("thành phố")
        return place.level == level

    def _unit_type(self, place: _Place) -> str:
        unit = self._g.unit_of(place.ref)
        return unit.unit_type if unit else ""
