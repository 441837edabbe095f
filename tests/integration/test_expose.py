#!/usr/bin/env python3
"""`ollama-netcfg expose` against a real systemd, checked from outside the
tool: systemctl show, ss, curl and /proc, never the tool's own word."""
import re
import shlex
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import case, run  # noqa: E402
from sandbox import OLLAMA_UNIT  # noqa: E402

from checks import (DROPIN_DIR, FIXTURE_CONF, OVERRIDE, UNIT, assert_exposed,  # noqa: E402
                    expose_ok, restore, setup, sha, snapshot, unit_env, wait_listening)


# --- cases ---------------------------------------------------------------

@case
def expose_all_ipv4_writes_drop_in_and_proves_it(sb):
    r = expose_ok(sb, "0.0.0.0")
    assert sb.read(OVERRIDE) == '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0"\n'
    mode = sb.run(["stat", "-c", "%a", OVERRIDE]).stdout.strip()
    assert mode == "644", mode
    assert_exposed(sb, "0.0.0.0", 11434, ("*:11434",), "http://127.0.0.1:11434")
    for proof in ("systemd", "process", "listener", "api"):
        assert any(l.split()[:2] == ["ok", proof] for l in r.stdout.splitlines()), r.stdout
    leftovers = sb.run(["ls", "-A", DROPIN_DIR]).stdout.split()
    assert leftovers == ["override.conf"], leftovers


@case
def rerun_changes_nothing(sb):
    expose_ok(sb, "0.0.0.0")
    before = snapshot(sb)
    r = expose_ok(sb, "0.0.0.0")
    assert "nothing changed" in r.stdout, r.stdout
    assert snapshot(sb) == before
    # The same listener written another way is no change either.
    r = expose_ok(sb, "http://0.0.0.0:11434/")
    assert "nothing changed" in r.stdout, r.stdout
    assert snapshot(sb) == before


ADDRESS_FORMS = [
    # ADDR, port, what ss shows, where a client connects
    ("0.0.0.0:11435", 11435, ("*:11435",), "http://127.0.0.1:11435"),
    ("[::]:11434", 11434, ("*:11434",), "http://[::1]:11434"),
    ("::", 11434, ("*:11434",), "http://127.0.0.1:11434"),
    ("::1", 11434, ("[::1]:11434",), "http://[::1]:11434"),
    (":11436", 11436, ("*:11436",), "http://127.0.0.1:11436"),
    ("127.0.0.1:8080", 8080, ("127.0.0.1:8080",), "http://127.0.0.1:8080"),
    ("http://0.0.0.0:11437", 11437, ("*:11437",), "http://127.0.0.1:11437"),
    ("localhost:11438", 11438, ("127.0.0.1:11438", "[::1]:11438"), "http://localhost:11438"),
]


@case
def expose_accepts_every_address_form(sb):
    for addr, port, local, url in ADDRESS_FORMS:
        restore(sb)
        r = expose_ok(sb, addr)
        assert_exposed(sb, addr, port, local, url)
        assert sb.read(OVERRIDE) == '[Service]\nEnvironment="OLLAMA_HOST=%s"\n' % addr, addr
        assert "ok   api" in r.stdout, r.stdout


ADMIN_OVERRIDE = """# Local changes to Ollama; keep this comment.
[Unit]
Description=Ollama (our GPU box)

[Service]
; models live on the big disk
Environment="OLLAMA_MODELS=/srv/models" OLLAMA_HOST=127.0.0.1 "OLLAMA_KEEP_ALIVE=24h"
Environment=OLLAMA_DEBUG=1 \\
    OLLAMA_NUM_PARALLEL=2
LimitNOFILE=65536
"""


@case
def admins_override_keeps_everything_else(sb):
    sb.write(OVERRIDE, ADMIN_OVERRIDE)
    sb.sh("systemctl daemon-reload && systemctl restart ollama.service")
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    expose_ok(sb, "0.0.0.0")
    want = ADMIN_OVERRIDE.replace(' OLLAMA_HOST=127.0.0.1 ', ' "OLLAMA_HOST=0.0.0.0" ')
    assert sb.read(OVERRIDE) == want, sb.read(OVERRIDE)
    env = shlex.split(unit_env(sb))
    for kv in ("OLLAMA_MODELS=/srv/models", "OLLAMA_KEEP_ALIVE=24h", "OLLAMA_DEBUG=1",
               "OLLAMA_NUM_PARALLEL=2", "OLLAMA_HOST=0.0.0.0"):
        assert kv in env, (kv, env)
    assert sb.show(UNIT, "LimitNOFILE") == "65536"
    assert sb.show(UNIT, "Description") == "Ollama (our GPU box)"
    assert_exposed(sb, "0.0.0.0", 11434, ("*:11434",), "http://127.0.0.1:11434")


TRICKY_DROP_INS = [
    "[Service]\r\nEnvironment=OLLAMA_HOST=127.0.0.1 A=1\r\n",
    "[Service]\nEnvironment=A=1 \\\n# comment inside\n  OLLAMA_HOST=127.0.0.1 \\\n  B=2\n",
    "[Service]\nEnvironment=OLLAMA_HOST=127.0.0.1\nEnvironment=\n",
    "[Service]\nEnvironment=\"OLLAMA_HOST=127.0.0.1\n",
    "[Service]\nEnvironment=OLLAMA_HOST=127.0.0.1 B\\x=2\n",
    "[Unit]\nDescription=no service section",
    "",
]


@case
def drop_in_edits_read_back_by_systemd(sb):
    """The editor's output, as the real systemd reads it."""
    for content in TRICKY_DROP_INS:
        sb.write(OVERRIDE, content)
        sb.sh("systemctl daemon-reload")
        expose_ok(sb, "0.0.0.0")
        env = shlex.split(unit_env(sb))
        hosts = [e for e in env if e.startswith("OLLAMA_HOST=")]
        assert hosts[-1:] == ["OLLAMA_HOST=0.0.0.0"], (content, env)
        if "A=1" in content:
            assert "A=1" in env, (content, env)
        if "B=2" in content:
            assert "B=2" in env, (content, env)
        assert_exposed(sb, "0.0.0.0", 11434, ("*:11434",), "http://127.0.0.1:11434")


BAD_INPUT = ["0.0.0.0:99999", "0.0.0.0:abc", "0.0.0.0:0", "", '"0.0.0.0"', "0.0.0.0 ",
             "0.0.0.0\nExecStartPre=/bin/touch /pwned", "0.0.0.0\r", "0.0.0.0\t",
             "http://0.0.0.0", "100%", "fe80::1%eth0", "[1.2.3.4]:80", "bad_host"]


@case
def bad_input_exits_2_and_touches_nothing(sb):
    sb.write(OVERRIDE, ADMIN_OVERRIDE)
    sb.sh("systemctl daemon-reload")
    before = sha(sb, OVERRIDE)
    invocation = sb.show(UNIT, "InvocationID")
    for addr in BAD_INPUT:
        r = sb.tool("expose", addr)
        assert r.returncode == 2, (addr, r.returncode, r.stdout, r.stderr)
        assert r.stderr.startswith("ollama-netcfg: "), (addr, r.stderr)
        assert sha(sb, OVERRIDE) == before, addr
    for args in (["--unit", "../etc/passwd", "0.0.0.0"], ["--drop-in", "x", "0.0.0.0"],
                 ["--drop-in", "../../x.conf", "0.0.0.0"], ["--timeout", "0", "0.0.0.0"],
                 ["--no-such-option", "0.0.0.0"], []):
        r = sb.tool("expose", *args)
        assert r.returncode == 2, (args, r.returncode, r.stderr)
    assert sha(sb, OVERRIDE) == before
    assert sb.show(UNIT, "InvocationID") == invocation
    assert "pwned" not in sb.run(["systemctl", "cat", UNIT]).stdout


@case
def no_drop_in_is_created_for_bad_input(sb):
    r = sb.tool("expose", "0.0.0.0:0")
    assert r.returncode == 2
    assert sb.run(["test", "-e", DROPIN_DIR], check=False).returncode != 0


@case
def setting_survives_an_ollama_update(sb):
    expose_ok(sb, "0.0.0.0:11439")
    # What install.sh does on an update.
    sb.write("/etc/systemd/system/ollama.service", OLLAMA_UNIT)
    sb.sh("systemctl daemon-reload && systemctl enable ollama && systemctl restart ollama")
    wait_listening(sb, 11439, ("*:11439",))
    assert_exposed(sb, "0.0.0.0:11439", 11439, ("*:11439",), "http://127.0.0.1:11439")
    before = snapshot(sb)
    r = expose_ok(sb, "0.0.0.0:11439")
    assert "nothing changed" in r.stdout
    assert snapshot(sb) == before


@case
def json_output_is_one_object(sb):
    r = expose_ok(sb, "--json", "[::]")
    j = json.loads(r.stdout)
    assert j["changed"] is True and j["ok"] is True, j
    assert j["old_value"] is None and j["new_value"] == "[::]"
    assert j["drop_in"] == OVERRIDE
    assert [p["name"] for p in j["proofs"]] == ["systemd", "process", "listener", "api"]
    assert all(p["ok"] for p in j["proofs"])
    j2 = json.loads(expose_ok(sb, "[::]", "--json").stdout)
    assert j2["changed"] is False and j2["ok"] is True and j2["actions"] == []
    bad = sb.tool("expose", "--json", "0.0.0.0:0")
    assert bad.returncode == 2
    assert json.loads(bad.stdout)["error"]["exit_status"] == 2


@case
def quiet_prints_nothing_on_success(sb):
    r = expose_ok(sb, "-q", "0.0.0.0")
    assert r.stdout == "" and r.stderr == "", (r.stdout, r.stderr)


@case
def failing_service_is_reported_and_rolled_back(sb):
    sb.write(FIXTURE_CONF, "[Service]\nEnvironment=FAKE_OLLAMA_FAIL_PORTS=11440\n")
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    r = sb.tool("expose", "0.0.0.0:11440", "--timeout", "20")
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "did not come up" in r.stderr, r.stderr
    assert "address already in use" in r.stderr, r.stderr  # the unit's journal lines
    assert "put back" in r.stderr
    assert sb.read(OVERRIDE) is None
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    assert "OLLAMA_HOST" not in unit_env(sb)


@case
def failing_service_with_existing_drop_in_restores_it_byte_for_byte(sb):
    sb.write(OVERRIDE, ADMIN_OVERRIDE)
    sb.write(FIXTURE_CONF, "[Service]\nEnvironment=FAKE_OLLAMA_FAIL_PORTS=11441\n")
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    r = sb.tool("expose", "0.0.0.0:11441", "--timeout", "20", "--json")
    assert r.returncode == 1
    j = json.loads(r.stdout)
    assert j["ok"] is False and "did not come up" in j["error"]["message"]
    assert j["rolled_back"] is True and j["changed"] is True, j
    assert sb.read(OVERRIDE) == ADMIN_OVERRIDE
    wait_listening(sb, 11434, ("127.0.0.1:11434",))


@case
def no_rollback_keeps_the_new_setting(sb):
    sb.write(FIXTURE_CONF, "[Service]\nEnvironment=FAKE_OLLAMA_FAIL_PORTS=11442\n")
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    r = sb.tool("expose", "0.0.0.0:11442", "--timeout", "20", "--no-rollback", "--json")
    assert r.returncode == 1 and json.loads(r.stdout)["rolled_back"] is False, r.stdout
    assert "OLLAMA_HOST=0.0.0.0:11442" in sb.read(OVERRIDE)


@case
def failed_restart_job_reports_result_and_journal(sb):
    sb.write(FIXTURE_CONF, "[Service]\nExecStartPre=/bin/sh -c 'echo fixture-pre-failed; "
             "case \"$OLLAMA_HOST\" in *11445*) exit 3;; esac'\n")
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    r = sb.tool("expose", "0.0.0.0:11445", "--timeout", "20")
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "job failed" in r.stderr and "Service.Result exit-code" in r.stderr, r.stderr
    assert "fixture-pre-failed" in r.stderr, r.stderr  # the unit's journal lines
    assert "put back" in r.stderr, r.stderr
    assert sb.read(OVERRIDE) is None, sb.read(OVERRIDE)  # rolled back
    wait_listening(sb, 11434, ("127.0.0.1:11434",))


@case
def a_symlinked_drop_in_is_edited_where_it_points_or_refused(sb):
    # The admin keeps the configuration in /etc/ollama (root's) and links it in.
    original = "[Service]\nEnvironment=OLLAMA_KEEP_ALIVE=1h\n"
    sb.run(["mkdir", "-p", DROPIN_DIR, "/etc/ollama"])
    sb.write("/etc/ollama/net.conf", original)
    sb.run(["ln", "-s", "/etc/ollama/net.conf", OVERRIDE])
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    r = expose_ok(sb, "0.0.0.0", "--dry-run")
    note = "note: %s is a symbolic link to /etc/ollama/net.conf; the change %s written there, " \
           "and the link stays"
    assert note % (OVERRIDE, "would be") in r.stdout, r.stdout
    assert sb.read("/etc/ollama/net.conf") == original
    r = expose_ok(sb, "0.0.0.0")
    assert note % (OVERRIDE, "is") in r.stdout, r.stdout
    assert sb.run(["test", "-L", OVERRIDE], check=False).returncode == 0
    assert "OLLAMA_HOST=0.0.0.0" in sb.read("/etc/ollama/net.conf")
    # systemd reads it through the link, and the service got it.
    assert_exposed(sb, "0.0.0.0", 11434, ("*:11434",), "http://127.0.0.1:11434")
    assert "OLLAMA_KEEP_ALIVE=1h" in unit_env(sb)
    r = sb.tool("reset")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert sb.run(["test", "-L", OVERRIDE], check=False).returncode == 0
    assert sb.read("/etc/ollama/net.conf") == original
    # A link into a directory another user owns: root does not write
    # through it, and nothing changes.
    sb.sh("mkdir -p /srv/alice && chown nobody /srv/alice && "
          "printf '[Service]\\n' > /srv/alice/net.conf && ln -sfn /srv/alice/net.conf %s"
          % OVERRIDE)
    r = sb.tool("expose", "0.0.0.0")
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert ("%s is a symbolic link to /srv/alice/net.conf, and /srv/alice is owned by uid "
            % OVERRIDE) in r.stderr, r.stderr
    assert "root does not write through a path another user can change" in r.stderr, r.stderr
    assert "cp --remove-destination /srv/alice/net.conf %s" % OVERRIDE in r.stderr, r.stderr
    assert sb.read("/srv/alice/net.conf") == "[Service]\n"
    assert sb.run(["readlink", OVERRIDE]).stdout.strip() == "/srv/alice/net.conf"
    sb.run(["rm", "-f", OVERRIDE])


@case
def slow_start_within_the_timeout_succeeds(sb):
    sb.write(FIXTURE_CONF, "[Service]\nEnvironment=FAKE_OLLAMA_START_DELAY=2\n")
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    expose_ok(sb, "0.0.0.0", "--timeout", "30")
    assert_exposed(sb, "0.0.0.0", 11434, ("*:11434",), "http://127.0.0.1:11434")


@case
def works_with_dbus_daemon_stopped(sb):
    sb.sh("systemctl stop dbus.socket dbus.service")
    try:
        assert sb.run(["systemctl", "is-active", "dbus.service"], check=False).stdout.strip() \
            != "active"
        r = expose_ok(sb, "0.0.0.0:11443")
        assert "/run/systemd/private" in r.stdout, r.stdout
        assert_exposed(sb, "0.0.0.0:11443", 11443, ("*:11443",), "http://127.0.0.1:11443")
    finally:
        sb.sh("systemctl start dbus.socket dbus.service")


@case
def unprivileged_user_is_told_to_use_sudo(sb):
    r = sb.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "/opt/netcfg/ollama-netcfg", "expose", "0.0.0.0"], check=False)
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert "sudo" in r.stderr, r.stderr
    r = sb.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "/opt/netcfg/ollama-netcfg", "expose", "0.0.0.0:0"], check=False)
    assert r.returncode == 2, (r.returncode, r.stderr)


@case
def unknown_unit_is_a_clear_failure(sb):
    r = sb.tool("expose", "--unit", "nonexistent", "0.0.0.0")
    assert r.returncode == 1, (r.returncode, r.stderr)
    assert ("there is no unit nonexistent.service: systemd has no unit file of that name"
            in r.stderr), r.stderr
    assert "not-found" not in r.stderr, r.stderr  # systemd's state name stays out of the sentence
    assert "--unit" in r.stderr, r.stderr
    assert sb.run(["test", "-e", "/etc/systemd/system/nonexistent.service.d"],
                  check=False).returncode != 0
    r = sb.tool("reset", "--unit", "nonexist.service")
    assert r.returncode == 1 and "there is no unit nonexist.service" in r.stderr, r.stderr
    # A masked unit is named as such, with what to do.
    sb.run(["systemctl", "mask", "aux-masked.service"])
    try:
        r = sb.tool("reset", "--unit", "aux-masked")
        assert r.returncode == 1, r.stderr
        assert "aux-masked.service is masked (its unit file is a link to /dev/null)" in r.stderr
        assert "systemctl unmask aux-masked.service" in r.stderr, r.stderr
        rc = sb.tool("check", "--unit", "aux-masked").returncode
        assert rc == 2, rc
    finally:
        sb.run(["systemctl", "unmask", "aux-masked.service"])


@case
def concurrent_runs_wait_for_the_lock(sb):
    lock = "/run/lock/ollama-netcfg.lock"
    # Another run holds the lock for longer than this one may wait.
    holder = "exec flock %s sleep 3" % lock
    sb.sh("systemd-run --unit=lock-holder --collect sh -c '%s'" % holder)
    sb.wait_until(lambda: sb.show("lock-holder.service", "ActiveState") == "active",
                  what="the lock holder")
    sb.wait_until(lambda: sb.run(["flock", "-n", lock, "true"], check=False).returncode != 0,
                  what="the lock to be taken")
    r = sb.tool("expose", "0.0.0.0", "--timeout", "0.5")
    assert r.returncode == 1, (r.returncode, r.stdout, r.stderr)
    assert "holds /run/lock/ollama-netcfg.lock" in r.stderr, r.stderr
    assert sb.read(OVERRIDE) is None
    # With time enough, it waits for the other run and then does its work.
    expose_ok(sb, "0.0.0.0", "--timeout", "30")
    assert_exposed(sb, "0.0.0.0", 11434, ("*:11434",), "http://127.0.0.1:11434")
    # Several at once end in one consistent value, served.
    procs = sb.sh("for p in 11450 11451 11452; do /opt/netcfg/ollama-netcfg expose -q "
                  "0.0.0.0:$p --timeout 60 & done; wait", check=False)
    assert procs.returncode == 0, procs.stderr
    value = [e for e in shlex.split(unit_env(sb)) if e.startswith("OLLAMA_HOST=")][-1]
    port = int(value.rsplit(":", 1)[1])
    assert port in (11450, 11451, 11452)
    assert_exposed(sb, "0.0.0.0:%d" % port, port, ("*:%d" % port,),
                   "http://127.0.0.1:%d" % port)


@case
def progress_line_only_on_a_terminal(sb):
    sb.write(DROPIN_DIR + "/slow.conf", "[Service]\nEnvironment=FAKE_OLLAMA_START_DELAY=0.6\n")
    sb.run(["systemctl", "daemon-reload"])
    # Under a pseudo-terminal (script(1)): one line, redrawn in place, then
    # erased. CR and ESC are made visible as "<CR>" and "<ESC>".
    r = sb.sh("script -qec '/opt/netcfg/ollama-netcfg expose 0.0.0.0:11470 >/dev/null' "
              "/dev/null | sed -e 's/\\r/<CR>/g' -e 's/\\x1b/<ESC>/g'")
    out = r.stdout
    erase = "<CR><ESC>[K"
    assert erase + "ollama-netcfg: restarting ollama.service" in out, out
    assert erase + "ollama-netcfg: waiting for ollama.service to listen on 0.0.0.0:11470" in out
    assert re.search(r"\((0\.[1-9]|[1-9][0-9]*\.[0-9])s\)", out), out  # elapsed time
    assert out.endswith(erase), out[-60:]
    assert "\n" not in out, out  # a single line
    # Without a terminal: nothing on stderr.
    r = sb.tool("expose", "0.0.0.0:11471")
    assert r.returncode == 0 and r.stderr == "", repr(r.stderr)


@case
def changes_are_logged_to_the_journal(sb):
    expose_ok(sb, "0.0.0.0:11444")
    out = sb.run(["journalctl", "-o", "verbose", "SYSLOG_IDENTIFIER=ollama-netcfg"]).stdout
    assert "OLLAMA_NETCFG_NEW=0.0.0.0:11444" in out, out[-2000:]
    assert "OLLAMA_NETCFG_FILE=" + OVERRIDE in out


if __name__ == "__main__":
    run(setup=setup, teardown_each=restore)
