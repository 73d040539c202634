"""The offline hand-over package: export, verify, round trip, and refusal of altered packages."""

from __future__ import annotations

import json
import zipfile

import pytest

from app.cli import main
from app.sync.canonical import canonical_json, content_sha256, sha256_hex
from app.sync.ledger import audit_log, finalize, record_files
from app.sync.package import PackageError, export_package, package_bytes, verify_package
from core.errors import SanhuiError
from tests.sync.conftest import make_meeting, tiny_docs


@pytest.fixture
def record(store):
    return finalize(store, make_meeting(store, 1), render=tiny_docs)


def _rewrite(src, dst, change):
    """Copy a zip, letting change(name, data) alter or drop (None) members."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info.filename))
            if data is not None:
                zout.writestr(info.filename, data)


def test_package_round_trips(store, record, tmp_path):
    out = export_package(store, record.meeting_id, tmp_path / "usb" / "上报包.zip")
    package = verify_package(out)
    assert package.body == record.body and package.version == 1 and package.meeting_id == record.meeting_id
    assert package.read("result.json") == record.body_text.encode()
    for name, data in record_files(store, record.seq).items():
        assert package.read(name) == data and package.files[name]["sha256"] == sha256_hex(data)
    assert package.manifest["content_sha256"] == record.content_sha256
    assert package.manifest["files"]["minutes.docx"]["sha256"] == package.files["minutes.docx"]["sha256"]
    assert out.read_bytes() == package_bytes(store, record.meeting_id)  # reproducible
    assert any(a["action"] == "export-package" for a in audit_log(store))


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda n, d: d + b"!" if n == "minutes.docx" else d, "minutes.docx"),
        (lambda n, d: None if n == "report.docx" else d, "缺少"),
        (lambda n, d: None if n == "manifest.json" else d, "manifest"),
        (lambda n, d: d.replace("第1次".encode(), "第9次".encode()) if n == "result.json" else d, "result.json"),
    ],
    ids=["edited-document", "missing-document", "missing-manifest", "edited-record"],
)
def test_an_altered_package_is_refused(store, record, tmp_path, change, words):
    good = export_package(store, record.meeting_id, tmp_path / "p.zip")
    bad = tmp_path / "bad.zip"
    _rewrite(good, bad, change)
    with pytest.raises(PackageError, match=words):
        verify_package(bad)


def test_a_consistently_forged_package_still_fails_on_the_record_hash(store, record, tmp_path):
    """Edit result.json and fix the manifest to match: the record's own content_sha256 gives it away."""
    good = export_package(store, record.meeting_id, tmp_path / "p.zip")
    body = json.loads(record.body_text)
    body["minutes"]["agenda"] = ["伪造的议程"]
    forged = canonical_json(body)

    def change(name, data):
        if name == "result.json":
            return forged
        if name == "manifest.json":
            m = json.loads(data)
            m["files"]["result.json"] = {"sha256": sha256_hex(forged), "size": len(forged)}
            return canonical_json(m)
        return data

    _rewrite(good, tmp_path / "forged.zip", change)
    with pytest.raises(PackageError, match="content_sha256"):
        verify_package(tmp_path / "forged.zip")
    body["content_sha256"] = content_sha256(body)  # and with the hash recomputed, the manifest no longer agrees
    forged = canonical_json(body)
    _rewrite(good, tmp_path / "forged2.zip", change)
    with pytest.raises(PackageError, match="校验值"):
        verify_package(tmp_path / "forged2.zip")


def test_not_a_package(tmp_path):
    (tmp_path / "x.zip").write_bytes(b"not a zip")
    with pytest.raises(PackageError, match="不是有效的上报包"):
        verify_package(tmp_path / "x.zip")
    with pytest.raises(PackageError, match="找不到"):
        verify_package(tmp_path / "missing.zip")
    with zipfile.ZipFile(tmp_path / "slip.zip", "w") as zf:
        zf.writestr("manifest.json", "{}")
        zf.writestr("../evil.txt", "x")
    with pytest.raises(PackageError, match="不应出现"):
        verify_package(tmp_path / "slip.zip")


def test_only_finalised_meetings_are_packaged(store):
    mid = make_meeting(store, 2)
    with pytest.raises(SanhuiError, match="sanhui finalize"):
        package_bytes(store, mid)


def test_cli_export_and_verify_package(store, record, tmp_path, capsys):
    out = tmp_path / "hand-over"
    assert main(["export-package", record.meeting_id, "--out", str(out)]) == 0
    assert (tmp_path / "hand-over.zip").is_file()
    assert main(["verify", str(tmp_path / "hand-over.zip")]) == 0
    assert "上报包完好" in capsys.readouterr().out
    _rewrite(tmp_path / "hand-over.zip", tmp_path / "bad.zip", lambda n, d: d + b"x" if n == "report.docx" else d)
    assert main(["verify", str(tmp_path / "bad.zip")]) == 2
    assert "report.docx" in capsys.readouterr().err


@pytest.mark.parametrize("make", ["zeros_bomb", "at_the_limits", "many_items"])
def test_verifying_a_crafted_package_stays_under_100_mb(tmp_path, make):
    """A 600 KiB zip of zeros made the old verifier hold 800 MB (1.27 GB for the one in issue #19)."""
    from tests.sync import crafted

    path = getattr(crafted, make)(tmp_path / f"{make}.zip")
    figures = crafted.measure_verify(path)
    assert figures["rss_growth_mb"] < 100 and figures["traced_peak_mb"] < 100, figures
    assert figures["outcome"] != "完好"  # refused, in Chinese
    assert any("\u4e00" <= ch <= "\u9fff" for ch in figures["outcome"])


def test_a_package_with_many_members_is_refused_before_its_directory_is_read(tmp_path):
    with zipfile.ZipFile(tmp_path / "many.zip", "w") as zf:
        zf.writestr("manifest.json", "{}")
        for i in range(50):
            zf.writestr(f"f{i}.docx", "x")
    with pytest.raises(PackageError, match="文件过多"):
        verify_package(tmp_path / "many.zip")


def test_a_package_is_checked_against_the_local_ledger(store, record, tmp_path, capsys):
    from tests.sync import tamper

    good = export_package(store, record.meeting_id, tmp_path / "p.zip")
    assert main(["verify", str(good)]) == 0
    assert "与本机账本核对一致" in capsys.readouterr().out
    # a forgery consistent in itself: an edited record with its hash and the manifest recomputed
    body = json.loads(record.body_text)
    body["minutes"]["agenda"] = ["伪造的议程"]
    body["content_sha256"] = content_sha256(body)
    forged = canonical_json(body)

    def change(name, data):
        if name == "result.json":
            return forged
        if name == "manifest.json":
            m = json.loads(data)
            m["files"]["result.json"] = {"sha256": sha256_hex(forged), "size": len(forged)}
            m["content_sha256"] = body["content_sha256"]
            return canonical_json(m)
        return data

    _rewrite(good, tmp_path / "forged.zip", change)
    verify_package(tmp_path / "forged.zip")  # on its own it looks whole: there is no signature
    with pytest.raises(PackageError, match="与本机账本中的同一版本不符"):
        verify_package(tmp_path / "forged.zip", store)
    # and a ledger rewritten after the export no longer holds the head the package anchored
    finalize(store, make_meeting(store, 2), render=tiny_docs)
    later = export_package(store, record.meeting_id, tmp_path / "later.zip")
    tamper.truncate_tail(store)
    with pytest.raises(PackageError, match="末尾的记录被删除"):
        verify_package(later, store)
