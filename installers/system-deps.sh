#!/usr/bin/env bash
# System libraries Sanhui needs at run time on Debian/UOS/Kylin:
# PortAudio for sounddevice (recording), libpulse for Qt Multimedia (playback) and a CJK font.
# Installs only what is missing, and only when it can (root + apt).
set -euo pipefail
need=()
ldconfig -p 2>/dev/null | grep -q libportaudio.so.2 || need+=(libportaudio2)
ldconfig -p 2>/dev/null | grep -q libpulse.so.0 || need+=(libpulse0)  # Qt Multimedia (transcript playback)
fc-list 2>/dev/null | grep -qiE "wqy|noto sans cjk|source han" || need+=(fonts-wqy-microhei)
command -v strace >/dev/null || need+=(strace)  # tests/core/test_no_network.py: no connection, checked in the kernel's view
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    echo "安装系统依赖 / installing system packages: ${need[*]}"
    apt-get update -qq >/dev/null 2>&1 || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
else
    echo "提示：请让管理员安装系统软件包 / please install: ${need[*]}" >&2
fi
