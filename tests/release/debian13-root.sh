# Sourced: the Debian 13 (trixie) roots the release tests use, made once
# per machine with mmdebstrap from Debian's archive and cached under
# /var/cache (never in the tree). Exit 77 when it cannot run here (not root,
# no mmdebstrap); with CI=true that is a failure instead.
cache=/var/cache/ollama-netcfg
# The build root: the source build and its unit tests.
packages=g++,cmake,make,pkg-config,catch2,libfmt-dev,nlohmann-json3-dev,rapidjson-dev,libspdlog-dev,libsystemd-dev,libboost-dev,libcli11-dev,libcurl4-openssl-dev

# The sandbox root: systemd as PID 1 and everything the integration tests
# run inside the sandbox (firewalls, proxies, Docker, Chromium, Node.js, the
# clients, Ansible's target side), Debian 13's own versions of each.
sandbox_packages=systemd,systemd-sysv,dbus,iproute2,iptables,nftables,ufw,firewalld,nginx-light,caddy,tinyproxy,openssl,ca-certificates,curl,python3,python3-apt,procps,psmisc,chromium,docker.io,docker-cli,nodejs,man-db,bash-completion,zsh,kmod

skip() {
    if [ "${CI:-}" = true ]; then
        echo "FAIL: $1 (CI=true: nothing may skip)" >&2
        exit 1
    fi
    echo "SKIP: $1" >&2
    exit 77
}

# Skips unless this machine can make and use a root.
need_mmdebstrap() {
    [ "$(id -u)" -eq 0 ] || skip "needs root (mmdebstrap, chroot, systemd-nspawn)"
    command -v mmdebstrap >/dev/null || skip "mmdebstrap is not installed (scripts/install-deps)"
    mkdir -p "$cache"
}

# The cache's name for a root of these packages: a changed list makes a new root.
cached() {
    printf '%s/debian13-%s-%s' "$cache" "$1" "$(printf %s "$2" | sha256sum | cut -c1-12)"
}

# Prints the tarball of the build root, making it first when needed.
debian13_tarball() {
    need_mmdebstrap
    local tarball
    tarball="$(cached build "$packages").tar"
    if [ ! -s "$tarball" ]; then
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

# Prints the sandbox root, a directory the integration sandbox lays its
# overlay on instead of the host's /, making it first when needed.
debian13_sandbox_dir() {
    need_mmdebstrap
    local dir
    dir="$(cached sandbox "$sandbox_packages")"
    if [ ! -d "$dir" ]; then
        rm -rf --one-file-system "$dir.tmp"
        echo "making the Debian 13 sandbox root (once per machine): $dir" >&2
        mmdebstrap --quiet --variant=apt --format=directory --include="$sandbox_packages" \
            trixie "$dir.tmp" http://deb.debian.org/debian >&2
        # mmdebstrap's own /sys mount can stay behind (busy when it
        # unmounts); nothing may stay mounted in a cached root.
        findmnt -rn -o TARGET | grep "^$dir.tmp/" | sort -r | xargs -r umount -l
        mv "$dir.tmp" "$dir"
    fi
    printf '%s\n' "$dir"
}
