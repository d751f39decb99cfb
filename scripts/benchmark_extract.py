"""Extraction speed on one core, ours beside trafilatura on the same pages, in one run: pages/s
and MB/s for HTML -> article, HTML -> facts and text -> facts, and a 5 MB page through
`asxh process`. Prints numbers; asserts nothing.

trafilatura is never a dependency of the project: it runs in a venv of its own, given with
--trafilatura-python (a child process that times itself on the same decoded pages). lxml 6 keeps
the HTML cleaner that trafilatura imports in a package of its own, lxml_html_clean, which pip does
not bring with trafilatura:

    python3.12 -m venv ../bench-venv
    ../bench-venv/bin/pip install --only-binary :all: trafilatura==2.3.1 lxml_html_clean
    .venv/bin/python scripts/benchmark_extract.py --trafilatura-python ../bench-venv/bin/python \\
        [--repeat N] [--pages DIR ...]

The pages are the repo's own: the demo site's articles and the dev set poured into the three
page layouts of tests/fixtures/layouts (all Vietnamese); --pages adds the *.html of any folder
(for HTML -> article only, since such pages need not be Vietnamese). Times are CPU times (of this
process, and of trafilatura's own), pinned to one core, of the fastest of --repeat passes (as
timeit reports), so that other work on the machine counts as little as it can.
"""

from __future__ import annotations

import argparse
import html as html_lib
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from extract.areas import Gazetteer
from extract.facts import extract_facts
from extract.fetch import decode_html
from extract.pages import parse_article, parse_dateline
from extract.reading import parse_text_page

REPO = Path(__file__).resolve().parent.parent


def _cpu(work, items: list, repeat: int) -> tuple[float, int]:
    """CPU seconds of the fastest of `repeat` passes of work over items (as timeit reports: the
    slower passes measure what else the machine was doing), and what work counted (facts)."""
    counted, fastest = 0, float("inf")
    for r in range(repeat):
        started = time.process_time()
        for item in items:
            n = work(item)
            if r == 0:
                counted += n
        fastest = min(fastest, time.process_time() - started)
    return fastest, counted


def _row(name: str, items: list[bytes], seconds: float, counted: str = "") -> tuple[float, float]:
    """A table row for one pass over items that took `seconds` of CPU."""
    mb = sum(len(b) for b in items) / 1e6
    pages_s, mb_s = len(items) / seconds, mb / seconds
    print(f"| {name:<44} | {len(items):>5} | {pages_s:>9.1f} | {mb_s:>6.2f} | {counted:>7} |")
    return pages_s, mb_s


def _layout_pages() -> list[bytes]:
    """The dev set's articles in the three page layouts the extractor has no hints for."""
    pages = []
    for template in sorted((REPO / "tests/fixtures/layouts").glob("*.html")):
        for article in sorted((REPO / "tests/fixtures/devset").glob("*.txt")):
            lines = [line.strip() for line in article.read_text(encoding="utf-8").splitlines() if line.strip()]
            title, rest = lines[0], lines[1:]
            dateline = next((line for line in rest[:3] if parse_dateline(line)), "")
            paragraphs = "\n".join(f"<p>{html_lib.escape(line)}</p>" for line in rest if line != dateline)
            page = template.read_text(encoding="utf-8").replace("{title}", html_lib.escape(title))
            pages.append(page.replace("{dateline}", html_lib.escape(dateline)).replace("{paragraphs}", paragraphs).encode("utf-8"))
    return pages


# Run by --trafilatura-python: trafilatura on the pages named on stdin (decoded text, UTF-8),
# `repeat` times; prints its version and the CPU seconds of the fastest pass (as ours are timed).
_TRAFILATURA_WORKER = """
import sys, time, trafilatura
repeat = int(sys.argv[1])
pages = [open(p, encoding="utf-8").read() for p in sys.stdin.read().split("\\n") if p]
fastest = float("inf")
for _ in range(repeat):
    started = time.process_time()
    for page in pages:
        trafilatura.extract(page)
    fastest = min(fastest, time.process_time() - started)
print(trafilatura.__version__, fastest)
"""


def _trafilatura_seconds(python: str, pages: list[bytes], repeat: int) -> tuple[str, float]:
    """trafilatura's version and CPU seconds on the pages, in its own interpreter (one core)."""
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for i, page in enumerate(pages):
            path = Path(folder) / f"{i}.html"
            path.write_text(decode_html(page), encoding="utf-8")  # the same decoded text ours gets
            paths.append(str(path))
        done = subprocess.run([python, "-c", _TRAFILATURA_WORKER, str(repeat)], input="\n".join(paths),
                              capture_output=True, text=True, check=True)
    version, seconds = done.stdout.split()[-2:]
    return version, float(seconds)


def _big_page(paragraphs: list[str], size: int) -> bytes:
    """A page of `size` bytes made of the demo site's own paragraphs, over and over."""
    body, total, i = [], 0, 0
    while total < size:
        p = f"<p>{html_lib.escape(paragraphs[i % len(paragraphs)])}</p>\n"
        body.append(p)
        total += len(p.encode("utf-8"))
        i += 1
    head = "<html><head><meta charset='utf-8'><title>Trang rất dài</title></head><body><article><h1>Trang rất dài</h1><p>15/05/2021</p>"
    return (head + "".join(body) + "</article></body></html>").encode("utf-8")


def _process_big_page(page: bytes) -> tuple[float, float, dict]:
    """`asxh process` on an archive holding one page: wall and CPU seconds (the CPU time tells
    what the page costs when the machine is busy with other work) and the staged article."""
    from extract.archive import FetchRecord, RawArchive

    with tempfile.TemporaryDirectory() as home:
        archive = RawArchive(Path(home) / "raw")
        sha = archive.store(page)
        record = FetchRecord(run_id="20210515T000000Z-bench", source="bench", kind="article", key="bench/big",
                             url="http://127.0.0.1/big", final_url=None, status=200, fetched_at="2021-05-15T00:00:00+00:00",
                             sha256=sha, error=None, retryable=False, content_type="text/html; charset=utf-8",
                             bytes=len(page), province="Vĩnh Phúc")
        archive.write_log(record.run_id, [record])
        env = {**os.environ, "ASXH_HOME": home}
        started, before = time.monotonic(), resource.getrusage(resource.RUSAGE_CHILDREN)
        subprocess.run([sys.executable, "-m", "extract.cli", "process"], env=env, check=True, capture_output=True)
        seconds, after = time.monotonic() - started, resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        from extract.pipeline import staged_articles
        from extract.settings import Settings

        return seconds, cpu, next(iter(staged_articles(Settings.from_env(env)).values()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--pages", action="append", default=[], help="a folder of *.html pages to add (HTML -> article)")
    parser.add_argument("--big", type=int, default=5_000_000, help="bytes of the long page sent through asxh process")
    parser.add_argument("--trafilatura-python", help="a Python that has trafilatura (its own venv), for the comparison")
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    try:
        import trafilatura
    except ImportError:
        trafilatura = None

    gazetteer = Gazetteer.load()
    demo = [p.read_bytes() for p in sorted((REPO / "demo_site").rglob("*.htm*")) if "index" not in p.name and "trang-" not in p.name]
    vietnamese = demo + _layout_pages()
    extra = [p.read_bytes() for folder in args.pages for p in sorted(Path(folder).glob("*.htm*"))]
    texts = [p.read_bytes() for p in sorted((REPO / "tests/fixtures/devset").glob("*.txt"))]
    texts += [p.read_bytes() for p in sorted((REPO / "tests/fixtures/seed").glob("*.txt"))]
    extract_facts("Huyện Vĩnh Tường có 1.234 hộ nghèo.", None, None, gazetteer)  # warm the gazetteer's tries

    def text_to_facts(body: bytes) -> int:
        text = body.decode("utf-8")
        return len(extract_facts(text, parse_text_page(text)[0].published, None, gazetteer))

    def html_to_facts(body: bytes) -> int:
        article = parse_article(decode_html(body))
        return len(extract_facts(article.text, article.published, None, gazetteer))

    def html_to_article(body: bytes) -> int:
        parse_article(decode_html(body))
        return 0

    def trafilatura_article(body: bytes) -> int:
        trafilatura.extract(decode_html(body))  # the same decoded text ours gets
        return 0

    print(f"one core, CPU time of the fastest of {args.repeat} passes; MB are of the input (HTML or text) as stored\n")
    print(f"| {'':<44} | pages | pages/s   | MB/s   | facts   |")
    print(f"|{'-' * 46}|-------|-----------|--------|---------|")
    sets = [("Vietnamese pages (demo site + dev set layouts)", vietnamese)]
    if extra:
        sets.append((f"pages of {', '.join(args.pages)}", extra))
    for label, pages in sets:
        ours_s, _ = _cpu(html_to_article, pages, args.repeat)
        ours, _ = _row(f"HTML -> article, ours: {label}", pages, ours_s)
        theirs = None
        if args.trafilatura_python:
            version, theirs_s = _trafilatura_seconds(args.trafilatura_python, pages, args.repeat)
            theirs, _ = _row(f"HTML -> article, trafilatura {version}", pages, theirs_s)
        elif trafilatura is not None:
            theirs_s, _ = _cpu(trafilatura_article, pages, args.repeat)
            theirs, _ = _row(f"HTML -> article, trafilatura {trafilatura.__version__}", pages, theirs_s)
        if theirs:
            print(f"| {'  ratio ours / trafilatura':<44} |       | {ours / theirs:>8.2f}x |        |         |")
    seconds, facts = _cpu(html_to_facts, vietnamese, args.repeat)
    _row("HTML -> facts, ours: Vietnamese pages", vietnamese, seconds, str(facts))
    seconds, facts = _cpu(text_to_facts, texts, args.repeat)
    _row("text -> facts, ours: dev set + seed texts", texts, seconds, str(facts))
    if trafilatura is None and not args.trafilatura_python:
        print("\n(no trafilatura: give --trafilatura-python, a Python of a venv that has it, for the comparison)")

    paragraphs = [p for page in demo for p in parse_article(decode_html(page)).paragraphs]
    big = _big_page(paragraphs, args.big)
    seconds, cpu, staged = _process_big_page(big)
    print(f"\n{len(big) / 1e6:.1f} MB page through `asxh process`: {seconds:.1f} s wall ({cpu:.1f} s CPU), {len(staged['facts'])} facts, "
          f"{len(staged['text']) / 1e6:.2f} M characters of text; cut: {staged.get('cut_reason')}")
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
