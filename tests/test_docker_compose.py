"""docker-compose.yml is valid Compose and refers only to files that exist. No Docker engine runs
here, so the file is checked against the Compose specification's JSON schema instead."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import REPO

COMPOSE = REPO / "docker-compose.yml"


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_docker_compose_matches_compose_spec_schema():
    checker = Path(sys.executable).parent / "check-jsonschema"
    completed = subprocess.run([str(checker), "--builtin-schema", "vendor.compose-spec", str(COMPOSE)], capture_output=True, text=True)
    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_docker_compose_runs_the_airflow_components_with_postgres_metadata():
    services = _compose()["services"]
    assert {"postgres", "airflow-init", "airflow-apiserver", "airflow-scheduler", "airflow-dag-processor"} <= set(services)
    commands = {name: " ".join(s.get("command", [])) for name, s in services.items()}
    assert "api-server" in commands["airflow-apiserver"]
    assert "scheduler" in commands["airflow-scheduler"]
    assert "dag-processor" in commands["airflow-dag-processor"]
    assert "db migrate" in commands["airflow-init"]
    env = services["airflow-scheduler"]["environment"]
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"].startswith("postgresql")


def test_docker_compose_refers_only_to_files_that_exist():
    compose = _compose()
    for name, service in compose["services"].items():
        build = service.get("build")
        if build:
            context = REPO / (build if isinstance(build, str) else build.get("context", "."))
            dockerfile = "Dockerfile" if isinstance(build, str) else build.get("dockerfile", "Dockerfile")
            assert (context / dockerfile).exists(), f"{name}: {dockerfile}"
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            if source.startswith("."):
                assert (REPO / source).exists(), f"{name}: {source}"
    # Paths inside the image point at files of this repository (copied to /opt/asxh).
    text = COMPOSE.read_text(encoding="utf-8")
    for path in set(re.findall(r"/opt/asxh/([\w./-]+)", text)):
        assert (REPO / path).exists(), path
    assert (REPO / ".env.example").exists()


def test_dockerfile_installs_the_locked_requirements():
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    assert "requirements.lock" in dockerfile and "apache/airflow:3.3.2" in dockerfile


def test_docker_compose_takes_every_secret_from_env_and_turns_auth_on():
    compose = _compose()
    env = compose["services"]["airflow-apiserver"]["environment"]
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_ALL_ADMINS"] == "False"
    for name in ("AIRFLOW__CORE__FERNET_KEY", "AIRFLOW__API_AUTH__JWT_SECRET"):
        assert env[name].startswith("${") and ":?" in env[name], name
    init = compose["services"]["airflow-init"]
    assert init["environment"]["AIRFLOW_ADMIN_PASSWORD"].startswith("${AIRFLOW_ADMIN_PASSWORD:?")
    script = "\n".join(init["command"])
    assert env["AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE"] in script
    assert "pools set asxh_warehouse_writer 1" in script
    # The password is given to the init service only, not to the long-running ones.
    assert "AIRFLOW_ADMIN_PASSWORD" not in env
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    assert "AIRFLOW_ADMIN_PASSWORD=" in example


# ---------------------------------------------------------------- the scale-out profile "celery"

def _env_example() -> dict[str, str]:
    """The settings .env.example gives, its commented-out ones too (the scale-out switches)."""
    out = {}
    for line in (REPO / ".env.example").read_text(encoding="utf-8").splitlines():
        line = line.lstrip("# ").strip()
        if re.fullmatch(r"[A-Z_]+=.*", line):
            name, value = line.split("=", 1)
            out[name] = value
    return out


def _interpolate(value: str, env: dict[str, str]) -> str:
    """Compose's ${NAME:-default} and ${NAME:?error} for one value."""
    def one(match: re.Match) -> str:
        name, op, rest = match.group(1), match.group(2), match.group(3)
        if env.get(name):
            return env[name]
        if op == ":-":
            return rest
        raise AssertionError(f"{name} is required: {rest}")
    return re.sub(r"\$\{(\w+)(:-|:\?)?([^}]*)\}", one, value)


def test_docker_compose_celery_profile_adds_a_redis_broker_and_workers_only_when_asked_for():
    services = _compose()["services"]
    profiled = {name for name, s in services.items() if s.get("profiles")}
    assert profiled == {"redis", "airflow-worker"}
    assert services["redis"]["profiles"] == services["airflow-worker"]["profiles"] == ["celery"]
    assert services["redis"]["image"].startswith("redis:")
    worker = services["airflow-worker"]
    assert worker["deploy"]["replicas"] == "${ASXH_CELERY_WORKERS:-2}"
    assert worker["depends_on"]["redis"]["condition"] == "service_healthy"
    assert worker["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert worker["depends_on"]["airflow-init"]["condition"] == "service_completed_successfully"
    assert "exec airflow celery worker" in "\n".join(worker["command"])
    assert "inspect ping" in " ".join(worker["healthcheck"]["test"])


def test_docker_compose_celery_workers_run_the_same_dags_with_the_same_settings_as_the_scheduler():
    services = _compose()["services"]
    worker, scheduler = services["airflow-worker"], services["airflow-scheduler"]
    assert worker["image"] == scheduler["image"] and worker["build"] == scheduler["build"]
    assert worker["volumes"] == scheduler["volumes"]  # the same dags/ and sources/, the same data volume
    assert {k: v for k, v in worker["environment"].items() if k != "DUMB_INIT_SETSID"} == scheduler["environment"]


def test_docker_compose_schedules_on_celery_through_redis_when_the_env_example_switches_are_on():
    env = _compose()["services"]["airflow-scheduler"]["environment"]
    example = {**_env_example(), "POSTGRES_PASSWORD": "secret"}
    assert example["COMPOSE_PROFILES"] == "celery" and example["AIRFLOW_EXECUTOR"] == "CeleryExecutor"
    assert _interpolate(env["AIRFLOW__CORE__EXECUTOR"], {}) == "LocalExecutor"  # no profile: as before
    assert _interpolate(env["AIRFLOW__CORE__EXECUTOR"], example) == "CeleryExecutor"
    broker = _interpolate(env["AIRFLOW__CELERY__BROKER_URL"], example)
    assert broker == "redis://redis:6379/0"  # the redis service, by its name
    backend = _interpolate(env["AIRFLOW__CELERY__RESULT_BACKEND"], example)
    assert backend == "db+postgresql://airflow:secret@postgres/airflow"
    # Redis must not hand a task that is still running to another worker: longer than any DAG run.
    assert int(env["AIRFLOW__CELERY_BROKER_TRANSPORT_OPTIONS__VISIBILITY_TIMEOUT"]) > 3 * 3600


def test_docker_compose_celery_worker_refuses_to_start_when_the_executor_is_not_celery(tmp_path):
    script = "\n".join(_compose()["services"]["airflow-worker"]["command"][2:]).replace("$$", "$")
    fake_bin = tmp_path / "bin"
    fake_bin.mkdir()
    (fake_bin / "airflow").write_text("#!/bin/sh\necho started worker \"$@\"\n")
    (fake_bin / "airflow").chmod(0o755)
    env = {"PATH": f"{fake_bin}:/usr/bin:/bin"}
    refused = subprocess.run(["bash", "-c", script], env={**env, "AIRFLOW__CORE__EXECUTOR": "LocalExecutor"}, capture_output=True, text=True)
    assert refused.returncode == 1 and "set AIRFLOW_EXECUTOR=CeleryExecutor" in refused.stderr
    started = subprocess.run(["bash", "-c", script], env={**env, "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor"}, capture_output=True, text=True)
    assert started.returncode == 0 and started.stdout.strip() == "started worker celery worker"


def test_image_has_the_celery_executor_when_built_from_the_lock(tmp_path):
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8").splitlines()
    assert any(line.startswith("apache-airflow-providers-celery==") for line in lock)
    assert any(line.startswith("redis==") for line in lock)
    # The lock the image installs gives the executor the compose file names, importable.
    completed = subprocess.run(
        [sys.executable, "-c", "from airflow.providers.celery.executors.celery_executor import CeleryExecutor; print(CeleryExecutor.__name__)"],
        capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "AIRFLOW_HOME": str(tmp_path), "AIRFLOW__CORE__EXECUTOR": "CeleryExecutor",
             "AIRFLOW__CELERY__BROKER_URL": "redis://redis:6379/0"})
    assert completed.stdout.strip().endswith("CeleryExecutor"), completed.stderr[-2000:]
