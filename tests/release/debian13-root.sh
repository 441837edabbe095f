# Sourced: the Debian 13 (trixie) root both release tests use, made once
# per machine with mmdebstrap from Debian's archive and cached under
# /var/cache (never in the tree). Exit 77 when it cannot run here (not root,
# no mmdebstrap); with CI=true that is a failure instead.
cache=/var/cache/ollama-netcfg
packages=g++,cmake,make,pkg-config,catch2,libfmt-dev,nlohmann-json3-dev,rapidjson-dev,libspdlog-dev,libsystemd-dev,libboost-dev,libcli11-dev,libcurl4-openssl-dev

skip() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $1 (CI=true: nothing may skip)" >&2
        exit 1
    fi
    echo "SKIP: $1" >&2
    exit 77
}

# Prints the tarball of the root, making it first when needed. One tarball
# per package list: a changed list makes a new root.
debian13_tarball() {
    [ "$(id -u)" -eq 0 ] || skip "needs root (chroot)"
    command -v mmdebstrap >/dev/null || skip "mmdebstrap is not installed (scripts/install-deps)"
    local tarball
    tarball="$cache/debian13-build-$(printf %s "$packages" | sha256sum | cut -c1-12).tar"
    if [ ! -s "$tarball" ]; then
        mkdir -p "$cache"
        echo "making the Debian 13 root (once per machine): $tarball" >&2
        mmdebstrap --quiet --variant=apt --format=tar --include="$packages" trixie \
            "$tarball.tmp" http://deb.debian.org/debian >&2
        mv "$tarball.tmp" "$tarball"
    fi
    printf '%s\n' "$tarball"
}

# Unpacks the root into a new directory under /var/tmp, /proc mounted, and
# sets `root` to it; removed when the script exits.
debian13_root() {
    local tarball
    tarball="$(debian13_tarball)"
    root="$(mktemp -d /var/tmp/netcfg-debian13.XXXXXX)"
    trap 'umount "$root/proc" 2>/dev/null || true; rm -rf --one-file-system "$root"' EXIT
    tar -C "$root" -xf "$tarball"
    mount -t proc proc "$root/proc"
}
