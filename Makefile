# acceptance-harness — see README.md. Every target uses the project virtualenv in .venv/.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PROFILE ?= profiles/demo.yaml
RUN ?= $(shell ls -1dt reports/*/ 2>/dev/null | head -n 1)
TRUST ?=
TEST_WORKERS ?= 4
PARTIAL ?=

.PHONY: setup bytecode acceptance test test-loaded report verify bench lint clean stage-demo

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml scripts/setup.sh
	@PYTHON=$(PYTHON) ./scripts/setup.sh
	@touch $@

# An editable install is never byte-compiled, and where PYTHONDONTWRITEBYTECODE is set (Docker images, CI
# runners) Python does not cache what it compiles: every harness process would compile its ~250 modules
# again (0.1-0.2 s each time). compileall writes the caches anyway and, when nothing changed, only checks
# modification times.
bytecode: setup
	@$(BIN)/python -m compileall -q harness tests benchmarks

acceptance: bytecode
	$(BIN)/harness run $(PROFILE)

# the demo project from 测试 through 培训 to 上线: run, sign three times, close, chain (docs/stages.md)
stage-demo: bytecode
	@./scripts/stage-demo.sh

test: bytecode
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

bench: bytecode
	$(BIN)/python -m benchmarks

lint: setup
	$(BIN)/ruff check harness tests benchmarks suites examples
	$(BIN)/mypy
	$(BIN)/lint-imports

clean:
	rm -rf reports/*/ .pytest_cache .mypy_cache .ruff_cache build *.egg-info
