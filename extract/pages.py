"""HTML page -> article: title, publication date, author and body text, without page chrome.

Real pages surround the article with navigation, "Tin liên quan" lists, sidebars, share bars,
comments and footers, all full of figures that are not the article's. No per-site hints are
needed; the reading goes, on lxml's tree (the hot path: libxml2 builds it in C):

1. Metadata first (one pass over <meta>, JSON-LD, <time>), and the headline's element.
2. Content kept from the tree until scripts run is let in (a <noscript> with a page's worth of
   text, HTML in a <script type="text/template">); then chrome out by rule: scripts and hidden
   elements, nav/aside/footer, and any element whose
   class, id or role names a known kind of chrome (comments, share bars, related lists, ...),
   unless it holds the headline or an element marked as the article's body.
3. One bottom-up pass gives every element its text length, its link-text length and its
   "prose mass": the text of the runs of inline text (between block boundaries, in any element,
   not only <p>) that read as prose, i.e. long enough and not mostly links. Text inside a link
   is link text, blocks in it too: a teaser card (an <a> around a heading and a paragraph) is
   no prose.
4. From <body> down, the reading descends into a child while that child holds nearly all the
   prose; where the prose is spread over several children, that element is the article. Prose
   siblings before it (a lead paragraph beside the body's div) join it, so that an article
   spanning sibling blocks is kept whole; after it, only more bare <p>s do (what follows the
   article's block is an author box, a newsletter prompt, other articles' teasers).
5. Inside the article, link lists, captions, share prompts and "read also" lines go by rule;
   data tables become one sentence per row with their column units; the text is read block by
   block, one paragraph per block or <br> line, and ends at a short head of what follows an
   article ("Tin liên quan", "Read more", "Newsletter", ...) standing in its second half.

BeautifulSoup (html.parser, through lxml.html.soupparser) is the tolerant second reading, off
the hot path, for markup so broken that libxml2's tree loses the body.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass, field
from datetime import date, datetime

from lxml import etree
from lxml import html as lxml_html

from extract.numbers import normalize_text

# The page budget: what one page may cost. A page beyond it is cut, and the cut is recorded in
# Article.cut_reason (and in the staged article), never silently.
MAX_HTML_CHARS = 5_000_000  # the fetch cap (ASXH_MAX_PAGE_BYTES) is 5 MB; a file read directly may be larger
# An article's text: ten times a long news article. It bounds text -> facts, whose time grows
# with the text (about 0.1 MB/s on dense Vietnamese text, see scripts/benchmark_extract.py).
MAX_TEXT_CHARS = 200_000
MAX_SECONDS = 5.0  # CPU seconds: the reading stops taking paragraphs after this long

# Elements read as their own block: a new paragraph starts before and after each.
_BLOCK_TAGS = frozenset(
    "address article aside blockquote body center dd details dialog dir div dl dt fieldset figcaption figure "
    "footer form frame frameset h1 h2 h3 h4 h5 h6 header hgroup hr html legend li main menu nav ol p pre "
    "section summary table tbody td tfoot th thead tr ul caption".split()
)
_LISTS = frozenset(("table", "ul", "ol", "dl"))
_HEADINGS = frozenset(("h1", "h2", "h3", "h4", "h5", "h6"))
# Never text of the article.
_DROP_TAGS = (
    "script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed", "canvas", "select",
    "textarea", "button", "input", "option", "map", "audio", "video", "source", "picture", "img", "link", "meta",
    "head", "title", "base", "rt", "rp",  # rt, rp: the reading aids of <ruby> annotations
)
_CHROME_TAGS = frozenset(("nav", "aside", "footer", "dialog", "menu"))
# Class/id words of chrome. Distinctive stems match anywhere in the name ("commentlist",
# "post-share-bar"); short words only as a whole word of it ("nav", but not "canvas").
_CHROME_STEMS = (
    "comment", "disqus", "sidebar", "breadcrumb", "newsletter", "related", "share", "sharing", "social",
    "topbar", "top-bar", "ticker",  # market prices, weather and the date above the masthead
    "cookie", "consent", "advert", "sponsor", "widget", "popup", "paywall", "subscri", "byline", "caption",
    "lienquan", "lien-quan", "lien_quan", "tinkhac", "tin-khac", "cungchuyenmuc", "cung-chuyen-muc",
    "quangcao", "quang-cao", "docnhieu", "doc-nhieu", "xemnhieu", "xem-nhieu", "thoitiet", "thoi-tiet",
    "most-read", "mostread", "most-popular", "trending", "recommend", "see-also",
    "also-read", "screen-reader", "sr-only", "visually-hidden", "skip-link", "author-bio", "authorbio",
    "about-author", "author-box", "authorbox", "post-nav", "postnav", "pagination", "masthead", "navbar", "toolbar",
    "footer", "postmetadata", "rating", "affiliate", "copyright", "licence", "license", "next-post", "nextpost",
    "prev-post", "print-button", "printbutton", "action-bar", "actionbar", "imagedescription", "image-desc",
    "img-desc", "image-subtitle", "bildunterschrift", "similar", "mostviewed", "most-viewed", "meistgelesen",
    "popmake", "overlay", "kommentar", "binhluan", "binh-luan", "y-kien", "ykien",
)
_CHROME_WORDS = (
    "nav", "navigation", "menu", "footer", "header", "banner", "ads", "ad", "adv", "qc", "tags", "tag",
    "tagcloud", "keywords", "meta", "vote", "likes", "toc", "cta", "login", "signin", "register", "search",
    "legend", "pager", "paging", "promo", "hotline", "counter", "author", "date", "time", "datetime",
    "timestamp", "published", "updated", "credit", "copyright", "modal", "overlay", "notice", "alert",
    "popular", "top-news", "more", "prev", "next", "previous", "post-meta", "entry-meta", "article-meta",
    "source", "respond", "reply", "replies", "tools", "utility", "utilities", "icons",
)
_CHROME_NAME = re.compile(
    "|".join(re.escape(s) for s in _CHROME_STEMS)
    + r"|(?:^|[\s_-])(?:" + "|".join(re.escape(w) for w in _CHROME_WORDS) + r")(?=$|[\s_-])",
)
# Chrome that is never the article however much prose it holds.
_NEVER_ARTICLE = frozenset(("comment", "kommentar", "binhluan", "binh-luan", "disqus", "popup", "popmake", "modal", "overlay", "cookie", "consent", "newsletter"))
_CHROME_ROLES = frozenset(("navigation", "banner", "contentinfo", "complementary", "search", "dialog", "menu", "menubar", "alert"))
# Names that mark the article's own body: such an element, and what holds it, is never chrome.
_BODY_NAME = re.compile(
    r"articlebody|article[-_]*(?:body|content|text|detail)|(?:entry|post|story|news|blog|main)[-_]*(?:content|body|text)|"
    r"noi-?dung|chi-?tiet|detail[-_]?content|content[-_]?detail|fck_detail",
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# A run of inline text is prose when it has this many characters outside links.
_PROSE_CHARS = 40
# A link holding blocks (a teaser card) has at most this much text.
_CARD_CHARS = 1500
# The reading descends into a child holding at least this share of its parent's prose.
_DESCEND_SHARE = 0.8

_DATELINE = re.compile(
    r"(?:(?P<time1>\d{1,2}[:h]\d{2})\s*(?:\||-|,)?\s*)?"
    r"(?:(?:Thứ\s+\w+|Chủ\s+nhật|T[2-7]|CN)\s*,?\s*)?"
    r"(?:ngày\s+)?(?P<d>\d{1,2})[/.-](?P<m>\d{1,2})[/.-](?P<y>(?:19|20)\d{2})"
    r"(?:\s*(?:\||-|,)?\s*(?P<time2>\d{1,2}[:h]\d{2}))?",
    re.I,
)
# Lines that are page furniture wherever they stand: share prompts, "read also" heads, comment
# counters, print links. Only short lines: a sentence that starts with "Xem thêm" is still text.
# Heads of what is not the article: related lists, "read also" boxes, contact boxes, sharing.
# Only whole short lines: a sentence that starts with "Xem thêm" is still text.
_RELATED_HEADS = (
    # Vietnamese
    "xem thêm", "đọc thêm", "tin liên quan", "bài liên quan", "tin cùng chuyên mục", "tin khác", "các tin khác",
    "tin mới", "tin mới nhất", "tin đọc nhiều", "đọc nhiều", "xem nhiều", "tin nổi bật", "có thể bạn quan tâm",
    "chia sẻ(?: bài viết)?", "bình luận", "gửi bình luận", "ý kiến bạn đọc", "in bài(?: viết)?", "quảng cáo",
    # English
    "share(?: this(?: article| post| story| page)?)?", "share on \\w+", "tweet", "pin it", "email", "print",
    "read more", "read also", "see also", "related(?: articles| posts| stories| content| news)?",
    "you (?:may|might) also like", "recommended(?: for you)?", "more (?:on this|from \\w+(?: \\w+)?|stories)",
    "most (?:read|popular|viewed)", "trending(?: now)?", "latest news", "further reading", "advertisement",
    "leave a (?:reply|comment)", "comments?", "contact",
    # German
    "lesen sie auch", "auch interessant", "das könnte sie auch interessieren", "mehr zum thema", "weitere artikel",
    "weitere beiträge", "weitere informationen", "weitere infos", "mehr themen", "zum weiterlesen", "schon gelesen",
    "ähnliche beiträge", "ähnliche artikel", "verwandte artikel", "empfehlungen(?: der redaktion)?", "meistgelesen(?:e artikel)?",
    "aktuelle meldungen", "top themen", "kontakt", "teilen", "drucken", "anzeige", "werbung", "kommentare?",
    # French, Spanish, Italian, Polish
    "à lire aussi", "lire aussi", "voir aussi", "sur le même sujet", "partager", "lea también", "lee también",
    "notas relacionadas", "te puede interesar", "más noticias", "compartir", "leggi anche", "czytaj także", "czytaj też",
)
_FURNITURE_LINE = re.compile(
    r"^[-–—\s]*(?:" + "|".join(_RELATED_HEADS) + r"|\d+\s+(?:comments?|bình luận|kommentare?)|"
    r"(?:facebook|twitter|linkedin|whatsapp|zalo|x)(?:\s*[|,·/]\s*\w+)*)\s*[-–—:.!?»›>…]*\s*$",
    re.I,
)
# A photo's credit or caption line: "Ảnh: Minh Hòa", "(Foto: dpa)", "Abbildung 2: ...", "© AFP".
_CREDIT_LINE = re.compile(
    r"^[(\[]?\s*(?:(?:ảnh|foto|fotos|photo|photos|bild|bilder|image|images|credit|credits|quelle|source|nguồn|"
    r"abbildung|abb\.|figure|fig\.|hình)\s*(?:\d+\s*)?[:©]|©|\(c\)\s)",
    re.I,
)
# The head of what follows an article on its own page: other articles, a newsletter, a call to
# share or follow. Such a short line in the article's second half ends it.
_TAIL_HEADS = (
    # English
    "related", "read (?:more|also|next)", "more (?:from|on|stories|news|articles|to read)", "you (?:may|might) also",
    "recommended", "most (?:read|popular|viewed)", "trending", "latest (?:news|stories|articles)", "top stories",
    "further reading", "also read", "see also", "(?:sign up|subscribe)(?: to| for| now)?", "newsletter", "follow us",
    "share (?:this|the|on)", "never miss", "don't miss", "keep reading", "what to read next", "popular (?:posts|articles)",
    # German
    "weitere (?:artikel|beiträge|themen|aktuelle|informationen zum|news|meldungen|tipps|tourentipps|homestorys)",
    "mehr (?:zum thema|themen|artikel|news|dazu)", "lesen sie (?:auch|mehr)", "auch interessant", "das könnte",
    "(?:das|dieses) thema könnte", "sie könnten auch", "empfehlungen", "meistgelesen", "die meistgelesenen", "aktuellste",
    "neueste (?:artikel|beiträge)", "top[- ]themen", "ähnliche (?:artikel|beiträge)", "verwandte", "newsletter",
    "abonnieren", "jetzt abonnieren", "folgen sie uns", "teilen sie", "möchten sie (?:den|diesen) artikel",
    "(?:dieser )?artikel gefällt", "artikel gefallen", "lust auf mehr", "entdecke weitere", "zum weiterlesen",
    # Spanish, Portuguese, French, Italian, Polish
    "te puede interesar", "también te puede", "más noticias", "noticias relacionadas", "síguenos", "siguenos",
    "suscríbete", "lea también", "lee también", "leia também", "veja também", "à lire aussi", "lire aussi",
    "articles liés", "sur le même sujet", "dans la même rubrique", "leggi anche", "potrebbe interessarti",
    "czytaj (?:także|też|również)", "zobacz (?:także|też|również)", "polecamy", "zapraszamy",
    # Vietnamese
    "tin liên quan", "bài liên quan", "tin cùng chuyên mục", "tin khác", "các tin khác", "tin mới", "xem thêm",
    "đọc thêm", "tin đọc nhiều", "có thể bạn quan tâm", "bài viết liên quan",
)
_TAIL_HEAD = re.compile(r"^[-–—\s*#»›>]*(?:" + "|".join(_TAIL_HEADS) + r")(?![\wà-ỹ])", re.I)


def _before_the_tail(paragraphs: list[str]) -> list[str]:
    """The article up to the head of what follows it (other articles, a newsletter, sharing):
    a short line that opens such a box, in the second half of the article's text."""
    total = sum(map(len, paragraphs))
    seen = 0
    for i, text in enumerate(paragraphs):
        if seen >= total / 2 and len(text) <= 100 and _TAIL_HEAD.match(text):
            return paragraphs[:i]
        seen += len(text)
    return paragraphs


# A photo's caption ends with its credit: "Die Spieler beim Training. (Foto: dpa)", "... Augusta
# National/Getty Images". (Not "Nguồn: ...", "Quelle:": a sentence of the article may end by
# citing its source; nor "Ảnh: ...": a Vietnamese caption names the article's places and people,
# and is read as the article's text, as in the text files of the same articles.)
_CREDIT_TAIL = re.compile(
    r"(?:[(\[]\s*|[.!?:]\s+|^)(?:foto|fotos|photo|photos|bild|bilder|image|photo credit)\s*:\s*[^()\[\]:]{1,60}[)\]]?\s*$"
    r"|/\s*(?:getty images|afp|reuters|dpa|ap|imago|shutterstock)\s*[)\]]?\s*$",
    re.I,
)
_READ_ALSO = re.compile(r"^(?:xem thêm|đọc thêm|tin liên quan|bài liên quan|read more|read also|see also|related)\s*[:»›>-]", re.I)
_WS = re.compile(r"\s+")


@dataclass
class Article:
    title: str
    published: date | None
    author: str | None
    paragraphs: list[str] = field(default_factory=list)
    published_source: str | None = None  # which clue gave the date: meta, json-ld, time, dateline
    cut_reason: str | None = None  # set when the page went over the page budget and was cut

    @property
    def text(self) -> str:
        """Title and paragraphs, one per line: the text that facts' spans point into."""
        return "\n\n".join([self.title, *self.paragraphs]) if self.title else "\n\n".join(self.paragraphs)


def _clean(text: str) -> str:
    """Whitespace runs as one space, none at the ends (str.split's whitespace is re's \\s: the
    same as _WS.sub(" ", text).strip(), at a third of the cost)."""
    return " ".join(text.split())


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


# ---------------------------------------------------------------- parsing


def _parse_tree(html: str) -> etree._Element:
    """lxml's tree of the page; BeautifulSoup's tolerant reading when libxml2 loses the body."""
    data = html.encode("utf-8", "surrogatepass")
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True)
    try:
        root = lxml_html.document_fromstring(data, parser=parser)
    except (etree.ParserError, ValueError):
        root = None
    if root is None or _lost_body(root, html):
        from lxml.html import soupparser  # BeautifulSoup underneath; slow, so only here

        try:
            root = soupparser.fromstring(html)
        except Exception:  # noqa: BLE001 - an unreadable page is an empty article, not a crash
            root = lxml_html.document_fromstring("<html><body></body></html>")
        for node in root.xpath("//comment()|//processing-instruction()"):
            _remove(node)
    return root


def _lost_body(root: etree._Element, html: str) -> bool:
    """Whether libxml2's tree holds much less text than the markup: a stray </html> or a broken
    comment can end the body early. The markup's text is estimated with tags and scripts out."""
    body = root.find("body")
    if body is None:
        return len(html) > 2000
    # Cheap first: a page whose tree holds most of its bytes' worth of text is fine.
    tree_text = len(body.text_content())
    if tree_text > 2000 or len(html) < 4000:
        return False
    markup = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>|<!--.*?-->|<[^>]*>", " ", html)
    markup_text = len(_WS.sub(" ", markup))
    return markup_text > 4 * tree_text + 2000


def _unhide_content(root: etree._Element) -> None:
    """Content that a page keeps out of its tree until scripts run, read as part of the page: a
    <noscript> holding a page's worth of text (the whole site for readers without JavaScript),
    and HTML kept in a <script type="text/template"> for a script to insert (Blogger's posts)."""
    for el in list(root.iter("noscript")):
        if len(el.text_content()) >= _NOSCRIPT_TEXT:
            el.tag = "div"
    for el in list(root.iter("script")):
        text = el.text or ""
        if (el.get("type") or "").strip().lower() not in _TEMPLATE_TYPES or not _BLOCK_MARKUP.search(text):
            continue
        try:
            block = lxml_html.fragment_fromstring(text, create_parent="div")
        except (etree.ParserError, ValueError):
            continue
        parent = el.getparent()
        if parent is not None:
            block.tail = el.tail
            parent.replace(el, block)


# A <noscript> with this much text is content; the usual one is a tracking pixel or a line that
# asks for JavaScript.
_NOSCRIPT_TEXT = 1000
_TEMPLATE_TYPES = frozenset(("text/template", "text/html", "text/x-template"))
_BLOCK_MARKUP = re.compile(r"<(?:p|br|div|h[1-6]|ul|ol|table|blockquote)\b", re.I)


def _remove(el: etree._Element) -> None:
    """Take an element out, keeping its tail text (which belongs to the parent)."""
    parent = el.getparent()
    if parent is None:
        return
    tail = el.tail
    if tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(el)


# ---------------------------------------------------------------- metadata


def _metadata(root: etree._Element) -> tuple[dict[str, str], list[str]]:
    """Every <meta> (property, name or itemprop -> content, first one wins) and JSON-LD texts."""
    meta: dict[str, str] = {}
    for el in root.iter("meta"):
        content = el.get("content")
        if not content or not content.strip():
            continue
        for attr in ("property", "name", "itemprop"):
            key = el.get(attr)
            if key:
                meta.setdefault(key.strip().lower(), content.strip())
    ld = [el.text for el in root.iter("script") if (el.get("type") or "").strip().lower() == "application/ld+json" and el.text]
    return meta, ld


def _json_ld_date(scripts: list[str]) -> date | None:
    for text in scripts:
        try:
            data = json.loads(text)
        except (json.JSONDecodeError, TypeError, ValueError):
            continue
        items = data if isinstance(data, list) else data.get("@graph", [data]) if isinstance(data, dict) else []
        for item in items:
            if isinstance(item, dict) and item.get("datePublished"):
                d = _parse_iso(str(item["datePublished"]))
                if d:
                    return d
    return None


def _title_candidates(root: etree._Element, meta: dict[str, str]) -> list[str]:
    """The headline as the page states it: og:title, the h1, the <title> without the site's name."""
    out = []
    if meta.get("og:title"):
        out.append(meta["og:title"])
    h1 = next((h for h in root.iter("h1") if h.text_content().strip()), None)
    if h1 is not None:
        out.append(h1.text_content())
    title = root.find(".//title")
    if title is not None and title.text_content().strip():
        full = _clean(title.text_content())
        out.append(re.split(r"\s+[|–—-]\s+(?=[^|–—-]*$)", full)[0] if re.search(r"\s[|–—-]\s", full) else full)
    titles = []
    for t in out:
        t = _clean(normalize_text(t))
        if t and t not in titles:
            titles.append(t)
    return titles


def _name_of(el: etree._Element) -> str:
    name = f"{el.get('class') or ''} {el.get('id') or ''}".lower()
    # The Elementor page builder calls every block of a page, the article's too, a "widget".
    return name.replace("elementor-widget", "elementor-block") if "elementor" in name else name


# ---------------------------------------------------------------- reading


@dataclass
class _Stats:
    """What the bottom-up pass knows of one element."""

    chars: int = 0  # text characters in it (whitespace runs count as written)
    links: int = 0  # of them, inside <a>
    prose: int = 0  # characters of its prose runs (see _run_prose)
    run: int = 0  # characters of the inline run still open, handed up to the enclosing block
    run_links: int = 0


def _run_prose(chars: int, links: int) -> int:
    """A run of inline text counts as prose by its characters outside links, when it has enough of
    them and links are less than a third of it (a teaser list or a menu has more)."""
    plain = chars - links
    if plain >= _PROSE_CHARS and links * 3 < chars:
        return plain
    return 0


def _measure(elements: list[etree._Element]) -> dict[etree._Element, _Stats]:
    """One bottom-up pass (children before parents: document order reversed)."""
    stats: dict[etree._Element, _Stats] = {}
    # Text anywhere inside a link is link text, blocks in it too: a teaser card is an <a> around
    # a heading and a paragraph, and its paragraph is no prose of the page. A link longer than
    # any card is an <a> left open by broken markup, around text that is not its own.
    linked = set()
    for a in (el for el in elements if el.tag == "a"):
        if a not in linked and (not len(a) or len(a.text_content()) <= _CARD_CHARS):
            linked.update(a.iter())
    for el in reversed(elements):
        s = _Stats()
        text = el.text
        if text:
            n = len(text.strip())
            s.chars = s.run = n
        for child in el:
            c = stats.get(child)
            if c is None:
                continue
            s.chars += c.chars
            s.links += c.links
            s.prose += c.prose
            s.run += c.run
            s.run_links += c.run_links
            tail = child.tail
            if tail:
                n = len(tail.strip())
                s.chars += n
                s.run += n
        tag = el.tag
        if el in linked:
            s.links = s.chars
            s.run_links = s.run
        if tag in _BLOCK_TAGS or tag == "br":
            s.prose += _run_prose(s.run, s.run_links)
            s.run = s.run_links = 0
            if tag in _LISTS and s.prose * 2 < s.chars - s.links:
                # A data table or a list of short items is article text too, when not links.
                s.prose = max(s.prose, _run_prose(s.chars, s.links))
        stats[el] = s
    return stats


def _strip_chrome(body: etree._Element, heading: etree._Element | None, stats: dict[etree._Element, _Stats]) -> None:
    """Chrome out by tag, role and name, but never what holds the headline or the article's body,
    nor (unless named for comments) what holds most of the page's prose: some themes put the
    article in a "widget" or a "sidebar" column."""
    keep: set = {body}
    marked = [el for el in body.iter() if el.tag in ("article", "main") or el.get("itemprop") == "articleBody" or _BODY_NAME.search(_name_of(el))]
    # Only the marked elements that hold a good part of the prose: a related list's teasers are
    # <article>s too.
    top = max((stats[el].prose for el in marked), default=0)
    marked = [el for el in marked if stats[el].prose >= 0.3 * top and stats[el].prose]
    for el in [*marked, heading] if heading is not None else marked:
        while el is not None and el not in keep:
            keep.add(el)
            el = el.getparent()
    most = stats[body].prose / 2
    doomed = []
    for el in body.iter():
        if el in keep:
            continue
        tag = el.tag
        if tag in _CHROME_TAGS:
            if stats[el].prose <= most:
                doomed.append(el)
        elif tag == "form":
            # A search or comment form has no prose; but a shop's product form or an old ASP.NET
            # page's form around everything does.
            if stats[el].prose < 100:
                doomed.append(el)
        elif tag == "header":
            # The site's header; an article's own header holds its headline, dateline and lead.
            if stats[el].prose <= most and not any(a.tag == "article" for a in el.iterancestors()):
                doomed.append(el)
        elif (el.get("role") or "").lower() in _CHROME_ROLES or el.get("hidden") is not None or el.get("aria-hidden") == "true":
            if stats[el].prose <= most:
                doomed.append(el)
        elif (style := el.get("style")) and _HIDDEN_STYLE.search(style):
            doomed.append(el)
        else:
            name = _name_of(el)
            if name.strip() and (m := _CHROME_NAME.search(name)):
                if stats[el].prose <= most or m.group().strip(" _-") in _NEVER_ARTICLE:
                    doomed.append(el)
    for el in doomed:
        _remove(el)  # a doomed element inside another doomed one goes with it; removing it first is harmless


def _find_heading(root: etree._Element, titles: list[str]) -> etree._Element | None:
    """The element that prints the headline: the h1 that matches a title (else the first h1), or
    the smallest element whose text is the title."""
    h1s = [h for h in root.iter("h1") if h.text_content().strip()]
    for h in h1s:
        if _clean(normalize_text(h.text_content())) in titles[:1] + titles[2:]:
            return h
    if h1s:
        return h1s[0]
    best, best_len = None, 10**9
    wanted = {t: len(t) for t in titles}
    for el in root.iter():
        if el.tag in ("html", "body", "title", "head"):
            continue
        text = el.text_content()
        if len(text) > 3 * max(wanted.values(), default=0) + 40:
            continue
        clean = _clean(normalize_text(text))
        if clean in wanted and len(text) <= best_len:
            best, best_len = el, len(text)
    return best


def _text_pieces(body: etree._Element) -> tuple[list[str], dict[etree._Element, int]]:
    """The page's text nodes in reading order, and where each element starts among them."""
    pieces: list[str] = []
    starts: dict[etree._Element, int] = {}
    for event, el in etree.iterwalk(body, events=("start", "end")):
        if event == "start":
            starts[el] = len(pieces)
            if el.text and el.text.strip():
                pieces.append(el.text)
        elif el.tail and el.tail.strip() and el is not body:
            pieces.append(el.tail)
    return pieces, starts


def _dateline_near(pieces: list[str], at: int, after: int = 40, before: int = 10) -> date | None:
    """A dateline in the text right after a point (the headline), else right before it: the
    site's current-date bar sits far above the headline, the article's dateline just below it."""
    for piece in pieces[at : at + after] + pieces[max(0, at - before) : at][::-1]:
        d = parse_dateline(piece)
        if d:
            return d
    return None


def _choose_body(body: etree._Element, stats: dict[etree._Element, _Stats]) -> list[etree._Element]:
    """The article: from <body>, descend while one child holds nearly all the prose; then take in
    the prose siblings before it (a lead, a headline block) and, for an article of bare <p>s, the
    paragraphs after it, so that split articles stay whole."""
    node = body
    while True:
        children = [c for c in node if c in stats]
        best = max(children, key=lambda c: stats[c].prose, default=None)
        total = stats[node].prose
        if best is None or total == 0 or stats[best].prose < _DESCEND_SHARE * total:
            break
        node = best
    if stats[node].prose == 0:
        return [body]
    # The prose siblings of the article, and the short text between them, join it; while nothing
    # but that surrounds it, the same is asked one level up (short text at the edges stays out:
    # that is where datelines, bylines and share labels sit).
    anchor, chosen = node, [node]
    for _ in range(6):
        parent = anchor.getparent()
        if parent is None or anchor is body:
            break
        siblings = [c for c in parent if c in stats]
        at = siblings.index(anchor)
        # Before the article, a link box between the lead and the body is passed over (and left
        # out); after it, a link box ends the article: related lists and comments follow there.
        before: list[etree._Element] = []
        waiting: list[etree._Element] = []
        passed_links = False
        for sibling in reversed(siblings[:at]):
            kind = _kind(stats[sibling])
            if kind == "stop":
                passed_links = True
            elif kind == "neutral":
                waiting.append(sibling)
            else:
                before += waiting + [sibling]
                waiting = []
        # After it, only more paragraphs of an article written as bare <p>s join: a block after
        # the article's own block is, on real pages, nearly always something else (the author's
        # box, a newsletter prompt, a contact box, teasers of other articles).
        hi = at
        i = at + 1
        while i < len(siblings) and (kind := _kind(stats[siblings[i]])) != "stop":
            if kind == "prose" and siblings[i].tag == anchor.tag == "p":
                hi = i
            i += 1
        chosen = before[::-1] + chosen + siblings[at + 1 : hi + 1]
        if passed_links or i < len(siblings):
            break
        anchor = parent
    return chosen


def _kind(s: _Stats) -> str:
    """A sibling of the article: prose that belongs with it, neutral (short, no links), or a stop."""
    if s.links > s.prose and s.links > 60:
        return "stop"
    return "prose" if s.prose else "neutral"


def _prune(container: etree._Element, stats: dict[etree._Element, _Stats]) -> None:
    """Link lists and captions inside the article."""
    doomed = []
    for el in container.iter():
        if el is container:
            continue
        tag = el.tag
        if tag in ("figcaption",):
            doomed.append(el)
            continue
        s = stats.get(el)
        if s is None or not s.chars:
            continue
        if tag in _BLOCK_TAGS and s.links * 2 > s.chars and s.prose * 2 < s.links:
            doomed.append(el)  # a link list, a teaser, a "read also" line
            # and the head that announces it: "Tin liên quan", "Das könnte Sie auch interessieren"
            head = el.getprevious()
            if head is not None and (head.tag in _HEADINGS or (head.tag in _BLOCK_TAGS and _is_label(stats.get(head)))):
                doomed.append(head)
    for el in doomed:
        _remove(el)


def _is_label(s: _Stats | None) -> bool:
    return s is not None and 0 < s.chars <= 80 and not s.prose


def _lines(container: etree._Element, deadline: float) -> tuple[list[str], bool]:
    """The container's text, one line per block (and per <br>). Returns the lines and whether
    the time budget ran out."""
    out: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            line = _clean("".join(buf))
            if line:
                out.append(line)
            buf.clear()

    # An explicit walk: (element, entering?) pairs, so that a block's end is seen too.
    stack: list[tuple[etree._Element, bool]] = [(container, True)]
    steps = 0
    while stack:
        el, entering = stack.pop()
        if entering:
            tag = el.tag
            block = tag in _BLOCK_TAGS or tag == "br"
            if block:
                flush()
            if el.text and tag != "br":
                buf.append(el.text)
            stack.append((el, False))
            for child in reversed(el):
                stack.append((child, True))
            steps += 1
            if steps % 2000 == 0 and time.process_time() > deadline:
                flush()
                return out, True
        else:
            if el.tag in _BLOCK_TAGS or el.tag == "br":
                flush()
            if el is not container and el.tail:
                buf.append(el.tail)
    flush()
    return out, False


_UNIT_TYPES = {"tỉnh", "thành phố", "huyện", "quận", "thị xã", "xã", "phường", "thị trấn"}
HEADER_COUNT = re.compile(r"^(?:Số|Tổng số)\s+(?P<noun>lượt hộ|lượt người|hộ|người|thẻ BHYT|thẻ|sổ BHXH|sổ|suất quà|suất|lao động|đối tượng|nhà|căn nhà|khách hàng)(?![\wà-ỹ])", re.I)
HEADER_UNIT = re.compile(r"^(?P<name>.*?)\s*\((?P<unit>[^)]{1,20})\)\s*$")


def _cell_text(el: etree._Element) -> str:
    return _clean(normalize_text(" ".join(el.itertext())))


def _linearize_table(table: etree._Element) -> None:
    """A data table becomes one sentence per row, so that each cell keeps its row's label and its
    column's name and unit: "Diễn Châu: Dư nợ 612,4 tỷ đồng; Số hộ còn dư nợ 15.320." Layout
    tables (nested tables, long cells) are left alone: their cells are read as blocks."""
    if table.find(".//table") is not None:
        return
    rows = [[_cell_text(c) for c in tr if c.tag in ("td", "th")] for tr in table.iter("tr")]
    rows = [r for r in rows if any(r)]
    if len(rows) < 2 or max(len(c) for r in rows for c in r) > 120:
        return
    header, body = rows[0], rows[1:]
    columns = []
    for name in header:
        m = HEADER_UNIT.match(name)
        if m:
            columns.append((m["name"], m["unit"]))
        else:
            # "Số hộ còn dư nợ" counts households: the cell reads "15.320 hộ".
            counted = HEADER_COUNT.match(name)
            columns.append((name, counted["noun"] if counted else ""))
    replacement = []
    caption = table.find("caption")
    if caption is not None and _cell_text(caption):
        replacement.append(_cell_text(caption))
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
    parent = table.getparent()
    if parent is None:
        return
    index = parent.index(table)
    for offset, sentence in enumerate(replacement):
        p = etree.Element("p")
        p.text = sentence
        parent.insert(index + offset, p)
    table.tail = (table.tail or "")
    _remove(table)


def parse_article(html: str | bytes) -> Article:
    """The article of one HTML page (text, or bytes decoded as fetch.decode_html does)."""
    started = time.process_time()
    if isinstance(html, bytes):
        from extract.fetch import decode_html

        html = decode_html(html)
    cut_reason = None
    if len(html) > MAX_HTML_CHARS:
        cut_reason = f"page of {len(html)} characters cut to the first {MAX_HTML_CHARS}"
        html = html[:MAX_HTML_CHARS]
    if not html.strip():
        return Article(title="", published=None, author=None, cut_reason=cut_reason)
    root = _parse_tree(html)

    meta, json_ld = _metadata(root)
    titles = _title_candidates(root, meta)
    title = titles[0] if titles else ""
    published, source = None, None
    for key in ("article:published_time", "datepublished", "pubdate", "publishdate", "date", "dc.date", "dc.date.issued"):
        if key in meta and _parse_iso(meta[key]):
            published, source = _parse_iso(meta[key]), "meta"
            break
    if published is None:
        published = _json_ld_date(json_ld)
        source = "json-ld" if published else None
    if published is None:
        for el in root.iter("time"):
            if el.get("datetime") and _parse_iso(el.get("datetime")):
                published, source = _parse_iso(el.get("datetime")), "time"
                break
    author = meta.get("author") or meta.get("article:author")

    _unhide_content(root)
    etree.strip_elements(root, *_DROP_TAGS, with_tail=False)  # their tails are text of the parent
    body = root.find("body")
    if body is None:
        body = root

    heading = _find_heading(body, titles)
    pieces, starts = _text_pieces(body) if published is None else ([], {})
    if published is None and heading is not None:
        published = _dateline_near(pieces, starts[heading])
        source = "dateline" if published else None

    _strip_chrome(body, heading, _measure(list(body.iter())))
    stats = _measure(list(body.iter()))
    chosen = _choose_body(body, stats)
    if published is None and chosen[0] in starts:
        # No headline to go by: the dateline at the top of the article, else just above it.
        published = _dateline_near(pieces, starts[chosen[0]], after=5, before=10)
        source = "dateline" if published else None

    deadline = started + MAX_SECONDS
    lines: list[str] = []
    for container in chosen:
        _prune(container, stats)
        for table in list(container.iter("table")):
            if table.getparent() is not None:
                _linearize_table(table)
        got, out_of_time = _lines(container, deadline)
        lines += got
        if out_of_time:
            cut_reason = cut_reason or f"reading stopped after {MAX_SECONDS:g} s of CPU time"
            break

    paragraphs: list[str] = []
    size = 0
    for text in _before_the_tail([normalize_text(line) for line in lines]):
        if text in titles or _DATELINE.fullmatch(text.strip(" |")) or _FURNITURE_LINE.match(text):
            continue
        if len(text) < 200 and (_READ_ALSO.match(text) or _CREDIT_LINE.match(text) or _CREDIT_TAIL.search(text)):
            continue  # "Xem thêm: <another article's title>"
        if paragraphs and paragraphs[-1] == text:
            continue
        size += len(text) + 2
        if size > MAX_TEXT_CHARS:
            cut_reason = cut_reason or f"article text cut at {MAX_TEXT_CHARS} characters"
            break
        paragraphs.append(text)
    if author is None and paragraphs and len(paragraphs[-1]) < 40 and not re.search(r"\d", paragraphs[-1]):
        author = paragraphs[-1]
    return Article(title=title, published=published, author=author, paragraphs=paragraphs, published_source=source, cut_reason=cut_reason)
