# acceptance-harness — see README.md. Every target uses the project virtualenv in .venv/.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PROFILE ?= profiles/demo.yaml
RUN ?= $(shell ls -1dt reports/*/ 2>/dev/null | head -n 1)
TRUST ?=
TEST_WORKERS ?= 4
PARTIAL ?=

.PHONY: setup acceptance test test-loaded report verify bench lint clean stage-demo

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/setup.sh
	@PYTHON=$(PYTHON) ./scripts/setup.sh
	@touch $@

acceptance: setup
	$(BIN)/harness run $(PROFILE)

# the demo project from 测试 through 培训 to 上线: run, sign three times, close, chain (docs/stages.md)
stage-demo: setup
	@./scripts/stage-demo.sh

test: setup
	$(BIN)/python -m pytest -n $(TEST_WORKERS) --dist loadfile

# the same suite with two CPU hogs (stress-ng) running: what a busy CI runner or laptop sees
test-loaded: setup
	@./scripts/test-loaded.sh TEST_WORKERS=$(TEST_WORKERS)

report: setup
	@test -n "$(RUN)" || { echo "no run directory: make report RUN=reports/<run>"; exit 2; }
	$(BIN)/harness report $(RUN)

# make verify [RUN=reports/<run>] [TRUST="ca.pem other-ca.pem"] [PARTIAL=1] — latest run by default; all three parties must have signed unless PARTIAL=1
verify: setup
	@test -n "$(RUN)" || { echo "no run directory: make verify RUN=reports/<run>"; exit 2; }
	$(BIN)/harness verify $(RUN:/=)/report.pdf --evidence $(RUN:/=) $(foreach ca,$(TRUST),--trust $(ca)) \
		$(if $(PARTIAL),--partial,)

bench: setup
	$(BIN)/python -m benchmarks

lint: setup
	$(BIN)/ruff check harness tests benchmarks suites examples
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf reports/*/ .pytest_cache .mypy_cache .ruff_cache build *.egg-info
