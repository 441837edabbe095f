#!/usr/bin/env python3
"""After the next reboot: what status and check say about the unit's
enablement, the address Ollama must bind, and whether the unit tries again
when that bind fails, each set up as it is at boot (the address missing,
the unit failing) and checked against what serves; then real reboots (the
container's systemd shuts down and boots again on the same root), each
checked by a client host over IPv4 and IPv6."""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import case, run  # noqa: E402
from checks import (FIXTURE_CONF, OVERRIDE, UNIT, add_dual_stack_client, check,  # noqa: E402
                    client_gets_version, expose_ok, restore, wait_listening)

LATE = "192.0.2.55"  # a documentation address, on an interface of the test's own


def add_late_address(sb):
    """The address an interface brings up after Ollama has started (at
    boot: NetworkManager, Docker, WireGuard...): a veth pair here."""
    sb.sh("ip link show late0 >/dev/null 2>&1 || "
          "{ ip link add late0 type veth peer name late1 && ip link set late1 up && "
          "ip link set late0 up; }; ip addr replace %s/24 dev late0" % LATE)


def remove_late_address(sb):
    sb.sh("ip addr del %s/24 dev late0" % LATE)


def serves(sb):
    r = sb.run(["curl", "-sS", "--noproxy", "*", "-m", "3",
                "http://%s:11434/api/version" % LATE], check=False)
    return r.returncode == 0 and '"version"' in r.stdout


def problem(j, code):
    found = [p for p in j["problems"] if p["code"] == code]
    return found[0] if found else None


GIVES_UP = "[Service]\nRestart=on-failure\nRestartPreventExitStatus=1\n"  # as packages write it


def down_for_good_then_the_advice(sb):
    """The unit (GIVES_UP) failed on the missing address: the address
    comes up and nothing tries again; then the drop-in lines
    no-retry-at-boot advises, and Ollama serves with no problem left."""
    sb.wait_until(lambda: sb.show(UNIT, "ActiveState") == "failed", what="the failed bind")
    rc, j, codes = check(sb)
    assert rc == 2 and codes == {"address-not-assigned"}, j["problems"]
    assert ("and does not try again (Restart=on-failure, RestartPreventExitStatus= has 1)"
            in problem(j, "address-not-assigned")["message"]), j["problems"]
    add_late_address(sb)
    assert sb.show(UNIT, "ActiveState") == "failed" and not serves(sb)
    sb.write(FIXTURE_CONF, GIVES_UP + "RestartPreventExitStatus=\nRestartSec=3\n")
    sb.run(["systemctl", "daemon-reload"])
    sb.run(["systemctl", "restart", UNIT])
    sb.wait_until(lambda: serves(sb), what="Ollama on the late address")
    rc, j, codes = check(sb)
    assert rc == 0 and not codes, j["problems"]


def clean(sb):
    sb.sh("systemctl disable --now %s 2>/dev/null; rm -f /etc/systemd/system/%s; "
          "ip netns del late 2>/dev/null; "
          "ip link del late0 2>/dev/null; ip netns del c1 2>/dev/null; ip link del c1-s 2>/dev/null; "
          "systemctl disable --now firewalld.service 2>/dev/null; "
          "ln -sf /dev/null /etc/systemd/system/firewalld.service; "
          "rm -rf /etc/firewalld/zones/*.xml*; ufw --force reset >/dev/null 2>&1; "
          "ufw --force disable >/dev/null 2>&1; systemctl disable ufw.service 2>/dev/null; "
          "ln -sf /dev/null /etc/systemd/system/ufw.service; "
          "systemctl disable nftables.service 2>/dev/null; "
          "ln -sf /dev/null /etc/systemd/system/nftables.service; "
          "[ -f /etc/nftables.conf.netcfg ] && mv /etc/nftables.conf.netcfg /etc/nftables.conf; "
          "nft flush ruleset; "
          "rm -rf /var/lib/ollama-netcfg; systemctl daemon-reload; "
          "true" % (LATE_UNIT, LATE_UNIT))
    restore(sb)


@case
def a_disabled_unit_is_said_to_serve_nothing_after_the_next_reboot(sb):
    assert sb.show(UNIT, "UnitFileState") == "enabled"
    sb.run(["systemctl", "disable", UNIT])
    rc, j, codes = check(sb)
    p = problem(j, "service-disabled")
    assert rc == 1 and codes == {"service-disabled"} and p["severity"] == "WARNING", j["problems"]
    assert p["message"] == ("ollama.service is disabled: systemd does not start it at boot, so "
                            "after the next reboot nothing serves 127.0.0.1:11434"), p
    assert p["advice"] == "`systemctl enable ollama.service`", p
    # Enabled until the next reboot only: the same.
    sb.run(["systemctl", "enable", "--runtime", UNIT])
    rc, j, codes = check(sb)
    assert "ollama.service is enabled-runtime" in problem(j, "service-disabled")["message"]
    sb.run(["systemctl", "disable", "--runtime", UNIT])
    sb.run(["systemctl", "enable", UNIT])
    rc, j, codes = check(sb)
    assert rc == 0 and not codes, j["problems"]


@case
def an_address_on_no_interface_is_named_with_the_bind_error_until_it_comes_up(sb):
    add_late_address(sb)
    expose_ok(sb, LATE)
    assert serves(sb)
    # As at boot: the address is not there when Ollama starts.
    remove_late_address(sb)
    sb.run(["systemctl", "restart", UNIT])
    sb.wait_until(lambda: sb.show(UNIT, "NRestarts") not in ("", "0"), what="a retry")
    rc, j, codes = check(sb)
    p = problem(j, "address-not-assigned")
    assert rc == 2 and codes == {"address-not-assigned"}, j["problems"]
    assert p["message"].startswith("no interface of this host has 192.0.2.55, so Ollama cannot "
                                   "listen on 192.0.2.55:11434 (journal: "), p
    assert "bind: cannot assign requested address" in p["message"], p
    assert re.search(r"\); [1-9]\d* failed binds? since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d ",
                     p["message"]), p
    assert "and tries again every 3 s (Restart=always)" in p["message"], p
    assert "bring 192.0.2.55 up on its interface" in p["advice"], p
    assert "`ollama-netcfg expose 0.0.0.0:11434`" in p["advice"], p
    text = sb.tool("check").stdout
    assert text.startswith("OLLAMA-NETCFG CRITICAL - address-not-assigned: "), text
    # The address comes up: the unit's next try serves it, and check says OK.
    add_late_address(sb)
    sb.wait_until(lambda: serves(sb), timeout=15, what="Ollama on the late address")
    rc, j, codes = check(sb)
    assert rc == 0 and not codes, j["problems"]


@case
def a_unit_that_does_not_retry_is_warned_of_and_stays_down_as_said(sb):
    sb.write(FIXTURE_CONF, GIVES_UP)
    add_late_address(sb)
    expose_ok(sb, LATE)
    rc, j, codes = check(sb)
    p = problem(j, "no-retry-at-boot")
    assert rc == 1 and codes == {"no-retry-at-boot"}, j["problems"]
    assert p["message"] == (
        "Ollama must bind 192.0.2.55, which its interface may bring up only after "
        "ollama.service starts at boot; that bind then fails, Ollama exits with status 1 and "
        "ollama.service does not try again (Restart=on-failure, RestartPreventExitStatus= has "
        "1)"), p
    assert "`Restart=on-failure`, `RestartSec=3` and `RestartPreventExitStatus=` (empty)" in \
        p["advice"], p
    # What it warned of: without the address at start, Ollama stays down.
    remove_late_address(sb)
    sb.run(["systemctl", "restart", UNIT])
    down_for_good_then_the_advice(sb)


# --- real reboots ------------------------------------------------------------

RUNTIME = "/run/systemd/system/ollama.service.d/zz-ollama-netcfg-runtime.conf"


def after_reboot(sb):
    """Reboots; then, as the network comes up at boot, the client host."""
    sb.reboot()
    add_dual_stack_client(sb)


@case
def reboot_an_exposure_serves_and_a_runtime_value_is_gone(sb):
    expose_ok(sb, "0.0.0.0")
    expose_ok(sb, "127.0.0.1:11435", "--runtime")
    rc, j, codes = check(sb)
    assert codes == {"runtime-only"}, j["problems"]
    add_dual_stack_client(sb)
    assert client_gets_version(sb, 11434) == {"-4": False, "-6": False}
    after_reboot(sb)
    wait_listening(sb, 11434, ("*:11434",))
    assert client_gets_version(sb, 11434) == {"-4": True, "-6": True}
    assert sb.read(RUNTIME) is None and 'OLLAMA_HOST=0.0.0.0"' in sb.read(OVERRIDE)
    rc, j, codes = check(sb)
    assert rc == 0 and not codes and j["in_effect"] == "0.0.0.0", j["problems"]


@case
def reboot_a_disabled_unit_serves_nothing_as_said(sb):
    expose_ok(sb, "0.0.0.0")
    sb.run(["systemctl", "disable", UNIT])
    add_dual_stack_client(sb)
    assert client_gets_version(sb, 11434) == {"-4": True, "-6": True}
    rc, j, codes = check(sb)
    assert codes == {"service-disabled"}, j["problems"]
    after_reboot(sb)
    assert sb.show(UNIT, "ActiveState") == "inactive"
    assert client_gets_version(sb, 11434) == {"-4": False, "-6": False}
    rc, j, codes = check(sb)
    assert rc == 2 and codes == {"service-inactive", "service-disabled"}, j["problems"]


@case
def reboot_a_unit_that_gives_up_is_down_until_it_may_try_again(sb):
    """The late address comes up a moment after boot, as an interface
    manager brings it: a unit that does not retry stays down, as check said
    before the reboot; with the advice's drop-in lines it serves."""
    sb.write(FIXTURE_CONF, GIVES_UP)
    add_late_address(sb)
    expose_ok(sb, LATE)
    assert codes_of(sb) == {"no-retry-at-boot"}
    sb.reboot()
    down_for_good_then_the_advice(sb)
    sb.reboot()
    rc, j, codes = check(sb)
    assert "address-not-assigned" in codes and "tries again every 3 s" in \
        problem(j, "address-not-assigned")["message"], j["problems"]
    add_late_address(sb)
    sb.wait_until(lambda: serves(sb), what="Ollama on the late address after its retry")
    assert codes_of(sb) == set()


# A unit of the test's own that brings the late address up a few seconds
# into the boot, as an interface manager does, with a client host on the
# other end of the link.
LATE_UNIT = "late-address.service"
LATE_UNIT_FILE = """[Unit]
Description=The late address, a few seconds into the boot

[Service]
Type=oneshot
RemainAfterExit=yes
ExecStart=/bin/sh -c 'sleep 3; ip netns add late && ip link add late0 type veth peer name late1 && \\
  ip link set late1 netns late && ip -n late addr add 192.0.2.56/24 dev late1 && \\
  ip -n late link set late1 up && ip addr add 192.0.2.55/24 dev late0 && ip link set late0 up'

[Install]
WantedBy=multi-user.target
"""


def late_client_sees(sb):
    r = sb.run(["ip", "netns", "exec", "late", "curl", "-4", "-sS", "--noproxy", "*", "-m", "3",
                "http://%s:11434/api/version" % LATE], check=False)
    return r.returncode == 0 and '"version"' in r.stdout


@case
def reboot_a_late_address_serves_once_expose_orders_ollama_after_its_unit(sb):
    """Without a known owner the tool says so and names --after; the unit
    that gives up is down after the reboot; with --after the drop-in orders
    Ollama after the late unit, and it serves after the next reboot, to a
    client host at the other end of the late link. reset takes out exactly
    the lines it added."""
    sb.write("/etc/systemd/system/" + LATE_UNIT, LATE_UNIT_FILE)
    sb.write(FIXTURE_CONF, GIVES_UP)
    sb.run(["systemctl", "daemon-reload"])
    sb.run(["systemctl", "enable", "--now", LATE_UNIT])
    r = expose_ok(sb, LATE)
    assert ("note: no unit this tool knows brings up late0 (192.0.2.55) at boot; if one does, "
            "add --after UNIT so that Ollama starts after it") in r.stdout, r.stdout
    assert "at boot:" not in r.stdout and "[Unit]" not in sb.read(OVERRIDE), r.stdout
    sb.reboot()
    sb.wait_until(lambda: sb.show(UNIT, "ActiveState") == "failed", what="the failed bind")
    assert sb.show(LATE_UNIT, "ActiveState") == "active" and not late_client_sees(sb)
    rc, j, codes = check(sb)
    assert codes == {"address-not-assigned", "no-retry-at-boot"} or \
        codes == {"service-inactive", "no-retry-at-boot"}, j["problems"]

    before = sb.read(OVERRIDE)
    r = sb.tool("expose", LATE, "--after", "late-address", "--json")
    assert r.returncode == 0, (r.stdout, r.stderr)
    j = json.loads(r.stdout)
    assert j["ordering"] == {"after": [LATE_UNIT], "removed": [], "why": "named with --after"}, j
    assert sb.read(OVERRIDE) == ("[Unit]\nAfter=late-address.service\n"
                                 "Wants=late-address.service\n\n" + before), sb.read(OVERRIDE)
    assert late_client_sees(sb)
    st = json.loads(sb.tool("status", "--json").stdout)
    assert {"unit": LATE_UNIT, "wanted": True} in st["boot"]["after"], st["boot"]
    boot = [l for l in sb.tool("status").stdout.splitlines() if l.startswith("at boot:")]
    # After= is a set: systemd lists it in no fixed order.
    assert boot and "network-online.target (no Wants=)" in boot[0] and \
        "late-address.service" in boot[0] and "late-address.service (" not in boot[0], boot
    # A rerun changes nothing, and does not restart.
    pid = sb.show(UNIT, "MainPID")
    r = sb.tool("expose", LATE, "--after", LATE_UNIT)
    assert "nothing changed" in r.stdout and sb.show(UNIT, "MainPID") == pid, r.stdout
    assert "  at boot: after late-address.service (After=, Wants=): named with --after" in \
        r.stdout, r.stdout

    sb.reboot()
    sb.wait_until(lambda: late_client_sees(sb), timeout=30,
                  what="Ollama on the late address after the reboot")
    assert sb.show(UNIT, "NRestarts") == "0"
    rc, j, codes = check(sb)
    assert codes == {"no-retry-at-boot"}, j["problems"]  # still true of the Restart= lines

    r = sb.tool("reset", "--json")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert json.loads(r.stdout)["ordering"]["removed"] == [LATE_UNIT]
    assert sb.read(OVERRIDE) is None and sb.read("/var/lib/ollama-netcfg/ordering.json") is None


def unmask_and_enable(sb, unit):
    """As the package leaves it (the sandbox masks firewalls by default)."""
    sb.sh("rm -f /etc/systemd/system/%s && systemctl daemon-reload && systemctl enable %s"
          % (unit, unit))


def closed_then_opened(sb, ran):
    """Exposed, the firewall keeps the client host out; --open-firewall
    runs `ran` and lets it in over IPv4 and IPv6."""
    add_dual_stack_client(sb)
    expose_ok(sb, "0.0.0.0")
    assert client_gets_version(sb, 11434) == {"-4": False, "-6": False}
    r = expose_ok(sb, "0.0.0.0", "--open-firewall")
    assert ran in r.stdout, r.stdout
    assert client_gets_version(sb, 11434) == {"-4": True, "-6": True}


@case
def reboot_ufw_keeps_the_opening_and_both_kinds_of_client_still_get_in(sb):
    unmask_and_enable(sb, "ufw.service")
    sb.sh("ufw default deny incoming >/dev/null && ufw --force enable >/dev/null")
    closed_then_opened(sb, "ran: ufw allow proto tcp from any to any port 11434")
    after_reboot(sb)
    wait_listening(sb, 11434, ("*:11434",))
    assert "Status: active" in sb.run(["ufw", "status"]).stdout
    assert client_gets_version(sb, 11434) == {"-4": True, "-6": True}
    rc, j, codes = check(sb)
    assert rc == 0 and not codes, j["problems"]
    fw = j["firewall"]
    assert fw["backend"] == "ufw" and fw["ipv4"]["decision"] == fw["ipv6"]["decision"] == \
        "accepted", fw
    # The default deny is in force after the reboot: reset closes the port again.
    expose_ok(sb, "0.0.0.0")
    assert sb.tool("reset").returncode == 0
    expose_ok(sb, "0.0.0.0")
    assert client_gets_version(sb, 11434) == {"-4": False, "-6": False}


@case
def reboot_firewalld_keeps_the_opening_and_both_kinds_of_client_still_get_in(sb):
    unmask_and_enable(sb, "firewalld.service")
    sb.run(["systemctl", "start", "firewalld"])
    sb.wait_until(lambda: sb.run(["firewall-cmd", "--state"], check=False).returncode == 0,
                  what="firewalld")
    closed_then_opened(sb, "ran: firewall-cmd --permanent")
    after_reboot(sb)
    sb.wait_until(lambda: sb.run(["firewall-cmd", "--state"], check=False).returncode == 0,
                  what="firewalld after the reboot")
    wait_listening(sb, 11434, ("*:11434",))
    assert client_gets_version(sb, 11434) == {"-4": True, "-6": True}
    rc, j, codes = check(sb)
    assert rc == 0 and not codes, j["problems"]
    assert sb.tool("reset").returncode == 0
    expose_ok(sb, "0.0.0.0")
    assert client_gets_version(sb, 11434) == {"-4": False, "-6": False}


NFT_CONF = """#!/usr/sbin/nft -f
flush ruleset
table inet filter {
    chain input {
        type filter hook input priority filter; policy drop;
        iif lo accept
        ct state established,related accept
        meta l4proto ipv6-icmp accept
    }
}
"""
NFT_RULE = "nft insert rule inet filter input tcp dport 11434 accept"


@case
def reboot_a_plain_nftables_rule_lasts_only_where_the_tool_says(sb):
    """Plain nftables (the admin's /etc/nftables.conf, loaded at boot):
    --open-firewall changes nothing and exits 1 with the rule and what
    keeps it after a reboot. The rule alone opens the port until the
    reboot; written into /etc/nftables.conf it is open after it, each time
    as check says and a client host sees over IPv4 and IPv6."""
    sb.sh("cp /etc/nftables.conf /etc/nftables.conf.netcfg")
    sb.write("/etc/nftables.conf", NFT_CONF)
    unmask_and_enable(sb, "nftables.service")
    sb.run(["systemctl", "restart", "nftables.service"])
    add_dual_stack_client(sb)
    r = sb.tool("expose", "0.0.0.0", "--open-firewall")
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert ("run: sudo %s; the rule lasts until the next reboot unless it is also in "
            "/etc/nftables.conf, which nftables.service loads at boot" % NFT_RULE) in r.stderr, \
        r.stderr
    assert client_gets_version(sb, 11434) == {"-4": False, "-6": False}
    sb.sh(NFT_RULE)
    assert client_gets_version(sb, 11434) == {"-4": True, "-6": True}
    rc, j, codes = check(sb)
    assert rc == 0 and not codes, j["problems"]
    after_reboot(sb)
    wait_listening(sb, 11434, ("*:11434",))
    assert client_gets_version(sb, 11434) == {"-4": False, "-6": False}
    rc, j, codes = check(sb)
    assert "firewall-blocks" in codes, j["problems"]
    sb.write("/etc/nftables.conf", NFT_CONF.replace(
        "iif lo accept", "iif lo accept\n        tcp dport 11434 accept"))
    after_reboot(sb)
    wait_listening(sb, 11434, ("*:11434",))
    assert client_gets_version(sb, 11434) == {"-4": True, "-6": True}
    rc, j, codes = check(sb)
    assert rc == 0 and not codes, j["problems"]


def codes_of(sb):
    rc, j, codes = check(sb)
    return codes


if __name__ == "__main__":
    run(setup=clean, teardown_each=clean)
