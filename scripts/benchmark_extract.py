"""Extraction speed on one core: articles per second and MB/s, for text -> facts and for
HTML page -> facts, over the demo site and the dev set. Prints numbers; asserts nothing.

    .venv/bin/python scripts/benchmark_extract.py [--repeat N]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from pathlib import Path

from extract.areas import Gazetteer
from extract.facts import extract_facts
from extract.fetch import decode_html
from extract.pages import parse_article, parse_text_article

REPO = Path(__file__).resolve().parent.parent


def _bench(name: str, items: list[bytes], work, repeat: int) -> None:
    total_bytes = sum(len(b) for b in items) * repeat
    facts = 0
    started = time.process_time()  # CPU time of this process: one core, whatever else runs
    for _ in range(repeat):
        for body in items:
            facts += work(body)
    seconds = time.process_time() - started
    n = len(items) * repeat
    print(f"{name:<34} {n:>5} articles  {n / seconds:8.1f} articles/s  {total_bytes / seconds / 1e6:6.2f} MB/s  {facts // repeat:>5} facts")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core

    gazetteer = Gazetteer.load()
    html_pages = [p.read_bytes() for p in sorted((REPO / "demo_site").rglob("*.htm*")) if "index" not in p.name and "trang-" not in p.name]
    texts = [p.read_bytes() for p in sorted((REPO / "tests/fixtures/devset").glob("*.txt"))]
    texts += [p.read_bytes() for p in sorted((REPO / "tests/fixtures/seed").glob("*.txt"))]

    def text_to_facts(body: bytes) -> int:
        text = body.decode("utf-8")
        return len(extract_facts(text, parse_text_article(text).published, None, gazetteer))

    def html_to_facts(body: bytes) -> int:
        article = parse_article(decode_html(body))
        return len(extract_facts(article.text, article.published, None, gazetteer))

    def html_to_article(body: bytes) -> int:
        parse_article(decode_html(body))
        return 0

    print(f"one core, {args.repeat} repeats, CPU time")
    _bench("text -> facts (dev set + seed)", texts, text_to_facts, args.repeat)
    _bench("HTML page -> facts (demo site)", html_pages, html_to_facts, args.repeat)
    _bench("HTML page -> article only", html_pages, html_to_article, args.repeat)
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")


if __name__ == "__main__":
    main()
