; Inno Setup 6 script for 三会一课会议助手 (Sanhui) on Windows 10/11 x64.
; Built on Windows, not on the Linux build machine: see installers/windows/build.ps1, which runs
; PyInstaller (installers/sanhui.spec -> dist\sanhui) and then
;   iscc /DAppVersion=<version from pyproject.toml> installers\windows\sanhui.iss
; The version is never written here: it comes from pyproject.toml through /DAppVersion.
;
; Silent install for IT departments:  sanhui-<version>-windows-x64-setup.exe /VERYSILENT /NORESTART /ALLUSERS
; Silent removal:                     "%ProgramFiles%\Sanhui\unins000.exe" /VERYSILENT
; Meetings, voiceprints and models live in %LOCALAPPDATA%\sanhui and survive updates and removal.

#ifndef AppVersion
  #error Pass the version from pyproject.toml: iscc /DAppVersion=x.y.z sanhui.iss (build.ps1 does this)
#endif
#define AppName "三会一课会议助手"
#define AppExe "sanhui-gui.exe"
#define RepoRoot "..\.."

[Setup]
; A fixed AppId makes a newer installer update the existing installation in place.
AppId={{6E2B8F0C-3D4A-4C7E-9B1F-5A3C2D1E0F47}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=Sanhui
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\Sanhui
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
; Per-machine by default (IT deploys it); a secretary without admin rights can install for herself.
PrivilegesRequired=admin
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir={#RepoRoot}\dist
OutputBaseFilename=sanhui-{#AppVersion}-windows-x64-setup
SetupIconFile={#RepoRoot}\resources\icons\sanhui.ico
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
LZMANumBlockThreads=4
WizardStyle=modern
; Close a running copy before files are replaced during an update.
CloseApplications=yes
RestartApplications=no
ShowLanguageDialog=no

[Languages]
; ChineseSimplified.isl is an unofficial Inno Setup translation: put it in Inno Setup's Languages folder
; (build.ps1 checks). English stays as the fallback for an English Windows.
#ifexist AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl"
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
#endif
Name: "en"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
zh.CreateDesktopIcon=创建桌面快捷方式
en.CreateDesktopIcon=Create a desktop shortcut
zh.LaunchApp=启动三会一课会议助手
en.LaunchApp=Start Sanhui Meeting Assistant

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; Flags: checkedonce

[InstallDelete]
; An update replaces the whole program folder, so files dropped from a newer bundle do not linger.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "{#RepoRoot}\dist\sanhui\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; IconFilename: "{app}\{#AppExe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchApp}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder: %LOCALAPPDATA%\sanhui (meetings, models, settings) is the user's and stays.
Type: dirifempty; Name: "{app}"
