#!/usr/bin/env bash
# System libraries Sanhui needs at run time on Debian/UOS/Kylin:
# PortAudio for sounddevice (recording) and a CJK font for Qt and charts.
# Installs only what is missing, and only when it can (root + apt).
set -euo pipefail
need=()
ldconfig -p 2>/dev/null | grep -q libportaudio.so.2 || need+=(libportaudio2)
fc-list 2>/dev/null | grep -qiE "wqy|noto sans cjk|source han" || need+=(fonts-wqy-microhei)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "安装系统依赖 / installing system packages: ${need[*]}"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
    echo "提示：请让管理员安装系统软件包 / please install: ${need[*]}" >&2
fi
