"""installers/ holds scripts, not a package: put it on sys.path so tests import them as the spec does."""

from __future__ import annotations

import sys
from pathlib import Path

INSTALLERS = Path(__file__).resolve().parents[2] / "installers"
if str(INSTALLERS) not in sys.path:
    sys.path.insert(0, str(INSTALLERS))
