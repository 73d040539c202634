"""Crafted offline packages for the memory tests and bench/sync_faults.py: what an attacker (or a
broken USB stick) hands to `sanhui verify 包.zip`."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import REPO

MiB = 1024 * 1024


def _manifest(files: dict[str, tuple[str, int]]) -> bytes:
    return json.dumps({"format": "sanhui.package/1", "meeting_id": "m0001", "content_sha256": "0" * 64,
                       "files": {n: {"sha256": h, "size": s} for n, (h, s) in files.items()}}).encode()


def zeros_bomb(path: Path, members: int = 3, each: int = 200 * MiB) -> Path:
    """Members of zeros under the names a package has: a few hundred KiB on disk, `members * each` inflated."""
    names = ["result.json", "minutes.docx", "report.docx", "extra1.docx", "extra2.docx"][:members]
    block = bytes(MiB)
    digest = hashlib.sha256()
    for _ in range(each // MiB):
        digest.update(block)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf:  # level 1: quick to make
        zf.writestr("manifest.json", _manifest({n: (digest.hexdigest(), each) for n in names}))
        for name in names:
            info = zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with zf.open(info, "w") as out:
                for _ in range(each // MiB):
                    out.write(block)
    return path


def at_the_limits(path: Path) -> Path:
    """Everything just inside the limits: a 4 MiB result.json that parses to 16 MB of text (one character
    outside the BMP makes Python store every character in 4 bytes) and two 28 MiB documents."""
    text = ("议" * (4 * MiB // 3 - 40)) + "😀"
    result = json.dumps({"schema": "sanhui.result/1", "id": "m0001", "x": text}, ensure_ascii=False).encode()
    docs = {n: os.urandom(28 * MiB) for n in ("minutes.docx", "report.docx")}
    files = {"result.json": result, **docs}
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("manifest.json", _manifest({n: (hashlib.sha256(d).hexdigest(), len(d)) for n, d in files.items()}))
        for name, data in files.items():
            zf.writestr(zipfile.ZipInfo(name, date_time=(2000, 1, 1, 0, 0, 0)), data)
    return path


def many_items(path: Path) -> Path:
    """A result.json of empty objects: 3 bytes each on disk, ~70 bytes each once parsed."""
    result = b"[" + b",".join([b"{}"] * (4 * MiB // 3 - 2)) + b"]"
    with zipfile.ZipFile(path, "w") as zf:  # stored: past the ratio check, on to the item count
        zf.writestr("manifest.json", _manifest({"result.json": (hashlib.sha256(result).hexdigest(), len(result))}))
        zf.writestr("result.json", result)
    return path


MEASURE = """
import json, sys, tracemalloc
from pathlib import Path
from app.sync.package import PackageError, verify_package

def rss(field):
    for line in open("/proc/self/status"):
        if line.startswith(field):
            return int(line.split()[1]) / 1024
base = rss("VmRSS:")
with open("/proc/self/clear_refs", "w") as f:  # the peak (VmHWM) starts again from here
    f.write("5")
tracemalloc.start()
try:
    verify_package(Path(sys.argv[1]))
    outcome = "完好"
except PackageError as exc:
    outcome = str(exc)
traced = tracemalloc.get_traced_memory()[1]
print(json.dumps({"rss_growth_mb": rss("VmHWM:") - base, "traced_peak_mb": traced / 2**20, "outcome": outcome},
                 ensure_ascii=False))
"""


def measure_verify(path: Path, repo: Path = REPO) -> dict:
    """Verify `path` in a fresh process: the growth of its peak RSS over the RSS before (Linux /proc), and
    Python's traced peak, in MB; with the outcome."""
    out = subprocess.run([sys.executable, "-c", MEASURE, str(path)], cwd=repo, capture_output=True, text=True,
                         env={**os.environ, "PYTHONPATH": str(repo)}, timeout=600, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])
