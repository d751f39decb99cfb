# The two commands: `make run` and `make test`. Both create .venv on first use and reuse it.
SHELL := /bin/bash
.DEFAULT_GOAL := help

# Python >= 3.12 (vietnam-provinces needs it): the first candidate that really runs 3.12+.
PYTHON ?= $(shell for p in "$$(command -v python3.12)" "$$(command -v python3.13)" $$HOME/.pyenv/versions/3.12*/bin/python3.12 /usr/bin/python3.12 /usr/local/bin/python3.12; do \
	[ -x "$$p" ] && "$$p" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null && { echo "$$p"; break; }; done)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

export DBT_SEND_ANONYMOUS_USAGE_STATS := false
export DO_NOT_TRACK := 1

.PHONY: help run test browser airflow demo-site venv lock clean

help:
	@echo "make run      - set up, run the whole pipeline through Airflow on the demo site, print what landed"
	@echo "make test     - set up and run every test"
	@echo "make airflow  - keep Airflow (web UI) and the demo site up until Ctrl-C"
	@echo "make clean    - delete the runtime data in warehouse/ (the raw archive too; the reviewers' corrections.csv stays)"

$(STAMP): pyproject.toml requirements.lock
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed and none was found: install it, or set PYTHON=/path/to/python3.12"; exit 1; }
	@"$(PYTHON)" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null || { \
		echo "PYTHON=$(PYTHON) is $$("$(PYTHON)" -c 'import sys; print("Python %d.%d" % sys.version_info[:2])' 2>/dev/null || echo 'not a Python that runs'); asxh-warehouse needs Python 3.12 or newer (vietnam-provinces needs it): set PYTHON=/path/to/python3.12"; exit 1; }
	@echo "Creating $(VENV) with $(PYTHON)"
	$(PYTHON) -m venv $(VENV)
	@# pip's own output is one line per package and phase; this shows one counter line instead.
	@set -o pipefail; total=$$(grep -c '==' requirements.lock); \
	echo "Installing $$total pinned packages from requirements.lock (about 1.5 min on 2 cores)"; \
	$(BIN)/pip install --disable-pip-version-check --progress-bar off --only-binary :all: -r requirements.lock \
		| awk -v total=$$total '/^(Collecting|Processing) /{n++; name=$$2; sub(/.*\//, "", name); printf "\r  %d/%d %-60.60s", n, total, name; fflush()} /^Installing collected/{printf "\r  installing %d packages...%-40s\n", n, ""; fflush()} /^Successfully installed/{print "  done"}'
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

venv: $(STAMP)

run: $(STAMP)
	$(BIN)/asxh run

test: $(STAMP) browser
	$(BIN)/python -m pytest

# Debian's Chromium, for the test that opens the docs site in a real browser. CI runs as root and
# installs it; elsewhere, install it yourself (apt-get install chromium) or that one test is skipped.
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "Installing Debian's chromium for the docs-site browser test"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
		else \
			echo "Chromium is missing (apt-get install chromium): the docs-site browser test will be skipped"; \
		fi; \
	fi

airflow: $(STAMP)
	$(BIN)/asxh airflow

demo-site: $(STAMP)
	$(BIN)/asxh demo-site

# Re-resolve the pins from pyproject.toml into requirements.lock (needs the registry).
lock:
	rm -rf /tmp/asxh-lock && $(PYTHON) -m venv /tmp/asxh-lock
	/tmp/asxh-lock/bin/pip install --quiet --only-binary :all: setuptools -e '.[test]'
	/tmp/asxh-lock/bin/pip freeze --all --exclude-editable | grep -v '^pip==' | sort -f > requirements.lock.new
	( sed -n '1,3p' requirements.lock; cat requirements.lock.new ) > requirements.lock.tmp && mv requirements.lock.tmp requirements.lock && rm requirements.lock.new

clean:
	rm -rf warehouse/raw warehouse/staged warehouse/review warehouse/quarantine warehouse/last_scrape.json warehouse/warehouse.duckdb* warehouse/published warehouse/docs warehouse/exports warehouse/dbt_target warehouse/dbt_logs warehouse/airflow
