"""HTML page -> article: title, publication date, author and body text, without page chrome.

Real pages surround the article with navigation, "Tin liên quan" lists, sidebars, share bars,
comments and footers, all full of figures that are not the article's. The body is the block
with the most paragraph text and the fewest links (the idea behind readability and trafilatura);
link lists and chrome-named blocks inside it are dropped. No per-site hints are needed.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from bs4 import BeautifulSoup, Comment, Tag

from extract.numbers import normalize_text

_CHROME_TAGS = ["nav", "header", "footer", "aside", "form", "iframe", "button", "svg"]
_CHROME_NAMES = re.compile(
    r"related|lien-?quan|cung-?chuyen-?muc|tin-?khac|share|social|comment|binh-?luan|sidebar|widget|"
    r"footer|header|menu|nav|breadcrumb|tags?\b|banner|advert|ads?\b|quang-?cao|popular|most-?read|doc-?nhieu|"
    r"xem-?nhieu|weather|thoi-?tiet|hotline|pagination|paging|login|subscribe|counter|rating|print|toolbar",
    re.I,
)
_BLOCKS = ["p", "h1", "h2", "h3", "h4", "li", "figcaption", "blockquote", "td", "th", "pre"]
_DATELINE = re.compile(
    r"(?:(?P<time1>\d{1,2}[:h]\d{2})\s*(?:\||-|,)?\s*)?"
    r"(?:(?:Thứ\s+\w+|Chủ\s+nhật|T[2-7]|CN)\s*,?\s*)?"
    r"(?:ngày\s+)?(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>(?:19|20)\d{2})"
    r"(?:\s*(?:\||-|,)?\s*(?P<time2>\d{1,2}[:h]\d{2}))?",
    re.I,
)


@dataclass
class Article:
    title: str
    published: date | None
    author: str | None
    paragraphs: list[str] = field(default_factory=list)
    published_source: str | None = None  # which clue gave the date: meta, json-ld, time, dateline

    @property
    def text(self) -> str:
        """Title and paragraphs, one per line: the text that facts' spans point into."""
        return "\n\n".join([self.title, *self.paragraphs]) if self.title else "\n\n".join(self.paragraphs)


def _clean(text: str) -> str:
    return re.sub(r"[ \t\r\f\v]+", " ", normalize_text(text)).strip()


def _parse_iso(value: str) -> date | None:
    value = value.strip()
    for candidate in (value, value.replace("Z", "+00:00")):
        try:
            return datetime.fromisoformat(candidate).date()
        except ValueError:
            pass
    m = re.match(r"((?:19|20)\d{2})-(\d{2})-(\d{2})", value)
    if m:
        try:
            return date(int(m[1]), int(m[2]), int(m[3]))
        except ValueError:
            return None
    return None


def parse_dateline(text: str) -> date | None:
    """A Vietnamese dateline: "04:05 | 15/05/2017", "Thứ Hai, 15/5/2017 - 08:30", "15-05-2017"."""
    m = _DATELINE.search(text)
    if not m:
        return None
    try:
        return date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None


def _json_ld_date(soup: BeautifulSoup) -> date | None:
    for script in soup.find_all("script", type="application/ld+json"):
        try:
            data = json.loads(script.string or "")
        except (json.JSONDecodeError, TypeError):
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in items:
            if isinstance(item, dict) and item.get("datePublished"):
                d = _parse_iso(str(item["datePublished"]))
                if d:
                    return d
    return None


def _meta(soup: BeautifulSoup, *names: str) -> str | None:
    for name in names:
        tag = soup.find("meta", attrs={"property": name}) or soup.find("meta", attrs={"name": name}) or soup.find("meta", attrs={"itemprop": name})
        if tag and tag.get("content"):
            return str(tag["content"]).strip()
    return None


def _link_density(tag: Tag) -> float:
    text = len(tag.get_text(" ", strip=True))
    if not text:
        return 1.0
    links = sum(len(a.get_text(" ", strip=True)) for a in tag.find_all("a"))
    return links / text


def _is_chrome(tag: Tag) -> bool:
    if tag.attrs is None:
        return False
    names = " ".join([*(tag.get("class") or []), tag.get("id") or "", tag.get("role") or ""])
    return bool(names.strip()) and bool(_CHROME_NAMES.search(names))


def _body_container(soup: BeautifulSoup) -> Tag:
    """The element whose own paragraphs hold the most text, links discounted."""
    best, best_score = soup.body or soup, 0.0
    for tag in soup.find_all(["article", "div", "section", "main", "td"]):
        paragraphs = [p for p in tag.find_all("p", recursive=False)]
        paragraphs += [p for child in tag.find_all(["div", "section"], recursive=False) if not _is_chrome(child) for p in child.find_all("p", recursive=False)]
        score = sum(len(p.get_text(" ", strip=True)) * (1 - _link_density(p)) for p in paragraphs)
        if _is_chrome(tag):
            score *= 0.2
        if score > best_score:
            best, best_score = tag, score
    return best


def _title_candidates(soup: BeautifulSoup) -> list[str]:
    """The headline as the page states it: og:title, the h1, the <title> without the site's name."""
    out = []
    og = _meta(soup, "og:title")
    if og:
        out.append(og)
    h1 = soup.find("h1")
    if h1 and h1.get_text(strip=True):
        out.append(h1.get_text(" ", strip=True))
    if soup.title and soup.title.get_text(strip=True):
        full = soup.title.get_text(" ", strip=True)
        out.append(re.split(r"\s+[|–—-]\s+(?=[^|–—-]*$)", full)[0] if re.search(r"\s[|–—-]\s", full) else full)
    return [_clean(t) for t in out if _clean(t)]


def _find_heading(soup: BeautifulSoup, titles: list[str]) -> Tag | None:
    """The element that prints the headline: the h1, or the smallest element whose text is it."""
    h1 = soup.find("h1")
    if h1 is not None:
        return h1
    for title in titles:
        for tag in soup.find_all(["h2", "h3", "b", "strong", "font", "span", "div", "td", "p"]):
            if _clean(tag.get_text(" ", strip=True)) == title and not tag.find(lambda t: t is not tag and _clean(t.get_text(" ", strip=True)) == title):
                return tag
    return None


def parse_article(html: str | bytes) -> Article:
    soup = BeautifulSoup(html, "html.parser")
    for node in soup.find_all(string=lambda s: isinstance(s, Comment)):
        node.extract()
    for tag in soup.find_all(["script", "style", "noscript", "template"]):
        if tag.name == "script" and tag.get("type") == "application/ld+json":
            continue
        tag.decompose()

    titles = _title_candidates(soup)
    title = titles[0] if titles else ""
    published, source = None, None
    meta_date = _meta(soup, "article:published_time", "datePublished", "pubdate", "publishdate", "date", "dc.date")
    if meta_date and _parse_iso(meta_date):
        published, source = _parse_iso(meta_date), "meta"
    if published is None:
        published = _json_ld_date(soup)
        source = "json-ld" if published else None
    if published is None:
        time_tag = soup.find("time", attrs={"datetime": True})
        if time_tag and _parse_iso(str(time_tag["datetime"])):
            published, source = _parse_iso(str(time_tag["datetime"])), "time"
    author = _meta(soup, "author", "article:author")
    heading = _find_heading(soup, titles)
    if published is None and heading is not None:
        # The dateline nearest the headline, read before the chrome goes: the site's
        # current-date bar sits far above the headline, the article's dateline just below it.
        published = _dateline_near(heading)
        source = "dateline" if published else None

    for tag in soup.find_all(_CHROME_TAGS):
        if tag.name == "header" and tag.find_parent("article") is not None:
            continue  # an article's own header holds its headline and dateline
        tag.decompose()
    container = _body_container(soup)
    if published is None:
        published = parse_dateline(container.get_text(" ", strip=True)[:300])
        source = "dateline" if published else None

    for tag in list(container.find_all(["ul", "ol", "div", "section", "table"])):
        if getattr(tag, "decomposed", False):
            continue
        if _is_chrome(tag) or (_link_density(tag) > 0.5 and tag.get_text(strip=True)):
            tag.decompose()

    for table in list(container.find_all("table")):
        if not getattr(table, "decomposed", False):
            _linearize_table(soup, table)

    paragraphs: list[str] = []
    for block in container.find_all(_BLOCKS):
        if _inside_block(block, container):
            continue  # its text is in the outer block
        text = _clean(block.get_text("", strip=False))
        if not text or text in titles or _DATELINE.fullmatch(text.strip(" |")):
            continue
        if paragraphs and paragraphs[-1] == text and block.name != "p":
            continue
        paragraphs.append(text)
    if author is None and paragraphs and len(paragraphs[-1]) < 40 and not re.search(r"\d", paragraphs[-1]):
        author = paragraphs[-1]
    return Article(title=title, published=published, author=author, paragraphs=paragraphs, published_source=source)


_UNIT_TYPES = {"tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn"}
_HEADER_COUNT = re.compile(r"^(?:Số|Tổng số)\s+(?P<noun>lượt hộ|lượt người|hộ|người|thẻ BHYT|thẻ|sổ BHXH|sổ|suất quà|suất|lao động|đối tượng|nhà|căn nhà|khách hàng)(?![\wà-ỹ])", re.I)
_HEADER_UNIT = re.compile(r"^(?P<name>.*?)\s*\((?P<unit>[^)]{1,20})\)\s*$")


def _linearize_table(soup: BeautifulSoup, table: Tag) -> None:
    """A data table becomes one sentence per row, so that each cell keeps its row's label and its
    column's name and unit: "Diễn Châu: Dư nợ 612,4 tỷ đồng; Số hộ còn dư nợ 15.320." Layout
    tables (nested tables, long cells) are left alone."""
    if table.find("table"):
        return
    rows = [[_clean(c.get_text(" ", strip=True)) for c in tr.find_all(["th", "td"])] for tr in table.find_all("tr")]
    rows = [r for r in rows if any(r)]
    if len(rows) < 2 or max(len(c) for r in rows for c in r) > 120:
        return
    header, body = rows[0], rows[1:]
    columns = []
    for name in header:
        m = _HEADER_UNIT.match(name)
        if m:
            columns.append((m["name"], m["unit"]))
        else:
            # "Số hộ còn dư nợ" counts households: the cell reads "15.320 hộ".
            counted = _HEADER_COUNT.match(name)
            columns.append((name, counted["noun"] if counted else ""))
    replacement = []
    caption = table.find("caption")
    if caption and caption.get_text(strip=True):
        replacement.append(_clean(caption.get_text(" ", strip=True)))
    # A first column named for a level ("Huyện", "Xã") makes each row label a named place.
    unit_type = header[0].lower() if header and header[0].lower() in _UNIT_TYPES else ""
    for row in body:
        label = row[0] if row and not re.search(r"\d", row[0]) else ""
        if label and unit_type and not label.lower().startswith(unit_type):
            label = f"{unit_type} {label}"
        label = label[:1].upper() + label[1:] if label else label
        cells = row[1:] if label else row
        names = columns[1:] if label else columns
        parts = []
        for (name, unit), value in zip(names, cells):
            if not value:
                continue
            unit_text = ("%" if unit.strip() == "%" else f" {unit}") if unit and re.fullmatch(r"[\d.,\s]+", value) else ""
            parts.append(f"{name} {value}{unit_text}".strip())
        if parts:
            replacement.append((f"{label}: " if label else "") + "; ".join(parts) + ".")
    new_tags = []
    for sentence in replacement:
        p = soup.new_tag("p")
        p.string = sentence
        new_tags.append(p)
    table.replace_with(*new_tags)


def _inside_block(tag: Tag, container: Tag) -> bool:
    """Whether a text block lies inside another text block of the container (a <p> in an <li>)."""
    for parent in tag.parents:
        if parent is container:
            return False
        if parent.name in _BLOCKS:
            return True
    return False


def _dateline_near(heading: Tag) -> date | None:
    """A dateline in the text right after the headline, else right before it."""
    for nodes in (heading.find_all_next(string=True, limit=40), heading.find_all_previous(string=True, limit=10)):
        for node in nodes:
            d = parse_dateline(str(node))
            if d:
                return d
    return None


def parse_text_article(text: str) -> Article:
    """A plain-text article shaped like the seed: title line, dateline, paragraphs."""
    lines = [line.strip() for line in normalize_text(text).splitlines()]
    lines = [line for line in lines if line and line != "|"]
    title = lines[0] if lines else ""
    published = None
    for line in lines[1:4]:
        published = parse_dateline(line)
        if published:
            break
    return Article(title=title, published=published, author=None, paragraphs=lines[1:], published_source="dateline" if published else None)
