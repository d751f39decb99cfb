"""`asxh query NAME [--var k=v]...`: one of the ready-made analyses (dbt_project/analyses/) run
on the published warehouse, in one command.

dbt compiles the analysis (its SQL stays in dbt), in a temporary ASXH_HOME and target folder so
that compiling never opens the live warehouse while a build runs; the compiled SQL then runs on
the published copy, opened read-only. The compiled SQL names tables "warehouse"."marts".<model>,
and DuckDB names a database after its file: the published file is called warehouse.duckdb.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import tempfile
from pathlib import Path

import duckdb
import yaml

from extract.settings import Settings


def analyses_dir(settings: Settings) -> Path:
    return settings.dbt_project_dir / "analyses"


def available(settings: Settings) -> list[str]:
    return sorted(p.stem for p in analyses_dir(settings).glob("*.sql"))


def variables_of(settings: Settings, name: str) -> list[str]:
    """The dbt variables an analysis reads (var('name', default))."""
    sql = (analyses_dir(settings) / f"{name}.sql").read_text(encoding="utf-8")
    return sorted(set(re.findall(r"var\(\s*['\"](\w+)['\"]", sql)))


def parse_vars(pairs: list[str]) -> dict:
    """k=v pairs, each value read as YAML (true, 12, [a, b], a word), as dbt's --vars reads them."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not re.fullmatch(r"\w+", key):
            raise ValueError(f"--var takes NAME=VALUE, got {pair!r}")
        try:
            out[key] = yaml.safe_load(value) if value.strip() else ""
        except yaml.YAMLError as exc:
            raise ValueError(f"--var {key}: {value!r} is not a value ({str(exc).splitlines()[0]})") from None
    return out


def compile_analysis(settings: Settings, name: str, variables: dict) -> str:
    """The analysis's SQL as dbt compiles it with these variables."""
    from extract.pipeline import run_dbt

    names = available(settings)
    if name not in names:
        raise ValueError(f"no analysis {name!r}; available: {', '.join(names)}")
    unknown = sorted(set(variables) - set(variables_of(settings, name)))
    if unknown:
        known = ", ".join(variables_of(settings, name)) or "none"
        raise ValueError(f"analysis {name} has no variable {', '.join(unknown)}; its variables: {known}")
    # dbt's output is for the log of a build; here only its errors matter (run_dbt raises them).
    pipeline_log = logging.getLogger("extract.pipeline")
    level = pipeline_log.level
    pipeline_log.setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="asxh-query-") as home:
        scratch = dataclasses.replace(settings, home=Path(home))
        try:
            run_dbt(scratch, "compile", "--quiet", "--select", f"path:analyses/{name}.sql", "--vars", json.dumps(variables))
        finally:
            pipeline_log.setLevel(level)
        compiled = Path(home) / "dbt_target" / "compiled" / "asxh" / "analyses" / f"{name}.sql"
        return compiled.read_text(encoding="utf-8")


def run_analysis(settings: Settings, name: str, variables: dict) -> tuple[list[str], list[tuple]]:
    """Column names and rows of the analysis on the published warehouse."""
    path = settings.published_path
    if not path.exists():
        raise FileNotFoundError(f"no published warehouse at {path}: run make run or asxh build first")
    sql = compile_analysis(settings, name, variables)
    con = duckdb.connect(str(path), read_only=True)
    try:
        cursor = con.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()
    finally:
        con.close()
