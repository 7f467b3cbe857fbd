# Infopoint: `make run` runs the product, `make test` runs the tests. Both set up what they need.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export TOKENIZERS_PARALLELISM := false
export HF_HUB_OFFLINE := 1

.PHONY: setup run test lint eval calibrate bench-quality bench coverage model browser clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# torch first, pinned: the CPU build that this machine has; an unpinned torch pulls GBs of CUDA wheels.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP) model

model: $(STAMP)
	$(BIN)/infopoint-admin setup-model

run: setup
	$(BIN)/infopoint run

# Debian's Chromium for the admin dashboard's browser tests (Playwright drives it; no browser download).
browser:
	@command -v chromium >/dev/null 2>&1 || { SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
		$$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium chromium-driver; }

test: setup browser
	$(BIN)/ruff check .
	$(BIN)/infopoint-admin validate
	$(BIN)/pytest

lint: $(STAMP)
	$(BIN)/ruff check .

eval: setup
	$(BIN)/infopoint-admin eval eval/ --out data/eval-results.jsonl

calibrate: setup
	$(BIN)/infopoint-admin calibrate eval/ --write

# Search quality against baselines and variants (docs/bench-quality.md, docs/img/score-distribution.png).
bench-quality: setup
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m bench.quality

# Speed and memory of the three embedder backends, and scale (docs/bench-speed.md; ~1 h, most of it the
# 1,000,000-question signals store). BENCH_NOTE="..." adds a remark above the figures.
bench: setup
	$(BIN)/pip install --quiet -e ".[dev,bench]"
	$(BIN)/python -m bench.speed
	$(BIN)/python -m bench.scale

coverage: $(STAMP)
	$(BIN)/infopoint-admin coverage

clean:
	rm -rf $(VENV) data .pytest_cache .ruff_cache *.egg-info
