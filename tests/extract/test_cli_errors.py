"""Every `asxh` error is one line on stderr that says what is wrong, with a non-zero exit code and
no traceback (`--debug` shows it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ASXH = str(Path(sys.executable).parent / "asxh")


def _asxh(*args: str, env: dict[str, str] | None = None, home: Path | None = None) -> subprocess.CompletedProcess:
    full_env = dict(os.environ, **(env or {}))
    if home is not None:
        full_env["ASXH_HOME"] = str(home)
    return subprocess.run([ASXH, *args], capture_output=True, text=True, timeout=120, env=full_env)


def _one_error_line(completed: subprocess.CompletedProcess) -> str:
    assert completed.returncode != 0
    assert "Traceback" not in completed.stderr
    lines = [line for line in completed.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, completed.stderr
    return lines[0]


@pytest.mark.parametrize(
    "args,expected",
    [
        (["export", "fct_households", "--format", "xlsx"], "argument --format: invalid choice: 'xlsx'"),
        (["scrape", "--nope"], "unrecognized arguments: --nope"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["extract"], "the following arguments are required: FILE"),
        (["run", "--timeout", "soon"], "argument --timeout: invalid float value: 'soon'"),
    ],
)
def test_cli_prints_one_line_naming_the_argument_when_arguments_are_bad(args, expected):
    completed = _asxh(*args)
    assert completed.returncode == 2
    assert expected in _one_error_line(completed)


@pytest.mark.parametrize("name,value", [("ASXH_REQUEST_DELAY", "-1"), ("ASXH_TIMEOUT", "0"), ("ASXH_MAX_RETRIES", "-1")])
def test_cli_prints_one_line_naming_the_variable_when_a_setting_is_bad(tmp_path, name, value):
    line = _one_error_line(_asxh("scrape", env={name: value}, home=tmp_path))
    assert line.startswith("asxh scrape: error: ") and f"{name} must be" in line


def test_cli_extract_says_not_a_file_when_given_a_directory(tmp_path):
    completed = _asxh("extract", str(tmp_path))
    assert completed.returncode == 2
    assert f"not a file: {tmp_path}" in _one_error_line(completed)


def test_cli_export_refuses_a_folder_as_out_when_given_one(built_warehouse, tmp_path):
    line = _one_error_line(_asxh("export", "fct_households", "--out", str(tmp_path), home=built_warehouse.home))
    assert f"--out {tmp_path} is a folder" in line


def test_cli_export_leaves_no_folder_behind_when_the_export_fails(built_warehouse, tmp_path):
    out = tmp_path / "a" / "b" / "dim_area.sdmx.csv"
    line = _one_error_line(_asxh("export", "dim_area", "--format", "sdmx-csv", "--out", str(out), home=built_warehouse.home))
    assert "sdmx-csv needs a fact table" in line
    assert list(tmp_path.iterdir()) == []


def test_cli_export_fails_in_one_line_when_the_out_path_cannot_be_written(built_warehouse, tmp_path):
    # A path under a regular file: the OS refuses it whoever we are (root included).
    blocker = tmp_path / "file"
    blocker.write_text("x")
    line = _one_error_line(_asxh("export", "fct_households", "--out", str(blocker / "x.csv"), home=built_warehouse.home))
    assert "asxh export: error:" in line and str(blocker) in line


def test_cli_shows_the_traceback_when_debug_is_given(tmp_path):
    completed = _asxh("--debug", "scrape", env={"ASXH_TIMEOUT": "-1"}, home=tmp_path)
    assert completed.returncode == 1
    assert "Traceback" in completed.stderr and "ASXH_TIMEOUT must be" in completed.stderr
