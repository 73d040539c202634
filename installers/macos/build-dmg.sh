#!/usr/bin/env bash
# Build dist/sanhui-<version>-macos-<arch>.dmg on a Mac (not buildable on the Linux build machine).
# Needs: Xcode command-line tools, Python 3.11 (python.org universal2 or Homebrew), ~3 GB free.
# Optional signing/notarisation: export CODESIGN_ID="Developer ID Application: ..." and NOTARY_PROFILE
# (a profile stored with `xcrun notarytool store-credentials`). See installers/macos/README.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 -m venv .venv
PY=.venv/bin/python
"$PY" -m pip install --quiet --upgrade pip
"$PY" -m pip install --quiet -e '.[dev]' 'pyinstaller>=6.10'
VERSION=$("$PY" installers/project.py)
ARCH=$(uname -m)   # arm64 (Apple silicon) or x86_64; build on each for two DMGs
APP="dist/三会一课会议助手.app"
DMG="dist/sanhui-${VERSION}-macos-${ARCH}.dmg"

"$PY" installers/bundle.py stage build/models
# .icns from the PNG icon (iconutil ships with macOS)
ICONSET=build/sanhui.iconset; rm -rf "$ICONSET"; mkdir -p "$ICONSET"
for n in 16 32 128 256 512; do
    sips -z $n $n resources/icons/sanhui-256.png --out "$ICONSET/icon_${n}x${n}.png" >/dev/null
    sips -z $((n*2)) $((n*2)) resources/icons/sanhui-256.png --out "$ICONSET/icon_${n}x${n}@2x.png" >/dev/null
done
iconutil -c icns "$ICONSET" -o resources/icons/sanhui.icns

SANHUI_MODEL_STAGE=build/models "$PY" -m PyInstaller --noconfirm --distpath dist --workpath build/pyinstaller \
    installers/sanhui.spec
"$PY" installers/measure.py dist/sanhui

if [ -n "${CODESIGN_ID:-}" ]; then
    codesign --deep --force --options runtime --timestamp \
        --entitlements installers/macos/entitlements.plist --sign "$CODESIGN_ID" "$APP"
fi
rm -f "$DMG"
STAGE=build/dmg; rm -rf "$STAGE"; mkdir -p "$STAGE"
cp -R "$APP" "$STAGE/"
ln -s /Applications "$STAGE/应用程序"
hdiutil create -volname "三会一课会议助手 ${VERSION}" -srcfolder "$STAGE" -fs HFS+ -format UDZO "$DMG"
if [ -n "${CODESIGN_ID:-}" ] && [ -n "${NOTARY_PROFILE:-}" ]; then
    codesign --sign "$CODESIGN_ID" --timestamp "$DMG"
    xcrun notarytool submit "$DMG" --keychain-profile "$NOTARY_PROFILE" --wait
    xcrun stapler staple "$DMG"
fi
echo "$DMG"
