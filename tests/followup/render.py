"""Office files as a person sees them: LibreOffice to PDF, then pdftotext (as tests/documents does)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from core.docx_style import fontconfig_file


def to_pdf_text(path: Path) -> str:
    missing = [t for t in ("soffice", "pdftotext") if shutil.which(t) is None]
    if missing:
        pytest.fail(f"{', '.join(missing)} not found: install LibreOffice and poppler-utils (make setup)", pytrace=False)
    out = path.parent
    env = {**os.environ, "FONTCONFIG_FILE": str(fontconfig_file(out / "fontconfig"))}
    subprocess.run(["soffice", f"-env:UserInstallation=file://{out / 'lo_profile'}", "--headless", "--convert-to", "pdf",
                    "--outdir", str(out), str(path)], check=True, capture_output=True, timeout=300, env=env)
    pdf = path.with_suffix(".pdf")
    assert pdf.is_file(), f"LibreOffice wrote no PDF for {path.name}"
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True,
                          timeout=60).stdout
