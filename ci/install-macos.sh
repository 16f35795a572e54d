#!/usr/bin/env bash
# Installs what building and testing portsock needs on macOS, with Homebrew:
# CMake, Ninja, GoogleTest and pkg-config (for the pkg-config consumer test).
# The compiler is Apple clang, from the Xcode command-line tools
# (`xcode-select --install`). python3 (the interoperation tests) comes with
# them. Idempotent: asks brew only for what is missing.
#     bash ci/install-macos.sh
#     cmake --workflow --preset macos
set -euo pipefail

if ! command -v brew >/dev/null; then
    echo "install-macos: Homebrew is needed (https://brew.sh)" >&2
    exit 1
fi
if ! xcode-select -p >/dev/null 2>&1; then
    echo "install-macos: the Xcode command-line tools are needed: xcode-select --install" >&2
    exit 1
fi

missing=()
for formula in cmake ninja googletest pkgconf; do
    brew list --versions "$formula" >/dev/null 2>&1 || missing+=("$formula")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-macos: everything is installed"
    exit 0
fi
echo "install-macos: installing ${missing[*]}"
export HOMEBREW_NO_AUTO_UPDATE=1 HOMEBREW_NO_INSTALL_CLEANUP=1
brew install "${missing[@]}"
