"""One code path from a page to its facts.

The pipeline (``asxh process``), ``asxh extract`` and ``asxh score`` all call :func:`read_page`,
so a score on gold files is what the warehouse gets. The reader is given only what the pipeline
has: the page (HTML, or a plain-text article), its URL, the sources registry and the page's own
date; the outlet's place comes from the registry or the URL (``extract.outlets``).

Relevance is decided by what is read (issue "read the article"): an article is kept when it
carries figures of the four named fact tables, or enough topic words in its headline and lead;
counting keywords over the whole page dropped real reports full of figures.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from extract import areas, literals
from extract.contract import NAMED_FACT_TABLES, Fact
from extract.document import Layout, linearize_flat_tables
from extract.facts import extract_facts, is_vietnamese, topic_words
from extract.fetch import decode_html
from extract.numbers import normalize_text
from extract.outlets import Outlet, outlet_of
from extract.pages import Article, parse_article, parse_dateline
from extract.sources import Source

# Topic words in the headline and lead that make an article about social security even when
# none of its figures is read into a named table (its figures then land in `other`).
LEAD_TOPIC_MIN = 2


@dataclass
class Reading:
    article: Article
    url: str | None
    outlet: Outlet
    status: str  # kept | skipped
    skip_reason: str | None
    facts: list[Fact] = field(default_factory=list)
    topic_hits: int = 0  # distinct topic words in the headline and lead


# ---------------------------------------------------------------- plain-text pages

_URL_LINE = re.compile(r"^\s*URL:\s*(\S+)\s*$")
# "Ngày đăng: 06/02/2024", "Cập nhật: 12.01.2021 08:30": a labelled date is the page's own.
# It is looked for on every line, so as plain literals in the lower-cased line (literals.lowered),
# which the engine skips through by their first letters; (?i) only where lower-casing fails.
_LABEL_WORDS = ("ngày đăng", "đăng ngày", "ngày xuất bản", "xuất bản", "cập nhật", "ngày cập nhật", "đăng lúc", "posted")
_LABEL_RE = f"(?:{'|'.join(_LABEL_WORDS)})\\s*:?\\s*"
_LABELLED_DATE_LOWER = re.compile(_LABEL_RE)
_LABELLED_DATE = re.compile(_LABEL_RE, re.I)
# The site's current-date header: "Thứ 4, Ngày 21/02/2024 -", "Hôm nay, thứ Hai 5/3/2024".
_TODAY_HEADER = re.compile(r"^(?:hôm nay\s*,?\s*)?(?:thứ\s+\S+|chủ nhật)\s*,?\s*(?:ngày\s+)?\d{1,2}[/.-]\d{1,2}[/.-]\d{4}\s*[-|]?\s*$", re.I)


def parse_text_page(text: str) -> tuple[Article, str | None]:
    """A plain-text article: an optional ``URL: ...`` first line, then the page's text (a
    headline, perhaps chrome lines, a date line, paragraphs). Returns the article and the URL."""
    text = normalize_text(text)
    lines = text.splitlines()
    url = None
    if lines and (m := _URL_LINE.match(lines[0])):
        url = m.group(1)
        lines = lines[1:]
    body = [line.strip() for line in lines]
    body = [line for line in body if line and line != "|"]
    layout = Layout.of("\n\n".join(body))
    title = layout.headline_text or (body[0] if body else "")
    paragraphs = [line for line in body if line != title]
    return Article(title=title, published=page_date_of_lines(body), author=None, paragraphs=paragraphs,
                   published_source="dateline"), url


# "date 2025-12-31", "2025-12-31T08:00": an ISO date line, as a page's metadata prints it.
_ISO_DATE = re.compile(r"^\s*(?:date\s*:?\s*)?((?:19|20)\d{2})-(\d{2})-(\d{2})(?:[T ]\d{2}:\d{2}\S*)?\b", re.I)


def labelled_date_of_lines(lines: list[str]) -> date | None:
    """A date the page labels as its own: "Ngày đăng: 06/02/2024", an ISO date line."""
    for line in lines:
        lowered = literals.lowered(line)
        m = _LABELLED_DATE_LOWER.search(lowered) if lowered is not None else _LABELLED_DATE.search(line)
        if m and (d := parse_dateline(line[m.end():m.end() + 40])):
            return d
    for line in lines[:12]:
        if m := _ISO_DATE.search(line):
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                pass
    return None


def page_date_of_lines(lines: list[str]) -> date | None:
    """The page's own date from its lines: a labelled date first, else a short date line near
    the top that is not the site's current-date header."""
    if d := labelled_date_of_lines(lines):
        return d
    for line in lines[:12]:
        if _TODAY_HEADER.match(line):
            continue
        if len(line) <= 80 and (d := parse_dateline(line)):
            return d
    return None


# "...-20190121151831614.htm", "post-20160115061237.html": a timestamp in the URL.
_URL_STAMP = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})\d{6,9}(?!\d)")


def url_date(url: str | None) -> date | None:
    """A full date stamped in a URL (facts.md: "a timestamp in its URL")."""
    if not url:
        return None
    for m in _URL_STAMP.finditer(url):
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            continue
    return None


# ---------------------------------------------------------------- the one code path


def read_article(
    article: Article,
    url: str | None,
    registry: list[Source],
    gazetteer: areas.Gazetteer,
    published: date | None = None,
) -> Reading:
    """Facts of one parsed article, with what the pipeline knows of it."""
    article.paragraphs = linearize_flat_tables(article.paragraphs)
    text = article.text
    # A date the page labels as its own beats one read from a date-like line of its body.
    if not published and article.published_source in (None, "dateline"):
        labelled = labelled_date_of_lines([article.title, *article.paragraphs[:12]])
        if labelled and labelled != article.published:
            article.published, article.published_source = labelled, "labelled"
    published = published or article.published or page_date_of_lines([article.title, *article.paragraphs[:12]]) or url_date(url)
    if published and not article.published:
        article.published, article.published_source = published, article.published_source or "url"
    outlet = outlet_of(url, registry, gazetteer, published)
    if not article.paragraphs:
        return Reading(article, url, outlet, "skipped", "no article body found")
    if not is_vietnamese(text):
        return Reading(article, url, outlet, "skipped", "not in Vietnamese")
    layout = Layout.of(text)
    lead_hits = len(topic_words(layout.headline_and_lead(text)))
    facts = extract_facts(text, published, outlet.province, gazetteer, district=outlet.district, layout=layout)
    named = sum(f.fact_table in NAMED_FACT_TABLES for f in facts)
    if not named and lead_hits < LEAD_TOPIC_MIN:
        reason = (f"not about social security (no figures of the named tables; {lead_hits} topic words "
                  f"in headline and lead, {LEAD_TOPIC_MIN} needed)")
        return Reading(article, url, outlet, "skipped", reason, topic_hits=lead_hits)
    return Reading(article, url, outlet, "kept", None, facts, lead_hits)


def read_page(
    body: bytes | str,
    url: str | None,
    registry: list[Source],
    gazetteer: areas.Gazetteer,
    *,
    is_html: bool,
    content_type: str | None = None,
    published: date | None = None,
) -> Reading:
    """Facts of one page: HTML (bytes in any encoding, or str) or a plain-text article. A text
    article's own ``URL:`` line stands in for ``url`` when none is given."""
    if is_html:
        article = parse_article(decode_html(body, content_type) if isinstance(body, bytes) else body)
    else:
        article, own_url = parse_text_page(body.decode("utf-8-sig") if isinstance(body, bytes) else body)
        url = url or own_url
    return read_article(article, url, registry, gazetteer, published)
