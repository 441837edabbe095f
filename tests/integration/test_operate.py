#!/usr/bin/env python3
"""The operator's loop against a real systemd: `status`, `check` and `reset`,
drift after hand edits and Ollama updates, and `expose` repairing it. Every
verdict of the tool is set against what systemctl, ss, curl and /proc show."""
import json
import os
import re
import shlex
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import case, run  # noqa: E402
from sandbox import OLLAMA_UNIT  # noqa: E402
from checks import (BACKUPS, DROPIN_DIR, FIXTURE_CONF, MAIN_UNIT, OVERRIDE, UNIT,  # noqa: E402
                    api_version, assert_exposed, check, check_ok, expose_ok, listeners, main_pid,
                    process_env, restore, setup, snapshot, unit_env, wait_listening)

WILDCARD = ("*:11434",)


def hand_edit(sb, path, content, reload=True, restart=True):
    sb.write(path, content)
    if reload:
        sb.run(["systemctl", "daemon-reload"])
    if restart:
        sb.run(["systemctl", "restart", UNIT])


def exposed_by_hand(sb, value, path=OVERRIDE, **kw):
    hand_edit(sb, path, '[Service]\nEnvironment="OLLAMA_HOST=%s"\n' % value, **kw)


# A distribution's package (Arch and Fedora ship Ollama this way): the unit
# in /usr/lib/systemd/system, written by the package, with its own user,
# working directory, environment (here an OLLAMA_HOST of its own), a
# Restart= that gives up on exit status 1, and hardening. Modelled on those
# packages' units; the exact text could not be fetched on the test machines.
PACKAGED_UNIT = """[Unit]
Description=Ollama Service
Wants=network-online.target
After=network.target network-online.target

[Service]
ExecStart=/usr/bin/ollama serve
WorkingDirectory=/var/lib/ollama
Environment="HOME=/var/lib/ollama"
Environment="OLLAMA_MODELS=/var/lib/ollama"
Environment="OLLAMA_HOST=127.0.0.1:11434"
User=ollama
Group=ollama
Restart=on-failure
RestartSec=3
RestartPreventExitStatus=1
Type=simple
PrivateTmp=yes
ProtectSystem=full
ProtectHome=yes

[Install]
WantedBy=multi-user.target
"""
PACKAGED_PATH = "/usr/lib/systemd/system/ollama.service"


def curl_from_client(sb, url):
    r = sb.run(["ip", "netns", "exec", "c1", "curl", "-sS", "--noproxy", "*", "-m", "5",
                url + "/api/version"], check=False)
    return r.returncode == 0 and '"version"' in r.stdout


# --- status ----------------------------------------------------------------

@case
def status_shows_layers_process_sockets_and_api(sb):
    sb.write(DROPIN_DIR + "/10-models.conf", "[Service]\nEnvironment=OLLAMA_MODELS=/srv/m\n")
    expose_ok(sb, "0.0.0.0")
    r = sb.tool("status", "--json")
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    pid = main_pid(sb)
    assert j["active_state"] == "active" and j["main_pid"] == pid
    paths = [(l["kind"], l["path"]) for l in j["layers"]]
    assert paths == [("manager", ""), ("unit-file", MAIN_UNIT),
                     ("drop-in", DROPIN_DIR + "/10-models.conf"), ("drop-in", OVERRIDE)], paths
    win = [l for l in j["layers"] if l["in_effect"]]
    assert [l["path"] for l in win] == [OVERRIDE] and win[0]["value"] == "0.0.0.0"
    assert j["in_effect"] == "0.0.0.0"
    assert j["process"] == {"visible": True,
                            "value": process_env(sb, pid)["OLLAMA_HOST"]}
    assert j["listen"] == "*:11434"
    assert any(s["endpoint"] == l and s["pid"] == p and s["unit"]
               for s in j["sockets"] for l, p in listeners(sb, 11434)), j["sockets"]
    assert j["api"]["version"] == api_version(sb, "http://127.0.0.1:11434")
    assert j["problems"] == [] and j["status"] == "OK"
    text = sb.tool("status").stdout
    assert OVERRIDE + " [managed]" in text and "<- in effect" in text, text
    assert "verdict: OK" in text, text


@case
def a_packaged_unit_in_usr_lib_is_exposed_through_the_drop_in_and_left_alone(sb):
    from checks import add_client_host, sha
    sb.sh("cp /usr/local/bin/ollama /usr/bin/ollama && mkdir -p /var/lib/ollama && "
          "chown ollama:ollama /var/lib/ollama && rm -f %s" % MAIN_UNIT)
    sb.write(PACKAGED_PATH, PACKAGED_UNIT)
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    add_client_host(sb, "192.0.2.1", "192.0.2.2")
    try:
        wait_listening(sb, 11434, ("127.0.0.1:11434",))
        packaged = sha(sb, PACKAGED_PATH)
        st = json.loads(sb.tool("status", "--json").stdout)
        # On a merged /usr systemd names it by /lib, the first in its search path.
        assert any(l["path"].endswith("/lib" + PACKAGED_PATH[len("/usr/lib"):]) and
                   l["kind"] == "unit-file" and
                   l["value"] == "127.0.0.1:11434" and l["in_effect"]
                   for l in st["layers"]), st["layers"]
        check_ok(sb)
        assert not curl_from_client(sb, "http://192.0.2.1:11434")
        # The drop-in wins over the package's Environment=, which stays as it is.
        expose_ok(sb, "0.0.0.0")
        assert sha(sb, PACKAGED_PATH) == packaged
        assert sb.read(OVERRIDE) == '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0"\n'
        assert_exposed(sb, "0.0.0.0", 11434, WILDCARD, "http://127.0.0.1:11434")
        assert curl_from_client(sb, "http://192.0.2.1:11434")
        check_ok(sb, "--expect", "0.0.0.0")
        # reset: back to what the package says.
        r = sb.tool("reset")
        assert r.returncode == 0, r.stderr
        assert "127.0.0.1:11434" in r.stdout, r.stdout
        assert sha(sb, PACKAGED_PATH) == packaged and sb.read(OVERRIDE) is None
        wait_listening(sb, 11434, ("127.0.0.1:11434",))
        assert not curl_from_client(sb, "http://192.0.2.1:11434")
        check_ok(sb)
    finally:
        sb.sh("ip netns del c1; ip link del clientnet0; rm -f %s /usr/bin/ollama; "
              "rm -rf /var/lib/ollama" % PACKAGED_PATH, check=False)


@case
def status_lists_environment_files_and_their_value_wins(sb):
    sb.write("/etc/ollama.env", "# site settings\nOLLAMA_HOST='0.0.0.0:11437'\n")
    hand_edit(sb, DROPIN_DIR + "/env.conf", "[Service]\nEnvironmentFile=-/etc/ollama.env\n")
    wait_listening(sb, 11437, ("*:11437",))
    j = json.loads(sb.tool("status", "--json").stdout)
    files = [l for l in j["layers"] if l["kind"] == "environment-file"]
    assert files and files[0]["path"] == "/etc/ollama.env" and files[0]["in_effect"], files
    assert j["in_effect"] == "0.0.0.0:11437" and j["listen"] == "*:11437"
    check_ok(sb)
    # expose cannot win against it and says so, changing nothing.
    r = sb.tool("expose", "0.0.0.0")
    assert r.returncode == 1 and "environment-file /etc/ollama.env" in r.stderr, r.stderr
    assert sb.read(OVERRIDE) is None
    sb.run(["rm", "-f", "/etc/ollama.env"])


@case
def drop_in_in_run_wins_and_expose_refuses_to_fight_it(sb):
    run_dir = "/run/systemd/system/ollama.service.d"
    try:
        expose_ok(sb, "0.0.0.0")
        exposed_by_hand(sb, "127.0.0.1:11439", path=run_dir + "/zz-runtime.conf")
        wait_listening(sb, 11439, ("127.0.0.1:11439",))
        rc, j, codes = check(sb)
        assert rc == 1 and codes == {"runtime-only"}, j["problems"]
        p = [p for p in j["problems"] if p["code"] == "runtime-only"][0]
        assert ("comes from %s/zz-runtime.conf, which is gone after the next reboot (then: "
                'OLLAMA_HOST="0.0.0.0")' % run_dir) in p["message"], p
        before = sb.read(OVERRIDE)
        r = sb.tool("expose", "0.0.0.0:11441")
        assert r.returncode == 1 and run_dir + "/zz-runtime.conf" in r.stderr, r.stderr
        assert sb.read(OVERRIDE) == before  # refused before any write
        assert sb.read(run_dir + "/zz-runtime.conf") is not None
    finally:
        sb.run(["rm", "-rf", run_dir])


@case
def manager_environment_is_the_lowest_layer(sb):
    try:
        sb.run(["systemctl", "set-environment", "OLLAMA_HOST=0.0.0.0:11442"])
        sb.run(["systemctl", "restart", UNIT])
        wait_listening(sb, 11442, ("*:11442",))
        j = check_ok(sb)
        assert j["layers"][0]["kind"] == "manager" and j["layers"][0]["in_effect"], j["layers"]
        assert j["in_effect"] == "0.0.0.0:11442"
        # A drop-in replaces it; nothing shadows the drop-in.
        expose_ok(sb, "0.0.0.0")
        j = check_ok(sb)
        assert [l["path"] for l in j["layers"] if l["in_effect"]] == [OVERRIDE]
    finally:
        sb.run(["systemctl", "unset-environment", "OLLAMA_HOST"])


# --- check -------------------------------------------------------------------

@case
def check_is_ok_for_a_healthy_exposed_server(sb):
    expose_ok(sb, "0.0.0.0")
    r = sb.tool("check")
    assert r.returncode == 0, (r.stdout, r.stderr)
    line = r.stdout.strip()
    assert line.startswith("OLLAMA-NETCFG OK - ") and "\n" not in line, line
    assert " | time=" in line and "problems=0" in line, line
    check_ok(sb, "--expect", "0.0.0.0")
    check_ok(sb, "--expect", "0.0.0.0:11434")
    before = snapshot(sb)
    for _ in range(3):
        check_ok(sb)
    assert snapshot(sb) == before  # read-only


@case
def check_expect_elsewhere_is_unexpected_address(sb):
    expose_ok(sb, "0.0.0.0")
    rc, j, codes = check(sb, "--expect", "127.0.0.1:11434")
    assert rc == 2 and j["status"] == "CRITICAL" and codes == {"unexpected-address"}, j
    rc, _, codes = check(sb, "--expect", "0.0.0.0:11500")
    assert rc == 2 and "unexpected-address" in codes
    r = sb.tool("check", "--expect", "127.0.0.1")
    assert r.stdout.startswith("OLLAMA-NETCFG CRITICAL - unexpected-address: "), r.stdout


@case
def stopped_service_is_service_inactive(sb):
    expose_ok(sb, "0.0.0.0")
    sb.run(["systemctl", "stop", UNIT])
    rc, j, codes = check(sb)
    assert rc == 2 and codes == {"service-inactive"}, j["problems"]
    # expose brings it back up (without touching the file).
    r = expose_ok(sb, "0.0.0.0")
    assert "wrote" not in r.stdout, r.stdout
    assert_exposed(sb, "0.0.0.0", 11434, WILDCARD, "http://127.0.0.1:11434")


@case
def hand_edit_without_reload_is_reload_pending_and_expose_repairs_it(sb):
    expose_ok(sb, "0.0.0.0")
    content = sb.read(OVERRIDE) + "# changed by hand\n"
    hand_edit(sb, OVERRIDE, content, reload=False, restart=False)
    assert sb.show(UNIT, "NeedDaemonReload") == "yes"
    rc, _, codes = check(sb)
    assert rc == 1 and codes == {"reload-pending"}, codes
    before = snapshot(sb)
    r = expose_ok(sb, "0.0.0.0")
    assert "reloaded systemd" in r.stdout and "restarted" not in r.stdout, r.stdout
    assert sb.show(UNIT, "NeedDaemonReload") == "no"
    assert sb.show(UNIT, "InvocationID") == before["invocation"]  # models stay loaded
    assert sb.read(OVERRIDE) == content  # the admin's comment stays
    check_ok(sb)


@case
def reload_without_restart_is_stale_environment_and_expose_repairs_it(sb):
    expose_ok(sb, "0.0.0.0")
    exposed_by_hand(sb, "0.0.0.0:11436", restart=False)
    rc, j, codes = check(sb)
    assert "stale-environment" in codes and rc == 2, j["problems"]  # also not on :11436
    stale = [p for p in j["problems"] if p["code"] == "stale-environment"][0]
    assert stale["severity"] == "WARNING" and "0.0.0.0:11436" in stale["message"], stale
    r = expose_ok(sb, "0.0.0.0:11436")
    assert "wrote" not in r.stdout and "restarted" in r.stdout, r.stdout
    assert_exposed(sb, "0.0.0.0:11436", 11436, ("*:11436",), "http://127.0.0.1:11436")
    check_ok(sb)


@case
def setting_in_main_unit_is_moved_into_the_drop_in_and_survives_an_update(sb):
    by_hand = OLLAMA_UNIT.replace('Environment="PATH=',
                                 'Environment="OLLAMA_HOST=0.0.0.0"\nEnvironment="PATH=')
    hand_edit(sb, MAIN_UNIT, by_hand)
    wait_listening(sb, 11434, WILDCARD)
    rc, j, codes = check(sb)
    assert rc == 1 and codes == {"set-in-main-unit"}, j["problems"]
    before = snapshot(sb)
    r = expose_ok(sb, "0.0.0.0")
    assert sb.read(MAIN_UNIT) == OLLAMA_UNIT  # exactly the installer's file again
    assert sb.read(OVERRIDE) == '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0"\n'
    backups = sb.run(["ls", BACKUPS]).stdout.split()
    assert len(backups) == 1 and backups[0].startswith("etc_systemd_system_ollama.service."), backups
    assert sb.read(BACKUPS + "/" + backups[0]) == by_hand
    assert BACKUPS + "/" + backups[0] in r.stdout, r.stdout
    # The process already had the value: reloaded, not restarted.
    assert sb.show(UNIT, "InvocationID") == before["invocation"], r.stdout
    check_ok(sb)
    # The next Ollama update rewrites the main unit and restarts: still exposed.
    hand_edit(sb, MAIN_UNIT, OLLAMA_UNIT)
    wait_listening(sb, 11434, WILDCARD)
    assert_exposed(sb, "0.0.0.0", 11434, WILDCARD, "http://127.0.0.1:11434")
    check_ok(sb)
    journal = sb.run(["journalctl", "-o", "verbose", "SYSLOG_IDENTIFIER=ollama-netcfg",
                      "OLLAMA_NETCFG_ACTION=expose-move"]).stdout
    assert "OLLAMA_NETCFG_FILE=" + MAIN_UNIT in journal, journal[-1500:]
    assert "OLLAMA_NETCFG_BACKUP=" + BACKUPS in journal


@case
def later_drop_in_overriding_is_shadowed_drop_in(sb):
    expose_ok(sb, "0.0.0.0")
    exposed_by_hand(sb, "127.0.0.1", path=DROPIN_DIR + "/zz-local.conf")
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    rc, j, codes = check(sb)
    assert rc == 1 and codes == {"shadowed-drop-in", "duplicate-setting"}, j["problems"]
    shadow = [p for p in j["problems"] if p["code"] == "shadowed-drop-in"][0]
    assert "zz-local.conf" in shadow["message"], shadow
    # expose takes the setting out of the later drop-in, which is left empty and goes.
    expose_ok(sb, "0.0.0.0")
    assert sb.read(DROPIN_DIR + "/zz-local.conf") is None
    assert_exposed(sb, "0.0.0.0", 11434, WILDCARD, "http://127.0.0.1:11434")
    check_ok(sb)


@case
def second_drop_in_with_the_same_value_is_duplicate_setting(sb):
    env_conf = DROPIN_DIR + "/environment.conf"
    sb.write(env_conf, '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0"\n'
                       'Environment="OLLAMA_ORIGINS=http://192.0.2.50:3000"\n')
    exposed_by_hand(sb, "0.0.0.0")
    wait_listening(sb, 11434, WILDCARD)
    rc, j, codes = check(sb)
    assert rc == 1 and codes == {"duplicate-setting"}, j["problems"]
    before = snapshot(sb)
    expose_ok(sb, "0.0.0.0")
    assert sb.read(env_conf) == '[Service]\nEnvironment="OLLAMA_ORIGINS=http://192.0.2.50:3000"\n'
    assert sb.show(UNIT, "InvocationID") == before["invocation"]
    assert "OLLAMA_ORIGINS=http://192.0.2.50:3000" in shlex.split(unit_env(sb))
    check_ok(sb)


@case
def value_only_ollamas_reader_gets_right_checks_ok(sb):
    exposed_by_hand(sb, "http://0.0.0.0:11434/")
    wait_listening(sb, 11434, WILDCARD)
    j = check_ok(sb)
    assert j["listen"] == "*:11434" and j["in_effect"] == "http://0.0.0.0:11434/"
    check_ok(sb, "--expect", "0.0.0.0")
    before = snapshot(sb)
    r = expose_ok(sb, "0.0.0.0")
    assert "nothing changed" in r.stdout and snapshot(sb) == before, r.stdout


@case
def port_held_by_another_process_is_port_in_use(sb):
    sb.run(["systemctl", "stop", UNIT])
    sb.run(["systemd-run", "--unit=aux-squatter", "python3", "-m", "http.server", "--bind",
            "127.0.0.1", "11434"])
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    squatter = [p for _, p in listeners(sb, 11434)][0]
    sb.run(["systemctl", "start", UNIT])
    rc, j, codes = check(sb)
    assert rc == 2 and "port-in-use" in codes, j["problems"]
    msg = [p for p in j["problems"] if p["code"] == "port-in-use"][0]["message"]
    assert "PID %d" % squatter in msg and "python3" in msg, msg


@case
def active_but_not_listening_is_not_listening(sb):
    hand_edit(sb, DROPIN_DIR + "/slow.conf", "[Service]\nEnvironment=FAKE_OLLAMA_START_DELAY=60\n")
    rc, j, codes = check(sb)
    assert rc == 2 and codes == {"not-listening"}, j["problems"]
    assert listeners(sb, 11434) == []


@case
def broken_api_is_api_unreachable(sb):
    hand_edit(sb, DROPIN_DIR + "/broken.conf", "[Service]\nEnvironment=FAKE_OLLAMA_API_STATUS=500\n")
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    rc, j, codes = check(sb)
    assert rc == 2 and codes == {"api-unreachable"}, j["problems"]
    assert "HTTP 500" in j["problems"][0]["message"]


@case
def check_works_without_root_and_says_what_it_cannot_see(sb):
    expose_ok(sb, "0.0.0.0")
    sb.run(["rm", "-rf", "/run/ollama-netcfg"])
    # What it cannot see is UNKNOWN, never OK (no root check recorded here).
    r = sb.run(["runuser", "-u", "nobody", "--", "/opt/netcfg/ollama-netcfg", "check", "--json"],
               check=False)
    assert r.returncode == 3, (r.stdout, r.stderr)
    j = json.loads(r.stdout)
    unseen = [p for p in j["problems"] if p["code"] == "not-visible"]
    assert unseen and all(p["severity"] == "UNKNOWN" for p in unseen), j["problems"]
    assert j["process"]["visible"] is False and j["status"] == "UNKNOWN"
    assert j["root_check"] is None and j["partial"] is False, j
    # Asked for, the partial view judges the rest and says it is partial.
    r = sb.run(["runuser", "-u", "nobody", "--", "/opt/netcfg/ollama-netcfg", "check", "--json",
                "--accept-partial"], check=False)
    assert r.returncode == 0, (r.stdout, r.stderr)
    j = json.loads(r.stdout)
    info = [p for p in j["problems"] if p["code"] == "not-visible"]
    assert info and all(p["severity"] == "INFO" for p in info), j["problems"]
    assert j["partial"] is True


@case
def check_usage_errors_are_unknown(sb):
    for args in (["--bogus"], ["--expect", "0.0.0.0:99999"], ["--unit", "a/b"],
                 ["--timeout", "0"]):
        r = sb.tool("check", *args)
        assert r.returncode == 3, (args, r.returncode, r.stdout, r.stderr)
    r = sb.tool("check", "--expect", "1.2.3.4:x")
    assert r.stdout.startswith("OLLAMA-NETCFG UNKNOWN - "), r.stdout
    r = sb.tool("check", "--unit", "nosuch")
    assert r.returncode == 2 and "unit-not-found" in r.stdout, r.stdout


PROM_LINE = re.compile(r'^([a-z_]+)\{((?:[a-z_]+="(?:[^"\\\n]|\\.)*",?)*)\} (-?[0-9.eE+-]+)$')


def parse_prometheus(text):
    """Every sample line, checked against the text exposition format."""
    samples = {}
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        m = PROM_LINE.match(line)
        assert m, "not a sample line: %r" % line
        labels = dict(re.findall(r'([a-z_]+)="((?:[^"\\]|\\.)*)"', m.group(2)))
        samples[(m.group(1), tuple(sorted(labels.items())))] = float(m.group(3))
    return samples


@case
def prometheus_file_matches_the_check(sb):
    prom = "/var/lib/node-exporter/ollama.prom"
    sb.run(["mkdir", "-p", "/var/lib/node-exporter"])
    expose_ok(sb, "0.0.0.0")
    r = sb.tool("check", "--prometheus", prom)
    assert r.returncode == 0, (r.stdout, r.stderr)
    s = parse_prometheus(sb.read(prom))
    u = ("unit", "ollama.service")
    assert s[("ollama_netcfg_up", (u,))] == 1 and s[("ollama_netcfg_status", (u,))] == 0
    codes = [k for k in s if k[0] == "ollama_netcfg_problem"]
    assert len(codes) == 45 and all(s[k] == 0 for k in codes), codes  # every known code
    assert s[("ollama_netcfg_ollama_info", (("listen", "*:11434"), u,
                                            ("version", "0.12.6")))] == 1
    assert 0 < s[("ollama_netcfg_check_duration_seconds", (u,))] < 5
    assert sb.run(["ls", "-A", "/var/lib/node-exporter"]).stdout.split() == ["ollama.prom"]
    # A broken state shows in the series.
    sb.run(["systemctl", "stop", UNIT])
    r = sb.tool("check", "--prometheus", prom)
    assert r.returncode == 2
    s = parse_prometheus(sb.read(prom))
    assert s[("ollama_netcfg_up", (u,))] == 0 and s[("ollama_netcfg_status", (u,))] == 2
    assert s[("ollama_netcfg_problem", (("code", "service-inactive"), u))] == 1
    assert not any(k[0] == "ollama_netcfg_ollama_info" for k in s)
    # Cannot write the file: UNKNOWN, and says why.
    r = sb.tool("check", "--prometheus", "/nonexistent/dir/x.prom")
    assert r.returncode == 3 and "/nonexistent/dir" in r.stderr, r.stderr


def curl_seconds(sb, url):
    """How long the API takes to answer a client, as curl measures it."""
    r = sb.run(["curl", "-sS", "--noproxy", "*", "-o", "/dev/null", "-w", "%{time_total}", url])
    return float(r.stdout)


@case
def check_warning_and_critical_judge_the_api_time_and_a_timeout_is_critical(sb):
    hand_edit(sb, DROPIN_DIR + "/slow.conf", "[Service]\nEnvironment=FAKE_OLLAMA_API_DELAY=0.3\n")
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    assert curl_seconds(sb, "http://127.0.0.1:11434/api/version") >= 0.3  # what a client sees
    # Within both thresholds: OK, with the thresholds in the perfdata.
    r = sb.tool("check", "-w", "2", "-c", "3")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert re.search(r"api_time=0\.3\d\ds;2;3;0;5$", r.stdout.strip()), r.stdout
    # Over -w: WARNING, named in the line.
    r = sb.tool("check", "-w", "0.1", "-c", "3")
    assert r.returncode == 1 and r.stdout.startswith("OLLAMA-NETCFG WARNING - api-slow: GET "
                                                     "http://127.0.0.1:11434/api/version took 0.3"), r.stdout
    assert "over the warning threshold of 0.1 s" in r.stdout and ";0.1;3;0;5" in r.stdout
    # Over -c: CRITICAL.
    rc, j, codes = check(sb, "--warning", "0.05", "--critical", "0.2")
    assert rc == 2 and codes == {"api-slow"} and j["problems"][0]["severity"] == "CRITICAL", j
    # -t shorter than the answer: CRITICAL (api-unreachable, timed out), not UNKNOWN.
    r = sb.tool("check", "-t", "0.1")
    assert r.returncode == 2 and "api-unreachable" in r.stdout and "timed out" in r.stdout, r.stdout
    # Bad thresholds are usage errors: UNKNOWN.
    r = sb.tool("check", "-w", "2", "-c", "1")
    assert r.returncode == 3 and "above --critical" in r.stdout, r.stdout


@case
def check_model_names_the_missing_one(sb):
    hand_edit(sb, DROPIN_DIR + "/models.conf",
              "[Service]\nEnvironment=FAKE_OLLAMA_MODELS=llama3:latest,qwen2:7b\n")
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    listed = [m["name"] for m in json.loads(sb.run(
        ["curl", "-sS", "--noproxy", "*", "http://127.0.0.1:11434/api/tags"]).stdout)["models"]]
    assert listed == ["llama3:latest", "qwen2:7b"]
    r = sb.tool("check", "--model", "llama3", "--model", "qwen2:7b")
    assert r.returncode == 0 and r.stdout.strip().endswith(" models=2;;;0"), r.stdout
    r = sb.tool("check", "--model", "llama3", "--model", "mistral")
    assert r.returncode == 2, r.stdout
    assert ("model-missing: model mistral is not on the server (it has llama3:latest, qwen2:7b)"
            in r.stdout), r.stdout
    rc, j, codes = check(sb, "--model", "qwen2")  # qwen2 is qwen2:latest, which is not there
    assert rc == 2 and codes == {"model-missing"}, j


@case
def a_check_that_cannot_finish_in_time_is_critical(sb):
    expose_ok(sb, "0.0.0.0")
    # nft hangs (a firewall tool stuck on a lock): the check ends by itself.
    # A rule with a set lookup, so that nft is asked (the kernel's rule dump
    # decides the rest without it).
    sb.run(["nft", "add", "table", "inet", "hang"])
    sb.run(["nft", "add chain inet hang input { type filter hook input priority 0; }"])
    sb.run(["nft", "add rule inet hang input tcp dport { 22, 11435 } accept"])
    sb.write("/usr/local/sbin/nft", "#!/bin/sh\nsleep 30\nexec /usr/sbin/nft \"$@\"\n")
    sb.run(["chmod", "755", "/usr/local/sbin/nft"])
    path = {"PATH": "/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"}
    try:
        t0 = time.monotonic()
        r = sb.tool("check", "-t", "0.5", env=path)
        took = time.monotonic() - t0
        assert r.returncode == 2, (r.returncode, r.stdout, r.stderr)
        assert r.stdout.startswith("OLLAMA-NETCFG CRITICAL - check-timed-out: the check did not "
                                   "finish within 1.5 s"), r.stdout
        assert took < 10, took
        j = json.loads(sb.tool("check", "-t", "0.5", "--json", env=path).stdout)
        assert j["status"] == "CRITICAL" and j["problems"][0]["code"] == "check-timed-out", j
    finally:
        sb.run(["rm", "-f", "/usr/local/sbin/nft"])
        sb.run(["pkill", "-f", "sleep 30"], check=False)
        sb.run(["nft", "delete", "table", "inet", "hang"], check=False)


@case
def prometheus_warns_about_a_name_the_collector_ignores_and_has_the_firewall_per_version(sb):
    expose_ok(sb, "0.0.0.0")
    r = sb.tool("check", "--prometheus", "/var/tmp/ollama.txt")
    assert r.returncode == 0 and "reads only files ending in .prom" in r.stderr, r.stderr
    assert sb.read("/var/tmp/ollama.txt")  # still written, as asked
    r = sb.tool("check", "--prometheus", "/var/tmp/ollama.prom")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    s = parse_prometheus(sb.read("/var/tmp/ollama.prom"))
    j = check_ok(sb)
    u = ("unit", "ollama.service")
    for family in ("ipv4", "ipv6"):
        key = ("ollama_netcfg_firewall_decision",
               (("decision", j["firewall"][family]["decision"]), ("family", family), u))
        assert s.get(key) == 1, (key, s)
    assert 0 < s[("ollama_netcfg_api_duration_seconds", (u,))] < 5
    sb.run(["rm", "-f", "/var/tmp/ollama.txt", "/var/tmp/ollama.prom"])


# --- reset -------------------------------------------------------------------

@case
def reset_removes_only_the_managed_setting(sb):
    sb.write(OVERRIDE, "[Service]\n# GPUs for Ollama\nEnvironment=CUDA_VISIBLE_DEVICES=0\n")
    expose_ok(sb, "0.0.0.0")
    r = sb.tool("reset")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert sb.read(OVERRIDE) == "[Service]\n# GPUs for Ollama\nEnvironment=CUDA_VISIBLE_DEVICES=0\n"
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    pid = main_pid(sb)
    assert "OLLAMA_HOST" not in process_env(sb, pid)
    assert [(l, p) for l, p in listeners(sb, 11434)] == [("127.0.0.1:11434", pid)]
    assert api_version(sb, "http://127.0.0.1:11434") == "0.12.6"
    check_ok(sb)
    journal = sb.run(["journalctl", "-o", "verbose", "SYSLOG_IDENTIFIER=ollama-netcfg",
                      "OLLAMA_NETCFG_ACTION=reset"]).stdout
    assert "OLLAMA_NETCFG_OLD=0.0.0.0" in journal, journal[-1500:]


@case
def reset_removes_a_drop_in_left_empty_and_is_then_a_no_op(sb):
    expose_ok(sb, "[::]")
    r = sb.tool("reset", "--json")
    assert r.returncode == 0, r.stderr
    j = json.loads(r.stdout)
    assert j["command"] == "reset" and j["old_value"] == "[::]" and j["new_value"] is None
    assert sb.read(OVERRIDE) is None
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    before = snapshot(sb)
    r = sb.tool("reset")
    assert r.returncode == 0 and "nothing changed" in r.stdout, r.stdout
    assert snapshot(sb) == before


@case
def reset_says_when_another_layer_still_sets_it(sb):
    exposed_by_hand(sb, "0.0.0.0:11438", path=DROPIN_DIR + "/10-site.conf")
    expose_ok(sb, "0.0.0.0")  # moves it into override.conf, keeps a backup
    assert sb.read(DROPIN_DIR + "/10-site.conf") is None
    exposed_by_hand(sb, "0.0.0.0:11438", path=DROPIN_DIR + "/10-site.conf")
    r = sb.tool("reset")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "10-site.conf" in r.stdout and "still set" in r.stdout, r.stdout
    assert_exposed(sb, "0.0.0.0:11438", 11438, ("*:11438",), "http://127.0.0.1:11438")


@case
def failing_reset_is_rolled_back(sb):
    expose_ok(sb, "0.0.0.0:11440")
    content = sb.read(OVERRIDE)
    # The stand-in will fail to bind the default port, and only that one.
    hand_edit(sb, DROPIN_DIR + "/fail.conf", "[Service]\nEnvironment=FAKE_OLLAMA_FAIL_PORTS=11434\n",
              restart=False)
    r = sb.tool("reset", "--timeout", "20")
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert "put back" in r.stderr, r.stderr
    assert "the previous setting is back" in r.stdout, r.stdout
    assert sb.read(OVERRIDE) == content
    assert_exposed(sb, "0.0.0.0:11440", 11440, ("*:11440",), "http://127.0.0.1:11440")


# --- until the next reboot ------------------------------------------------------

RUN_DIR = "/run/systemd/system/ollama.service.d"
RUNTIME = RUN_DIR + "/zz-ollama-netcfg-runtime.conf"


def simulate_reboot(sb):
    """What a reboot does to the configuration: /run is empty again."""
    sb.sh("rm -rf %s && systemctl daemon-reload && systemctl restart ollama" % RUN_DIR)


@case
def runtime_expose_holds_until_reboot_and_leaves_etc_alone(sb):
    try:
        expose_ok(sb, "0.0.0.0")
        persistent = sb.read(OVERRIDE)
        r = expose_ok(sb, "127.0.0.1:11445", "--runtime")
        assert "wrote %s" % RUNTIME in r.stdout, r.stdout
        assert sb.read(OVERRIDE) == persistent  # the persistent configuration is untouched
        assert sb.read(RUNTIME) == '[Service]\nEnvironment="OLLAMA_HOST=127.0.0.1:11445"\n'
        assert_exposed(sb, "127.0.0.1:11445", 11445, ("127.0.0.1:11445",),
                       "http://127.0.0.1:11445")
        # status shows the runtime layer winning; check warns it will not last.
        j = json.loads(sb.tool("status", "--json").stdout)
        win = [l for l in j["layers"] if l["in_effect"]]
        assert [l["path"] for l in win] == [RUNTIME], j["layers"]
        assert "[runtime]" in sb.tool("status").stdout
        rc, j, codes = check(sb)
        assert rc == 1 and codes == {"runtime-only"}, j["problems"]
        p = [p for p in j["problems"] if p["code"] == "runtime-only"][0]
        assert '(then: OLLAMA_HOST="0.0.0.0")' in p["message"], p
        assert "expose 127.0.0.1:11445" in p["advice"], p
        # A no-op rerun changes nothing; JSON and the journal say the same.
        before = snapshot(sb)
        expose_ok(sb, "127.0.0.1:11445", "--runtime")
        assert snapshot(sb)["invocation"] == before["invocation"]
        # Plain reset says the runtime setting still decides.
        r = sb.tool("reset", "--dry-run")
        assert "reset --runtime" in r.stdout, r.stdout
        # A reboot: the service is back on its persistent address.
        simulate_reboot(sb)
        wait_listening(sb, 11434, WILDCARD)
        assert_exposed(sb, "0.0.0.0", 11434, WILDCARD, "http://127.0.0.1:11434")
        check_ok(sb)
        # Again, then reset --runtime: back to the persistent value now.
        expose_ok(sb, "127.0.0.1:11445", "--runtime")
        r = sb.tool("reset", "--runtime")
        assert r.returncode == 0 and "removed %s" % RUNTIME in r.stdout, (r.stdout, r.stderr)
        assert sb.read(RUNTIME) is None and sb.read(OVERRIDE) == persistent
        assert_exposed(sb, "0.0.0.0", 11434, WILDCARD, "http://127.0.0.1:11434")
        # A persistent expose over a runtime one makes it stay: the runtime file goes.
        expose_ok(sb, "127.0.0.1:11445", "--runtime")
        r = expose_ok(sb, "127.0.0.1:11445")
        assert sb.read(RUNTIME) is None, r.stdout
        assert 'Environment="OLLAMA_HOST=127.0.0.1:11445"' in sb.read(OVERRIDE)
        check_ok(sb)
        simulate_reboot(sb)
        wait_listening(sb, 11445, ("127.0.0.1:11445",))
        check_ok(sb)
    finally:
        sb.run(["rm", "-rf", RUN_DIR])


@case
def runtime_expose_rolls_back_and_is_journaled(sb):
    try:
        expose_ok(sb, "0.0.0.0")
        hand_edit(sb, DROPIN_DIR + "/fail.conf",
                  "[Service]\nEnvironment=FAKE_OLLAMA_FAIL_PORTS=11448\n")
        wait_listening(sb, 11434, WILDCARD)
        r = sb.tool("expose", "127.0.0.1:11448", "--runtime", "--timeout", "10")
        assert r.returncode == 1, (r.stdout, r.stderr)
        assert sb.read(RUNTIME) is None  # the new file is gone again
        wait_listening(sb, 11434, WILDCARD)
        assert_exposed(sb, "0.0.0.0", 11434, WILDCARD, "http://127.0.0.1:11434")
        sb.run(["rm", "-f", DROPIN_DIR + "/fail.conf"])
        sb.run(["systemctl", "daemon-reload"])
        expose_ok(sb, "127.0.0.1:11449", "--runtime")
        out = sb.run(["journalctl", "-o", "verbose", "SYSLOG_IDENTIFIER=ollama-netcfg"]).stdout
        assert "OLLAMA_NETCFG_FILE=" + RUNTIME in out, out[-2000:]
        assert "OLLAMA_NETCFG_NEW=127.0.0.1:11449" in out, out[-2000:]
    finally:
        sb.run(["rm", "-rf", RUN_DIR, DROPIN_DIR + "/fail.conf"])


@case
def runtime_expose_dry_run_and_json(sb):
    try:
        r = sb.tool("expose", "0.0.0.0:11446", "--runtime", "--dry-run", "--json")
        j = json.loads(r.stdout)
        assert r.returncode == 0 and j["drop_in"] == RUNTIME and j["dry_run"], j
        assert j["diffs"] and "+++ b%s" % RUNTIME in j["diffs"][0], j["diffs"]
        assert sb.read(RUNTIME) is None
        r = sb.tool("expose", "0.0.0.0", "--runtime", "--root", "/")
        assert r.returncode == 2 and "--runtime and --root" in r.stderr, r.stderr
    finally:
        sb.run(["rm", "-rf", RUN_DIR])


# --- an `ollama serve` outside the service ------------------------------------

def start_by_hand(sb, host):
    """The guide's "method 3": `OLLAMA_HOST=... ollama serve` from a shell (as
    user nobody here), the shell staying its parent."""
    return subprocess.Popen(
        ["nsenter", "-t", str(sb.leader), "-a", "runuser", "-u", "nobody", "--", "sh", "-c",
         "OLLAMA_HOST=%s /usr/local/bin/ollama serve; true" % host],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@case
def ollama_serve_started_by_hand_is_named_and_expose_refuses(sb):
    hand = None
    try:
        sb.run(["systemctl", "stop", UNIT])
        hand = start_by_hand(sb, "0.0.0.0")
        wait_listening(sb, 11434, WILDCARD)
        pid = [p for _, p in listeners(sb, 11434)][0]
        shell = int(sb.run(["ps", "-o", "ppid=", "-p", str(pid)]).stdout)
        assert sb.run(["ps", "-o", "comm=", "-p", str(shell)]).stdout.strip() == "sh"
        # The service, started now, cannot bind and keeps restarting.
        sb.run(["systemctl", "start", UNIT], check=False)
        sb.wait_until(lambda: sb.show(UNIT, "NRestarts") not in ("", "0"),
                      what="the service to fail its bind and restart")
        journal = sb.run(["journalctl", "-u", UNIT, "-o", "cat", "--no-pager"]).stdout
        assert "address already in use" in journal, journal[-2000:]
        rc, j, codes = check(sb)
        assert rc == 2 and "foreign-server" in codes and "port-in-use" not in codes, j["problems"]
        p = [p for p in j["problems"] if p["code"] == "foreign-server"][0]
        assert p["severity"] == "CRITICAL", p
        assert ("PID %d, user nobody, parent sh (PID %d)" % (pid, shell)) in p["message"], p
        assert 'OLLAMA_HOST="0.0.0.0"' in p["message"] and "listening on *:11434" in p["message"]
        assert "it answers: version 0.12.6" in p["message"] and "keeps restarting" in p["message"]
        assert "kill %d" % pid in p["advice"], p
        # expose's preflight names it the same way, and changes nothing.
        before = sb.read(OVERRIDE)
        r = sb.tool("expose", "0.0.0.0")
        assert r.returncode == 1, (r.stdout, r.stderr)
        assert ("*:11434 is already held by an `ollama serve` outside ollama.service (PID %d, "
                "user nobody, parent sh (PID %d)" % (pid, shell)) in r.stderr, r.stderr
        assert sb.read(OVERRIDE) == before
        # On another port it does not stop the service: a warning, still named.
        hand.kill()
        hand.wait()
        sb.run(["kill", str(pid)], check=False)
        hand = start_by_hand(sb, "127.0.0.1:11447")
        wait_listening(sb, 11447, ("127.0.0.1:11447",))
        sb.run(["systemctl", "restart", UNIT])
        wait_listening(sb, 11434, ("127.0.0.1:11434",))
        rc, j, codes = check(sb)
        assert rc == 1 and codes == {"foreign-server"}, j["problems"]
        p = [p for p in j["problems"] if p["code"] == "foreign-server"][0]
        assert p["severity"] == "WARNING" and 'OLLAMA_HOST="127.0.0.1:11447"' in p["message"], p
        other = [p for _, p in listeners(sb, 11447)][0]
        assert [(s["pid"], s["user"], s["endpoints"], s["holds_wanted_address"], s["answers"])
                for s in j["foreign_servers"]] == \
            [(other, "nobody", ["127.0.0.1:11447"], False, True)], j["foreign_servers"]
        text = sb.tool("status").stdout
        assert "other ollama serve: PID %d, user nobody, parent sh" % other in text, text
    finally:
        if hand:
            hand.kill()
            hand.wait()
        sb.sh("pkill -u nobody -f 'ollama serve'; true")
        restore(sb)


# --- lines systemd ignores ---------------------------------------------------

GUIDE_CONF = DROPIN_DIR + "/guide.conf"
TYPOGRAPHIC = "[Service]\n# pasted from a web page\nEnvironment=\u201cOLLAMA_HOST=0.0.0.0\u201d\n"


@case
def typographic_quotes_are_ignored_by_systemd_and_expose_replaces_them(sb):
    hand_edit(sb, GUIDE_CONF, TYPOGRAPHIC)
    # systemd itself ignores the word: not in the unit's environment, and it says so.
    assert "OLLAMA_HOST" not in unit_env(sb), unit_env(sb)
    journal = sb.run(["journalctl", "-b", "-o", "cat", "--no-pager", "-g",
                      "Invalid environment assignment"], check=False).stdout
    assert "guide.conf" in journal or "\u201cOLLAMA_HOST" in journal, journal
    # `systemctl restart` returns once the process is started, not listening.
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    assert listeners(sb, 11434) == [("127.0.0.1:11434", main_pid(sb))]
    rc, j, codes = check(sb, "--expect", "0.0.0.0")
    assert rc == 2 and "ignored-assignment" in codes and "unexpected-address" in codes, j
    p = [p for p in j["problems"] if p["code"] == "ignored-assignment"][0]
    assert p["severity"] == "WARNING", p
    assert ("%s line 3: systemd ignores `\u201cOLLAMA_HOST=0.0.0.0\u201d`" % GUIDE_CONF
            in p["message"]) and "typographic quotes" in p["message"], p
    # Without --expect it is still a warning: the admin meant something.
    rc, j, codes = check(sb)
    assert rc == 1 and codes == {"ignored-assignment"}, (rc, codes)
    # expose takes the broken word out of the drop-in (the admin's comment stays,
    # a copy is kept) and says so.
    r = expose_ok(sb, "0.0.0.0")
    assert "removed `\u201cOLLAMA_HOST=0.0.0.0\u201d` from %s line 3, which systemd ignored" \
        % GUIDE_CONF in r.stdout, r.stdout
    assert sb.read(GUIDE_CONF) == "[Service]\n# pasted from a web page\n", sb.read(GUIDE_CONF)
    assert_exposed(sb, "0.0.0.0", 11434, WILDCARD, "http://127.0.0.1:11434")
    check_ok(sb, "--expect", "0.0.0.0")


@case
def a_unit_at_its_start_limit_is_still_changed_and_it_is_said(sb):
    """Restarted StartLimitBurst= times within StartLimitIntervalSec= (by
    hand, or by earlier changes: since systemd 255 a daemon-reload keeps the
    count), systemd refuses the next start. expose's own restart resets the
    count, as `systemctl reset-failed` does, says so, and Ollama serves; the
    rollback of a failing value does the same and the old value serves."""
    for _ in range(8):
        sb.run(["systemctl", "restart", UNIT], check=False)
    assert sb.show(UNIT, "Result") == "start-limit-hit", sb.show(UNIT, "Result")
    r = expose_ok(sb, "0.0.0.0:11461")
    said = ("ollama.service had reached its start limit (StartLimitBurst= starts within "
            "StartLimitIntervalSec=); reset it, as `systemctl reset-failed` does") in r.stdout
    # Before systemd 255 the expose's own daemon-reload reset the count.
    version = int(sb.run(["systemctl", "--version"]).stdout.split()[1])
    assert said == (version >= 255), (version, r.stdout)
    assert api_version(sb, "http://127.0.0.1:11461") is not None
    # Again at the limit, a port the stand-in fails on: the rollback's
    # restart comes after Restart=always has spent the count again.
    sb.write(FIXTURE_CONF, "[Service]\nEnvironment=FAKE_OLLAMA_FAIL_PORTS=11463\n")
    sb.run(["systemctl", "daemon-reload"])
    for _ in range(8):
        sb.run(["systemctl", "restart", UNIT], check=False)
    r = sb.tool("expose", "0.0.0.0:11463", "--timeout", "10")
    assert r.returncode == 1 and "did not come up" in r.stderr, (r.stdout, r.stderr)
    assert "put back" in r.stderr and "FAILED" not in r.stderr, r.stderr
    assert sb.read(OVERRIDE) == '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:11461"\n'
    assert api_version(sb, "http://127.0.0.1:11461") is not None


if __name__ == "__main__":
    run(setup=setup, teardown_each=restore)
