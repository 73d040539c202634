"""Offline hand-over: a zip of one finalised record for a USB upload, and its verification.

Layout: result.json (the record body exactly as the platform POST carries it, content_sha256
included), the Word documents, and manifest.json listing the SHA-256 and size of every other
file plus the ledger's anchor at export time (the record's position in its branch's chain, the
branch's record count and head). The zip is deterministic: the same
record exported from the same ledger state gives the same bytes.

What verification proves, honestly: there is no signature. Without a PKI the platform holds no
key of this laptop it could trust, and an HMAC under a key only this laptop knows would prove
nothing to anyone else while looking like protection. So a package carries hashes: the manifest
finds accidental damage and naive edits; the record's content_sha256 finds an edited record whose
hash was not recomputed; a forger who rebuilds result.json, its hash and the manifest consistently
is caught only against another copy — the platform checks prev_sha256 against the chain it already
holds, and `sanhui verify 包.zip` on the exporting laptop checks the record and the anchor against
the local ledger (a ledger rewritten after the export no longer holds the anchored head).

Verification reads a package as untrusted input with bounded memory (well under 100 MB whatever
the file): the file size, member count, central directory, each member's declared and actual size
and compression ratio are limited, members are hashed in chunks, and only result.json (at most
4 MiB, with a bounded number of JSON items) and the manifest are held and parsed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.sync.anchor import chain_state, ensure_tables, ledger_write
from app.sync.canonical import canonical_json, sha256_hex, verify_body
from app.sync.ledger import audit_row, latest_record, record_files, records
from core.errors import SanhuiError
from core.files import atomic_path
from core.storage import Store

PACKAGE_FORMAT = "sanhui.package/1"
MANIFEST = "manifest.json"
RESULT = "result.json"
_FIXED_TIME = (2000, 1, 1, 0, 0, 0)  # zip timestamps carry no information here; keep exports reproducible

# Limits for reading an untrusted package. A real one: result.json of a three-hour meeting is about
# 0.5 MB, the Word files a few MB.
MAX_PACKAGE_BYTES = 96 * 1024 * 1024
MAX_MEMBERS = 8
MAX_CENTRAL_DIRECTORY = 64 * 1024
MAX_MANIFEST = 256 * 1024
MAX_RESULT = 4 * 1024 * 1024
MAX_DOCUMENT = 32 * 1024 * 1024
MAX_TOTAL = 64 * 1024 * 1024  # all members together, uncompressed
MAX_RATIO = 200  # uncompressed / compressed, for members over 1 MiB
MAX_JSON_ITEMS = 400_000  # upper bound on values in result.json (parsing costs ~100 bytes each)
_CHUNK = 256 * 1024


class PackageError(SanhuiError):
    """The package is damaged, incomplete or altered."""


@dataclass
class Package:
    path: Path
    manifest: dict[str, Any]
    body: dict[str, Any]  # the record, as result.json holds it
    files: dict[str, dict[str, Any]]  # every member except the manifest: {"sha256", "size"}, verified

    @property
    def meeting_id(self) -> str:
        return str(self.body.get("id", ""))

    @property
    def version(self) -> int:
        return int(self.body.get("version", 0))

    def read(self, name: str) -> bytes:
        """One verified member's bytes (read again from the file, within the limits)."""
        with zipfile.ZipFile(self.path) as zf:
            data = _read_bounded(zf, zf.getinfo(name), MAX_DOCUMENT)
        if sha256_hex(data) != self.files[name]["sha256"]:
            raise PackageError(f"上报包中的“{name}”在检查之后被改动。")
        return data


def _member(name: str, data: bytes) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    return info, data


def _anchor_of(store: Store, record) -> dict[str, Any]:
    """The ledger's state at export: this record's place in its branch and the heads."""
    position = store.db.execute("SELECT COUNT(*) FROM records WHERE branch = ? AND seq <= ?",
                                [record.branch, record.seq]).fetchone()[0]
    state = chain_state(store.db.conn)
    branch = state["branches"].get(record.branch, {"records": 0, "head": ""})
    # Not the audit head: exporting writes an audit line, and the same record must export to the same bytes.
    return {"branch_position": position, "branch_records": branch["records"], "branch_head": branch["head"],
            "ledger_records": state["records"]}


def package_bytes(store: Store, meeting_id: str, version: int | None = None) -> bytes:
    """The zip of one finalised version (the latest by default)."""
    ensure_tables(store)
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
        "anchor": _anchor_of(store, record),
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
    with ledger_write(store):
        audit_row(store, "export-package", meeting_id, package.version, f"导出离线上报包 {out}，SHA-256 {sha256_hex(data)}")
    return out


# ------------------------------------------------------------------ reading an untrusted zip


def _central_directory(path: Path, size: int) -> None:
    """Refuse, before zipfile reads it whole, a central directory that is large or announces many members."""
    tail = min(size, 22 + 65535)
    with open(path, "rb") as f:
        f.seek(size - tail)
        data = f.read(tail)
    at = data.rfind(b"PK\x05\x06")
    if at < 0 or len(data) - at < 22:
        raise PackageError(f"“{path.name}”不是有效的上报包（zip 文件损坏或格式不对）。")
    _, _, _, entries, total, cd_size, _, _ = struct.unpack("<4s4H2LH", data[at:at + 22])
    if 0xFFFF in (entries, total) or cd_size == 0xFFFFFFFF:
        raise PackageError("上报包使用了 zip64 格式，本软件导出的上报包不会如此，已拒绝。")
    if total > MAX_MEMBERS or cd_size > MAX_CENTRAL_DIRECTORY:
        raise PackageError(f"上报包中的文件过多（{total} 个），不是本软件导出的上报包。")


def _limit_for(name: str) -> int:
    return {MANIFEST: MAX_MANIFEST, RESULT: MAX_RESULT}.get(name, MAX_DOCUMENT)


def _chunks(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int):
    """The member's bytes in chunks; stops as soon as more than `limit` came out, whatever the header said."""
    seen = 0
    try:
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                seen += len(chunk)
                if seen > limit:
                    raise PackageError(f"上报包中的“{info.filename}”过大。")
                yield chunk
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):  # CRC mismatch and the like
        raise PackageError(f"上报包中的“{info.filename}”已损坏。") from None


def _read_bounded(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    return b"".join(_chunks(zf, info, limit))


def _digest(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> tuple[str, int]:
    h, size = hashlib.sha256(), 0
    for chunk in _chunks(zf, info, limit):
        h.update(chunk)
        size += len(chunk)
    return h.hexdigest(), size


def _parse_json(data: bytes, what: str) -> Any:
    if data.count(b",") + data.count(b"[") + data.count(b"{") > MAX_JSON_ITEMS:
        raise PackageError(f"上报包中的 {what} 结构过于复杂，不是本软件导出的上报包。")
    try:
        return json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise PackageError(f"上报包中的 {what} 不是有效的 JSON。") from None


def _check_members(infos: list[zipfile.ZipInfo]) -> None:
    names = [i.filename for i in infos]
    if len(set(names)) != len(names):
        raise PackageError("上报包中有重名文件，可能被篡改。")
    if MANIFEST not in names:
        raise PackageError("上报包缺少清单文件 manifest.json。")
    total = 0
    for info in infos:
        if "/" in info.filename or "\\" in info.filename or info.filename.startswith("."):
            raise PackageError(f"上报包中有不应出现的文件“{info.filename}”。")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise PackageError(f"上报包中的“{info.filename}”使用了不支持的压缩方式。")
        if info.file_size > _limit_for(info.filename):
            raise PackageError(f"上报包中的“{info.filename}”过大。")
        if info.file_size > 1024 * 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise PackageError(f"上报包中的“{info.filename}”压缩比异常（可能是压缩炸弹），已拒绝。")
        total += info.file_size
    if total > MAX_TOTAL:
        raise PackageError("上报包解压后过大，不是本软件导出的上报包。")


def verify_package(path: Path, store: Store | None = None) -> Package:
    """Open a package and check every hash; raises PackageError naming the first problem.

    With `store` (the local ledger), a package of a meeting the ledger holds is also checked against
    it: the same record, and the ledger still holding the head anchored at export.
    """
    path = Path(path)
    try:
        size = os.stat(path).st_size
    except FileNotFoundError:
        raise PackageError(f"找不到上报包“{path}”。") from None
    except OSError as exc:
        raise PackageError(f"无法读取上报包“{path}”：{exc.strerror or exc}") from None
    if size > MAX_PACKAGE_BYTES:
        raise PackageError(f"“{path.name}”过大（{size / 2**20:.0f} MB），不是本软件导出的上报包。")
    _central_directory(path, size)
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise PackageError(f"“{path.name}”不是有效的上报包（zip 文件损坏或格式不对）。") from None
    with zf:
        infos = zf.infolist()
        _check_members(infos)
        manifest = _parse_json(_read_bounded(zf, zf.getinfo(MANIFEST), MAX_MANIFEST), "清单文件 manifest.json")
        listed = manifest.get("files") if isinstance(manifest, dict) else None
        if not isinstance(listed, dict) or manifest.get("format") != PACKAGE_FORMAT:
            raise PackageError("上报包的清单文件 manifest.json 无法读取或格式不对。")
        present = {i.filename for i in infos} - {MANIFEST}
        if present != set(listed):
            extra, missing = sorted(present - set(listed)), sorted(set(listed) - present)
            raise PackageError(f"上报包内容与清单不符：多出 {extra or '无'}，缺少 {missing or '无'}。")
        if RESULT not in listed:
            raise PackageError("上报包缺少 result.json。")
        files: dict[str, dict[str, Any]] = {}
        result_bytes = b""
        for name in sorted(listed):
            info = zf.getinfo(name)
            if name == RESULT:
                result_bytes = _read_bounded(zf, info, MAX_RESULT)
                digest, got = sha256_hex(result_bytes), len(result_bytes)
            else:
                digest, got = _digest(zf, info, _limit_for(name))
            entry = listed[name] if isinstance(listed[name], dict) else {}
            if digest != entry.get("sha256") or got != entry.get("size"):
                raise PackageError(f"上报包中的“{name}”与清单记录的 SHA-256 不符（文件被改动）。")
            files[name] = {"sha256": digest, "size": got}
    body = _parse_json(result_bytes, "result.json")
    del result_bytes
    if not isinstance(body, dict) or not verify_body(body):
        raise PackageError("result.json 的内容与其 content_sha256 不符（记录被改动）。")
    if body["content_sha256"] != manifest.get("content_sha256") or body.get("id") != manifest.get("meeting_id"):
        raise PackageError("清单中的会议编号或校验值与 result.json 不符。")
    for name, entry in (body.get("documents") or {}).items():
        if name not in files or files[name]["sha256"] != (entry or {}).get("sha256"):
            raise PackageError(f"文档“{name}”与定稿记录登记的 SHA-256 不符。")
    package = Package(path=path, manifest=manifest, body=body, files=files)
    if store is not None:
        check_against_ledger(package, store)
    return package


def check_against_ledger(package: Package, store: Store) -> bool:
    """Compare a verified package with the local ledger; True when the ledger holds its meeting.
    Raises PackageError when the two disagree (a forged package, or a ledger rewritten since)."""
    mine = records(store, package.meeting_id)
    if not mine:
        return False  # another laptop's meeting: nothing here to compare with
    record = next((r for r in mine if r.version == package.version), None)
    if record is None:
        raise PackageError(f"本机账本中没有会议 {package.meeting_id} 的第 {package.version} 版，上报包可能是伪造的。")
    if record.content_sha256 != package.body["content_sha256"]:
        raise PackageError("上报包中的定稿记录与本机账本中的同一版本不符（上报包被伪造，或本机账本被改写）。")
    anchor = package.manifest.get("anchor")
    if isinstance(anchor, dict) and isinstance(anchor.get("branch_records"), int) and anchor["branch_records"] > 0:
        row = store.db.execute("SELECT content_sha256 FROM records WHERE branch = ? ORDER BY seq LIMIT 1 OFFSET ?",
                               [record.branch, anchor["branch_records"] - 1]).fetchone()
        if row is None:
            raise PackageError(f"导出时本支部有 {anchor['branch_records']} 条定稿记录，本机账本现在更少（末尾的记录被删除）。")
        if row[0] != anchor.get("branch_head"):
            raise PackageError("本机账本的哈希链在导出该上报包之后被改写（与上报包记录的链头不符）。")
    return True
