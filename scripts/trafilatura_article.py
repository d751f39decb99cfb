"""trafilatura's page -> article in the shape of `asxh article`, for page_eval's --cmd: the
reference that ours is measured against. Runs in a venv that has trafilatura (never a
dependency of the project; see scripts/benchmark_extract.py for how to make it):

    python3 ../shared/tools/page_eval.py --cmd "BENCH_VENV/bin/python scripts/trafilatura_article.py"

One JSON object per file: file, title, text (trafilatura's defaults, with its metadata on for
the title).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import trafilatura


def main() -> None:
    for name in sys.argv[1:]:
        try:
            doc = trafilatura.bare_extraction(Path(name).read_bytes(), with_metadata=True)
        except Exception as exc:  # noqa: BLE001 - one bad page is one empty line, not a stop
            print(f"{name}: {exc}", file=sys.stderr)
            doc = None
        title = (doc.title if doc is not None else None) or ""
        text = (doc.text if doc is not None else None) or ""
        print(json.dumps({"file": name, "title": title, "text": text}, ensure_ascii=False))


if __name__ == "__main__":
    main()
