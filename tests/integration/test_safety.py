#!/usr/bin/env python3
"""Faults and refusals against a real systemd: preflight refusals that
change nothing, --dry-run, --root, environment problems (no systemd,
read-only /etc, full disk) and a loop that kills the tool at random moments.
Each case checks the files byte for byte and the service from outside."""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import case, run  # noqa: E402
from sandbox import BINARY_IN_CONTAINER as TOOL, OLLAMA_UNIT  # noqa: E402
from checks import (DROPIN_DIR, MAIN_UNIT, OVERRIDE, UNIT, assert_exposed,  # noqa: E402
                    expose_ok, listeners, main_pid, restore, setup, snapshot,
                    wait_listening)

ADMIN_FILE = '[Service]\n# set by the admin\nEnvironment="OLLAMA_HOST=127.0.0.1" "OLLAMA_KEEP_ALIVE=1h"\n'


def refused(sb, args, *expect_in_stderr, status=1):
    """Runs the tool, expects a refusal, and checks that nothing changed."""
    before = snapshot(sb)
    content = sb.read(OVERRIDE)
    r = sb.tool(*args)
    assert r.returncode == status, (args, r.returncode, r.stdout, r.stderr)
    for text in expect_in_stderr:
        assert text in r.stderr, (text, r.stderr)
    assert sb.read(OVERRIDE) == content
    assert snapshot(sb) == before
    return r


def tmp_files(sb, directory=DROPIN_DIR):
    out = sb.run(["ls", "-A", directory], check=False).stdout.split()
    return [f for f in out if f.startswith(".#")]


# --- refused before any write ---------------------------------------------

@case
def port_held_by_another_process_is_refused(sb):
    sb.write(OVERRIDE, ADMIN_FILE)
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    sb.run(["systemd-run", "--unit=aux-squatter", "python3", "-m", "http.server", "--bind",
            "0.0.0.0", "11450"])
    wait_listening(sb, 11450, ("0.0.0.0:11450",))
    pid = [p for _, p in listeners(sb, 11450)][0]
    refused(sb, ["expose", "0.0.0.0:11450"], "0.0.0.0:11450 is already held by python3 (PID %d)"
            % pid)
    # A specific address on the same port conflicts with a wildcard holder too.
    refused(sb, ["expose", "127.0.0.1:11450"], "PID %d" % pid)
    # The port the service itself holds is not "in use": moving within it works.
    expose_ok(sb, "0.0.0.0:11434")


V6ONLY_HOLDER = """import socket, time
s = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
s.bind(("::", 11452))
s.listen()
time.sleep(3600)
"""


@case
def port_held_on_the_ipv6_wildcard_is_judged_as_go_binds(sb):
    """A wildcard OLLAMA_HOST is Go's dual-stack socket: a [::] holder is in
    its way (each refusal checked against the real bind of the stand-in)."""
    sb.write(OVERRIDE, ADMIN_FILE)
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    # A dual-stack holder (*:11451) blocks an IPv4 address too.
    sb.run(["systemd-run", "--unit=aux-dual", "python3", "-m", "http.server", "--bind", "::",
            "11451"])
    wait_listening(sb, 11451, ("*:11451",))
    pid = [p for _, p in listeners(sb, 11451)][0]
    refused(sb, ["expose", "0.0.0.0:11451"], "*:11451 is already held by python3 (PID %d)" % pid)
    refused(sb, ["expose", "127.0.0.1:11451"], "*:11451 is already held by python3 (PID %d)"
            % pid)
    # An IPv6-only holder ([::]:11452 with IPV6_V6ONLY) blocks the wildcard...
    sb.write("/var/tmp/v6only.py", V6ONLY_HOLDER)
    sb.run(["systemd-run", "--unit=aux-v6only", "python3", "/var/tmp/v6only.py"])
    wait_listening(sb, 11452, ("[::]:11452",))
    pid = [p for _, p in listeners(sb, 11452)][0]
    refused(sb, ["expose", "0.0.0.0:11452"], "[::]:11452 is already held by python3 (PID %d)"
            % pid)
    refused(sb, ["expose", "[::]:11452"], "[::]:11452 is already held by python3 (PID %d)" % pid)
    # ...and the stand-in's own bind fails there as the tool said.
    r = sb.run(["env", "OLLAMA_HOST=0.0.0.0:11452", "timeout", "5", "/usr/local/bin/ollama",
                "serve"], check=False)
    assert r.returncode == 1 and "address already in use" in r.stderr, (r.returncode, r.stderr)
    # An IPv4 address is free beside it: expose goes ahead and Ollama listens.
    expose_ok(sb, "127.0.0.1:11452")
    assert ("127.0.0.1:11452", main_pid(sb)) in listeners(sb, 11452)


@case
def address_not_on_this_host_is_refused(sb):
    sb.write(OVERRIDE, ADMIN_FILE)
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    refused(sb, ["expose", "192.0.2.10"], "192.0.2.10 is not an address of this host",
            "127.0.0.1")
    refused(sb, ["expose", "[2001:db8::1]:11434"], "not an address of this host")


@case
def low_port_is_refused_then_granted_and_reset_removes_the_grant(sb):
    r = refused(sb, ["expose", "0.0.0.0:80"], "port 80 is below 1024", "--grant-low-port",
                "setcap")
    r = expose_ok(sb, "0.0.0.0:80", "--grant-low-port")
    assert sb.read(OVERRIDE) == ('[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:80"\n'
                                 'AmbientCapabilities=CAP_NET_BIND_SERVICE\n')
    assert_exposed(sb, "0.0.0.0:80", 80, ("*:80",), "http://127.0.0.1:80")
    assert sb.run(["runuser", "-u", "ollama", "--", "true"]).returncode == 0
    expose_ok(sb, "0.0.0.0:80")  # the unit can bind it now: no refusal, no change
    r = sb.tool("reset")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert sb.read(OVERRIDE) is None
    wait_listening(sb, 11434, ("127.0.0.1:11434",))


# --- show before doing ----------------------------------------------------

@case
def dry_run_as_an_unprivileged_user_shows_the_diff_and_changes_nothing(sb):
    sb.write(OVERRIDE, ADMIN_FILE)
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    before = snapshot(sb)
    r = sb.run(["runuser", "-u", "nobody", "--", TOOL, "expose", "0.0.0.0", "--dry-run"],
               check=False)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert ("--- a" + OVERRIDE + "\n+++ b" + OVERRIDE + "\n@@ -1,3 +1,3 @@\n [Service]\n"
            " # set by the admin\n"
            '-Environment="OLLAMA_HOST=127.0.0.1" "OLLAMA_KEEP_ALIVE=1h"\n'
            '+Environment="OLLAMA_HOST=0.0.0.0" "OLLAMA_KEEP_ALIVE=1h"\n') in r.stdout, r.stdout
    assert "would reload systemd" in r.stdout and "would restart" in r.stdout, r.stdout
    assert sb.read(OVERRIDE) == ADMIN_FILE and snapshot(sb) == before
    # The same as root, in JSON; then reset --dry-run.
    j = json.loads(sb.tool("expose", "0.0.0.0", "--dry-run", "--json").stdout)
    assert j["dry_run"] is True and j["ok"] is True and len(j["diffs"]) == 1, j
    # `changed` says what a real run would report; `files` has both sides whole.
    assert j["changed"] is True and j["format"] == 1, j
    assert j["files"] == [{"path": OVERRIDE, "before": ADMIN_FILE,
                           "after": ADMIN_FILE.replace("OLLAMA_HOST=127.0.0.1",
                                                       "OLLAMA_HOST=0.0.0.0")}], j["files"]
    # Asked for what is already in effect, a dry run would change nothing.
    j = json.loads(sb.tool("expose", "127.0.0.1", "--dry-run", "--json").stdout)
    assert j["changed"] is False and j["files"] == [] and j["diffs"] == [], j
    r = sb.tool("reset", "--dry-run")
    assert r.returncode == 0 and '-Environment="OLLAMA_HOST=127.0.0.1"' in r.stdout, r.stdout
    assert sb.read(OVERRIDE) == ADMIN_FILE and snapshot(sb) == before
    # A real run without root is refused and points to --dry-run.
    r = sb.run(["runuser", "-u", "nobody", "--", TOOL, "expose", "0.0.0.0"], check=False)
    assert r.returncode == 1 and "sudo" in r.stderr and "--dry-run" in r.stderr, r.stderr


@case
def dry_run_shows_the_move_out_of_the_main_unit(sb):
    by_hand = OLLAMA_UNIT.replace('Environment="PATH=',
                                  'Environment="OLLAMA_HOST=0.0.0.0"\nEnvironment="PATH=')
    sb.write(MAIN_UNIT, by_hand)
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    r = sb.tool("expose", "0.0.0.0", "--dry-run")
    assert r.returncode == 0, r.stderr
    assert "--- a" + MAIN_UNIT in r.stdout and '-Environment="OLLAMA_HOST=0.0.0.0"' in r.stdout
    assert "--- /dev/null\n+++ b" + OVERRIDE in r.stdout, r.stdout
    assert "would keep a copy of " + MAIN_UNIT in r.stdout
    assert "would restart" not in r.stdout, r.stdout  # the process has the value already
    assert sb.read(MAIN_UNIT) == by_hand and sb.read(OVERRIDE) is None


# --- offline ----------------------------------------------------------------

@case
def root_dir_edits_an_image_without_touching_the_running_system(sb):
    image = "/var/tmp/image"
    sb.run(["rm", "-rf", image])
    sb.run(["mkdir", "-p", image])
    before = snapshot(sb)
    r = sb.tool("expose", "[::]", "--root", image)
    assert r.returncode == 0, (r.stdout, r.stderr)
    in_image = image + OVERRIDE
    assert sb.read(in_image) == '[Service]\nEnvironment="OLLAMA_HOST=[::]"\n'
    assert "wrote " + in_image in r.stdout and "no reload" in r.stdout, r.stdout
    assert sb.read(OVERRIDE) is None and snapshot(sb) == before
    r = sb.tool("expose", "[::]", "--root", image)
    assert r.returncode == 0 and "nothing to do" in r.stdout, r.stdout
    # --dry-run with --root shows the diff and writes nothing, for every
    # command that changes the unit (origins add/remove wrote before).
    def dry_run_writes_nothing(*cmd):
        before = sb.read(in_image)
        r = sb.tool(*cmd, "--root", image, "--dry-run")
        assert r.returncode == 0 and "@@" in r.stdout, (cmd, r.stdout, r.stderr)
        assert "--- a" + in_image in r.stdout or "+++ b" + in_image in r.stdout, r.stdout
        assert "wrote" not in r.stdout and sb.read(in_image) == before, (cmd, r.stdout)

    for cmd in (["expose", "0.0.0.0"], ["reset"], ["origins", "add", "http://192.0.2.50:3000"]):
        dry_run_writes_nothing(*cmd)
    r = sb.tool("origins", "add", "http://192.0.2.50:3000", "--root", image)
    assert r.returncode == 0 and "wrote " + in_image in r.stdout, (r.stdout, r.stderr)
    assert "OLLAMA_ORIGINS=http://192.0.2.50:3000" in sb.read(in_image)
    dry_run_writes_nothing("origins", "remove", "http://192.0.2.50:3000")
    r = sb.tool("origins", "remove", "http://192.0.2.50:3000", "--root", image)
    assert r.returncode == 0 and "OLLAMA_ORIGINS" not in sb.read(in_image), r.stdout
    r = sb.tool("reset", "--root", image)
    assert r.returncode == 0 and sb.read(in_image) is None, (r.stdout, r.stderr)
    # Where systemd does not run, --root is the way, and the error says so.
    script = ("mount -t tmpfs none /run/systemd && %s expose 0.0.0.0; echo rc=$?; "
              "%s expose 0.0.0.0 --root %s" % (TOOL, TOOL, image))
    r = sb.run(["unshare", "-m", "sh", "-c", script], check=False)
    assert "PID 1 is not systemd" in r.stderr and "--root" in r.stderr, r.stderr
    assert "rc=1" in r.stdout and r.returncode == 0, (r.stdout, r.stderr)
    assert sb.read(in_image) is not None
    refused(sb, ["expose", "0.0.0.0", "--root", "/nonexistent"], "not a directory", status=2)


# --- file systems -------------------------------------------------------------

@case
def on_nixos_changes_are_refused_with_the_settings_that_make_them(sb):
    """/etc/NIXOS: expose, reset and origins change nothing and print the
    services.ollama settings (nixpkgs' module writes OLLAMA_HOST as
    "${host}:${port}"); status and check work as usual."""
    sb.write(OVERRIDE, '[Service]\nEnvironment="OLLAMA_ORIGINS=http://a.example"\n')
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    sb.write("/etc/NIXOS", "")
    try:
        r = refused(sb, ["expose", "[::]:11435", "--open-firewall"], "this is NixOS",
                    "nixos-rebuild switch", 'host = "[::]";', "port = 11435;",
                    "openFirewall = true;")
        assert r.stdout == "", r.stdout
        refused(sb, ["expose", "0.0.0.0", "--dry-run"], "this is NixOS", 'host = "0.0.0.0";')
        refused(sb, ["reset", "--origins"], "this is NixOS",
                "# host and port removed: the defaults, 127.0.0.1 and 11434",
                "# environmentVariables.OLLAMA_ORIGINS removed")
        refused(sb, ["origins", "add", "http://192.168.1.50:3000"], "this is NixOS",
                'host = "127.0.0.1";',
                'environmentVariables.OLLAMA_ORIGINS = "http://a.example,http://192.168.1.50:3000";')
        refused(sb, ["origins", "remove", "http://a.example"], "this is NixOS",
                "# environmentVariables.OLLAMA_ORIGINS removed")
        # As an unprivileged user too: the advice needs no root.
        r = sb.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", TOOL,
                    "expose", "0.0.0.0"], check=False)
        assert r.returncode == 1 and "this is NixOS" in r.stderr, (r.returncode, r.stderr)
        j = json.loads(sb.tool("--json", "expose", "0.0.0.0").stdout)
        assert "services.ollama" in j["error"]["hint"], j["error"]
        # Looking works as everywhere.
        assert sb.tool("status").returncode == 0
        c = sb.tool("check")
        assert c.returncode == 0 and c.stdout.startswith("OLLAMA-NETCFG OK"), c.stdout
        # --root edits an image, which is not this host: allowed.
        sb.run(["mkdir", "-p", "/var/tmp/img/etc/systemd/system"])
        assert sb.tool("expose", "0.0.0.0", "--root", "/var/tmp/img").returncode == 0
    finally:
        sb.run(["rm", "-rf", "/etc/NIXOS", "/var/tmp/img"])


SNAP_UNIT = "snap.ollama.listener.service"
# What snapd's unit runs, in miniature: the snap's launcher exports
# OLLAMA_HOST and OLLAMA_ORIGINS from `snapctl get host|origins` (here files)
# on every start, whatever the unit's environment says.
SNAP_LAUNCHER = """#!/bin/sh
OLLAMA_HOST=$(cat /var/tmp/snapconf/host)
OLLAMA_ORIGINS=$(cat /var/tmp/snapconf/origins)
export OLLAMA_HOST OLLAMA_ORIGINS
exec /usr/local/bin/ollama "$@"
"""


@case
def an_ollama_snap_is_refused_with_the_snap_commands(sb):
    sb.sh("systemctl stop ollama.service && rm -f %s && mkdir -p /var/tmp/snapconf && "
          "echo 127.0.0.1:11434 > /var/tmp/snapconf/host && "
          "echo http://a.example > /var/tmp/snapconf/origins" % MAIN_UNIT)
    sb.write("/var/tmp/snap-launcher", SNAP_LAUNCHER)
    sb.write("/etc/systemd/system/" + SNAP_UNIT,
             "[Unit]\nDescription=Service for snap application ollama.listener\n\n"
             "[Service]\nExecStart=/var/tmp/snap-launcher serve\nRestart=always\n")
    sb.sh("chmod 755 /var/tmp/snap-launcher && systemctl daemon-reload && "
          "systemctl start " + SNAP_UNIT)
    try:
        wait_listening(sb, 11434, ("127.0.0.1:11434",))
        pid = sb.show(SNAP_UNIT, "MainPID")
        for args in (["expose", "0.0.0.0"], ["expose", "0.0.0.0", "--unit", SNAP_UNIT]):
            r = sb.tool(*args)
            assert r.returncode == 1, (args, r.returncode, r.stdout, r.stderr)
            for text in ("Ollama runs as a snap here (%s)" % SNAP_UNIT, "changed nothing",
                         "sudo snap set ollama host=0.0.0.0:11434", "sudo snap restart ollama"):
                assert text in r.stderr, (text, r.stderr)
        r = sb.tool("origins", "add", "http://b.example")
        assert r.returncode == 1 and \
            "sudo snap set ollama origins='http://a.example,http://b.example'" in r.stderr, \
            r.stderr
        assert "snap set ollama host" not in r.stderr, r.stderr
        r = sb.tool("reset")
        assert r.returncode == 1 and "snap set ollama host=127.0.0.1:11434" in r.stderr
        # Nothing written, nothing restarted.
        for d in (DROPIN_DIR, "/etc/systemd/system/%s.d" % SNAP_UNIT):
            assert sb.run(["test", "-e", d], check=False).returncode != 0, d
        assert sb.show(SNAP_UNIT, "MainPID") == pid
        # The snap's commands do what the advice says (here: the launcher's files).
        sb.sh("echo 0.0.0.0:11434 > /var/tmp/snapconf/host && systemctl restart " + SNAP_UNIT)
        wait_listening(sb, 11434, ("*:11434",))
        # The setting is the launcher's: no stale-environment, no unexpected address.
        c = sb.tool("check", "--unit", SNAP_UNIT)
        assert c.returncode == 0 and c.stdout.startswith("OLLAMA-NETCFG OK"), c.stdout
        st = sb.tool("status", "--unit", SNAP_UNIT)
        assert "set by:            the snap's launcher" in st.stdout, st.stdout
        assert json.loads(sb.tool("status", "--json", "--unit", SNAP_UNIT).stdout)["set_by"] \
            == "snap"
    finally:
        sb.sh("systemctl stop %s; rm -rf /etc/systemd/system/%s /var/tmp/snap-launcher "
              "/var/tmp/snapconf; systemctl daemon-reload" % (SNAP_UNIT, SNAP_UNIT), check=False)


@case
def read_only_etc_fails_clearly_and_changes_nothing(sb):
    sb.write(OVERRIDE, ADMIN_FILE)
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    before = snapshot(sb)
    # Read-only for the tool only (its own mount namespace); systemd is unaffected.
    script = ("mount --bind {d} {d} && mount -o remount,bind,ro {d} && exec {t} expose 0.0.0.0"
              .format(d=DROPIN_DIR, t=TOOL))
    r = sb.run(["unshare", "-m", "sh", "-c", script], check=False)
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "Read-only file system" in r.stderr and DROPIN_DIR in r.stderr, r.stderr
    assert sb.read(OVERRIDE) == ADMIN_FILE and snapshot(sb) == before
    assert tmp_files(sb) == []


@case
def a_directory_link_planted_by_a_user_is_not_followed(sb):
    """check --prometheus into a directory whose parent a monitoring user
    owns: that user swaps the directory for a link to /etc, and root does
    not follow it; a link root made in its own /var/lib is followed."""
    sb.sh("mkdir -p /var/lib/mon /var/lib/node-exporter && chown nobody /var/lib/mon && "
          "runuser -u nobody -- ln -sfn /etc /var/lib/mon/textfile && "
          "ln -sfn /var/lib/node-exporter /var/lib/prom-link")
    try:
        r = sb.tool("check", "--prometheus", "/var/lib/mon/textfile/ollama.prom")
        assert r.returncode == 3, (r.returncode, r.stderr)
        assert ("/var/lib/mon/textfile is a symbolic link in /var/lib/mon, which a user other "
                "than root can change") in r.stderr, r.stderr
        assert "chmod go-w" in r.stderr, r.stderr
        assert sb.read("/etc/ollama.prom") is None
        r = sb.tool("check", "--prometheus", "/var/lib/prom-link/ollama.prom")
        assert r.returncode in (0, 1, 2), (r.returncode, r.stderr)
        assert "ollama_netcfg" in sb.read("/var/lib/node-exporter/ollama.prom")
    finally:
        sb.sh("rm -rf /var/lib/mon /var/lib/prom-link /var/lib/node-exporter/ollama.prom")


@case
def full_disk_fails_clearly_and_leaves_the_file_whole(sb):
    # A full tmpfs over the drop-in directory, in the tool's mount namespace.
    script = """set -e
mkdir -p {d}
mount -t tmpfs -o size=16k none {d}
printf '%s' '{content}' > {d}/override.conf
dd if=/dev/zero of={d}/fill bs=1k 2>/dev/null || true
set +e
{t} expose 0.0.0.0
echo "rc=$?"
echo "--- file"; cat {d}/override.conf
echo "--- dir"; ls -A {d}
""".format(d=DROPIN_DIR, t=TOOL, content=ADMIN_FILE)
    r = sb.run(["unshare", "-m", "sh", "-c", script], check=False)
    out = r.stdout
    assert "rc=1" in out, (out, r.stderr)
    assert "No space left on device" in r.stderr, r.stderr
    file_part = out.split("--- file\n", 1)[1].split("--- dir\n", 1)
    assert file_part[0] == ADMIN_FILE, file_part[0]
    assert sorted(file_part[1].split()) == ["fill", "override.conf"], file_part[1]


# --- read while it writes ----------------------------------------------------

# One process starts the 50 checks and keeps 50 running, each started again
# as it ends, until the sixth expose is done: 50 checks at once cost 50
# tasks, not the 125 of a shell loop per check (a job's pids limit in CI
# once made the Go runtime of the service fail to start a thread).
CONCURRENT = r"""
import os, subprocess, sys
tool, out = sys.argv[1], "/var/tmp/concurrent"
subprocess.run(["rm", "-rf", out]); os.makedirs(out); os.chmod(out, 0o755)
nobody = ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"]
W = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
def spawn(cmd, path, errors_too):
    acts = [(os.POSIX_SPAWN_OPEN, 1, path, W, 0o644),
            (os.POSIX_SPAWN_DUP2, 1, 2) if errors_too else
            (os.POSIX_SPAWN_OPEN, 2, "/dev/null", os.O_WRONLY, 0)]
    return os.posix_spawnp(cmd[0], cmd, os.environ, file_actions=acts)
def expose(i):
    a = "0.0.0.0:11500" if i % 2 else "0.0.0.0"
    return spawn([tool, "expose", a, "-q", "--timeout", "30"], "%s/expose.%d" % (out, i), True)
def check(n, k):
    cmd = [tool, "check", "--json", "--record"] if n % 2 == 0 else nobody + [tool, "check", "--json"]
    return spawn(cmd, "%s/check.%d.%d" % (out, n, k), False)
i, exposing = 1, expose(1)
running = {check(n, 1): (n, 1) for n in range(1, 51)}
while running or exposing:
    pid, status = os.wait()
    if pid == exposing:
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            with open(out + "/errors", "a") as e:
                e.write("expose %d: %d\n" % (i, code))
        i, exposing = i + 1, (expose(i + 1) if i < 6 else None)
    elif pid in running:
        n, k = running.pop(pid)
        if exposing:
            running[check(n, k + 1)] = (n, k + 1)
"""


def host_pids_limit():
    """This process's pids cgroup (v1 or v2): its limit, count and how often
    a fork was refused, for a failure message."""
    try:
        for entry in open("/proc/self/cgroup").read().split("\n"):
            parts = entry.split(":", 2)
            if len(parts) == 3 and (parts[1] == "pids" or parts[0] == "0"):
                base = "/sys/fs/cgroup" + ("/pids" if parts[1] == "pids" else "") + parts[2]
                if os.path.exists(base + "/pids.max"):
                    return "--- pids cgroup %s: max %s, current %s, events %s" % tuple(
                        [base] + [open(base + "/" + f).read().strip()
                                  for f in ("pids.max", "pids.current", "pids.events")])
    except OSError as e:
        return "--- pids cgroup: %s" % e
    return "--- pids cgroup: none with a limit file"


@case
def checks_during_expose_leave_a_slow_systemd_time_to_restart(sb):
    """systemd runs queued jobs only when no request is waiting for it. With
    its PID 1 held to 10% of a CPU, the 50 checks of the case below must
    still leave it time to carry out each of the six restarts (checks as
    root once opened a private connection to PID 1 each, and the restart
    job never began)."""
    with sb.slow_pid1(10):
        sb.run(["python3", "-c", CONCURRENT, TOOL], timeout=600)
    errors = sb.read("/var/tmp/concurrent/errors")
    assert errors is None, errors + "".join(
        "--- expose.%d:\n%s" % (i, sb.read("/var/tmp/concurrent/expose.%d" % i))
        for i in range(1, 7))


@case
def fifty_concurrent_checks_during_expose_see_whole_files_and_whole_json(sb):
    """50 checks at once, half as root writing the record and half as
    nobody reading it, while expose changes the drop-in six times: every
    check prints one whole JSON document, reads the drop-in as one of the
    values written (never a partial file), and the record stays whole."""
    sb.run(["python3", "-c", CONCURRENT, TOOL], timeout=600)
    errors = sb.read("/var/tmp/concurrent/errors")
    assert errors is None, errors + "".join(
        "--- expose.%d:\n%s" % (i, sb.read("/var/tmp/concurrent/expose.%d" % i))
        for i in range(1, 7)) + host_pids_limit()
    names = sb.run(["ls", "/var/tmp/concurrent"]).stdout.split()
    outputs = [n for n in names if n.startswith("check.")]
    assert len(outputs) >= 100, len(outputs)
    values = {None, "0.0.0.0", "0.0.0.0:11500"}
    for name in outputs:
        text = sb.read("/var/tmp/concurrent/" + name)
        try:
            j = json.loads(text)
        except ValueError:
            raise AssertionError("%s is not one whole JSON document:\n%s" % (name, text[-500:]))
        assert j["format"] == 1 and j["status"] in ("OK", "WARNING", "CRITICAL", "UNKNOWN"), name
        seen = [l["value"] for l in j["layers"] if l["path"] == OVERRIDE]
        assert all(v in values for v in seen), (name, seen)
    record = json.loads(sb.read("/run/ollama-netcfg/check.json"))
    assert record["format"] == 1, record
    assert tmp_files(sb) == [] and tmp_files(sb, "/run/ollama-netcfg") == [], \
        (tmp_files(sb), tmp_files(sb, "/run/ollama-netcfg"))
    print("  (%d check outputs, all whole)" % len(outputs))


# --- random drop-ins, read by systemd itself ------------------------------------

# How many: 100 in every run; tests/long/run asks for 1,000.
DROPIN_CASES = int(os.environ.get("NETCFG_DROPIN_CASES", "100"))
WORDS = ['A=1', '"B=two words"', 'OLLAMA_HOST=127.0.0.1', '"OLLAMA_HOST=0.0.0.0:1234"',
         'OLLAMA_KEEP_ALIVE=1h', "'C=single quoted'", '"D=say \\"hi\\""', 'E=%%', 'F=',
         '"OLLAMA_ORIGINS=http://a.example"', 'G=x\\x41y',
         # not assignments (systemd ignores them), but after a word that
         # starts a continuation line they decide what taking it out leaves
         '#c', ';c']


def comment_lines(rng):
    """Comment lines inside a continuation, which systemd skips: sometimes."""
    return [rng.choice(["  # note", "; note", "#"])] if rng.random() < 0.25 else []


def random_dropin(rng):
    """A drop-in as admins and tools write them: sections, comments, blank
    lines, Environment= with several words, quotes, escapes, resets,
    continuation lines, OLLAMA_HOST set zero or more times."""
    out = []
    if rng.random() < 0.2:
        out += ["[Unit]", "Description=random %d" % rng.randrange(1000)]
    out.append("[Service]")
    for _ in range(rng.randrange(0, 7)):
        kind = rng.random()
        if kind < 0.45:
            words = [rng.choice(WORDS) for _ in range(rng.randrange(1, 4))]
            if len(words) > 1 and rng.random() < 0.4:
                out.append("Environment=" + words[0] + " \\")
                for w in words[1:-1]:
                    out += comment_lines(rng) + ["    " + w + " \\"]
                out += comment_lines(rng) + ["    " + words[-1]]
            else:
                out.append("Environment=" + " ".join(words))
        elif kind < 0.55:
            out.append("Environment=")
        elif kind < 0.7:
            out.append(rng.choice(["# a comment", "; another", "#Environment=OLLAMA_HOST=9.9.9.9"]))
        elif kind < 0.8:
            out.append("")
        elif kind < 0.87:
            out.append(rng.choice(["Nice=5", "LimitNOFILE=65536", "  Environment=H=indented"]))
        elif kind < 0.9:
            # where systemd's reading is easy to get wrong: a comment that
            # does not continue, a byte order mark past the first line, and
            # lines it stops reading the file at (a header without "]",
            # text that is not UTF-8)
            out.append(rng.choice(["# note \\", "\ufeffEnvironment=BOM=1", "[Unfinished",
                                   "X=\udcb4", "Environment=I=\udcb4"]))
        else:
            out.append("Environment=OLLAMA_HOST=0.0.0.0:%d  " % rng.randrange(1024, 65535))
    if rng.random() < 0.1:
        # left open: what follows joins it (or the end of the file ends it)
        out += ["Environment=%s \\" % rng.choice(["", "Z=9"])] + comment_lines(rng)
    if rng.random() < 0.15:
        out += ["[Install]", "WantedBy=multi-user.target"]
    text = "\n".join(out)
    return text + ("\n" if rng.random() < 0.9 else "")


ENV_OF = r"""
import json, subprocess, sys
def label(s):
    return "".join(c if c.isalnum() else "_%02x" % ord(c) for c in s)
out = {}
for unit in sys.argv[1:]:
    r = subprocess.run(["busctl", "--json=short", "get-property", "org.freedesktop.systemd1",
                        "/org/freedesktop/systemd1/unit/" + label(unit),
                        "org.freedesktop.systemd1.Service", "Environment"],
                       capture_output=True, text=True)
    out[unit] = json.loads(r.stdout)["data"] if r.returncode == 0 else None
print(json.dumps(out))
"""


CORPUS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fuzz", "corpus", "unitfile")
# Bytes as they are: invalid UTF-8 kept (surrogateescape), CRs not turned
# into line feeds.
RAW = {"encoding": "utf-8", "errors": "surrogateescape", "newline": ""}


def corpus_dropins():
    """The drop-in part (before the first NUL) of each corpus input."""
    out = []
    for name in sorted(os.listdir(CORPUS)):
        with open(os.path.join(CORPUS, name), **RAW) as f:
            out.append(f.read().split("\0", 1)[0])
    return out


def put_file(sb, path, text):
    os.makedirs(os.path.dirname(sb.root + path), exist_ok=True)
    with open(sb.root + path, "w", **RAW) as f:
        f.write(text)


def get_file(sb, path):
    try:
        with open(sb.root + path, **RAW) as f:
            return f.read()
    except FileNotFoundError:
        return None


def ends_open(text):
    """Whether the file ends inside a continuation: its last line ends in a
    backslash, or only comment lines follow one (an empty line ends it)."""
    lines = text.split("\n")
    if text.endswith("\n"):
        lines.pop()
    while lines and lines[-1].lstrip()[:1] in ("#", ";"):
        lines.pop()
    return bool(lines) and lines[-1].endswith("\\")


def effectively_empty(text):
    return all(not l.strip() or l.strip()[0] in "#;[" for l in text.split("\n"))


def as_dict(env):
    return dict(e.split("=", 1) for e in env)


@case
def random_drop_ins_keep_every_other_assignment_as_systemd_reads_them(sb):
    """DROPIN_CASES random drop-ins, each set with expose --root in an image
    and then read by this sandbox's systemd, before and after: the new
    OLLAMA_HOST, every other variable as it was; and an edit followed by its
    reset gives back the original bytes where the original set no
    OLLAMA_HOST."""
    rng = random.Random(20261202)
    cases = [random_dropin(rng) for _ in range(DROPIN_CASES)]
    # Then fuzz_unitfile's corpus (what it found among them), as systemd reads
    # it: any bytes, CRs and invalid UTF-8 included.
    first_corpus = len(cases)
    cases += corpus_dropins()
    units = []
    for i, text in enumerate(cases):
        img = "/var/tmp/rd/%d" % i
        put_file(sb, img + "/etc/systemd/system/ollama.service", OLLAMA_UNIT)
        put_file(sb, img + "/etc/systemd/system/ollama.service.d/override.conf", text)
    script = ("for i in $(seq 0 %d); do %s expose 0.0.0.0:$((20000 + i)) -q --root /var/tmp/rd/$i "
              ">/var/tmp/rd/$i.out 2>&1; echo $? >/var/tmp/rd/$i.rc; done" % (len(cases) - 1, TOOL))
    sb.run(["sh", "-c", script], timeout=1800)
    for i, text in enumerate(cases):
        rc = sb.read("/var/tmp/rd/%d.rc" % i).strip()
        assert rc == "0", (i, text, sb.read("/var/tmp/rd/%d.out" % i))
        edited = get_file(sb, "/var/tmp/rd/%d/etc/systemd/system/ollama.service.d/override.conf" % i)
        for side, content in (("a", text), ("b", edited)):
            unit = "rd-%d-%s.service" % (i, side)
            put_file(sb, "/etc/systemd/system/" + unit, OLLAMA_UNIT)
            put_file(sb, "/etc/systemd/system/%s.d/override.conf" % unit, content)
            units.append(unit)
    sb.run(["systemctl", "daemon-reload"])
    sb.write("/var/tmp/env_of.py", ENV_OF)
    envs = json.loads(sb.run(["python3", "/var/tmp/env_of.py"] + units, timeout=600).stdout)
    resets_checked = 0
    before_envs = [envs["rd-%d-a.service" % i] for i in range(len(cases))]
    for i, text in enumerate(cases):
        before, after = envs["rd-%d-a.service" % i], envs["rd-%d-b.service" % i]
        assert before is not None and after is not None, (i, text)
        expected = as_dict(before)
        expected["OLLAMA_HOST"] = "0.0.0.0:%d" % (20000 + i)
        assert as_dict(after) == expected, (i, text, before, after)
    # Then reset, each: systemd reads no OLLAMA_HOST and every other
    # variable as before; where the original set none, the bytes come back.
    script = ("for i in $(seq 0 %d); do %s reset -q --root /var/tmp/rd/$i "
              ">/var/tmp/rd/$i.out 2>&1; echo $? >/var/tmp/rd/$i.rc; done" % (len(cases) - 1, TOOL))
    sb.run(["sh", "-c", script], timeout=1800)
    reset_units = []
    for i, text in enumerate(cases):
        rc = sb.read("/var/tmp/rd/%d.rc" % i).strip()
        assert rc == "0", (i, text, sb.read("/var/tmp/rd/%d.out" % i))
        back = get_file(sb, "/var/tmp/rd/%d/etc/systemd/system/ollama.service.d/override.conf" % i)
        unit = "rd-%d-c.service" % i
        put_file(sb, "/etc/systemd/system/" + unit, OLLAMA_UNIT)
        if back is not None:
            put_file(sb, "/etc/systemd/system/%s.d/override.conf" % unit, back)
        reset_units.append(unit)
        # (The corpus's bytes-back property is fuzz_unitfile's own.)
        if "OLLAMA_HOST" not in text and i < first_corpus:
            # A drop-in left with nothing but headers and comments is removed;
            # one that lacked its last newline keeps the one the edit added,
            # one that ended inside a continuation the blank line that ends it.
            whole = (text if text.endswith("\n") else text + "\n") + \
                ("\n" if ends_open(text) else "")
            assert back in (text, whole) or (back is None and effectively_empty(text)), \
                (i, text, back)
            resets_checked += 1
    sb.run(["systemctl", "daemon-reload"])
    envs = json.loads(sb.run(["python3", "/var/tmp/env_of.py"] + reset_units, timeout=600).stdout)
    for i, text in enumerate(cases):
        expected = as_dict(before_envs[i])
        expected.pop("OLLAMA_HOST", None)
        assert as_dict(envs["rd-%d-c.service" % i]) == expected, (i, text, envs["rd-%d-c.service" % i])
    sb.sh("rm -rf /var/tmp/rd /etc/systemd/system/rd-* && systemctl daemon-reload")
    print("  (%d drop-ins, %d of them fuzz_unitfile's corpus, read by systemd before, after "
          "the edit and after its reset; %d reset back to their bytes)"
          % (len(cases), len(cases) - first_corpus, resets_checked))


# --- killed at any moment -------------------------------------------------------

# How many: 20 in every run; tests/long/run asks for 1,000.
KILLS = int(os.environ.get("NETCFG_KILLS", "20"))


@case
def killed_at_random_moments_leaves_each_file_old_or_new(sb):
    rng = random.Random(20261124)
    old = ADMIN_FILE
    sb.write(OVERRIDE, old)
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    seen_new = 0
    for i in range(KILLS):
        port = 11460 + i % 2
        new = old.replace("127.0.0.1", "0.0.0.0:%d" % port).replace(
            "OLLAMA_HOST=0.0.0.0:%d" % (11460 + (i + 1) % 2), "OLLAMA_HOST=0.0.0.0:%d" % port)
        before = sb.read(OVERRIDE)
        delay = rng.uniform(0.0, 0.25)
        sb.run(["timeout", "-s", "KILL", "%.3f" % delay, TOOL, "expose", "-q",
                "0.0.0.0:%d" % port], check=False)
        after = sb.read(OVERRIDE)
        expected_new = _with_host(before, "0.0.0.0:%d" % port)
        assert after in (before, expected_new), (i, delay, before, after)
        seen_new += after != before
    # The next normal run finishes the job and leaves no temporary files.
    expose_ok(sb, "0.0.0.0:11462")
    assert tmp_files(sb) == [], tmp_files(sb)
    assert_exposed(sb, "0.0.0.0:11462", 11462, ("*:11462",), "http://127.0.0.1:11462")
    assert sb.read(OVERRIDE) == _with_host(ADMIN_FILE, "0.0.0.0:11462")
    print("  (%d of %d killed runs had written the new file)" % (seen_new, KILLS))


def _with_host(content, value):
    """The admin's file with OLLAMA_HOST set to value, as the tool writes it."""
    import re
    return re.sub(r'OLLAMA_HOST=[^"]*"', 'OLLAMA_HOST=%s"' % value, content, count=1)


if __name__ == "__main__":
    run(setup=setup, teardown_each=restore)
