# genesys-trunks: every target sets up what it needs (virtualenv, packages, pulumi CLI).
SHELL := /bin/bash
.DEFAULT_GOAL := help

STACK ?= dev
VENV := $(CURDIR)/.venv
PY := $(VENV)/bin/python
PULUMI_TOOLS_DIR ?= $(HOME)/.pulumi/bin

# The pulumi CLI and its plugins, offline, with state in a file backend inside the project.
export PATH := $(PULUMI_TOOLS_DIR):$(VENV)/bin:$(PATH)
export PULUMI_TOOLS_DIR
export PULUMI_PYTHON_CMD := $(PY)
export PULUMI_BACKEND_URL ?= file://$(CURDIR)/.pulumi-state
export PULUMI_CONFIG_PASSPHRASE ?= genesys-trunks-dev
export PULUMI_SKIP_UPDATE_CHECK := true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION := true
export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK := true
# BACKEND=s3: the stack's state in the bundled S3 server's bucket (`make state-server`), as a team keeps it
# in its own bucket (then set PULUMI_BACKEND_URL and the AWS credentials instead: README, A team's state).
BACKEND ?= file
STATE_SERVER_DIR := $(CURDIR)/.state-server
STATE_SERVER_PORT ?= 8333
ifeq ($(BACKEND),s3)
# Read when a recipe runs, after `state-server` (a prerequisite of `stack`) has written the file.
state_server_value = $(patsubst $(1)=%,%,$(filter $(1)=%,$(file <$(STATE_SERVER_DIR)/backend.env)))
export PULUMI_BACKEND_URL = $(call state_server_value,PULUMI_BACKEND_URL)
export AWS_ACCESS_KEY_ID = $(call state_server_value,AWS_ACCESS_KEY_ID)
export AWS_SECRET_ACCESS_KEY = $(call state_server_value,AWS_SECRET_ACCESS_KEY)
export AWS_REGION = $(call state_server_value,AWS_REGION)
export AWS_EC2_METADATA_DISABLED := true
# Every state write sends the whole state: gzipped, a tenth of the bytes (the CLI reads either form).
export PULUMI_DIY_BACKEND_GZIP ?= true
BACKEND_SERVER := state-server
else ifneq ($(BACKEND),file)
$(error BACKEND=$(BACKEND): use BACKEND=file (the default: .pulumi-state/) or BACKEND=s3 (the bundled S3 server))
endif

# Trunk operations wait on the network and on carrier registration, not on CPU: run more at
# once than the CLI's default of 4 per core. Each trunk's registration outcome holds an operation
# while it waits for the carrier: 64 lets the waits of a 50-trunk change run in one wave.
export PULUMI_PARALLEL ?= 64

.PHONY: help venv policy-venv toolchain state-server state-server-binary state-server-stop stack up preview refresh destroy outputs doctor export emulator emulator-bg test lint lint-program lint-projects bench

help:
	@echo "make up        create or update the '$(STACK)' stack (starts the local emulator when the stack targets it)"
	@echo "make preview   show what 'make up' would change (POLICY=1: with the policy pack, on any stack)"
	@echo "make refresh   read the real state of every resource into the stack"
	@echo "make destroy   delete every trunk (edge or trunk base) and webhook of the stack"
	@echo "make outputs   print the stack outputs"
	@echo "make doctor    check, reading only, that the stack, its OAuth client and its org agree"
	@echo "make export    write the org's existing trunks into Pulumi.$(STACK).yaml (EXPORT_ARGS=--merge, --force, --stdout, --name GLOB)"
	@echo "make emulator  run the local Genesys Cloud emulator in the foreground"
	@echo "make test      run every test (unit, emulator, end-to-end)"
	@echo "make bench     measure API calls, time and state per trunk"
	@echo "make state-server  start the bundled S3 server (built once) and print its backend URL (state-server-stop)"
	@echo "STACK=name selects another stack (default: dev, the seed dialect; dev-cloud: the Platform API's"
	@echo "               BYOC trunks, against the same local emulator)."
	@echo "BACKEND=s3 keeps the stack's state in the bundled S3 server's bucket instead of .pulumi-state/."

# uv (scripts/bootstrap-uv.sh, once per machine) makes the virtualenv: pip's `.venv/bin/pip` is in it too.
$(VENV)/.installed: requirements.txt requirements-dev.txt emulator/requirements.txt
	@uv="$$(bash scripts/bootstrap-uv.sh)" && \
	{ test -x $(PY) || "$$uv" venv --quiet --seed --python python3 $(VENV); } && \
	"$$uv" pip install --quiet --compile-bytecode --python $(PY) -r requirements-dev.txt
	@touch $@

venv: $(VENV)/.installed

# The policy pack's own virtualenv (policy/.venv): the policy SDK pins a protobuf the program's cannot share.
policy-venv: venv
	@$(PY) scripts/policy_venv.py

toolchain: venv
	@bash scripts/bootstrap-pulumi.sh

# The bundled S3 server (versitygw, built from its Go module once per machine): a team's state on one machine.
state-server-binary:
	@bash scripts/bootstrap-versitygw.sh >/dev/null

state-server: venv state-server-binary
	@$(PY) -m devtools.state_server start --dir $(STATE_SERVER_DIR) --port $(STATE_SERVER_PORT)

state-server-stop: venv
	@$(PY) -m devtools.state_server stop --dir $(STATE_SERVER_DIR)

stack: toolchain $(BACKEND_SERVER)
	@mkdir -p .pulumi-state
	@pulumi stack select $(STACK) 2>/dev/null || pulumi stack init $(STACK) --secrets-provider passphrase

emulator-bg: venv
	@$(PY) scripts/ensure_emulator.py --stack $(STACK)

# A stack whose config names a policy pack (genesys-trunks:policyPack) runs it on every preview and up;
# POLICY=1 runs the project's pack on any stack (scripts/with_policy.py).
WITH_POLICY = $(PY) scripts/with_policy.py --stack $(STACK) $(if $(filter-out 0,$(POLICY)),--always) --

up: stack emulator-bg
	$(WITH_POLICY) pulumi up --yes --stack $(STACK)
	@$(MAKE) --no-print-directory outputs

preview: stack emulator-bg $(if $(filter-out 0,$(POLICY)),policy-venv)
	$(WITH_POLICY) pulumi preview --stack $(STACK) --diff

refresh: stack emulator-bg
	pulumi refresh --yes --stack $(STACK)

destroy: stack emulator-bg
	pulumi destroy --yes --stack $(STACK)

outputs: stack
	@pulumi stack output --stack $(STACK) --json

# DOCTOR_ARGS: --json for CI, --template-out FILE for the org's catalogue.
doctor: stack emulator-bg
	@$(PY) -m doctor --stack $(STACK) $(DOCTOR_ARGS)
export: stack emulator-bg
	$(PY) -m exporter --stack $(STACK) $(EXPORT_ARGS)

emulator: venv
	@mkdir -p .emulator
	$(PY) -m emulator --host 127.0.0.1 --port 8787 --db .emulator/genesys.db

# Lint first: a type error fails in seconds, before the end-to-end tests' minutes.
# The tests wait mostly on pulumi runs and carriers, not on CPU: more workers than cores, each with its own
# emulators, ports and state; a worker that runs dry takes queued tests from the others. The slowest are printed.
TEST_WORKERS ?= 4
test: toolchain state-server-binary lint policy-venv
	$(PY) -m pytest -n $(TEST_WORKERS) --dist worksteal --durations=25 $(TEST_ARGS)

# Two halves at once (each mostly one core's work): the program's checks, and the other projects' after the policy
# pack's virtualenv is made. The policy pack, bench/floor_project and the tests' Pulumi programs
# (tests/e2e/*_project) are checked each from its own folder, as each runs; the tests' programs keep their caches
# outside the folder, which tests copy.
lint: venv
	@$(MAKE) --no-print-directory -j2 --output-sync=target lint-program lint-projects

lint-program: venv
	$(PY) scripts/requirements.py --check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m mypy

lint-projects: policy-venv
	cd policy && $(PY) -m mypy --config-file ../pyproject.toml --python-executable .venv/bin/python --explicit-package-bases __main__.py genesys_policy tests
	cd bench/floor_project && $(PY) -m mypy --config-file ../../pyproject.toml --explicit-package-bases __main__.py noop_provider.py
	for project in tests/e2e/*_project; do \
		(cd $$project && $(PY) -m mypy --config-file $(CURDIR)/pyproject.toml \
			--cache-dir $(CURDIR)/.mypy_cache/$$(basename $$project) --explicit-package-bases *.py) || exit 1; \
	done

bench: toolchain
	$(PY) -m bench $(BENCH_ARGS)
