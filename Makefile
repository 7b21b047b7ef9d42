# Two commands for a newcomer: `make run` runs the bot, `make test` runs the tests.
# Both create the virtual environment in .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

$(BIN)/clinic-bot: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

.PHONY: run test lint bench
run: $(BIN)/clinic-bot
	$(BIN)/clinic-bot run

test: $(BIN)/clinic-bot
	$(BIN)/pytest

lint: $(BIN)/clinic-bot
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

bench: $(BIN)/clinic-bot
	$(BIN)/python benchmarks/answer_latency.py
	$(BIN)/python benchmarks/bot_throughput.py
	$(BIN)/python benchmarks/dispatcher_throughput.py
	$(BIN)/python benchmarks/broadcast_throughput.py
	$(BIN)/python benchmarks/chart_rendering.py
