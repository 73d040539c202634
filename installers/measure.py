"""What each dependency costs in the unpacked bundle: `python installers/measure.py dist/sanhui [--json]`.

Sizes are grouped by the first folder under _internal/ (a package, `models`, `PySide6`...); loose shared
libraries at the top are grouped by name, and PySide6 is broken down further, because Qt is the part
where leaving out unused modules pays most.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from pathlib import Path

BUDGET_MB = 700


def internal_dir(bundle: Path) -> Path:
    inner = bundle / "_internal"
    return inner if inner.is_dir() else bundle  # PyInstaller < 6 put everything at the top


def _group(rel: Path) -> str:
    first = rel.parts[0]
    if len(rel.parts) == 1:
        if first == "base_library.zip":
            return "python stdlib (base_library.zip)"
        # libQt6Core.so.6 -> libQt6Core, libpython3.11.so.1.0 -> libpython
        return "libs: " + re.sub(r"(\.so.*|\.dll|\.dylib|[\d.]+$)", "", first).rstrip("-_.0123456789")
    if first == "PySide6" and len(rel.parts) > 2 and rel.parts[1] == "Qt":
        sub = rel.parts[2]
        if sub == "lib" and len(rel.parts) > 3:
            return "PySide6/Qt/lib/" + re.sub(r"\.so.*|\.dll|\.dylib", "", rel.parts[3])
        return f"PySide6/Qt/{sub}"
    if first.startswith("python3") and len(rel.parts) > 1:  # lib-dynload
        return f"python stdlib ({rel.parts[1]})"
    return first


def sizes(bundle: Path) -> Counter:
    inner = internal_dir(bundle)
    out: Counter = Counter()
    for path in bundle.rglob("*"):
        if path.is_file() and not path.is_symlink():
            rel = path.relative_to(inner) if inner in path.parents else Path("(executables)")
            out[_group(rel) if rel.parts[0] != "(executables)" else "executables (with the Python archive)"] += (
                path.stat().st_size
            )
    return out


def total_bytes(bundle: Path) -> int:
    return sum(p.stat().st_size for p in bundle.rglob("*") if p.is_file() and not p.is_symlink())


def report(bundle: Path, top: int = 40) -> str:
    by_group = sizes(bundle)
    total = sum(by_group.values())
    lines = [f"{'component':<48} {'MB':>8}"]
    for name, size in by_group.most_common(top):
        lines.append(f"{name:<48} {size / 1e6:8.1f}")
    rest = total - sum(size for _, size in by_group.most_common(top))
    if rest:
        lines.append(f"{'(everything else)':<48} {rest / 1e6:8.1f}")
    verdict = "within" if total / 1e6 <= BUDGET_MB else "OVER"
    lines.append(f"{'TOTAL unpacked':<48} {total / 1e6:8.1f}  ({verdict} the {BUDGET_MB} MB budget)")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.splitlines()[0], file=sys.stderr)
        return 2
    bundle = Path(argv[0])
    if "--json" in argv:
        print(json.dumps({k: v for k, v in sizes(bundle).most_common()}, indent=1))
    else:
        print(report(bundle))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
