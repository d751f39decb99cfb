"""`make` says clearly which Python it needs before it creates anything."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.conftest import REPO


def _make_venv(tmp_path, python: str) -> subprocess.CompletedProcess:
    return subprocess.run(["make", "--no-print-directory", "venv", f"VENV={tmp_path / 'venv'}", f"PYTHON={python}"],
                          cwd=REPO, capture_output=True, text=True, timeout=60)


def test_make_names_the_python_version_it_needs_when_python_is_too_old(tmp_path):
    old = shutil.which("python3.11") or shutil.which("python3.10")
    if old is None:
        pytest.skip("no Python older than 3.12 on this machine")
    completed = _make_venv(tmp_path, old)
    assert completed.returncode != 0
    assert f"PYTHON={old} is Python 3.1" in completed.stdout and "needs Python 3.12 or newer" in completed.stdout
    assert not (tmp_path / "venv").exists()


def test_make_says_the_python_does_not_run_when_python_is_not_a_program(tmp_path):
    completed = _make_venv(tmp_path, str(tmp_path / "no-such-python"))
    assert completed.returncode != 0
    assert "is not a Python that runs" in completed.stdout and "needs Python 3.12 or newer" in completed.stdout
    assert not (tmp_path / "venv").exists()
