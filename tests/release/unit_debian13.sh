#!/usr/bin/env bash
# Builds ollama-netcfg and its unit tests from source inside a Debian 13
# (trixie) root, with that release's compiler (GCC 14) and libraries
# (Catch2 v3, fmt 10, spdlog 1.15, CLI11 2.4), warnings as errors, and runs
# the unit tests there. The root is made once per machine with mmdebstrap
# from Debian's archive and cached under /var/cache (never in the tree).
# Exit 77 when it cannot run here (not root, no mmdebstrap); with CI=true
# that is a failure instead.
set -euo pipefail
src="$(cd "${1:-$(dirname "$0")/../..}" && pwd)"
cache=/var/cache/ollama-netcfg
packages=g++,cmake,make,pkg-config,catch2,libfmt-dev,nlohmann-json3-dev,libsimdjson-dev,libspdlog-dev,libsystemd-dev,libboost-dev,libcli11-dev,libcurl4-openssl-dev

skip() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $1 (CI=true: nothing may skip)"
        exit 1
    fi
    echo "SKIP: $1"
    exit 77
}
[ "$(id -u)" -eq 0 ] || skip "needs root (chroot)"
command -v mmdebstrap >/dev/null || skip "mmdebstrap is not installed (scripts/install-deps)"

# One tarball per package list: a changed list makes a new root.
tarball="$cache/debian13-build-$(printf %s "$packages" | sha256sum | cut -c1-12).tar"
if [ ! -s "$tarball" ]; then
    mkdir -p "$cache"
    echo "making the Debian 13 build root (once per machine): $tarball"
    mmdebstrap --quiet --variant=apt --format=tar --include="$packages" trixie "$tarball.tmp" \
        http://deb.debian.org/debian
    mv "$tarball.tmp" "$tarball"
fi

root="$(mktemp -d /var/tmp/netcfg-debian13.XXXXXX)"
cleanup() {
    umount "$root/proc" 2>/dev/null || true
    rm -rf --one-file-system "$root"
}
trap cleanup EXIT
tar -C "$root" -xf "$tarball"
mkdir "$root/src"
(cd "$src" && git ls-files -z | tar --null -T - -cf -) | tar -C "$root/src" -xf -
mount -t proc proc "$root/proc"
chroot "$root" sh -c '
    set -e
    . /etc/os-release
    echo "building in $PRETTY_NAME with $(g++ --version | head -n 1)"
    cd /src
    cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_COMPILE_WARNING_AS_ERROR=ON \
        -DOLLAMA_NETCFG_MAN=OFF -DOLLAMA_NETCFG_INTEGRATION_TESTS=OFF >/dev/null
    cmake --build build -j "$(nproc)"
    ./build/tests/unit-tests
'
