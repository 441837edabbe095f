#!/usr/bin/env bash
# One integration group on Debian 13's userland: the sandbox lays its overlay
# on the cached Debian 13 sandbox root (debian13-root.sh) instead of this
# host's /, so systemd, D-Bus, the firewalls, proxies, Docker, Chromium and
# the clients are Debian 13's; the tool is the same binary.
#   integration_debian13.sh tests/integration/test_X.py --binary BINARY
set -euo pipefail
. "$(dirname "$0")/debian13-root.sh"
NETCFG_SANDBOX_ROOT="$(debian13_sandbox_dir)"
export NETCFG_SANDBOX_ROOT
exec python3 "$@"
