"""The `asxh` command."""

from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import time
from datetime import date
from pathlib import Path

from extract.contract import FACT_TABLES
from extract.settings import REPO_ROOT, Settings

log = logging.getLogger("asxh")


def _setup_logging(verbose: bool) -> None:
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )


def _read_article(path: Path):
    """(article, text) of one .html/.htm page or plain-text article file (reading.parse_text_page
    for text: a ``URL:`` first line, chrome lines, a date line)."""
    from extract.fetch import decode_html
    from extract.pages import parse_article
    from extract.reading import parse_text_page

    raw = path.read_bytes()
    if path.suffix.lower() in (".html", ".htm"):
        article = parse_article(decode_html(raw))
    else:
        article, _ = parse_text_page(raw.decode("utf-8-sig"))
    return article, article.text


def _explain(fact) -> str:
    period = f"{fact.period_start}..{fact.period_end}" if fact.period_start or fact.period_end else "no period"
    why = "; ".join(fact.confidence_reasons) or "metric, place and time read in the figure's own words"
    return (f"{fact.value} {fact.unit} {fact.fact_table}.{fact.metric} | {fact.area or '-'} ({fact.area_level or '-'}, "
            f"{fact.area_status}) | {period} ({fact.period_basis}) | group {fact.group or '-'} | "
            f"confidence {fact.confidence:.2f}: {why} | «{fact.sentence[:120]}»")


def cmd_extract(args: argparse.Namespace) -> int:
    """Facts of article files, one JSON object per line (the public extractor contract); with
    several files each fact carries its `file`. Each file goes through the pipeline's own path
    (reading.read_page): its URL (--url, or a text file's ``URL:`` line) finds its outlet in the
    sources registry; --province stands in for a registry entry. The gazetteer is loaded once."""
    from extract.areas import Gazetteer
    from extract.pipeline import load_registry
    from extract.reading import read_page
    from extract.sources import Source

    gazetteer = None
    registry = load_registry(Settings.from_env())
    if args.province:
        # The outlet's place given by hand: an entry for the file's own (or a stand-in) URL.
        registry = [Source(name="cli", homepage=args.url or "http://asxh-extract.invalid/", province=args.province), *registry]
    published = date.fromisoformat(args.published) if args.published else None
    status = 0
    for name in args.files:
        path = Path(name)
        if not path.exists():
            print(f"asxh extract: no such file: {path}", file=sys.stderr)
            status = 2
            continue
        if not path.is_file():
            print(f"asxh extract: not a file: {path} (give article files, .html or .txt)", file=sys.stderr)
            status = 2
            continue
        try:
            gazetteer = gazetteer or Gazetteer.load()
            url = args.url or ("http://asxh-extract.invalid/" if args.province else None)
            reading = read_page(path.read_bytes(), url, registry, gazetteer,
                                is_html=path.suffix.lower() in (".html", ".htm"), published=published)
        except Exception as exc:  # noqa: BLE001 - one bad file is reported, the others still run
            log.error("%s: %s: %s", path, exc.__class__.__name__, exc)
            status = 1
            continue
        if reading.article.cut_reason:
            log.warning("%s: %s", path, reading.article.cut_reason)
        if reading.status != "kept":
            log.info("%s: skipped: %s", path, reading.skip_reason)
        for fact in reading.facts:
            if args.explain:
                print((f"{path}: " if len(args.files) > 1 else "") + _explain(fact))
                continue
            out = fact.to_json()
            if len(args.files) > 1:
                out["file"] = str(path)
            if reading.url:
                out["url"] = reading.url  # provenance, as the warehouse keeps it
            print(json.dumps(out, ensure_ascii=False))
    return status


def cmd_article(args: argparse.Namespace) -> int:
    """Page -> article: one JSON object per file (file, title, published, published_source,
    author, text, and cut_reason when the page went over the page budget)."""
    status = 0
    for name in args.files:
        path = Path(name)
        try:
            article, text = _read_article(path)
        except Exception as exc:  # noqa: BLE001 - a missing or unreadable file is reported, the rest go on
            log.error("%s: %s: %s", path, exc.__class__.__name__, exc)
            status = 1
            continue
        body = "\n\n".join(article.paragraphs)
        out = {
            "file": str(path),
            "title": article.title,
            "published": article.published.isoformat() if article.published else None,
            "published_source": article.published_source,
            "author": article.author,
            "text": body,
        }
        if article.cut_reason:
            out["cut_reason"] = article.cut_reason
        print(json.dumps(out, ensure_ascii=False))
    return status


def cmd_scrape(args: argparse.Namespace) -> int:
    from extract.pipeline import scrape

    result = scrape(Settings.from_env(), only=args.sources)
    print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    return 0


def _day(value: str | None, flag: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{flag} must be a date YYYY-MM-DD, got {value!r}") from None


def cmd_backfill(args: argparse.Namespace) -> int:
    from extract.backfill import backfill

    result = backfill(Settings.from_env(), args.source, _day(args.since, "--since"), _day(args.until, "--until"))
    print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    return 0


def cmd_import_warc(args: argparse.Namespace) -> int:
    from extract.warc_import import import_warc

    result = import_warc(Settings.from_env(), [Path(f) for f in args.files])
    print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    return 1 if result.errors else 0


def cmd_process(args: argparse.Namespace) -> int:
    from extract.pipeline import extract_pending

    result = extract_pending(Settings.from_env(), force=args.force)
    print(json.dumps(result.as_dict(), ensure_ascii=False, indent=2))
    return 1 if result.errors else 0


def cmd_build(args: argparse.Namespace) -> int:
    from extract.pipeline import build_warehouse

    result = build_warehouse(Settings.from_env(), full_refresh=args.full_refresh)
    nodes = result.pop("nodes")
    result["models"] = {status: sum(1 for n in nodes.values() if n["status"] == status) for status in sorted({n["status"] for n in nodes.values()})}
    print(json.dumps(result, ensure_ascii=False, indent=2))
    return 0


def format_summary(s: dict) -> str:
    lines = [
        f"pages fetched:   {s['pages_fetched']} ({s['pages_failed']} failed, see the fetch log)",
        f"articles:        {s.get('articles', {}).get('kept', 0)} kept, {s.get('articles', {}).get('skipped', 0)} skipped (not about social security)",
        "observations per fact table (reports of them in articles):",
    ]
    for table, count in s.get("facts", {}).items():
        lines.append(f"  {table:<16} {count:>5}  ({s.get('reports', {}).get(table, 0)} reports)")
    if "conflicts" in s:
        lines.append(f"conflicts:       {s['conflicts']} observations whose reports disagree (see bridge_observation_fact)")
    lines.append(f"warehouse:       {s['warehouse']}")
    lines.append(f"docs site:       {s['docs']}")
    return "\n".join(lines)


def cmd_summary(args: argparse.Namespace) -> int:
    from extract.pipeline import summary

    print(format_summary(summary(Settings.from_env())))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """A table of the published warehouse as CSV, Parquet or SDMX-CSV (extract/export.py)."""
    from extract.export import export_table

    result = export_table(Settings.from_env(), args.table, args.format, Path(args.out) if args.out else None)
    print(f"{result.path}: {result.rows} rows")
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """The review queue of the published warehouse (text or a CSV to fill in), or one decision
    on a fact appended to the reviewers' file (extract/review.py, extract/corrections.py)."""
    from extract import review
    from extract.corrections import corrections_path

    settings = Settings.from_env()
    target = args.accept or args.correct or args.reject
    if target:
        if args.correct and not (args.field and args.value is not None):
            raise ValueError("--correct needs --field and --value (the right value)")
        if not args.correct and (args.field or args.value is not None):
            raise ValueError("--field and --value go with --correct only")
        decision = "accept" if args.accept else "correct" if args.correct else "reject"
        recorded = review.decide(settings, target, decision, args.field, args.value, args.why, args.who)
        print(f"recorded in {corrections_path(settings)}: {review.describe(recorded)}")
        print("run `asxh build` to apply it")
        return 0
    if args.import_file:
        recorded = review.import_filled(settings, Path(args.import_file), args.who)
        for d in recorded:
            print(f"recorded: {review.describe(d)}")
        print(f"{len(recorded)} decision(s) added to {corrections_path(settings)}" + ("; run `asxh build` to apply them" if recorded else ""))
        return 0
    rows = review.queue(settings, args.table, args.province, args.limit)
    text = review.format_csv(rows) if args.format == "csv" else review.format_text(rows) + "\n"
    if args.out:
        out = Path(args.out)
        if out.is_dir():
            raise ValueError(f"--out {out} is a folder: give a file name")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        print(f"{out}: {len(rows)} reports to review")
    else:
        sys.stdout.write(text)
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """A ready-made analysis on the published warehouse (extract/query.py)."""
    import csv

    from extract.query import parse_vars, run_analysis

    columns, rows = run_analysis(Settings.from_env(), args.name, parse_vars(args.var or []))
    if args.format == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    elif args.format == "json":
        for row in rows:
            print(json.dumps(dict(zip(columns, row)), ensure_ascii=False, default=str))
    else:
        cells = [[("" if v is None else str(v)) for v in row] for row in rows]
        widths = [min(60, max([len(c)] + [len(r[i]) for r in cells])) for i, c in enumerate(columns)]
        print("  ".join(c.ljust(w) for c, w in zip(columns, widths)).rstrip())
        for row in cells:
            print("  ".join(v[:w].ljust(w) for v, w in zip(row, widths)).rstrip())
        print(f"({len(rows)} rows)")
    return 0


def _demo_env(base_url: str) -> dict[str, str]:
    # The demo site is ours and on loopback: no need for the politeness pause of real sites.
    return {
        "ASXH_SOURCES": str(REPO_ROOT / "sources" / "demo.yaml"),
        "ASXH_DEMO_BASE_URL": base_url,
        "ASXH_REQUEST_DELAY": "0",
    }


def cmd_run(args: argparse.Namespace) -> int:
    """make run: serve the demo site, run the DAGs through Airflow, print what landed."""
    import os

    from extract.airflow_stack import AirflowStack, run_pipeline
    from extract.demo_site import DemoSite
    from extract.pipeline import summary

    settings = Settings.from_env()
    started = time.monotonic()
    with DemoSite() as site:
        env = _demo_env(site.base_url) if not args.sources else {"ASXH_SOURCES": str(Path(args.sources).resolve())}
        log.info("demo news site at %s", site.base_url)
        os.environ.update(env)
        with AirflowStack(settings, env) as stack:
            log.info("airflow UI at %s (while the run lasts); %s", stack.base_url, _login_line(stack))
            records = run_pipeline(stack, timeout=args.timeout)
    print()
    print("DAG runs:")
    for r in records:
        tasks = ", ".join(f"{k}={v}" for k, v in r["tasks"].items())
        print(f"  {r['dag_id']:<14} {r['state']:<8} {r['run_type'] or '':<16} {tasks}")
    if not any(r["dag_id"] == "asxh_extract" for r in records):
        print("  (nothing new was fetched, so no extract or build run was triggered)")
    print()
    print(format_summary(summary(settings)))
    print(f"\nmake run took {time.monotonic() - started:.0f}s")
    return 0 if all(r["state"] == "success" for r in records) else 1


def _login_line(stack) -> str:
    """The admin password is shown once, when it is generated; afterwards, where it is kept."""
    if stack.password_created:
        return (f"login: user admin, password {stack.admin_password()} (generated now, shown once; "
                f"kept in {stack.passwords_file})")
    return f"login: user admin, password in {stack.passwords_file}"


def cmd_airflow(args: argparse.Namespace) -> int:
    """make airflow: the stack and the demo site stay up, with the web UI, until Ctrl-C."""
    import os

    from extract.airflow_stack import AirflowStack
    from extract.demo_site import DemoSite

    settings = Settings.from_env()
    with DemoSite() as site:
        env = _demo_env(site.base_url)
        if os.environ.get("ASXH_SOURCES"):
            # The operator's own sources (real sites): keep them, and the polite default pause.
            env = {"ASXH_SOURCES": os.environ["ASXH_SOURCES"], "ASXH_DEMO_BASE_URL": site.base_url}
        os.environ.update(env)
        with AirflowStack(settings, env, port=args.port) as stack:
            print(f"Airflow UI: {stack.base_url}  (demo site: {site.base_url}); Ctrl-C stops everything")
            print(_login_line(stack), flush=True)
            stop = []
            signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
            try:
                while not stop:
                    time.sleep(1)
            except KeyboardInterrupt:
                pass
    return 0


def cmd_demo_site(args: argparse.Namespace) -> int:
    from extract.demo_site import DemoSite

    site = DemoSite(port=args.port)
    with site:
        print(f"demo news site at {site.base_url}/ (baovinhphuc/, baonghean/, baophutho/); Ctrl-C stops it")
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass
    return 0


def cmd_score(args: argparse.Namespace) -> int:
    from extract.evaluation import score_gold_files

    score = score_gold_files([Path(p) for p in args.gold])
    print(score.table())
    if args.errors:
        print("\n".join(score.errors))
    return 0


class OneLineParser(argparse.ArgumentParser):
    """argparse, but a bad argument is one line on stderr (what is wrong, and where to look),
    not the usage block followed by the error."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def error_line(exc: BaseException) -> str:
    """One line for an error: its first line (a dbt failure's output is already in the log)."""
    lines = [line for line in str(exc).splitlines() if line.strip()]
    text = lines[0] if lines else exc.__class__.__name__
    if len(lines) > 1:
        text += " (more in the log above)"
    return text if isinstance(exc, (ValueError, RuntimeError, OSError)) else f"{exc.__class__.__name__}: {text}"


def main(argv: list[str] | None = None) -> int:
    parser = OneLineParser(prog="asxh", description="Vietnamese social-security news -> statistics warehouse")
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--debug", action="store_true", help="on an error, show the traceback too")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=OneLineParser)

    p = sub.add_parser("extract", help="print the facts of article files (.html or .txt) as JSON lines")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--url", help="the page's URL, added to each fact for provenance")
    p.add_argument("--published", help="publication date YYYY-MM-DD, if the file does not say")
    p.add_argument("--province", help="the outlet's province: the default place of its figures")
    p.add_argument("--explain", action="store_true",
                   help="one readable line per fact: what was read, and why its confidence is what it is")
    p.set_defaults(func=cmd_extract)
    p = sub.add_parser("article", help="print the article of each page (.html) or text file as one JSON line")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_article)

    p = sub.add_parser("scrape", help="fetch new articles of every source into the raw archive")
    p.add_argument("--source", action="append", dest="sources", help="only this source (repeatable)")
    p.set_defaults(func=cmd_scrape)
    p = sub.add_parser("backfill", help="fetch a source's articles of a past window (sitemaps by lastmod, deep listings); resumable")
    p.add_argument("--source", required=True, help="a source of the registry")
    p.add_argument("--since", required=True, help="first day, YYYY-MM-DD")
    p.add_argument("--until", help="last day, YYYY-MM-DD (default: today, or the outlet's last day)")
    p.set_defaults(func=cmd_backfill)
    p = sub.add_parser("import-warc", help="ingest WARC files of another crawl into the raw archive, as if fetched")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_import_warc)
    p = sub.add_parser("process", help="extract archived articles not yet staged")
    p.add_argument("--force", action="store_true", help="re-extract every archived article (after the extractor improved)")
    p.set_defaults(func=cmd_process)
    p = sub.add_parser("reextract", help="re-extract every archived article from the archive, without the network")
    p.set_defaults(func=cmd_process, force=True)
    p = sub.add_parser("build", help="dbt build the warehouse and its docs site")
    p.add_argument("--full-refresh", action="store_true", help="rebuild every model from the staged files")
    p.set_defaults(func=cmd_build)
    sub.add_parser("summary", help="what is in the warehouse").set_defaults(func=cmd_summary)
    p = sub.add_parser("export", help="export a table of the published warehouse (csv, parquet or sdmx-csv)",
                       description="Export a table of the published warehouse (schema marts). sdmx-csv: SDMX-CSV 2.0, one row per "
                                   "observation, with its SDMX-ML 3.0 structure beside it (<table>.structure.xml; column "
                                   "mapping in extract/export.py; UNIT_MULT is 0 since values are normalised).")
    p.add_argument("table", help="a table of the warehouse, e.g. fct_households")
    p.add_argument("--format", choices=["csv", "parquet", "sdmx-csv"], default="csv")
    p.add_argument("--out", help="output file (default: <ASXH_HOME>/exports/<table>.<csv|parquet|sdmx.csv>)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("review", help="the figures most worth a look, and the reviewers' decisions on them",
                       description="Without a decision: list the review queue of the published warehouse (conflicts "
                                   "first, then the lowest confidence, then the biggest values). With --accept, --correct "
                                   "or --reject FACT_ID: append one decision to $ASXH_HOME/corrections.csv, which the next "
                                   "`asxh build` applies. With --import FILE: the decisions of a filled-in --format csv file.")
    p.add_argument("--table", choices=FACT_TABLES, help="only this fact table")
    p.add_argument("--province", help="only figures of this province (today's 34, e.g. 'Phú Thọ')")
    p.add_argument("--limit", type=int, default=20, help="how many reports to list (default 20)")
    p.add_argument("--format", choices=["text", "csv"], default="text", help="csv: a file to fill in (decision, field, corrected_value, reason)")
    p.add_argument("--out", help="write the queue to this file instead of stdout")
    decide = p.add_mutually_exclusive_group()
    decide.add_argument("--accept", metavar="FACT_ID", help="the figure is read right")
    decide.add_argument("--correct", metavar="FACT_ID", help="a field of the figure is wrong: with --field and --value")
    decide.add_argument("--reject", metavar="FACT_ID", help="not a fact: take the figure out of the warehouse")
    decide.add_argument("--import", dest="import_file", metavar="FILE", help="append the decisions of a filled-in queue CSV")
    p.add_argument("--field", choices=["value", "unit", "metric", "fact_table", "area", "period", "group"],
                   help="what --correct changes")
    p.add_argument("--value", help="the right value: a number (dot decimal), a code, national or <level>:<code> for "
                                   "area, YYYY, YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD for period, none for no group")
    p.add_argument("--why", help="why (needed to correct or reject)")
    p.add_argument("--who", help="who decides (default: the login name)")
    p.set_defaults(func=cmd_review)
    p = sub.add_parser("query", help="run a ready-made analysis (dbt_project/analyses) on the published warehouse",
                       description="Compile an analysis of dbt_project/analyses with dbt and run it on the published "
                                   "warehouse, read-only. Variables: --var NAME=VALUE, values read as YAML (true, 2020, [a, b]).")
    p.add_argument("name", help="an analysis, e.g. poverty_rate_over_time")
    p.add_argument("--var", action="append", metavar="NAME=VALUE", help="a variable of the analysis (repeatable)")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table", help="table (default), csv, or one JSON object per row")
    p.set_defaults(func=cmd_query)

    p = sub.add_parser("run", help="serve the demo site and run the whole pipeline through Airflow")
    p.add_argument("--sources", help="a sources file instead of the demo site")
    p.add_argument("--timeout", type=float, default=1200, help="seconds to wait for each DAG run")
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("airflow", help="keep Airflow and the demo site up with the web UI")
    p.add_argument("--port", type=int, default=8080)
    p.set_defaults(func=cmd_airflow)
    p = sub.add_parser("demo-site", help="serve the demo news site")
    p.add_argument("--port", type=int, default=8765)
    p.set_defaults(func=cmd_demo_site)
    p = sub.add_parser("score", help="score the extractor on gold files (facts.md's scoring)")
    p.add_argument("gold", nargs="+", help="*.gold.json files")
    p.add_argument("--errors", action="store_true", help="list every miss")
    p.set_defaults(func=cmd_score)

    args = parser.parse_args(argv)
    _setup_logging(args.verbose or args.debug)
    # SIGTERM (a service manager, `kill`) unwinds like Ctrl-C, so that every `finally` runs: the
    # dbt child is stopped and the writer lock released by their owners, never left behind.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print(f"asxh {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the one place where any error becomes one line
        if args.debug:
            log.exception("asxh %s failed", args.command)
        print(f"asxh {args.command}: error: {error_line(exc)}", file=sys.stderr)
        return 1


def _raise_interrupt(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


if __name__ == "__main__":
    sys.exit(main())
