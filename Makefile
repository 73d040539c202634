# Two commands for a newcomer: `make demo` and `make test` (see README.md).
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
TEST_STAMP := $(VENV)/.installed-test
export QT_QPA_PLATFORM ?= offscreen

.PHONY: setup demo test lint bench clean

$(STAMP): pyproject.toml installers/system-deps.sh
	bash installers/system-deps.sh
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

# The tests also exercise the optional local-LLM engine (a tiny model built in the test), which needs
# transformers and torch. torch is pinned: 2.13.0 resolves to the CPU build here; an unpinned torch
# would pull a multi-GB CUDA build. The installers never carry either (installers/bundle.py).
$(TEST_STAMP): $(STAMP)
	$(PY) -m pip install --quiet torch==2.13.0 -e '.[dev,llm]'
	touch $(TEST_STAMP)

demo: setup
	$(VENV)/bin/sanhui demo --out out/demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: lint $(TEST_STAMP)
	$(VENV)/bin/pytest -q

clean:
	rm -rf out build dist .pytest_cache .ruff_cache

# Installers (installers/, README “安装”): the frozen one-folder app, its .deb, and the offline check of both.
.PHONY: dist deb dist-check
BUNDLE := dist/sanhui
# xz takes ~9 min on 2 busy cores; `make deb DEB_COMPRESSION=gzip` for a quick one.
DEB_COMPRESSION ?= xz

dist: setup
	PY=$(PY) bash installers/build-dist.sh

$(BUNDLE)/sanhui:
	$(MAKE) dist

deb: $(BUNDLE)/sanhui
	$(PY) installers/deb.py $(BUNDLE) --out dist --compression $(DEB_COMPRESSION)

dist-check: $(BUNDLE)/sanhui
	$(PY) installers/dist_check.py $(BUNDLE)
