# Two entry points for a fresh machine (see README): `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
CHECKOV_VENV ?= .venv-checkov
PY := $(VENV)/bin/python
COSTRAIL := $(VENV)/bin/costrail
STACKS := stacks/rag-inference stacks/gpu-training-eks stacks/llm-pulumi

.PHONY: setup checkov-setup demo test lint bench

setup: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	# bytecode, as a (non-editable) pip install writes it: ~0.1 s off every run where
	# PYTHONDONTWRITEBYTECODE is set, as on CI machines
	$(PY) -m compileall -q estimator policies
	touch $@

# checkov lives in its own venv: it pins packaging<24 and ships its own `hcl2` module.
checkov-setup: $(CHECKOV_VENV)/.installed

$(CHECKOV_VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install -q --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install -q 'checkov>=3.3,<3.4'
	$(CHECKOV_VENV)/bin/python -m pip install -q --no-deps .
	touch $@

# The main job on the bundled stacks: cost breakdown, then policy check (exit 1 = findings, shown on purpose).
demo: setup
	$(COSTRAIL) breakdown $(STACKS) --usage-file stacks/costrail-usage.yml
	$(COSTRAIL) check $(STACKS); code=$$?; test $$code -le 1

test: setup checkov-setup
	COSTRAIL_CHECKOV_VENV=$(abspath $(CHECKOV_VENV)) $(PY) -m pytest

lint: setup
	$(VENV)/bin/ruff check .

bench: setup
	$(PY) benchmarks/run.py --sizes 30,300
