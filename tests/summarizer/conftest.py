"""Known gaps of the minutes extractor (known_gaps.txt): run, reported as xfail, never silently skipped."""

from __future__ import annotations

from pathlib import Path

import pytest

_GAPS = {line.strip() for line in (Path(__file__).with_name("known_gaps.txt")).read_text(encoding="utf-8").splitlines()
         if line.strip() and not line.startswith("#")}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.nodeid in _GAPS:
            item.add_marker(pytest.mark.xfail(reason="known gap of the structural extractor (issue #20)", strict=False))
