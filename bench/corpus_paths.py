"""Where the benches find the team's shared corpus and scorer: beside the checkout, or where
SANHUI_SHARED / SANHUI_CORPUS say (the same rule as tests/conftest.py)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SANHUI_SHARED") or REPO.parent / "shared")
CORPUS = Path(os.environ.get("SANHUI_CORPUS") or SHARED / "corpus")
SYNTHETIC = CORPUS / "synthetic"
REAL = CORPUS / "real"
SCORE_PY = SHARED / "tools" / "score.py"
