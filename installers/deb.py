"""Build the .deb for 统信 UOS and 麒麟 Kylin from the one-folder bundle (make deb).

    python installers/deb.py dist/sanhui --out dist

Layout: the bundle under /opt/sanhui, a /usr/bin/sanhui launcher, a desktop entry with the Chinese name,
icons in the hicolor theme. No maintainer scripts: the desktop-file and icon caches are refreshed by the
file triggers of desktop-file-utils and hicolor-icon-theme, so install and removal touch nothing dpkg does
not track, and `dpkg -r` leaves no file of ours behind. The user's meetings live in the home folder
(~/.local/share/sanhui) and are never touched by install, upgrade or removal.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from project import APP_ID, APP_NAME_EN, APP_NAME_ZH, ROOT, deb_version, project_version  # noqa: E402

INSTALL_DIR = f"/opt/{APP_ID}"
ICONS = ROOT / "resources" / "icons"

# Run-time libraries the bundle takes from the system rather than shipping (recording, a CJK font,
# Qt's xcb plugin): one list for this .deb and for a source checkout's installers/system-deps.sh.
def _debian_packages() -> list[str]:
    lines = (Path(__file__).resolve().parent / "debian-packages.txt").read_text(encoding="utf-8").splitlines()
    return [" | ".join(p.strip() for p in entry.split("|")) for entry in (line.split("#")[0].strip() for line in lines) if entry]


DEPENDS = _debian_packages()

_DEB_ARCH = {"x86_64": "amd64", "amd64": "amd64", "aarch64": "arm64", "arm64": "arm64",
             "loongarch64": "loong64", "mips64": "mips64el"}


def deb_arch() -> str:
    """The Debian name of this machine's architecture (Kylin also runs on arm64 and loong64)."""
    try:
        return subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True,
                              check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return _DEB_ARCH.get(platform.machine().lower(), platform.machine().lower())


def deb_filename(version: str, arch: str) -> str:
    return f"{APP_ID}_{deb_version(version)}_{arch}.deb"


def control_text(version: str, arch: str, installed_kib: int) -> str:
    description = (
        f"{APP_NAME_ZH} - offline meeting assistant for party branches\n"
        " 在本机离线录音、转写普通话、区分发言人，自动整理三会一课会议记录\n"
        " （应到实到、议程、第一议题、决议事项、表决情况），分析会议效能，\n"
        " 导出 Word 文档。除用户主动同步外不联网。\n"
        " .\n"
        f" {APP_NAME_EN}: records or imports a meeting, transcribes Mandarin locally,\n"
        " tells speakers apart, writes structured minutes and an effectiveness report."
    )
    fields = {
        "Package": APP_ID,
        "Version": deb_version(version),
        "Architecture": arch,
        "Maintainer": "Sanhui <sanhui@localhost>",
        "Installed-Size": str(installed_kib),
        "Depends": ", ".join(DEPENDS),
        "Section": "office",
        "Priority": "optional",
        "Description": description,
    }
    return "".join(f"{key}: {value}\n" for key, value in fields.items())


def desktop_entry() -> str:
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.0\n"
        f"Name={APP_NAME_ZH}\n"
        f"Name[zh_CN]={APP_NAME_ZH}\n"
        f"Name[en]={APP_NAME_EN}\n"
        "GenericName=会议记录助手\n"
        "GenericName[en]=Meeting minutes assistant\n"
        "Comment=离线录音、转写并整理三会一课会议记录\n"
        "Comment[en]=Record, transcribe and write up party branch meetings offline\n"
        f"Exec={APP_ID} gui\n"
        f"Icon={APP_ID}\n"
        "Terminal=false\n"
        "Categories=Office;\n"
        "Keywords=三会一课;会议记录;党支部;转写;录音;meeting;minutes;\n"
        "StartupNotify=true\n"
    )


def launcher_script() -> str:
    return (
        "#!/bin/sh\n"
        f"# {APP_NAME_ZH}: the application lives in {INSTALL_DIR}; this puts `{APP_ID}` on the PATH.\n"
        f'exec {INSTALL_DIR}/{APP_ID} "$@"\n'
    )


def copyright_text(version: str) -> str:
    return (
        "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/\n"
        f"Upstream-Name: {APP_ID}\n\n"
        "Files: *\nCopyright: Sanhui\nLicense: proprietary\n\n"
        f"Files: {INSTALL_DIR}/_internal/*\n"
        "Copyright: the authors of the bundled Python packages, Qt (LGPL-3), FFmpeg (LGPL-2.1+),\n"
        " CTranslate2 and faster-whisper (MIT), OpenAI Whisper base model (MIT), WenQuanYi Micro Hei\n"
        " (Apache-2.0 / GPL-3 with font exception).\n"
        "License: various\n"
        " See the licence files inside each package folder.\n"
    )


def _write(path: Path, text: str, mode: int = 0o644) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    path.chmod(mode)


def _normalise_modes(tree: Path) -> None:
    """Debian policy: root-owned, 755 for folders and executables, 644 for everything else."""
    for dirpath, _dirnames, filenames in os.walk(tree):
        Path(dirpath).chmod(0o755)
        for name in filenames:
            path = Path(dirpath) / name
            if path.is_symlink():
                continue
            path.chmod(0o755 if path.stat().st_mode & 0o100 else 0o644)


def _md5sums(staging: Path) -> str:
    lines = []
    for path in sorted(staging.rglob("*")):
        if path.is_file() and not path.is_symlink() and "DEBIAN" not in path.relative_to(staging).parts:
            digest = hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()
            lines.append(f"{digest}  {path.relative_to(staging).as_posix()}\n")
    return "".join(lines)


FONTS = ROOT / "resources" / "fonts"
FONT_CONF = "64-sanhui-gongwen.conf"


def _stage_fonts(staging: Path) -> None:
    """The free 仿宋/宋体 of the documents and their fontconfig aliases, system-wide, so the user's own
    LibreOffice or WPS shows minutes.docx in 公文 fonts, not a sans fallback. fontconfig's dpkg trigger
    on /usr/share/fonts refreshes the cache; the alias file is in conf.avail with the conf.d link that
    Debian's own font packages use (a link in /etc that dpkg removes with the package)."""
    fonts = staging / "usr/share/fonts/opentype" / APP_ID
    fonts.mkdir(parents=True)
    for font in sorted(FONTS.glob("Fandol*.otf")):
        shutil.copyfile(font, fonts / font.name)
    shutil.copyfile(FONTS / "LICENSE-fandol.txt", fonts / "LICENSE-fandol.txt")
    avail = staging / "usr/share/fontconfig/conf.avail"
    avail.mkdir(parents=True)
    shutil.copyfile(FONTS / FONT_CONF, avail / FONT_CONF)
    links = staging / "etc/fonts/conf.d"
    links.mkdir(parents=True)
    (links / FONT_CONF).symlink_to(f"/usr/share/fontconfig/conf.avail/{FONT_CONF}")


def stage(bundle: Path, staging: Path, version: str, arch: str) -> None:
    """Lay out the package tree in `staging` (replaced if present)."""
    if not (bundle / APP_ID).is_file():
        raise FileNotFoundError(f"{bundle / APP_ID} not found: run `make dist` first")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(bundle, staging / INSTALL_DIR.lstrip("/"), symlinks=True)
    _write(staging / "usr/bin" / APP_ID, launcher_script(), 0o755)
    _write(staging / "usr/share/applications" / f"{APP_ID}.desktop", desktop_entry())
    hicolor = staging / "usr/share/icons/hicolor"
    (hicolor / "scalable/apps").mkdir(parents=True)
    shutil.copyfile(ICONS / "sanhui.svg", hicolor / "scalable/apps" / f"{APP_ID}.svg")
    for png in sorted(ICONS.glob("sanhui-*.png")):  # sanhui-256.png -> 256x256/apps/sanhui.png
        size = png.stem.rsplit("-", 1)[1]
        (hicolor / f"{size}x{size}/apps").mkdir(parents=True)
        shutil.copyfile(png, hicolor / f"{size}x{size}/apps" / f"{APP_ID}.png")
    _write(staging / "usr/share/doc" / APP_ID / "copyright", copyright_text(version))
    _stage_fonts(staging)
    _normalise_modes(staging)
    installed_kib = sum(p.stat().st_size for p in staging.rglob("*") if p.is_file()) // 1024 + 1
    _write(staging / "DEBIAN/control", control_text(version, arch, installed_kib))
    _write(staging / "DEBIAN/md5sums", _md5sums(staging))
    (staging / "DEBIAN").chmod(0o755)


def build_deb(bundle: Path, out_dir: Path, version: str | None = None, arch: str | None = None,
              compression: str = "xz", work_dir: Path | None = None) -> Path:
    """Build the .deb from a one-folder bundle; returns its path (name carries version and arch)."""
    version = version or project_version()
    arch = arch or deb_arch()
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = (work_dir or ROOT / "build" / "deb") / f"{APP_ID}_{deb_version(version)}_{arch}"
    stage(bundle, staging, version, arch)
    target = out_dir / deb_filename(version, arch)
    subprocess.run(
        ["dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", str(staging), str(target)],
        check=True, stdout=subprocess.DEVNULL,
    )
    shutil.rmtree(staging, ignore_errors=True)
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Build the Sanhui .deb from dist/sanhui")
    parser.add_argument("bundle", type=Path, help="the PyInstaller one-folder output, e.g. dist/sanhui")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--compression", default="xz", choices=["xz", "gzip", "zstd", "none"])
    args = parser.parse_args(argv)
    deb = build_deb(args.bundle, args.out, compression=args.compression)
    print(f"{deb}  ({deb.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
