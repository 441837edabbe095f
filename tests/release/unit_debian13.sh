#!/usr/bin/env bash
# Builds ollama-netcfg and its unit tests from source inside a Debian 13
# (trixie) root, with that release's compiler (GCC 14) and libraries
# (Catch2 v3, fmt 10, spdlog 1.15, CLI11 2.4), warnings as errors, and runs
# the unit tests there. The root: debian13-root.sh.
set -euo pipefail
src="$(cd "${1:-$(dirname "$0")/../..}" && pwd)"
. "$(dirname "$0")/debian13-root.sh"

debian13_root
mkdir "$root/src"
(cd "$src" && git ls-files -z | tar --null -T - -cf -) | tar -C "$root/src" -xf -
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
