"""Offline hand-over: a zip of one finalised record for a USB upload, and its verification.

Layout: result.json (the record body exactly as the platform POST carries it, content_sha256
included), the Word documents, and manifest.json listing the SHA-256 and size of every other
file. verify_package() recomputes all of them and the record's content_sha256, so a package that
was altered after export is refused. The zip is deterministic: the same record exports to the
same bytes.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.sync.canonical import canonical_json, sha256_hex, verify_body
from app.sync.ledger import _audit_row, latest_record, record_files, records
from core.errors import SanhuiError
from core.files import atomic_path
from core.storage import Store

PACKAGE_FORMAT = "sanhui.package/1"
MANIFEST = "manifest.json"
RESULT = "result.json"
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip timestamps carry no information here; keep exports reproducible
_MAX_MEMBER = 512 * 1024 * 1024


class PackageError(SanhuiError):
    """The package is damaged, incomplete or altered."""


@dataclass
class Package:
    manifest: dict[str, Any]
    body: dict[str, Any]  # the record, as result.json holds it
    files: dict[str, bytes]  # every member except the manifest, verified

    @property
    def meeting_id(self) -> str:
        return str(self.body.get("id", ""))

    @property
    def version(self) -> int:
        return int(self.body.get("version", 0))


def _member(name: str, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info, data


def package_bytes(store: Store, meeting_id: str, version: int | None = None) -> bytes:
    """The zip of one finalised version (the latest by default)."""
    if version is None:
        record = latest_record(store, meeting_id)
    else:
        record = next((r for r in records(store, meeting_id) if r.version == version), None)
    if record is None:
        which = f"第 {version} 版" if version else "定稿记录"
        raise SanhuiError(f"会议“{meeting_id}”还没有{which}：请先运行 sanhui finalize {meeting_id}。")
    files = {RESULT: record.body_text.encode("utf-8"), **record_files(store, record.seq)}
    manifest = {
        "format": PACKAGE_FORMAT,
        "meeting_id": record.meeting_id,
        "version": record.version,
        "branch": record.branch,
        "finalized_at": record.finalized_at,
        "prev_sha256": record.prev_sha256,
        "content_sha256": record.content_sha256,
        "files": {name: {"sha256": sha256_hex(data), "size": len(data)} for name, data in sorted(files.items())},
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in [(MANIFEST, canonical_json(manifest)), *sorted(files.items())]:
            zf.writestr(*_member(name, data))
    return buffer.getvalue()


def export_package(store: Store, meeting_id: str, out: Path, version: int | None = None) -> Path:
    """Write the package atomically to out (a .zip path) and note it in the audit log."""
    data = package_bytes(store, meeting_id, version)
    out = Path(out)
    with atomic_path(out) as tmp:
        tmp.write_bytes(data)
    package = verify_package(out)  # prove what landed on the disk (or USB stick) reads back whole
    with store.db.conn:
        _audit_row(store, "export-package", meeting_id, package.version, f"导出离线上报包 {out}，SHA-256 {sha256_hex(data)}")
    return out


def verify_package(path: Path) -> Package:
    """Open a package and check every hash; raises PackageError naming the first problem."""
    path = Path(path)
    try:
        zf = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise PackageError(f"找不到上报包“{path}”。") from None
    except (zipfile.BadZipFile, OSError):
        raise PackageError(f"“{path.name}”不是有效的上报包（zip 文件损坏或格式不对）。") from None
    with zf:
        infos = zf.infolist()
        names = [i.filename for i in infos]
        if len(set(names)) != len(names):
            raise PackageError("上报包中有重名文件，可能被篡改。")
        if MANIFEST not in names:
            raise PackageError("上报包缺少清单文件 manifest.json。")
        for info in infos:
            if "/" in info.filename or "\\" in info.filename or info.filename.startswith("."):
                raise PackageError(f"上报包中有不应出现的文件“{info.filename}”。")
            if info.file_size > _MAX_MEMBER:
                raise PackageError(f"上报包中的“{info.filename}”过大。")
        try:
            manifest = json.loads(zf.read(MANIFEST).decode("utf-8"))
            listed = manifest["files"]
            assert manifest.get("format") == PACKAGE_FORMAT and isinstance(listed, dict)
        except Exception:
            raise PackageError("上报包的清单文件 manifest.json 无法读取或格式不对。") from None
        present = set(names) - {MANIFEST}
        if present != set(listed):
            extra, missing = sorted(present - set(listed)), sorted(set(listed) - present)
            raise PackageError(f"上报包内容与清单不符：多出 {extra or '无'}，缺少 {missing or '无'}。")
        files = {}
        for name in sorted(listed):
            try:
                data = zf.read(name)
            except (zipfile.BadZipFile, OSError, ValueError):  # CRC mismatch and the like
                raise PackageError(f"上报包中的“{name}”已损坏。") from None
            entry = listed[name] if isinstance(listed[name], dict) else {}
            if sha256_hex(data) != entry.get("sha256") or len(data) != entry.get("size"):
                raise PackageError(f"上报包中的“{name}”与清单记录的 SHA-256 不符（文件被改动）。")
            files[name] = data
    if RESULT not in files:
        raise PackageError("上报包缺少 result.json。")
    try:
        body = json.loads(files[RESULT].decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise PackageError("上报包中的 result.json 不是有效的 JSON。") from None
    if not isinstance(body, dict) or not verify_body(body):
        raise PackageError("result.json 的内容与其 content_sha256 不符（记录被改动）。")
    if body["content_sha256"] != manifest.get("content_sha256") or body.get("id") != manifest.get("meeting_id"):
        raise PackageError("清单中的会议编号或校验值与 result.json 不符。")
    for name, entry in (body.get("documents") or {}).items():
        if name not in files or sha256_hex(files[name]) != (entry or {}).get("sha256"):
            raise PackageError(f"文档“{name}”与定稿记录登记的 SHA-256 不符。")
    return Package(manifest=manifest, body=body, files=files)
