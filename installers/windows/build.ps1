# Build the Windows installer (run in PowerShell on Windows 10/11 x64, from the repository root):
#   powershell -ExecutionPolicy Bypass -File installers\windows\build.ps1
# Needs: Python 3.11 x64 on PATH, Inno Setup 6 (iscc.exe), and ChineseSimplified.isl in its Languages folder
# (an unofficial translation from the Inno Setup website; without it the installer is English only).
# Output: dist\sanhui-<version>-windows-x64-setup.exe, version taken from pyproject.toml.
$ErrorActionPreference = "Stop"
Set-Location (Join-Path $PSScriptRoot "..\..")

if (-not (Test-Path .venv)) { python -m venv .venv }
$py = ".venv\Scripts\python.exe"
& $py -m pip install --quiet --upgrade pip
& $py -m pip install --quiet -e ".[dev]" "pyinstaller>=6.10"
if ($LASTEXITCODE) { throw "pip install failed" }

$version = (& $py installers\project.py).Trim()
Write-Host "Sanhui $version"

# The base model, assembled and verified by the app's registry, then the one-folder build.
& $py installers\bundle.py stage build\models
$env:SANHUI_MODEL_STAGE = "build\models"
& $py -m PyInstaller --noconfirm --distpath dist --workpath build\pyinstaller installers\sanhui.spec
if ($LASTEXITCODE) { throw "PyInstaller failed" }
& $py installers\measure.py dist\sanhui

# Smoke test of the frozen app before packaging it (the same demo the Linux dist-check runs).
$env:SANHUI_HOME = Join-Path $env:TEMP "sanhui-build-check"
Remove-Item -Recurse -Force $env:SANHUI_HOME -ErrorAction SilentlyContinue
& dist\sanhui\sanhui.exe demo --out (Join-Path $env:SANHUI_HOME "out")
if ($LASTEXITCODE) { throw "frozen demo failed" }
& dist\sanhui\sanhui.exe gui --smoke-test  # the main window opens on the Windows platform plugin, then exits
if ($LASTEXITCODE) { throw "frozen GUI smoke test failed" }
Remove-Item Env:SANHUI_HOME

$iscc = @("${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe", "$env:ProgramFiles\Inno Setup 6\ISCC.exe") |
    Where-Object { Test-Path $_ } | Select-Object -First 1
if (-not $iscc) { throw "Inno Setup 6 not found (https://jrsoftware.org/isinfo.php)" }
& $iscc "/DAppVersion=$version" installers\windows\sanhui.iss
if ($LASTEXITCODE) { throw "iscc failed" }
Get-Item "dist\sanhui-$version-windows-x64-setup.exe"
