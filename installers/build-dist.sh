#!/usr/bin/env bash
# Build the one-folder app into dist/sanhui (make dist). Takes several minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
"$PY" -m pip install --quiet 'pyinstaller>=6.10'
# Resemblyzer (used only to export the speaker encoder) drags in the obsolete `typing` backport, which
# Python 3 shadows with its own module anyway and which PyInstaller refuses to run beside.
if "$PY" -m pip show --quiet typing >/dev/null 2>&1; then "$PY" -m pip uninstall --quiet --yes typing; fi
# The base model, assembled and SHA-256-verified by the app's own registry, shipped inside the bundle.
"$PY" installers/bundle.py stage build/models
rm -rf dist/sanhui
SANHUI_MODEL_STAGE="$PWD/build/models" "$PY" -m PyInstaller --noconfirm --log-level WARN \
    --distpath dist --workpath build/pyinstaller installers/sanhui.spec
# Some wheels ship extension modules with debug info (ctranslate2's alone is 65 MB of it), of no use on a
# secretary's laptop. --strip-debug keeps the symbol tables, so loading and linking are unchanged.
if command -v strip >/dev/null && command -v file >/dev/null; then
    find dist/sanhui -type f -name '*.so*' -exec file {} + | grep 'with debug_info' | cut -d: -f1 \
        | xargs -r strip --strip-debug
fi
"$PY" installers/measure.py dist/sanhui
