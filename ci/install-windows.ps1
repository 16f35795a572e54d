# Installs what building and testing portsock needs on Windows.
#
#   ./ci/install-windows.ps1 -Toolchain msvc     # MSVC or clang-cl
#   ./ci/install-windows.ps1 -Toolchain mingw    # MinGW-w64 g++ in MSYS2 UCRT64
#
# msvc: Visual Studio 2022 (the "Desktop development with C++" workload, with
# "C++ Clang tools for Windows" for clang-cl) brings the compilers, CMake and
# Ninja; run from a "x64 Native Tools Command Prompt" or after
# ilammy/msvc-dev-cmd. If CMake or Ninja is still missing, it is installed
# with winget, else Chocolatey. GoogleTest is fetched by the build (pinned).
#
# mingw: the MSYS2 packages, with pacman (run from an MSYS2 UCRT64 shell, or
# with MSYS2's usr\bin on PATH):
#   pacman -S --needed --noconfirm mingw-w64-ucrt-x86_64-gcc mingw-w64-ucrt-x86_64-cmake
#          mingw-w64-ucrt-x86_64-ninja mingw-w64-ucrt-x86_64-pkgconf mingw-w64-ucrt-x86_64-python
param(
    [ValidateSet('msvc', 'clang-cl', 'mingw')]
    [string]$Toolchain = 'msvc'
)
$ErrorActionPreference = 'Stop'

function Have([string]$Name) { [bool](Get-Command $Name -ErrorAction SilentlyContinue) }

if ($Toolchain -eq 'mingw') {
    $packages = @('gcc', 'cmake', 'ninja', 'pkgconf', 'python') |
        ForEach-Object { "mingw-w64-ucrt-x86_64-$_" }
    if (-not (Have 'pacman')) {
        throw "install-windows: pacman not found: run this from an MSYS2 UCRT64 shell"
    }
    Write-Host "install-windows: pacman -S --needed $($packages -join ' ')"
    & pacman -S --needed --noconfirm @packages
    if ($LASTEXITCODE -ne 0) { throw "install-windows: pacman failed ($LASTEXITCODE)" }
    exit 0
}

$compiler = if ($Toolchain -eq 'clang-cl') { 'clang-cl' } else { 'cl' }
if (-not (Have $compiler)) {
    throw "install-windows: $compiler not found: run from a Visual Studio developer prompt"
}
$missing = @('cmake', 'ninja') | Where-Object { -not (Have $_) }
if ($missing.Count -eq 0) {
    Write-Host "install-windows: everything is installed"
    exit 0
}
$ids = @{ cmake = 'Kitware.CMake'; ninja = 'Ninja-build.Ninja' }
foreach ($tool in $missing) {
    Write-Host "install-windows: installing $tool"
    if (Have 'winget') {
        & winget install --exact --id $ids[$tool] --silent --accept-package-agreements --accept-source-agreements
    } elseif (Have 'choco') {
        & choco install -y $tool
    } else {
        throw "install-windows: $tool is missing and neither winget nor choco is available"
    }
    if ($LASTEXITCODE -ne 0) { throw "install-windows: installing $tool failed ($LASTEXITCODE)" }
}
