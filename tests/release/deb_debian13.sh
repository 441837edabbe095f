#!/usr/bin/env bash
# The .deb built on Debian 12 (by integration-packaging, in PKGDIR) installed
# with apt into a Debian 13 root, and run there with that release's libc,
# libgcc and libsystemd: no dependency of the package is missing, and the
# binary loads. The root: debian13-root.sh.
#   deb_debian13.sh PKGDIR
set -euo pipefail
pkgdir="$(cd "$1" && pwd)"
. "$(dirname "$0")/debian13-root.sh"
deb=("$pkgdir"/ollama-netcfg_*.deb)
[ -f "${deb[0]}" ] || { echo "FAIL: no .deb in $pkgdir (integration-packaging builds it)"; exit 1; }

debian13_root
cp "${deb[0]}" "$root/var/tmp/"
chroot "$root" sh -c '
    set -e
    . /etc/os-release
    echo "installing into $PRETTY_NAME"
    # Recommends (systemd, libcurl) are not what is tested here; without
    # them nothing needs downloading.
    apt-get install -y --no-install-recommends -o Dpkg::Use-Pty=0 /var/tmp/ollama-netcfg_*.deb
    dpkg-query -W -f "\${Package} \${Version} \${Status}\n" ollama-netcfg
    ollama-netcfg --version
    mkdir -p /srv/image/etc/systemd/system
    ollama-netcfg expose 0.0.0.0 --root /srv/image
    grep -qx "Environment=\"OLLAMA_HOST=0.0.0.0\"" \
        /srv/image/etc/systemd/system/ollama.service.d/override.conf
    ollama-netcfg proxy-config nginx --server-name ollama.example.org --expect 127.0.0.1:11434 \
        | grep -q "proxy_pass http://127.0.0.1:11434;"
    apt-get remove -y -o Dpkg::Use-Pty=0 ollama-netcfg >/dev/null
    echo "installed, ran and removed on $PRETTY_NAME"
'
