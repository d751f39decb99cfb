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
