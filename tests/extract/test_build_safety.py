"""The build step survives a bad staged file and never leaves dbt running behind it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import psutil
import pytest

from extract.pipeline import build_warehouse, quarantine_unreadable

ASXH = str(Path(sys.executable).parent / "asxh")


def _article_ids(settings) -> set[str]:
    con = duckdb.connect(str(settings.published_path), read_only=True)
    try:
        return {r[0] for r in con.execute("select article_id from marts.dim_article").fetchall()}
    finally:
        con.close()


def test_build_quarantines_a_truncated_staged_batch_and_lands_the_rest(warehouse_home_copy, gazetteer):
    settings = warehouse_home_copy
    expected = _article_ids(settings)
    assert len(expected) >= 3
    # A second batch cut off mid-file, as a full disk would leave it; its articles are new ones.
    from extract.pipeline import write_batch
    from tests.conftest import DEMO_SITE, fixture_staged_articles

    good_page = [("baovinhphuc-demo", "Vĩnh Phúc", DEMO_SITE / "baovinhphuc/xa-hoi/tam-duong-ty-le-ho-ngheo-giam-con-4-87-phan-tram.html")]
    good = fixture_staged_articles(gazetteer, good_page)
    write_batch(settings, good)  # lands beside the bad one
    expected |= {a["article_id"] for a in good}
    page = [("baovinhphuc-demo", "Vĩnh Phúc", DEMO_SITE / "baovinhphuc/xa-hoi/xa-dao-tru-con-96-ho-ngheo.html")]
    written = write_batch(settings, fixture_staged_articles(gazetteer, page))
    whole = written.read_bytes()
    bad = written.with_name("29991231T000000000000Z-0bad.parquet")
    bad.write_bytes(whole[: len(whole) // 2])
    written.unlink()

    result = build_warehouse(settings)

    assert [r["file"] for r in result["quarantined"]] == [str(bad)]
    assert result["quarantined"][0]["reason"].startswith(("InvalidInputException", "IOException"))
    assert not bad.exists()
    assert Path(result["quarantined"][0]["quarantined_as"]).read_bytes() == whole[: len(whole) // 2]
    records = [json.loads(line) for line in (settings.home / "quarantine" / "quarantine.jsonl").read_text().splitlines()]
    assert records[-1]["file"] == str(bad) and records[-1]["reason"] == result["quarantined"][0]["reason"]
    assert _article_ids(settings) == expected


@pytest.mark.parametrize(
    "name,content,reason",
    [
        ("empty.json", b"", "empty file"),
        ("array.json", b"[1, 2]", "2 of 2 JSON records are not objects"),
        ("latin1.json", '{"title": "Hà Nội"}'.encode("utf-8").replace("à".encode(), b"\xe0"), "Error"),
        ("batch.parquet", b"PAR1 not really parquet", "Error"),
        ("batch.ndjson", b'{"a": 1}\n{"a": \n', "Malformed JSON"),
    ],
    ids=["empty", "not-objects", "not-utf8", "bad-parquet", "truncated-ndjson"],
)
def test_quarantine_records_why_when_a_staged_file_of_any_format_cannot_be_read(tmp_path, name, content, reason):
    import dataclasses

    from extract.settings import Settings

    settings = dataclasses.replace(Settings.from_env({}), home=tmp_path)
    folder = settings.staged_dir / "batches"
    folder.mkdir(parents=True)
    (folder / name).write_bytes(content)
    (folder / "fine.ndjson").write_text('{"a": 1}\n{"a": 2}\n')
    moved = quarantine_unreadable(settings)
    assert [Path(m["file"]).name for m in moved] == [name]
    assert reason in moved[0]["reason"]
    assert (folder / "fine.ndjson").exists()
    assert Path(moved[0]["quarantined_as"]).parent == tmp_path / "quarantine" / "batches"


def _dbt_child(parent: psutil.Process, timeout: float = 120) -> psutil.Process:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for child in parent.children(recursive=True):
            try:
                if any("dbt" in Path(part).name for part in child.cmdline()[:2]):
                    return child
            except psutil.NoSuchProcess:
                continue
        if not parent.is_running():
            break
        time.sleep(0.05)
    raise AssertionError("asxh build never started dbt")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_asxh_build_leaves_no_dbt_process_when_killed_mid_build(warehouse_home_copy, sig):
    env = dict(os.environ, ASXH_HOME=str(warehouse_home_copy.home))
    build = subprocess.Popen([ASXH, "build"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        dbt = _dbt_child(psutil.Process(build.pid))
        assert os.getpgid(dbt.pid) == dbt.pid != os.getpgid(build.pid), "dbt runs in a process group of its own"
        os.kill(build.pid, sig)
        build.wait(30)
        gone, alive = psutil.wait_procs([dbt], timeout=20)
        assert alive == [], f"dbt (pid {dbt.pid}) outlived asxh build"
    finally:
        if build.poll() is None:
            build.kill()
