"""The documented way to query while the pipeline runs: open the published copy read-only.

Readers open settings.published_path, never the file dbt writes. publish_warehouse replaces the
published copy by a rename, so a reader that has it open keeps reading its snapshot and never
holds up a build; writers of warehouse.duckdb queue on warehouse_writer_lock instead of failing
on DuckDB's own lock.

Readers and writers run in separate processes here, as they do in real use (a notebook, the
Airflow task running dbt).
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time

import duckdb
import pytest

from extract.pipeline import build_warehouse, publish_warehouse, warehouse_writer_lock

# A reader process: opens the published warehouse read-only, says "ready <count>", then answers
# every line on stdin with the count it reads now, until stdin closes.
READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
count = lambda: con.execute("select count(*) from marts.dim_article").fetchall()[0][0]
print("ready", count(), flush=True)
for _ in sys.stdin:
    print(count(), flush=True)
con.close()
"""

# A reader process that keeps reading in a loop until stdin closes, then reports how many reads
# it made and every distinct count it saw.
LOOPING_READER = """
import sys, threading, time, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
stop = threading.Event()
threading.Thread(target=lambda: (sys.stdin.read(), stop.set()), daemon=True).start()
reads, seen = 0, set()
seen.add(con.execute("select count(*) from marts.dim_article").fetchall()[0][0])
print("ready", flush=True)
while not stop.is_set():
    seen.add(con.execute("select count(*) from marts.dim_article").fetchall()[0][0])
    con.execute("select metric, sum(value) from marts.fct_loans group by metric").fetchall()
    reads += 1
    time.sleep(0.05)  # a person or a dashboard querying, not a busy loop stealing the build's CPU
print(reads, sorted(seen), flush=True)
con.close()
"""

# A writer process: takes warehouse_writer_lock, opens warehouse.duckdb for writing (so it also
# holds DuckDB's own lock), says "locked", and lets both go when stdin closes.
LOCK_HOLDER = """
import dataclasses, sys, pathlib, duckdb
from extract.pipeline import warehouse_writer_lock
from extract.settings import Settings
settings = dataclasses.replace(Settings.from_env({}), home=pathlib.Path(sys.argv[1]))
with warehouse_writer_lock(settings):
    con = duckdb.connect(str(settings.warehouse_path))
    con.execute("create or replace table main.writer_probe as select 'first' as writer")
    print("locked", flush=True)
    sys.stdin.read()
    con.close()
"""


def _start(script: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", script, *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _read_line(process: subprocess.Popen, timeout: float = 60) -> str:
    """The next line the process prints, or a failure with its stderr if it prints none in time."""
    result: list[str] = []
    reader = threading.Thread(target=lambda: result.append(process.stdout.readline()), daemon=True)
    reader.start()
    reader.join(timeout)
    if not result or not result[0]:
        process.kill()
        pytest.fail(f"no line from the process within {timeout}s; stderr: {process.stderr.read()[-2000:]}")
    return result[0].strip()


def _finish(process: subprocess.Popen) -> str:
    """Close the process's stdin (communicate does) and return what it prints after that."""
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err[-2000:]
    return out.strip()


def _count(path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select count(*) from marts.dim_article").fetchall()[0][0]
    finally:
        con.close()


def test_publish_warehouse_replaces_the_copy_and_the_reader_keeps_its_snapshot_when_a_reader_has_it_open(warehouse_home_copy):
    settings = warehouse_home_copy
    before = _count(settings.published_path)
    reader = _start(READER, str(settings.published_path))
    try:
        assert _read_line(reader) == f"ready {before}"
        # A new state of the warehouse, as a build would leave it: one article fewer.
        con = duckdb.connect(str(settings.warehouse_path))
        con.execute("delete from marts.dim_article where article_id = (select min(article_id) from marts.dim_article)")
        con.close()
        started = time.monotonic()
        publish_warehouse(settings)
        assert time.monotonic() - started < 10, "publishing waited on the reader"
        # New readers see the new copy at once ...
        assert _count(settings.published_path) == before - 1
        # ... and the reader that had the old one open still reads it, whole.
        reader.stdin.write("again\n")
        reader.stdin.flush()
        assert _read_line(reader) == str(before)
    finally:
        _finish(reader)
    # Only the published file and its Parquet marts are left in published/: no temporary copy.
    assert sorted(p.name for p in settings.published_path.parent.iterdir()) == ["marts", settings.published_path.name]


def test_build_warehouse_succeeds_and_publishes_when_a_reader_process_is_reading_the_published_copy(warehouse_home_copy, gazetteer):
    from extract.pipeline import write_batch
    from tests.conftest import DEMO_SITE, fixture_staged_articles

    settings = warehouse_home_copy
    before = _count(settings.published_path)
    # The next build has one article more (a new batch), so that the reader's snapshot and the
    # new copy can be told apart.
    page = [("baovinhphuc-demo", "Vĩnh Phúc", DEMO_SITE / "baovinhphuc/xa-hoi/xa-dao-tru-con-96-ho-ngheo.html")]
    write_batch(settings, fixture_staged_articles(gazetteer, page))
    reader = _start(LOOPING_READER, str(settings.published_path))
    try:
        assert _read_line(reader) == "ready"
        started = time.monotonic()
        result = build_warehouse(settings)
        took = time.monotonic() - started
        # The reader was still reading when the build finished: the two overlapped throughout.
        assert reader.poll() is None, "the reader stopped before the build finished"
        assert result["published"] == str(settings.published_path)
        assert _count(settings.published_path) == before + 1
    finally:
        last = _finish(reader)
    reads, seen = last.split(" ", 1)
    assert int(reads) > 0
    # Every read during the build saw the snapshot it opened, never a half-replaced file.
    assert seen == f"[{before}]", f"reader saw {seen} during a {took:.0f}s build"


def test_warehouse_writer_lock_makes_a_second_writer_wait_instead_of_failing_when_another_holds_it(warehouse_home_copy):
    settings = warehouse_home_copy
    holder = _start(LOCK_HOLDER, str(settings.home))
    try:
        assert _read_line(holder) == "locked"
        # Without the lock, DuckDB fails at once while another process writes: why the lock exists.
        with pytest.raises(duckdb.IOException, match="lock"):
            duckdb.connect(str(settings.warehouse_path))

        acquired = threading.Event()
        errors: list[BaseException] = []

        def second_writer():
            try:
                with warehouse_writer_lock(settings):
                    acquired.set()
                    con = duckdb.connect(str(settings.warehouse_path))
                    con.execute("insert into main.writer_probe values ('second')")
                    con.close()
            except BaseException as exc:  # reported by the assertions below, not lost in the thread
                errors.append(exc)

        waiter = threading.Thread(target=second_writer, daemon=True)
        waiter.start()
        # The second writer waits, and does not fail, while the first holds the lock.
        assert not acquired.wait(2), "the second writer got the lock while the first held it"
        assert waiter.is_alive() and errors == []
    finally:
        _finish(holder)
    # Once the first lets go, the second gets the lock and writes, within bounded time.
    waiter.join(30)
    assert not waiter.is_alive(), "the second writer still waits after the first let go"
    assert errors == []
    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    assert con.execute("select writer from main.writer_probe order by writer").fetchall() == [("first",), ("second",)]
    con.close()
