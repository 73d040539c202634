# Two commands for a newcomer: `make demo` and `make test` (see README.md).
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
export QT_QPA_PLATFORM ?= offscreen

.PHONY: setup demo test lint bench clean

$(STAMP): pyproject.toml installers/system-deps.sh
	bash installers/system-deps.sh
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: setup
	$(VENV)/bin/sanhui demo --out out/demo

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: lint
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
