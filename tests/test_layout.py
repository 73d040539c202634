"""Each module keeps its private names (a leading underscore) to itself: no `from x import _name` and no
`x._name` across the project's modules. The layering itself is import-linter's (pyproject.toml)."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("app", "asr", "core", "summarizer", "analytics")


def _project_modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            parts = path.relative_to(ROOT).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def private_uses(path: Path, modules: set[str]) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    aliases: dict[str, str] = {}  # local name -> project module it refers to
    bad = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module in modules:
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    bad.append(f"{path.name}:{node.lineno} from {node.module} import {alias.name}")
                if f"{node.module}.{alias.name}" in modules:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in modules:
                    aliases[alias.asname or alias.name.split(".")[0]] = alias.name
    for node in ast.walk(tree):
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                and node.attr.startswith("_") and not node.attr.startswith("__")):
            bad.append(f"{path.name}:{node.lineno} {node.value.id}.{node.attr}")
    return bad


def test_no_private_name_is_used_outside_its_module():
    modules = _project_modules()
    bad = [use for path in modules.values() for use in private_uses(path, set(modules))]
    assert bad == [], bad


def test_the_check_sees_a_private_name(tmp_path):
    path = tmp_path / "user.py"
    path.write_text("from asr.recorder import _read\nfrom analytics import charts\nimport core.zh as zh\n"
                    "charts._mmss(1)\nzh._digits\n", encoding="utf-8")
    assert len(private_uses(path, {"asr.recorder", "analytics", "analytics.charts", "core.zh"})) == 3


MAX_FUNCTION_LINES = 80  # a function longer than a screen is split into named steps (issue #15)


def long_functions(path: Path, limit: int = MAX_FUNCTION_LINES) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name}:{node.lineno} {node.name} "
            f"({node.end_lineno - node.lineno + 1} lines)"
            for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > limit]


def test_no_function_is_longer_than_a_screen():
    paths = [*_project_modules().values(), *(ROOT / "bench").glob("*.py"), *(ROOT / "installers").glob("*.py")]
    bad = [f for path in paths for f in long_functions(path)]
    assert bad == [], bad


def test_the_length_check_counts_lines(tmp_path):
    path = tmp_path / "long.py"
    path.write_text("def f():\n" + "    x = 1\n" * 80 + "\n\ndef g():\n    pass\n", encoding="utf-8")
    assert [f.split()[1] for f in long_functions(path)] == ["f"]


def asr_imports_past_the_front_door(path: Path) -> list[str]:
    """`from asr.x import …` / `import asr.x` in app/: app reaches asr through `asr` alone (asr/__init__.py)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bad = []
    for node in ast.walk(tree):
        names = [node.module or ""] if isinstance(node, ast.ImportFrom) else \
            [a.name for a in node.names] if isinstance(node, ast.Import) else []
        bad += [f"{path.name}:{node.lineno} {n}" for n in names if n.startswith("asr.")]
    return bad


def test_app_uses_the_asr_front_door():
    bad = [b for path in (ROOT / "app").rglob("*.py") for b in asr_imports_past_the_front_door(path)]
    assert bad == [], bad


def test_the_front_doors_list_what_they_load():
    import asr
    import asr.speakers

    for door in (asr, asr.speakers):
        assert door.__all__ == sorted(door._HOME)
        for name in door.__all__:
            assert getattr(door, name) is not None  # each name is where _HOME says
