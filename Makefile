# acceptance-harness — see README.md. Every target uses the project virtualenv in .venv/.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PROFILE ?= profiles/demo.yaml
RUN ?= $(shell ls -1dt reports/*/ 2>/dev/null | head -n 1)
TRUST ?=

.PHONY: setup acceptance test report verify bench lint clean

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/setup.sh
	@PYTHON=$(PYTHON) ./scripts/setup.sh
	@touch $@

acceptance: setup
	$(BIN)/harness run $(PROFILE)

test: setup
	$(BIN)/python -m pytest

report: setup
	@test -n "$(RUN)" || { echo "no run directory: make report RUN=reports/<run>"; exit 2; }
	$(BIN)/harness report $(RUN)

verify: setup
	@test -n "$(RUN)" || { echo "no run directory: make verify RUN=reports/<run>"; exit 2; }
	$(BIN)/harness verify $(RUN)/report.pdf $(if $(TRUST),--trust $(TRUST),)

bench: setup
	$(BIN)/python -m benchmarks

lint: setup
	$(BIN)/ruff check harness tests benchmarks suites
	$(BIN)/mypy

clean:
	rm -rf reports/*/ .pytest_cache .mypy_cache .ruff_cache build *.egg-info
