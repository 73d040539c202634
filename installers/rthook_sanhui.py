"""PyInstaller runtime hook: runs in the frozen app before app code.

Tells the model registry where the base model shipped inside the bundle is, unless the user or an IT
department already pointed SANHUI_BUNDLED_MODELS elsewhere (e.g. a shared read-only models folder).
"""

import os
import sys

_bundle = getattr(sys, "_MEIPASS", None)
if _bundle:
    _models = os.path.join(_bundle, "models")
    if os.path.isdir(_models):
        os.environ.setdefault("SANHUI_BUNDLED_MODELS", _models)
