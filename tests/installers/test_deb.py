"""The .deb, built from a small stand-in bundle with the real build code, installed with dpkg into a
scratch root, checked, and removed again without leaving a file behind."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
from pathlib import Path

import deb
import pytest

pytestmark = pytest.mark.skipif(
    not (shutil.which("dpkg-deb") and shutil.which("dpkg") and hasattr(os, "geteuid") and os.geteuid() == 0),
    reason="needs dpkg and root (as on the Debian-based CI machine)",
)


@pytest.fixture(scope="module")
def built_deb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("deb")
    bundle = tmp / "bundle"
    (bundle / "_internal" / "models" / "base").mkdir(parents=True)
    exe = bundle / "sanhui"
    exe.write_text("#!/bin/sh\necho sanhui-stand-in \"$@\"\n")
    exe.chmod(0o700)  # modes are normalised to Debian's 755/644 whatever the build left
    (bundle / "_internal" / "models" / "base" / "model.bin").write_bytes(b"\0" * 1024)
    (bundle / "_internal" / "libexample.so.1").write_bytes(b"\x7fELF")
    return deb.build_deb(bundle, tmp / "out", version="1.2.3", arch="amd64", compression="gzip",
                         work_dir=tmp / "work")


@pytest.fixture
def scratch_root(tmp_path: Path) -> Path:
    root = tmp_path / "root"
    admin = root / "var" / "lib" / "dpkg"
    for sub in ("info", "updates", "triggers"):
        (admin / sub).mkdir(parents=True)
    (admin / "status").touch()
    (admin / "available").touch()
    return root


def _dpkg(root: Path, *args: str) -> subprocess.CompletedProcess:
    # --force-depends: the scratch root has none of the system packages the app depends on.
    return subprocess.run(["dpkg", f"--root={root}", "--force-depends", *args],
                          capture_output=True, text=True, check=True)


def test_file_name_and_control_fields(built_deb: Path):
    assert built_deb.name == "sanhui_1.2.3_amd64.deb"
    info = subprocess.run(["dpkg-deb", "--field", str(built_deb)], capture_output=True, text=True,
                          check=True).stdout
    fields = dict(line.split(": ", 1) for line in info.splitlines() if ": " in line and not line[0].isspace())
    assert fields["Package"] == "sanhui" and fields["Version"] == "1.2.3" and fields["Architecture"] == "amd64"
    depends = fields["Depends"]
    assert "libportaudio2" in depends
    assert "fonts-wqy-microhei | fonts-wqy-zenhei | fonts-noto-cjk" in depends
    assert int(fields["Installed-Size"]) >= 1  # KiB, rounded up


def test_contents_are_root_owned_with_debian_modes(built_deb: Path):
    listing = subprocess.run(["dpkg-deb", "--contents", str(built_deb)], capture_output=True, text=True,
                             check=True).stdout
    rows = {line.split()[-1].lstrip("."): line.split()[:2] for line in listing.splitlines()}
    assert rows["/opt/sanhui/sanhui"] == ["-rwxr-xr-x", "root/root"]
    assert rows["/usr/bin/sanhui"][0] == "-rwxr-xr-x"
    assert rows["/opt/sanhui/_internal/models/base/model.bin"][0] == "-rw-r--r--"
    assert not any(path.startswith("/home") or "/.local/" in path for path in rows)  # never user data


def test_installs_into_a_scratch_root_and_removes_cleanly(built_deb: Path, scratch_root: Path):
    _dpkg(scratch_root, "-i", str(built_deb))
    status = subprocess.run(["dpkg-query", f"--admindir={scratch_root}/var/lib/dpkg", "-W",
                             "-f=${Status} ${Version}", "sanhui"], capture_output=True, text=True, check=True)
    assert status.stdout == "install ok installed 1.2.3"

    app = scratch_root / "opt" / "sanhui"
    assert os.access(app / "sanhui", os.X_OK)
    assert (app / "_internal" / "models" / "base" / "model.bin").stat().st_size == 1024
    launcher = scratch_root / "usr" / "bin" / "sanhui"
    assert os.access(launcher, os.X_OK)
    # The launcher, run against the scratch root's copy, passes its arguments through.
    script = launcher.read_text().replace("/opt/sanhui/", f"{app}/")
    ran = subprocess.run(["sh", "-c", script, "sanhui", "demo", "--out", "x y"], capture_output=True, text=True)
    assert ran.stdout.strip() == "sanhui-stand-in demo --out x y"

    desktop = scratch_root / "usr" / "share" / "applications" / "sanhui.desktop"
    entry = configparser.ConfigParser(interpolation=None, strict=False)
    entry.optionxform = str  # keys are case-sensitive in desktop entries
    entry.read(desktop, encoding="utf-8")
    d = entry["Desktop Entry"]
    assert d["Name"] == "三会一课会议助手" and d["Name[zh_CN]"] == "三会一课会议助手"
    assert d["Exec"] == "sanhui gui" and d["Type"] == "Application" and d["Terminal"] == "false"
    icon = d["Icon"]
    assert (scratch_root / f"usr/share/icons/hicolor/scalable/apps/{icon}.svg").is_file()
    assert (scratch_root / f"usr/share/icons/hicolor/256x256/apps/{icon}.png").is_file()
    if shutil.which("desktop-file-validate"):
        subprocess.run(["desktop-file-validate", str(desktop)], check=True)
    # The documents' 仿宋/宋体 and their aliases, system-wide for the user's own LibreOffice/WPS.
    assert (scratch_root / "usr/share/fonts/opentype/sanhui/FandolFang-Regular.otf").stat().st_size > 1_000_000
    link = scratch_root / "etc/fonts/conf.d/64-sanhui-gongwen.conf"
    assert link.is_symlink() and os.readlink(link) == "/usr/share/fontconfig/conf.avail/64-sanhui-gongwen.conf"
    assert (scratch_root / "usr/share/fontconfig/conf.avail/64-sanhui-gongwen.conf").is_file()

    _dpkg(scratch_root, "--purge", "sanhui")
    assert not app.exists()
    assert not launcher.exists() and not desktop.exists() and not link.is_symlink()
    leftovers = [p for p in scratch_root.rglob("*") if p.is_file() and "var/lib/dpkg" not in p.as_posix()]
    assert leftovers == []


def test_upgrade_replaces_files_and_drops_ones_no_longer_shipped(tmp_path: Path, scratch_root: Path):
    bundle = tmp_path / "bundle"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "sanhui").write_text("#!/bin/sh\n")
    (bundle / "_internal" / "old_only.txt").write_text("1")
    _dpkg(scratch_root, "-i", str(deb.build_deb(bundle, tmp_path / "v1", version="1.0.0", arch="amd64",
                                                compression="gzip", work_dir=tmp_path / "w")))
    (bundle / "_internal" / "old_only.txt").unlink()
    (bundle / "_internal" / "new_only.txt").write_text("2")
    _dpkg(scratch_root, "-i", str(deb.build_deb(bundle, tmp_path / "v2", version="1.1.0", arch="amd64",
                                                compression="gzip", work_dir=tmp_path / "w")))
    internal = scratch_root / "opt" / "sanhui" / "_internal"
    assert (internal / "new_only.txt").is_file() and not (internal / "old_only.txt").exists()
