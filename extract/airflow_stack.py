"""Run the pipeline through a real local Airflow: api-server, scheduler and dag-processor as
separate processes (`airflow standalone` leaves orphans when stopped; these stop on SIGTERM).

Used by `asxh run` (make run) and `asxh airflow` (make airflow). It speaks to Airflow only through
the `airflow` command and its REST API, so this package still never imports Airflow.
Metadata is SQLite under $ASXH_HOME/airflow; everything listens on 127.0.0.1 only (the scheduler's
log server, which would listen on every interface, is not started: the api-server reads the task
logs from the same disk). The API and UI need a login: SimpleAuthManager with one admin user whose
password is generated once and kept in $ASXH_HOME/airflow/simple_auth_manager_passwords.json.generated.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from extract.settings import REPO_ROOT, Settings

log = logging.getLogger(__name__)

DAG_IDS = ("asxh_scrape", "asxh_extract", "asxh_build")
# The task of each DAG that emits the asset the next DAG is scheduled on.
EMITTING_TASK = {"asxh_scrape": "fetch_new_pages", "asxh_extract": "extract_new_articles", "asxh_build": "dbt_build"}
# The scheduler serves task logs to other machines; here they are on the same disk.
COMPONENTS = {"api-server": [], "scheduler": ["--skip-serve-logs"], "dag-processor": []}
ADMIN_USER = "admin"
WRITER_POOL = ("asxh_warehouse_writer", 1, "DuckDB has one writer: the dbt build holds the only slot")
FINISHED = {"success", "failed"}
REQUEST_TIMEOUT = 60  # seconds for one REST call


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AirflowError(RuntimeError):
    pass


class AirflowStack:
    def __init__(self, settings: Settings, extra_env: dict[str, str] | None = None, port: int | None = None):
        self.settings = settings
        self.home = settings.home / "airflow"
        self.port = port or free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.extra_env = extra_env or {}
        self.processes: dict[str, subprocess.Popen] = {}
        self._token: str | None = None
        self.started_at = utc_now_iso()  # runs queued since then belong to this session
        self.password_created = False  # whether this start generated the admin password

    # ------------------------------------------------------------ environment

    def _secret(self) -> str:
        """All components must share one JWT secret; keep it beside the metadata database."""
        path = self.home / "jwt_secret"
        if not path.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_urlsafe(64))  # HS512 wants 64 bytes or more
            path.chmod(0o600)
        return path.read_text().strip()

    @property
    def passwords_file(self) -> Path:
        return self.home / "simple_auth_manager_passwords.json.generated"

    def admin_password(self) -> str:
        """The admin's password, generated at the first start (SimpleAuthManager would generate one
        too, but only print it into the api-server's log). Readable by the owner alone."""
        if not self.passwords_file.exists():
            self.home.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.passwords_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(json.dumps({ADMIN_USER: secrets.token_urlsafe(18)}) + "\n")
            self.password_created = True
        password = json.loads(self.passwords_file.read_text()).get(ADMIN_USER)
        if not password:
            raise AirflowError(f"no password for {ADMIN_USER!r} in {self.passwords_file}; delete the file to generate one")
        return password

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update(
            AIRFLOW_HOME=str(self.home),
            AIRFLOW__CORE__DAGS_FOLDER=str(REPO_ROOT / "dags"),
            AIRFLOW__CORE__LOAD_EXAMPLES="False",
            AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION="False",
            AIRFLOW__CORE__EXECUTOR="LocalExecutor",
            # LocalExecutor pre-forks one worker per slot; 2 cores need few.
            AIRFLOW__CORE__PARALLELISM="4",
            AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{self.home / 'airflow.db'}",
            AIRFLOW__API__HOST="127.0.0.1",
            AIRFLOW__API__PORT=str(self.port),
            AIRFLOW__API__BASE_URL=self.base_url,
            AIRFLOW__CORE__EXECUTION_API_SERVER_URL=f"{self.base_url}/execution/",
            AIRFLOW__CORE__AUTH_MANAGER="airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS="False",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS=f"{ADMIN_USER}:admin",
            AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE=str(self.passwords_file),
            AIRFLOW__API_AUTH__JWT_SECRET=self._secret(),
            AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK="False",
            AIRFLOW__LOGGING__LOGGING_LEVEL="INFO",
            ASXH_HOME=str(self.settings.home),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
            PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])),
        )
        env.update(self.extra_env)
        return env

    def _airflow(self) -> str:
        local = Path(sys.executable).parent / "airflow"
        return str(local) if local.exists() else "airflow"

    # ------------------------------------------------------------ processes

    def start(self, timeout: float = 120) -> None:
        self.started_at = utc_now_iso()
        self.home.mkdir(parents=True, exist_ok=True)
        logs = self.home / "process-logs"
        logs.mkdir(exist_ok=True)
        env = self.environment()
        log.info("airflow: migrating metadata database in %s", self.home)
        migrate = subprocess.run([self._airflow(), "db", "migrate"], env=env, capture_output=True, text=True)
        if migrate.returncode != 0:
            raise AirflowError(f"airflow db migrate failed:\n{migrate.stderr[-3000:]}")
        self.admin_password()
        for component, options in COMPONENTS.items():
            out = open(logs / f"{component}.log", "ab")
            # A session of its own, so that stop() can signal the component and its workers.
            self.processes[component] = subprocess.Popen(
                [self._airflow(), component, *options], env=env, stdout=out, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
            log.info("airflow: started %s (pid %d), log %s", component, self.processes[component].pid, logs / f"{component}.log")
        self._wait_healthy(timeout)
        self._warm_up_execution_api()
        self.ensure_pool(*WRITER_POOL)

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            for name, proc in self.processes.items():
                if proc.poll() is not None:
                    raise AirflowError(f"airflow {name} exited with {proc.returncode}; see {self.home / 'process-logs' / (name + '.log')}")
            try:
                health = self._request("GET", "/api/v2/monitor/health", auth=False, timeout=10)
                states = {k: (v or {}).get("status") for k, v in health.items() if isinstance(v, dict)}
                last = states
                if states.get("metadatabase") == "healthy" and states.get("scheduler") == "healthy" and states.get("dag_processor") == "healthy":
                    log.info("airflow: healthy at %s", self.base_url)
                    return
            except (urllib.error.URLError, ConnectionError, AirflowError, json.JSONDecodeError):
                pass
            time.sleep(1)
        raise AirflowError(f"airflow did not become healthy in {timeout:.0f}s (last health: {last})")

    def stop(self, timeout: float = 30) -> None:
        # SIGTERM to each component alone: it then stops its own workers (seen: all gone in ~3 s);
        # signalling the whole group at once made the scheduler wait on its workers.
        for name, proc in self.processes.items():
            if proc.poll() is None:
                proc.terminate()
        deadline = time.monotonic() + timeout
        for name, proc in self.processes.items():
            try:
                proc.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                log.warning("airflow: %s did not stop in %.0fs, killing it", name, timeout)
            # Workers forked by the component share its session: none may outlive the run.
            try:
                os.killpg(proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            proc.wait()
        log.info("airflow: stopped %s", ", ".join(self.processes))
        self.processes.clear()

    def __enter__(self) -> "AirflowStack":
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # ------------------------------------------------------------ REST API

    def _request(self, method: str, path: str, body: dict | None = None, auth: bool = True, timeout: float = REQUEST_TIMEOUT):
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if auth:
            headers["Authorization"] = f"Bearer {self._get_token()}"
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers, method=method)
        # A GET is asked again when the api-server is too busy to answer in time (it serves the
        # tasks' execution API in the same process); anything else is asked once.
        for attempt in range(3 if method == "GET" else 1):
            try:
                with urllib.request.urlopen(request, timeout=timeout) as response:
                    return json.loads(response.read() or b"null")
            except TimeoutError:
                log.warning("airflow: %s %s did not answer in %.0fs%s", method, path, timeout, " (asking again)" if attempt < 2 and method == "GET" else "")
        raise AirflowError(f"the airflow api-server did not answer {method} {path} in {timeout:.0f}s")

    def _warm_up_execution_api(self) -> None:
        """The api-server builds its execution API (the one tasks call) at its first request,
        which blocks it for 20-40 s on a busy 2-core machine (seen): pay that before tasks start
        and before anyone waits on the REST API with a short timeout."""
        try:
            self._request("GET", "/execution/health", auth=False, timeout=300)
        except urllib.error.HTTPError:
            pass  # any answer means the app is built

    def _get_json(self, path: str, auth: bool = True):
        return self._request("GET", path, auth=auth)

    def _get_token(self) -> str:
        if self._token is None:
            body = {"username": ADMIN_USER, "password": self.admin_password()}
            self._token = self._request("POST", "/auth/token", body, auth=False)["access_token"]
        return self._token

    def ensure_pool(self, name: str, slots: int, description: str) -> None:
        """Create the pool, or set its slots back to `slots` when it exists."""
        body = {"name": name, "slots": slots, "description": description, "include_deferred": False}
        # The metadata database is SQLite: a write that meets a running task's write can fail
        # with "database is locked" (a 500 after SQLite's 5 s wait, seen on a loaded machine).
        # Setting a pool is idempotent, so it is asked again; a POST that lost the race to an
        # earlier attempt finds the pool (409) and sets it instead.
        for attempt in range(1, 5):
            try:
                try:
                    self._get_json(f"/api/v2/pools/{name}")
                except urllib.error.HTTPError as exc:
                    if exc.code != 404:
                        raise
                    self._request("POST", "/api/v2/pools", body)
                else:
                    self._request("PATCH", f"/api/v2/pools/{name}", body)
                break
            except urllib.error.HTTPError as exc:
                if exc.code not in (409, 500, 503) or attempt == 4:
                    raise AirflowError(f"the airflow api-server refused to set pool {name}: HTTP {exc.code} {exc.reason}") from exc
                log.warning("airflow: setting pool %s failed (HTTP %d), asking again", name, exc.code)
                time.sleep(2 * attempt)
        log.info("airflow: pool %s with %d slot(s)", name, slots)

    def wait_for_dags(self, dag_ids=DAG_IDS, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        missing = list(dag_ids)
        while time.monotonic() < deadline:
            missing = [d for d in dag_ids if not self._dag_exists(d)]
            if not missing:
                return
            time.sleep(2)
        errors = self._get_json("/api/v2/importErrors").get("import_errors", [])
        raise AirflowError(f"DAGs not parsed after {timeout:.0f}s: {missing}; import errors: {errors}")

    def _dag_exists(self, dag_id: str) -> bool:
        try:
            self._get_json(f"/api/v2/dags/{dag_id}")
            return True
        except urllib.error.HTTPError as exc:
            if exc.code == 404:
                return False
            raise

    def unpause(self, dag_id: str) -> None:
        self._request("PATCH", f"/api/v2/dags/{dag_id}", {"is_paused": False})

    def trigger(self, dag_id: str) -> dict:
        return self._request("POST", f"/api/v2/dags/{dag_id}/dagRuns", {"logical_date": None})

    def runs(self, dag_id: str) -> list[dict]:
        return self._get_json(f"/api/v2/dags/{dag_id}/dagRuns?order_by=-run_after&limit=20")["dag_runs"]

    def task_states(self, dag_id: str, run_id: str) -> dict[str, str | None]:
        path = f"/api/v2/dags/{dag_id}/dagRuns/{urllib.request.quote(run_id, safe='')}/taskInstances"
        states: dict[str, str | None] = {}
        for t in self._get_json(path)["task_instances"]:
            # A mapped task has one instance per map index: it counts as succeeded (it emitted its
            # asset) when any instance did.
            if states.get(t["task_id"]) != "success":
                states[t["task_id"]] = t["state"]
        return states

    def wait_run(self, dag_id: str, run_id: str, timeout: float) -> dict:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            path = f"/api/v2/dags/{dag_id}/dagRuns/{urllib.request.quote(run_id, safe='')}"
            run = self._get_json(path)
            if run["state"] in FINISHED:
                return run
            time.sleep(2)
        raise AirflowError(f"{dag_id} run {run_id} did not finish in {timeout:.0f}s")

    def session_runs(self, dag_id: str, after: str) -> list[dict]:
        """Runs of `dag_id` queued after `after`, oldest first, with their task states."""
        runs = [r for r in self.runs(dag_id) if _since(r.get("queued_at"), after) or _since(r.get("run_after"), after)]
        return [
            {"run_id": r["dag_run_id"], "run_type": r.get("run_type"), "state": r["state"], "tasks": self.task_states(dag_id, r["dag_run_id"])}
            for r in reversed(runs)
        ]

    def wait_all_runs(self, dag_id: str, after: str, timeout: float) -> list[dict]:
        """Wait until every run of `dag_id` of this session has finished; return them."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            runs = self.session_runs(dag_id, after)
            if all(r["state"] in FINISHED for r in runs):
                return runs
            time.sleep(2)
        raise AirflowError(f"runs of {dag_id} did not finish in {timeout:.0f}s")

    def wait_triggered_run(self, dag_id: str, after: str, timeout: float) -> dict:
        """The first asset-triggered run of `dag_id` queued after `after` (ISO time), finished."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for run in self.runs(dag_id):
                if run.get("run_type") == "asset_triggered" and _since(run.get("queued_at") or run.get("run_after"), after):
                    return self.wait_run(dag_id, run["dag_run_id"], max(1.0, deadline - time.monotonic()))
            time.sleep(2)
        raise AirflowError(f"no asset-triggered run of {dag_id} after {after} within {timeout:.0f}s")


def utc_now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _since(timestamp: str | None, after: str) -> bool:
    """Whether an API timestamp ("...Z" or "+00:00") is at or after `after`."""
    if not timestamp:
        return False
    return datetime.fromisoformat(timestamp.replace("Z", "+00:00")) >= datetime.fromisoformat(after)


def run_pipeline(stack: AirflowStack, timeout: float = 1200) -> list[dict]:
    """Trigger the scrape DAG and follow the asset-triggered extract and build runs it causes.

    The scheduler may also start a scheduled scrape run when the DAG is first unpaused; every
    run of this session is followed, so whichever run fetched the pages, its consequences are
    waited for. A step that found nothing new is skipped and emits no asset event, so the chain
    stops there, as it should. Returns one record per DAG run of this session.
    """
    started = stack.started_at
    stack.wait_for_dags()
    for dag_id in DAG_IDS:
        stack.unpause(dag_id)
    run = stack.trigger("asxh_scrape")
    log.info("airflow: triggered asxh_scrape run %s", run["dag_run_id"])
    stack.wait_run("asxh_scrape", run["dag_run_id"], timeout)
    deadline = time.monotonic() + timeout
    upstream_emitted = True  # the scrape step is where the chain starts
    for dag_id, next_dag in zip(DAG_IDS, (*DAG_IDS[1:], None)):
        if not upstream_emitted and dag_id != "asxh_scrape":
            break
        finished = stack.wait_all_runs(dag_id, started, max(1.0, deadline - time.monotonic()))
        emitted = any(r["state"] == "success" and r["tasks"].get(EMITTING_TASK[dag_id]) == "success" for r in finished)
        if next_dag and emitted:
            # The asset event queues the downstream run; wait until it exists before waiting on it.
            stack.wait_triggered_run(next_dag, started, max(1.0, deadline - time.monotonic()))
        upstream_emitted = emitted
    return [
        {**r, "dag_id": dag_id}
        for dag_id in DAG_IDS
        for r in stack.session_runs(dag_id, started)
    ]
