#!/usr/bin/env python3
"""The packages as an admin meets them: packaging/build-packages builds the
.deb and the .rpm, lintian checks the .deb, and in the real-systemd sandbox
the .deb is installed with dpkg -i and used (man page, completions, the
check's service, timer and path units, journal entries), then removed."""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import case, main  # noqa: E402
from checks import (MAIN_UNIT, OVERRIDE, add_dual_stack_client,  # noqa: E402
                    client_gets_version, restore, setup)
from sandbox import OLLAMA_UNIT, prerequisites  # noqa: E402

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PKG_DIR = None  # set in __main__: <build dir>/packages, seen as /opt/netcfg/packages inside
TOOL = "/usr/sbin/ollama-netcfg"

DEB_FILES = [
    "/lib/systemd/system/ollama-netcfg-check.path",
    "/lib/systemd/system/ollama-netcfg-check.service",
    "/lib/systemd/system/ollama-netcfg-check.timer",
    "/usr/sbin/ollama-netcfg",
    "/usr/share/bash-completion/completions/ollama-netcfg",
    "/usr/share/doc/ollama-netcfg/ARCHITECTURE.md",
    "/usr/share/doc/ollama-netcfg/README.md",
    "/usr/share/doc/ollama-netcfg/changelog.Debian.gz",
    "/usr/share/doc/ollama-netcfg/copyright",
    "/usr/share/doc/ollama-netcfg/guide.de.md",
    "/usr/share/doc/ollama-netcfg/guide.en.md",
    "/usr/share/doc/ollama-netcfg/performance.md",
    "/usr/share/doc/ollama-netcfg/problem-codes.md",
    "/usr/share/man/man8/ollama-netcfg.8.gz",
    "/usr/share/zsh/vendor-completions/_ollama-netcfg",
]
RPM_FILES = [
    "/usr/lib/systemd/system/ollama-netcfg-check.path",
    "/usr/lib/systemd/system/ollama-netcfg-check.service",
    "/usr/lib/systemd/system/ollama-netcfg-check.timer",
    "/usr/sbin/ollama-netcfg",
    "/usr/share/bash-completion/completions/ollama-netcfg",
    "/usr/share/doc/ollama-netcfg/ARCHITECTURE.md",
    "/usr/share/doc/ollama-netcfg/LICENSE",
    "/usr/share/doc/ollama-netcfg/README.md",
    "/usr/share/doc/ollama-netcfg/guide.de.md",
    "/usr/share/doc/ollama-netcfg/guide.en.md",
    "/usr/share/doc/ollama-netcfg/performance.md",
    "/usr/share/doc/ollama-netcfg/problem-codes.md",
    "/usr/share/man/man8/ollama-netcfg.8.gz",
    "/usr/share/zsh/site-functions/_ollama-netcfg",
]


def package(pattern):
    found = glob.glob(os.path.join(PKG_DIR, pattern))
    assert len(found) == 1, found
    return found[0]


def inside(path):
    return "/opt/netcfg/packages/" + os.path.basename(path)


def check_entries(sb):
    out = sb.run(["journalctl", "-o", "verbose", "SYSLOG_IDENTIFIER=ollama-netcfg",
                  "OLLAMA_NETCFG_ACTION=check"], check=False).stdout
    return [m for m in re.findall(r"OLLAMA_NETCFG_STATUS=(\w+)", out)]


@case
def deb_passes_lintian_without_errors(sb):
    deb = package("*.deb")
    r = subprocess.run(["lintian", "--tag-display-limit", "0", deb], capture_output=True,
                       text=True)
    errors = [l for l in r.stdout.splitlines() if l.startswith("E:")]
    assert r.returncode == 0 and not errors, r.stdout + r.stderr


@case
def rpm_holds_the_expected_files(sb):
    rpm = package("*.rpm")
    files = subprocess.run(["rpm", "-qlp", rpm], capture_output=True, text=True,
                           check=True).stdout.split()
    assert files == RPM_FILES, files
    requires = subprocess.run(["rpm", "-qp", "--requires", rpm], capture_output=True,
                              text=True, check=True).stdout
    assert "libsystemd.so.0" in requires, requires


# What the packages may depend on: libraries whose soname has not changed in
# years, so that one package installs on every current distribution.
# libstdc++ is linked in (CMakeLists.txt): not a dependency.
ABI_STABLE_DEB = {"libc6", "libgcc-s1", "libsystemd0", "libcap2"}
ABI_STABLE_SONAMES = ("libc.so.6", "libm.so.6", "libgcc_s.so.1",
                      "libsystemd.so.0", "libcap.so.2", "ld-linux", "rtld(")
NOT_ALLOWED = re.compile(r"fmt|spdlog|simdjson|curl|boost|json", re.I)


@case
def packages_depend_only_on_abi_stable_libraries(sb):
    deb = package("*.deb")
    field = lambda name: subprocess.run(["dpkg-deb", "-f", deb, name], capture_output=True,
                                        text=True, check=True).stdout.strip()
    depends = [alt.split()[0] for dep in field("Depends").split(",") for alt in dep.split("|")]
    assert depends and set(depends) <= ABI_STABLE_DEB, depends
    recommends = field("Recommends")
    assert "libcurl4 (>= 7.62) | libcurl4t64 (>= 7.62)" in recommends, recommends
    rpm = package("*.rpm")
    requires = subprocess.run(["rpm", "-qp", "--requires", rpm], capture_output=True,
                              text=True, check=True).stdout.splitlines()
    libs = [r for r in requires if ".so" in r]
    assert libs and all(r.startswith(ABI_STABLE_SONAMES) for r in libs), libs
    assert not [r for r in requires if NOT_ALLOWED.search(r)], requires
    weak = subprocess.run(["rpm", "-qp", "--recommends", rpm], capture_output=True,
                          text=True, check=True).stdout
    assert "libcurl.so.4" in weak, weak
    # The packaged binary itself: nothing but those, and no symbol newer than
    # glibc 2.34 (Debian 12, Ubuntu 22.04, RHEL 9).
    with tempfile.TemporaryDirectory() as tree:
        subprocess.run(["dpkg-deb", "-x", deb, tree], check=True)
        dyn = subprocess.run(["objdump", "-p", "-T", tree + TOOL], capture_output=True,
                             text=True, check=True).stdout
    needed = re.findall(r"NEEDED\s+(\S+)", dyn)
    assert needed and all(n.startswith(ABI_STABLE_SONAMES) for n in needed), needed
    glibc = {tuple(int(x) for x in v.split(".")) for v in re.findall(r"GLIBC_(\d+\.\d+)", dyn)}
    assert max(glibc) <= (2, 34), sorted(glibc)[-3:]


@case
def deb_installs_and_everything_is_in_place(sb):
    deb = package("*.deb")
    listed = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True,
                            check=True).stdout
    files = sorted(l.split()[-1].lstrip(".") for l in listed.splitlines()
                   if not l.startswith("d"))
    assert files == DEB_FILES, files
    sb.run(["dpkg", "-i", inside(deb)])
    try:
        assert sb.run(["man", "-w", "ollama-netcfg"]).stdout.strip() == \
            "/usr/share/man/man8/ollama-netcfg.8.gz"
        page = sb.run(["sh", "-c", "MANWIDTH=100 man ollama-netcfg 2>/dev/null"]).stdout
        for word in ("expose", "reset", "status", "check", "--grant-low-port", "EXIT STATUS",
                     "shadowed-drop-in", "/var/backups/ollama-netcfg", "EXAMPLES"):
            assert word in page, word
        # bash completes the subcommands and --unit with the system's ollama* units.
        script = ("source /usr/share/bash-completion/bash_completion; _completion_loader ollama-netcfg; "
                  "COMP_WORDS=(ollama-netcfg %s); COMP_CWORD=%d; COMP_LINE='ollama-netcfg %s'; "
                  "COMP_POINT=${#COMP_LINE}; _ollama_netcfg; printf '%%s\\n' \"${COMPREPLY[@]}\"")
        words = sb.run(["bash", "-c", script % ("ch", 1, "ch")]).stdout.split()
        assert words == ["check"], words
        words = sb.run(["bash", "-c", script % ("expose --unit ''", 3,
                                                "expose --unit ")]).stdout.split()
        assert words == ["ollama.service"], words
        words = sb.run(["bash", "-c", script % ("expose --d", 2, "expose --d")]).stdout.split()
        assert words == ["--drop-in", "--dry-run"], words
        sb.run(["zsh", "-n", "/usr/share/zsh/vendor-completions/_ollama-netcfg"])
        # The packaged binary works.
        r = sb.run([TOOL, "expose", "0.0.0.0"])
        assert "ok   api" in r.stdout, r.stdout
        # Units shipped, not enabled.
        for unit in ("ollama-netcfg-check.timer", "ollama-netcfg-check.path"):
            state = sb.run(["systemctl", "is-enabled", unit], check=False).stdout.strip()
            assert state == "disabled", (unit, state)
        # The timer's service, run once: a structured journal entry.
        before = len(check_entries(sb))
        sb.run(["systemctl", "start", "ollama-netcfg-check.service"])
        assert sb.show("ollama-netcfg-check.service", "Result") == "success"
        sb.wait_until(lambda: len(check_entries(sb)) > before, what="a check journal entry")
        assert check_entries(sb)[-1] == "OK"
        # The path unit runs it when the main unit file changes (an update).
        sb.run(["systemctl", "enable", "--now", "ollama-netcfg-check.timer",
                "ollama-netcfg-check.path"])
        before = len(check_entries(sb))
        sb.write(MAIN_UNIT, OLLAMA_UNIT + "\n")
        sb.wait_until(lambda: len(check_entries(sb)) > before, what="a path-triggered check")
    finally:
        sb.run(["systemctl", "disable", "--now", "ollama-netcfg-check.timer",
                "ollama-netcfg-check.path"], check=False)
        sb.run(["dpkg", "--purge", "ollama-netcfg"], check=False)
    # Removed: nothing of the package is left; the drop-in the admin made stays.
    left = [f for f in DEB_FILES if sb.run(["test", "-e", f], check=False).returncode == 0]
    assert left == [], left
    assert sb.read(OVERRIDE) == '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0"\n'


def packaged_check(sb):
    """The packaged binary's `check --json`: (status, the value in effect)."""
    r = sb.run([TOOL, "check", "--json"], check=False)
    j = json.loads(r.stdout)
    assert r.returncode == {"OK": 0, "WARNING": 1, "CRITICAL": 2}[j["status"]], r.stdout
    return j["status"], j["in_effect"]


@case
def deb_installed_with_apt_serves_a_client_host_over_ipv4_and_ipv6(sb):
    """As the README says to install it, on this sandbox's release (with
    NETCFG_SANDBOX_ROOT, another release's userland): apt takes the .deb,
    and the packaged binary's exposure is what a client host sees."""
    deb = package("*.deb")
    add_dual_stack_client(sb)
    try:
        r = sb.run(["apt-get", "install", "-y", "--no-install-recommends", "-o",
                    "Dpkg::Use-Pty=0", inside(deb)], env={"DEBIAN_FRONTEND": "noninteractive"})
        assert sb.run([TOOL, "--version"]).returncode == 0
        assert client_gets_version(sb, 11434) == {"-4": False, "-6": False}
        r = sb.run([TOOL, "expose", "0.0.0.0"])
        assert "ok   api" in r.stdout, r.stdout
        assert client_gets_version(sb, 11434) == {"-4": True, "-6": True}
        assert packaged_check(sb) == ("OK", "0.0.0.0")
        r = sb.run([TOOL, "reset"])
        assert client_gets_version(sb, 11434) == {"-4": False, "-6": False}, r.stdout
        assert packaged_check(sb) == ("OK", None)  # unset: Ollama's default, loopback
    finally:
        sb.run(["apt-get", "purge", "-y", "-o", "Dpkg::Use-Pty=0", "ollama-netcfg"], check=False)
        sb.sh("ip netns del c1; ip link del c1-s; true", check=False)


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--binary", required=True)
    known, _ = ap.parse_known_args()
    PKG_DIR = os.path.join(os.path.dirname(os.path.abspath(known.binary)), "packages")
    # On another release's userland, the packages built here (by the run on
    # this host's release) are what is tested: the same files.
    if prerequisites() is None and not os.environ.get("NETCFG_SANDBOX_ROOT"):
        subprocess.run(["rm", "-rf", PKG_DIR], check=True)
        subprocess.run([os.path.join(SRC, "packaging", "build-packages"), PKG_DIR], check=True)
    sys.exit(main(setup=setup, teardown_each=restore))
