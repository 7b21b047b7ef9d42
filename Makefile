# Two commands for a newcomer: `make run` runs the bot, `make test` runs the tests.
# Both create the virtual environment in .venv on first use, installing exactly what uv.lock pins.
PYTHON ?= python3
UV_VERSION ?= 0.13.9
VENV := .venv
BIN := $(VENV)/bin

# uv itself comes from PyPI through pip, once; after that it is one of the locked dev tools.
$(BIN)/uv:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(BIN)/clinic-bot: pyproject.toml uv.lock | $(BIN)/uv
	$(BIN)/uv sync --locked --quiet
	touch $@

.PHONY: run test lint bench lock lowest
run: $(BIN)/clinic-bot
	$(BIN)/clinic-bot run

test: $(BIN)/clinic-bot
	$(BIN)/pytest

lint: $(BIN)/clinic-bot
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/hadolint Dockerfile
	$(BIN)/check-jsonschema --builtin-schema vendor.compose-spec compose.yaml

# After changing dependencies in pyproject.toml (or merging a branch that did): re-resolve uv.lock.
lock: | $(BIN)/uv
	$(BIN)/uv lock

# Check the lower bounds in pyproject.toml: the lowest allowed direct dependencies, then the tests,
# in a new environment each time (one that has newer versions would keep them).
lowest: | $(BIN)/uv
	rm -rf .venv-lowest
	$(BIN)/uv venv --quiet .venv-lowest
	$(BIN)/uv pip install --quiet --python .venv-lowest/bin/python \
		--resolution lowest-direct --group dev -e .
	.venv-lowest/bin/pytest --deselect tests/test_packaging.py

bench: $(BIN)/clinic-bot
	$(BIN)/python benchmarks/understanding.py
	$(BIN)/python benchmarks/answer_latency.py
	$(BIN)/python benchmarks/bot_throughput.py
	$(BIN)/python benchmarks/dispatcher_throughput.py
	$(BIN)/python benchmarks/broadcast_throughput.py
	$(BIN)/python benchmarks/webhook_throughput.py
	$(BIN)/python benchmarks/chart_rendering.py
