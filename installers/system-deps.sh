#!/usr/bin/env bash
# System packages Sanhui needs on Debian/UOS/Kylin (installers/debian-packages.txt: recording,
# playback, a CJK font, Qt's xcb plugin for the window), plus what the tests use (strace for the
# offline check, Xvfb to start the real window). Installs only what is missing, and only when it
# can (root + apt); otherwise it says what to install.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }
need=()
while IFS= read -r line; do
    line="${line%%#*}"
    [ -z "${line// /}" ] && continue
    any=0
    IFS='|' read -ra choices <<< "$line"
    for choice in "${choices[@]}"; do
        choice="$(echo "$choice" | xargs)"
        installed "$choice" && any=1 && break
    done
    [ "$any" -eq 1 ] || need+=("$(echo "${choices[0]}" | xargs)")
done < "$here/debian-packages.txt"
command -v strace >/dev/null || need+=(strace)  # tests/core/test_no_network.py
command -v Xvfb >/dev/null || need+=(xvfb)      # tests that start the real window on X11
command -v soffice >/dev/null || need+=(libreoffice-writer-nogui)  # tests/documents: .docx -> PDF
installed libreoffice-calc-nogui || installed libreoffice-calc || need+=(libreoffice-calc-nogui)  # tests/followup: .xlsx -> PDF
command -v pdftoppm >/dev/null || need+=(poppler-utils)  # tests/documents: PDF -> PNG, pdfinfo, pdffonts
command -v dpkg-query >/dev/null || { echo "提示：非 Debian 系统，请按 installers/debian-packages.txt 安装对应的系统库 / not Debian: install the equivalents of installers/debian-packages.txt" >&2; exit 0; }
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "安装系统依赖 / installing system packages: ${need[*]}"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
else
    echo "提示：请让管理员安装系统软件包 / please install: sudo apt install ${need[*]}" >&2
fi
