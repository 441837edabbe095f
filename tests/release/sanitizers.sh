#!/usr/bin/env bash
# ctest `sanitizers`: the tool and its unit tests built with `cmake --preset
# asan` (AddressSanitizer and UndefinedBehaviorSanitizer; any finding
# aborts), the unit tests run, then the expose, operate and safety
# integration groups with that binary. The sandbox fails a case whose tool
# run printed a sanitizer report (NETCFG_SANITIZED).
set -euo pipefail
source_dir="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$source_dir"
cmake --preset asan >/dev/null
mkdir -p build-asan
if ! cmake --build --preset asan -j "$(nproc)" >build-asan/build.log 2>&1; then
    tail -n 60 build-asan/build.log
    exit 1
fi
echo "built build-asan (cmake --preset asan; the log: build-asan/build.log)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:strict_string_checks=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export NETCFG_SANITIZED=1
build-asan/tests/unit-tests
dir="$(mktemp -d /var/tmp/netcfg-asan.XXXXXX)"
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir" # the cases that run the tool as nobody need to reach it
cp build-asan/ollama-netcfg build-asan/ollama-standin "$dir/"
for group in expose operate safety; do
    python3 tests/integration/test_$group.py --binary "$dir/ollama-netcfg"
done
