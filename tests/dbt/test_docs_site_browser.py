"""The static docs site (docs/index.html) works in a real browser: headless Chromium renders its
dbt docs routes, and the rendered pages show the fact tables, their descriptions, columns and
lineage.

The static site embeds manifest.json and catalog.json in a <script>, so every model name is in
the file whether or not the page renders. The checks below read the DOM *after* Chromium ran the
app (--dump-dom) with every <script> and <style> removed: only what the app rendered is left.
"""

from __future__ import annotations

import json
import os
import struct
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

CHROMIUM = Path("/usr/bin/chromium")
FACT_TABLES = ["fct_households", "fct_loans", "fct_insurance_cards", "fct_allowances", "fct_other_indicators"]
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    # Virtual time runs the app's timers and rendering to completion without waiting in real time.
    "--virtual-time-budget=10000",
]


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        # CI installs chromium (make test), so a missing browser there is a failure, not a skip.
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing in CI: the docs site cannot be checked (apt-get install -y chromium)")
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install -y chromium); CI runs this test")
    return CHROMIUM


class DocsSite:
    """Renders routes of the static docs site in headless Chromium, each route once."""

    def __init__(self, browser: Path, index: Path, manifest: dict, workdir: Path) -> None:
        self.browser, self.index, self.manifest, self.workdir = browser, index, manifest, workdir
        self._pages: dict[str, BeautifulSoup] = {}
        self._runs = 0

    def url(self, route: str) -> str:
        return f"{self.index.as_uri()}#!/{route}"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        # One profile per run: Chromium refuses to share a profile between running instances.
        self._runs += 1
        profile = self.workdir / f"profile-{self._runs}"
        return subprocess.run([str(self.browser), *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, timeout=120)

    def render(self, route: str) -> BeautifulSoup:
        if route not in self._pages:
            completed = self._run("--dump-dom", self.url(route))
            assert completed.returncode == 0, completed.stderr.decode(errors="replace")[-2000:]
            soup = BeautifulSoup(completed.stdout.decode("utf-8"), "html.parser")
            for element in soup(["script", "style"]):
                element.decompose()
            self._pages[route] = soup
        return self._pages[route]

    def render_all(self, routes: list[str]) -> None:
        # Two at a time: each Chromium takes about a core for 2 to 3 s.
        with ThreadPoolExecutor(max_workers=2) as pool:
            list(pool.map(self.render, routes))

    def screenshot(self, route: str, path: Path) -> subprocess.CompletedProcess:
        return self._run(f"--screenshot={path}", "--window-size=1400,900", self.url(route))


@pytest.fixture(scope="module")
def docs(chromium, request, tmp_path_factory) -> DocsSite:
    # The warehouse is asked for only now, so that without a browser the test skips (or fails in
    # CI) at once instead of first building a warehouse (pytest sets up session fixtures first).
    built_warehouse = request.getfixturevalue("built_warehouse")
    index = built_warehouse.docs_dir / "index.html"
    assert index.is_file(), "build_warehouse wrote no docs site"
    manifest = json.loads((built_warehouse.home / "dbt_target" / "manifest.json").read_text(encoding="utf-8"))
    site = DocsSite(chromium, index, manifest, tmp_path_factory.mktemp("chromium"))
    site.render_all(["overview", *(f"model/model.asxh.{t}" for t in FACT_TABLES)])
    return site


def _text(element) -> str:
    return " ".join(element.get_text(" ").split())


def _section(page: BeautifulSoup, anchor: str):
    """The section of a model page under one of its tabs (details, description, columns,
    referenced_by, depends_on); None if the app did not render it."""
    target = page.find(id=anchor)
    return target.find_parent("section") if target else None


def _linked_models(section) -> set[str]:
    prefix = "#!/model/model.asxh."
    return {a["href"][len(prefix):] for a in section.find_all("a", href=True) if a["href"].startswith(prefix)}


def _plain(text: str) -> str:
    # The app renders descriptions as Markdown: compare without its markers and line breaks.
    return " ".join(text.replace("`", "").replace("*", "").split())


def test_docs_site_lists_every_fact_table_in_its_project_tree_when_rendered_in_chromium(docs):
    page = docs.render("overview")
    # The navigation tree: one entry per node, named as the model, keyed by its unique id.
    tree = {
        a["data-nav-unique-id"].removeprefix("model.asxh."): _text(a)
        for a in page.find_all("a", attrs={"data-nav-unique-id": True})
        if a["data-nav-unique-id"].startswith("model.asxh.")
    }
    for table in FACT_TABLES:
        assert table in tree, sorted(tree)
        assert tree[table].replace(" ", "").startswith(table)


@pytest.mark.parametrize("table", FACT_TABLES)
def test_docs_site_shows_fact_table_name_description_and_columns_when_its_model_page_is_rendered(docs, table):
    page = docs.render(f"model/model.asxh.{table}")
    node = docs.manifest["nodes"][f"model.asxh.{table}"]
    heading = page.find("h1")
    assert heading is not None and _text(heading).startswith(table)
    description = _section(page, "description")
    assert description is not None, f"{table}: no description section rendered"
    # Every fact table states its grain first ("One row per ..."), and the page shows it in full.
    assert node["description"].startswith("One row per")
    assert _plain(node["description"]) in _plain(_text(description))
    columns = _section(page, "columns")
    assert columns is not None, f"{table}: no columns section rendered"
    rendered = {_text(td) for td in columns.find_all("td")}
    assert set(node["columns"]) <= rendered, f"{table}: columns not shown: {set(node['columns']) - rendered}"


def test_docs_site_shows_lineage_from_fct_households_down_to_stg_news__facts_when_following_depends_on(docs):
    # Walk the rendered "Depends On" links breadth first, from the mart down to staging.
    came_from: dict[str, str | None] = {"fct_households": None}
    frontier = ["fct_households"]
    while frontier and "stg_news__facts" not in came_from and len(came_from) < 20:
        docs.render_all([f"model/model.asxh.{m}" for m in frontier])
        next_frontier = []
        for model in frontier:
            section = _section(docs.render(f"model/model.asxh.{model}"), "depends_on")
            parents = _linked_models(section) if section else set()
            # The page shows exactly the model parents the manifest records.
            expected = {p.split(".")[-1] for p in docs.manifest["nodes"][f"model.asxh.{model}"]["depends_on"]["nodes"] if p.startswith("model.")}
            assert parents == expected, f"{model}: rendered parents {parents}, manifest {expected}"
            for parent in sorted(parents - came_from.keys()):
                came_from[parent] = model
                next_frontier.append(parent)
        frontier = next_frontier
    assert "stg_news__facts" in came_from, f"no rendered lineage reaches stg_news__facts: {sorted(came_from)}"
    path, model = [], "stg_news__facts"
    while model is not None:
        path.append(model)
        model = came_from[model]
    path.reverse()
    assert path[0] == "fct_households" and path[-1] == "stg_news__facts"
    assert "int_facts_joined" in path, " -> ".join(path)
    # The reviewers' corrections stand between the staged facts and int_facts_joined.
    assert path.index("int_facts_joined") + 1 == path.index("int_facts_corrected"), " -> ".join(path)
    # And the other way: the staging model's page lists int_facts_corrected under "Referenced By".
    referenced_by = _section(docs.render("model/model.asxh.stg_news__facts"), "referenced_by")
    assert referenced_by is not None and "int_facts_corrected" in _linked_models(referenced_by)


def test_docs_site_screenshot_is_a_full_rendered_page_when_taken_in_chromium(docs, tmp_path):
    png = tmp_path / "docs.png"
    completed = docs.screenshot("model/model.asxh.fct_households", png)
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")[-2000:]
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # the IHDR chunk comes first
    assert (width, height) == (1400, 900)
    # A blank 1400x900 page is about 6 KB as PNG; the rendered model page about 120 KB.
    assert len(data) > 40_000, f"screenshot only {len(data)} bytes: the page did not render"
