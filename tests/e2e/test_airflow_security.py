"""The local Airflow of `make run` / `make airflow` has no open door: the API refuses calls
without a valid token, the token needs the generated admin password, and every process of the
stack listens on 127.0.0.1 only."""

from __future__ import annotations

import dataclasses
import json
import stat
import urllib.error
import urllib.request

import psutil
import pytest

from extract.airflow_stack import ADMIN_USER, AirflowStack
from extract.settings import Settings

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    settings = dataclasses.replace(Settings.from_env({}), home=tmp_path_factory.mktemp("asxh-home"))
    with AirflowStack(settings) as running:
        yield running


def _status(stack, method: str, path: str, body: dict | None = None, token: str | None = None) -> int:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(stack.base_url + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


@pytest.mark.parametrize(
    "method,path,body",
    [
        ("GET", "/api/v2/dags", None),
        ("PATCH", "/api/v2/dags/asxh_scrape", {"is_paused": True}),
        ("POST", "/api/v2/dags/asxh_scrape/dagRuns", {"logical_date": None}),
        ("GET", "/api/v2/pools", None),
    ],
)
def test_airflow_api_refuses_calls_without_a_token(stack, method, path, body):
    assert _status(stack, method, path, body) in (401, 403)


def test_airflow_api_refuses_a_forged_token(stack):
    assert _status(stack, "GET", "/api/v2/dags", token="eyJhbGciOiJIUzUxMiJ9.e30.forged") in (401, 403)


def test_airflow_token_endpoint_needs_the_admin_password(stack):
    assert _status(stack, "GET", "/auth/token") >= 400
    assert _status(stack, "POST", "/auth/token", {"username": ADMIN_USER, "password": "admin"}) == 401
    assert _status(stack, "POST", "/auth/token", {"username": ADMIN_USER, "password": stack.admin_password()}) == 201


def test_airflow_api_answers_with_the_admin_token(stack):
    assert _status(stack, "GET", "/api/v2/dags", token=stack._get_token()) == 200


def test_airflow_admin_password_is_generated_and_readable_by_its_owner_only(stack):
    mode = stat.S_IMODE(stack.passwords_file.stat().st_mode)
    assert mode == 0o600
    assert stack.passwords_file.parent == stack.settings.home / "airflow"
    assert len(stack.admin_password()) >= 20


def test_airflow_stack_listens_on_loopback_only(stack):
    listening = []
    for proc in stack.processes.values():
        root = psutil.Process(proc.pid)
        for p in [root, *root.children(recursive=True)]:
            try:
                listening += [(p.name(), c.laddr.ip, c.laddr.port) for c in p.net_connections(kind="inet")
                              if c.status == psutil.CONN_LISTEN]
            except psutil.NoSuchProcess:
                continue
    assert listening, "the api-server listens somewhere"
    assert all(ip == "127.0.0.1" for _, ip, _ in listening), listening
    assert 8793 not in {port for *_, port in listening}, "no log server"


def test_airflow_stack_creates_the_one_slot_writer_pool(stack):
    pool = stack._get_json("/api/v2/pools/asxh_warehouse_writer")
    assert pool["slots"] == 1
