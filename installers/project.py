"""Facts about the project that every installer needs, read from one place: pyproject.toml.

The installers import this file by path (installers/ is not a package), so it uses only the standard library.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"

APP_ID = "sanhui"                      # package, executable and folder name
APP_NAME_ZH = "三会一课会议助手"          # the name a secretary sees
APP_NAME_EN = "Sanhui Meeting Assistant"
PUBLISHER = "Sanhui"


def project_version(pyproject: Path = PYPROJECT) -> str:
    """The `version` of the [project] table: the only place the version is written."""
    text = pyproject.read_text(encoding="utf-8")
    try:
        import tomllib
    except ModuleNotFoundError:  # Python 3.10: a regex over the [project] table is enough for one key
        section = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
        found = section and re.search(r'^version\s*=\s*"([^"]+)"', section.group(1), re.M)
        if not found:
            raise ValueError(f"no [project] version in {pyproject}") from None
        return found.group(1)
    return tomllib.loads(text)["project"]["version"]


def deb_version(version: str) -> str:
    """PEP 440 to Debian: pre-releases sort before the release (1.0rc1 -> 1.0~rc1)."""
    return re.sub(r"(\d)(a|b|rc|\.dev)(\d*)", r"\1~\2\3", version)


if __name__ == "__main__":
    print(project_version())
