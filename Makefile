# Two commands on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.10 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint validate mutation install browser store check stats train shell eval eval-nlu eval-baseline demo-policies clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	touch $(STAMP)

install: $(STAMP)

## the knowledge store (rebuilt when a source file or the gazetteer changed)
build/knowledge.sqlite3: $(STAMP) $(wildcard knowledge/sources/*.yml knowledge/sources/coverage/*.yml knowledge/gazetteer/*) $(wildcard knowledge/*.py)
	$(PY) -m knowledge build

store: build/knowledge.sqlite3

check: $(STAMP)
	$(PY) -m knowledge check

stats: store
	$(PY) -m knowledge stats

## the Rasa model (trained only when config, domain, data, components or the store changed)
train: store
	$(PY) -m assistant.model

## the demo policies (fictitious, marked demo) for trying service requests; request store in var/
demo-policies: store
	$(PY) -m service_requests demo-policies

## build the store, train if needed, load the demo policies, start the action server and the Rasa server (REST channel)
run: train demo-policies
	$(PY) -m assistant.serve

## chat in the terminal with the assistant started by `make run`
shell: $(STAMP)
	$(PY) -m assistant.chat

## the shipped FAQ suite through the assistant (started for the run if none is running); reports in reports/
eval: train
	$(PY) -m evaluation run evaluation/suites/*.yml --threshold 0.84

## the same suite against the BM25 search baseline, for scale
eval-baseline: $(STAMP)
	$(PY) -m evaluation run evaluation/suites/*.yml --baseline

## rasa test nlu on the independent NLU test set; intent report and confusion matrix in reports/nlu
eval-nlu: train
	$(PY) -m rasa test nlu --nlu tests/nlu --model "$$($(PY) -m assistant.model | tail -1)" --out reports/nlu

## Debian's Chromium for the console's browser tests (Playwright drives it; it downloads no browser of its own)
CHROMIUM := /usr/bin/chromium
$(CHROMIUM):
	@if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver; \
	else echo "The browser tests need Debian's chromium: sudo apt-get install chromium chromium-driver" >&2; exit 1; fi

browser: $(CHROMIUM)

## lint and format check (ruff; `.venv/bin/ruff format .` fixes the format)
lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

## the training data against the domain (Rasa's validator) and the curated sources against the manuals
validate: $(STAMP)
	$(PY) -m rasa data validate --domain bot/domain.yml --data bot/data --config config.yml --fail-on-warnings --quiet
	$(PY) -m knowledge check

## every test that needs no trained model, on both cores (under a minute)
test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not model" -p no:cacheprovider -n 2 --dist load

## plant each one-line bug of tools/mutations.yml in a copy of the tree, run its fast tests; prints the survivors
mutation: $(STAMP)
	$(PY) tools/mutation_check.py

## lint, data validation, then the whole suite (one training, the servers, the browser)
test: lint validate $(CHROMIUM)
	$(PY) -m pytest

clean:
	rm -rf build models results reports
