#!/usr/bin/env bash
# Installs what building and testing portsock needs on Debian/Ubuntu:
# compilers, CMake, Ninja, GoogleTest and python3 (for the interop tests).
# Idempotent: asks apt only for what is missing. Extra package names may be
# given as arguments.
set -euo pipefail

packages=(cmake ninja-build g++ clang googletest libgtest-dev python3 "$@")

missing=()
for p in "${packages[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "install-debian: everything is installed"
    exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "install-debian: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get update -q
"${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"
