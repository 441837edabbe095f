#!/usr/bin/env python3
"""The Ansible collection (ansible/) against TWO real-systemd sandboxes at
once, as a fleet: ansible-playbook from Debian's ansible reaches each
sandbox through community.docker's nsenter connection (no ssh). The
collection is built with `ansible-galaxy collection build` and installed
from its tarball, as an admin would. Every result is checked from outside
the tool (systemctl show, /proc, ss, curl from a client host)."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import case, main  # noqa: E402
from checks import (DROPIN_DIR, FIXTURE_CONF, OVERRIDE, UNIT, add_dual_stack_client,  # noqa: E402
                    assert_exposed, client_gets_version, expose_ok, main_pid, restore, snapshot,
                    unit_env, wait_listening)
from sandbox import BINARY_IN_CONTAINER, prerequisites  # noqa: E402

SRC = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WORK = None      # a temp dir on the controller: the built collection, inventories, plays
PKG_DIR = None   # <build dir>/packages (test_packaging builds them; else built here)


# --- the controller ------------------------------------------------------

def build_collection():
    """ansible-galaxy builds the tarball and installs it, as the README says."""
    out = os.path.join(WORK, "dist")
    subprocess.run(["ansible-galaxy", "collection", "build", os.path.join(SRC, "ansible"),
                    "--output-path", out, "--force"], check=True, capture_output=True)
    tarball = glob.glob(os.path.join(out, "netcfg-ollama-*.tar.gz"))
    assert len(tarball) == 1, tarball
    subprocess.run(["ansible-galaxy", "collection", "install", tarball[0], "-p",
                    os.path.join(WORK, "collections"), "--force"], check=True,
                   capture_output=True)


def inventory(sbs):
    path = os.path.join(WORK, "inventory.ini")
    with open(path, "w") as f:
        f.write("[ollama]\n")
        for i, sb in enumerate(sbs, 1):
            f.write("host%d ansible_connection=community.docker.nsenter ansible_nsenter_pid=%d "
                    "ansible_python_interpreter=/usr/bin/python3\n" % (i, sb.leader))
    return path


def playbook(sbs, tasks, *flags, extra_vars=None):
    """Runs one play on every sandbox. Returns (exit status, {host: [task
    result, ...]}) from the json callback."""
    play = [{"hosts": "ollama", "gather_facts": False, "tasks": tasks}]
    path = os.path.join(WORK, "play.json")  # JSON is YAML
    with open(path, "w") as f:
        json.dump(play, f)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(WORK, "collections"),
               ANSIBLE_STDOUT_CALLBACK="json", ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=os.path.join(WORK, "tmp"), ANSIBLE_RETRY_FILES_ENABLED="0")
    cmd = ["ansible-playbook", "-i", inventory(sbs), path] + list(flags)
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    r = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=600)
    try:
        out = json.loads(r.stdout)
    except ValueError:
        raise AssertionError("ansible-playbook printed no JSON (exit %d):\n%s\n%s"
                             % (r.returncode, r.stdout[-3000:], r.stderr[-3000:]))
    results = {}
    for play_out in out["plays"]:
        for task in play_out["tasks"]:
            for host, res in task["hosts"].items():
                results.setdefault(host, []).append(res)
    return r.returncode, results


def expose_task(listen, **more):
    args = dict(listen=listen, binary=BINARY_IN_CONTAINER, timeout=20)
    args.update(more)
    return {"name": "expose", "netcfg.ollama.exposure": args}


# --- the managed hosts ---------------------------------------------------

def setup(sbs):
    for sb in sbs:
        restore(sb)
        add_dual_stack_client(sb)
    build_collection()


def teardown(sbs):
    for sb in sbs:
        sb.run(["dpkg", "--purge", "ollama-netcfg"], check=False)
        sb.sh("systemctl disable --now ollama-netcfg-check.timer ollama-netcfg-check.path "
              ">/dev/null 2>&1; rm -f /var/lib/ollama-netcfg/firewall.json; true")
        restore(sb)


# --- cases ----------------------------------------------------------------

@case
def check_mode_with_diff_reports_the_change_and_changes_nothing(sbs):
    before = [snapshot(sb) for sb in sbs]
    rc, results = playbook(sbs, [expose_task("0.0.0.0:11435")], "--check", "--diff")
    assert rc == 0, results
    for host in ("host1", "host2"):
        res = results[host][0]
        assert res["changed"] is True, res
        assert res["diff"] == [{"before_header": OVERRIDE + " (absent)", "after_header": OVERRIDE,
                                "before": "",
                                "after": '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11435"\n'}], \
            res["diff"]
        assert "--dry-run" in res["cmd"], res["cmd"]
    for sb, was in zip(sbs, before):
        assert sb.read(OVERRIDE) is None and snapshot(sb) == was
        assert "OLLAMA_HOST" not in unit_env(sb)


@case
def apply_serves_on_both_then_apply_again_changes_nothing(sbs):
    rc, results = playbook(sbs, [expose_task("0.0.0.0:11435")], "--diff")
    assert rc == 0, results
    for sb, host in zip(sbs, ("host1", "host2")):
        res = results[host][0]
        assert res["changed"] is True and res["new_value"] == "0.0.0.0:11435", res
        assert res["listen"] == "*:11435", res
        assert res["diff"][0]["after"] == '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11435"\n'
        assert res["who_can_connect"].startswith("any IPv4 and IPv6 host"), res
        # From outside the tool: systemd, /proc, ss, curl, and a client host
        # over each IP version, as who_can_connect said.
        assert_exposed(sb, "0.0.0.0:11435", 11435, ("*:11435",), "http://127.0.0.1:11435")
        assert client_gets_version(sb, 11435) == {"-4": True, "-6": True}
    before = [snapshot(sb) for sb in sbs]
    rc, results = playbook(sbs, [expose_task("0.0.0.0:11435")])
    assert rc == 0, results
    for sb, host, was in zip(sbs, ("host1", "host2"), before):
        res = results[host][0]
        assert res["changed"] is False and res["actions"] == [], res
        assert snapshot(sb) == was  # no write, no restart (InvocationID, PID, NRestarts)


@case
def one_host_fails_on_the_new_port_and_is_rolled_back_the_other_succeeds(sbs):
    for sb in sbs:
        expose_ok(sb, "0.0.0.0:11435")
    old = sbs[1].read(OVERRIDE)
    # host2's service cannot bind 11436 (the stand-in fails on demand).
    sbs[1].write(FIXTURE_CONF, "[Service]\nEnvironment=FAKE_OLLAMA_FAIL_PORTS=11436\n")
    sbs[1].sh("systemctl daemon-reload && systemctl restart ollama")
    wait_listening(sbs[1], 11435, ("*:11435",))
    rc, results = playbook(sbs, [expose_task("0.0.0.0:11436")])
    assert rc != 0, results  # a failed host fails the run
    ok, failed = results["host1"][0], results["host2"][0]
    assert ok.get("failed") is not True and ok["changed"] is True, ok
    assert_exposed(sbs[0], "0.0.0.0:11436", 11436, ("*:11436",), "http://127.0.0.1:11436")
    assert client_gets_version(sbs[0], 11436) == {"-4": True, "-6": True}
    # The failed host: the tool's message and hint, rolled back, the problems.
    assert failed["failed"] is True, failed
    assert "did not come up on 0.0.0.0:11436" in failed["msg"], failed["msg"]
    assert "put back" in failed["msg"] and failed["rolled_back"] is True, failed
    assert "journalctl -u ollama.service" in failed["hint"], failed
    assert any("address already in use" in l for l in failed["journal"]), failed["journal"]
    assert isinstance(failed["problems"], list), failed
    assert [p["name"] for p in failed["proofs"] if not p["ok"]], failed["proofs"]
    # ...and it still serves the old address, with the old drop-in.
    assert sbs[1].read(OVERRIDE) == old
    wait_listening(sbs[1], 11435, ("*:11435",))
    assert_exposed(sbs[1], "0.0.0.0:11435", 11435, ("*:11435",), "http://127.0.0.1:11435")
    assert client_gets_version(sbs[1], 11435) == {"-4": True, "-6": True}
    assert client_gets_version(sbs[1], 11436) == {"-4": False, "-6": False}


@case
def exposure_info_returns_the_status_and_absent_resets(sbs):
    for sb in sbs:
        expose_ok(sb, "0.0.0.0")
    info = {"name": "info", "netcfg.ollama.exposure_info": {"binary": BINARY_IN_CONTAINER},
            "register": "seen"}
    for flags in ((), ("--check",)):
        rc, results = playbook(sbs, [info], *flags)
        assert rc == 0, results
        for sb, host in zip(sbs, ("host1", "host2")):
            res = results[host][0]
            st = res["status"]
            assert res["changed"] is False and res["problems"] == [], res
            assert st["format"] == 1 and st["status"] == "OK", st
            assert st["in_effect"] == "0.0.0.0" and st["listen"] == "*:11434", st
            assert st["main_pid"] == main_pid(sb), st  # as systemd says
    # fail_on: a service that is down is CRITICAL, and the task fails naming it.
    sbs[1].sh("systemctl stop ollama")
    try:
        strict = {"name": "info", "netcfg.ollama.exposure_info":
                  {"binary": BINARY_IN_CONTAINER, "fail_on": "CRITICAL"}}
        rc, results = playbook(sbs, [strict])
        assert rc != 0 and results["host1"][0].get("failed") is not True, results
        res = results["host2"][0]
        assert res["failed"] is True and "CRITICAL" in res["msg"], res
        assert "service-inactive" in res["problems"], res
    finally:
        sbs[1].sh("systemctl start ollama")
    wait_listening(sbs[1], 11434, ("*:11434",))
    reset = {"name": "reset", "netcfg.ollama.exposure":
             {"state": "absent", "binary": BINARY_IN_CONTAINER}}
    rc, results = playbook(sbs, [reset], "--diff")
    assert rc == 0, results
    for sb, host in zip(sbs, ("host1", "host2")):
        res = results[host][0]
        assert res["changed"] is True and res["new_value"] is None, res
        assert res["diff"][0]["after_header"] == OVERRIDE + " (removed)", res["diff"]
        assert sb.read(OVERRIDE) is None and "OLLAMA_HOST" not in unit_env(sb)
        wait_listening(sb, 11434, ("127.0.0.1:11434",))
        assert client_gets_version(sb, 11434) == {"-4": False, "-6": False}
    rc, results = playbook(sbs, [reset])
    assert rc == 0 and all(results[h][0]["changed"] is False for h in ("host1", "host2")), results


@case
def absent_with_allow_origins_takes_the_origins_it_added_out(sbs):
    """A page from ORIGIN (what a browser sends as Origin) is let through
    after allow_origins; state=absent alone leaves OLLAMA_ORIGINS, as
    reset does; with allow_origins it takes them out."""
    origin = "http://192.0.2.11:3000"

    def let_through(sb):
        r = sb.run(["curl", "-sS", "-m", "3", "--noproxy", "*", "-D", "-", "-o", "/dev/null",
                    "-H", "Origin: " + origin, "http://127.0.0.1:11434/api/version"],
                   check=False)
        return "access-control-allow-origin: %s" % origin in r.stdout.lower()

    rc, results = playbook(sbs, [expose_task("0.0.0.0", allow_origins=[origin])])
    assert rc == 0, results
    for sb, host in zip(sbs, ("host1", "host2")):
        assert results[host][0]["origins"]["added"] == [origin], results[host][0]
        assert let_through(sb) and "OLLAMA_ORIGINS=" + origin in unit_env(sb)
    absent = {"state": "absent", "binary": BINARY_IN_CONTAINER, "timeout": 20}
    rc, results = playbook(sbs, [{"name": "reset", "netcfg.ollama.exposure": absent}])
    assert rc == 0, results
    for sb in sbs:
        wait_listening(sb, 11434, ("127.0.0.1:11434",))
        assert let_through(sb) and "OLLAMA_ORIGINS=" + origin in unit_env(sb)
    with_origins = dict(absent, allow_origins=[origin])
    rc, results = playbook(sbs, [{"name": "reset", "netcfg.ollama.exposure": with_origins}])
    assert rc == 0, results
    for sb, host in zip(sbs, ("host1", "host2")):
        res = results[host][0]
        assert res["changed"] is True and res["origins"]["removed"] == [origin], res
        assert "OLLAMA_ORIGINS" not in unit_env(sb) and not let_through(sb)


@case
def bad_input_fails_before_anything_is_touched(sbs):
    before = [snapshot(sb) for sb in sbs]
    rc, results = playbook(sbs, [expose_task("http://0.0.0.0")])
    assert rc != 0
    for sb, host, was in zip(sbs, ("host1", "host2"), before):
        res = results[host][0]
        assert res["failed"] is True and "port" in res["msg"] and res["hint"], res
        assert res["rolled_back"] is False and res["changed"] is False, res
        assert snapshot(sb) == was and sb.read(OVERRIDE) is None
    # Options that only go with state=present are refused with state=absent.
    rc, results = playbook(sbs, [{"netcfg.ollama.exposure": {
        "state": "absent", "open_firewall": True, "binary": BINARY_IN_CONTAINER}}])
    assert rc != 0 and "state=present" in results["host1"][0]["msg"], results


@case
def role_installs_the_package_exposes_and_enables_the_check_timer(sbs):
    deb = glob.glob(os.path.join(PKG_DIR, "ollama-netcfg_*.deb"))
    assert len(deb) == 1, deb
    role = {"name": "role", "ansible.builtin.include_role": {"name": "netcfg.ollama.ollama_netcfg"}}
    rc, results = playbook(sbs, [role], extra_vars={
        "ollama_netcfg_package_file": deb[0], "ollama_netcfg_listen": "0.0.0.0",
        "ollama_netcfg_check_timer": True})
    assert rc == 0, results
    for sb in sbs:
        assert sb.run(["dpkg-query", "-W", "-f", "${Status}", "ollama-netcfg"]).stdout == \
            "install ok installed"
        assert_exposed(sb, "0.0.0.0", 11434, ("*:11434",), "http://127.0.0.1:11434")
        assert client_gets_version(sb, 11434) == {"-4": True, "-6": True}
        for unit in ("ollama-netcfg-check.timer", "ollama-netcfg-check.path"):
            assert sb.run(["systemctl", "is-enabled", unit], check=False).stdout.strip() == \
                "enabled", unit
            assert sb.run(["systemctl", "is-active", unit], check=False).stdout.strip() == \
                "active", unit
    # The role again: the package is there, the exposure is in effect: no change.
    before = [snapshot(sb) for sb in sbs]
    rc, results = playbook(sbs, [role], extra_vars={
        "ollama_netcfg_package_file": deb[0], "ollama_netcfg_listen": "0.0.0.0",
        "ollama_netcfg_check_timer": True})
    assert rc == 0, results
    for sb, host, was in zip(sbs, ("host1", "host2"), before):
        changed = [r for r in results[host] if r.get("changed")]
        assert changed == [], changed
        assert snapshot(sb) == was
    # In check mode with another address: the role says what would change,
    # and nothing does.
    rc, results = playbook(sbs, [role], "--check", "--diff", extra_vars={
        "ollama_netcfg_package_file": deb[0], "ollama_netcfg_listen": "0.0.0.0:11437",
        "ollama_netcfg_check_timer": True})
    assert rc == 0, results
    for sb, host, was in zip(sbs, ("host1", "host2"), before):
        changed = [r for r in results[host] if r.get("changed")]
        assert len(changed) == 1 and "--dry-run" in changed[0]["cmd"], changed
        assert snapshot(sb) == was and "11437" not in sb.read(OVERRIDE)


if __name__ == "__main__":
    import argparse
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--binary", required=True)
    known, _ = ap.parse_known_args()
    PKG_DIR = os.path.join(os.path.dirname(os.path.abspath(known.binary)), "packages")
    WORK = tempfile.mkdtemp(prefix="netcfg-ansible-")
    try:
        if prerequisites() is None:
            for tool in ("ansible-playbook", "ansible-galaxy"):
                if shutil.which(tool) is None:
                    print("FAIL: %s is not installed (run scripts/install-deps)" % tool)
                    sys.exit(1)
            if not glob.glob(os.path.join(PKG_DIR, "ollama-netcfg_*.deb")):
                subprocess.run([os.path.join(SRC, "packaging", "build-packages"), PKG_DIR],
                               check=True)
        status = main(setup=setup, teardown_each=teardown, sandboxes=2)
    finally:
        shutil.rmtree(WORK, ignore_errors=True)
    sys.exit(status)
