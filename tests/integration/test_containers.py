#!/usr/bin/env python3
"""Containers as clients of the host's Ollama, with Docker (docker.io from
Debian) inside the real-systemd sandbox: a container started with
--add-host=host.docker.internal:host-gateway asks `ollama -v` (the
stand-in is server and client, like the real `ollama`, and runs from an
image made with `docker import`), on docker0 and on a user-defined network
(br-...), and the tool's verdict for each network must be what that
container sees."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import case, run  # noqa: E402
from checks import (OVERRIDE, UNIT, add_client_host, check, expose_ok,  # noqa: E402
                    restore)

DOCKER = "/usr/bin/docker"
NETWORK = "netcfg-web"  # a user-defined network, as compose makes one


def docker(sb, *args, check=True):
    return sb.run([DOCKER] + list(args), check=check, timeout=120)


def setup(sb):
    restore(sb)
    sb.run(["systemctl", "start", "docker.service"])
    sb.wait_until(lambda: docker(sb, "info", check=False).returncode == 0, what="dockerd")
    # The image: the static stand-in alone, from a tarball (no registry).
    sb.sh("mkdir -p /var/tmp/img/usr/bin /var/tmp/img/tmp && "
          "cp /usr/local/bin/ollama /var/tmp/img/usr/bin/ollama && "
          "tar -C /var/tmp/img -c . | %s import -c 'ENTRYPOINT [\"/usr/bin/ollama\"]' - "
          "local/ollama >/dev/null" % DOCKER)
    docker(sb, "network", "create", "--subnet", "172.30.0.0/24", NETWORK)


def container_sees(sb, network=None):
    """`ollama -v` in a container, as Open WebUI's compose files set it up."""
    args = ["run", "--rm", "--add-host=host.docker.internal:host-gateway", "-e",
            "OLLAMA_HOST=http://host.docker.internal:11434"]
    if network:
        args += ["--network", network]
    r = docker(sb, *args, "local/ollama", "-v", check=False)
    return r.returncode == 0 and "ollama version is" in r.stdout


def bridge_of(sb, network):
    """The host interface of a Docker network."""
    if network is None:
        return "docker0"
    net_id = docker(sb, "network", "inspect", "-f", "{{.Id}}", network).stdout.strip()
    return "br-" + net_id[:12]


def verdicts(sb):
    """{interface: can_connect} as status --json says, and the problems."""
    rc, j, codes = check(sb)
    return {b["interface"]: b["can_connect"] for b in j["bridges"]}, j, codes


def wait_ruleset_settled(sb):
    """After `firewall-cmd --reload`, dockerd (told over D-Bus) puts its
    chains and bridges back a moment later, slower on a loaded machine: wait
    until the ruleset stays the same over a few reads in a row, so that the
    tool and the containers are asked about the same rules."""
    seen = []

    def same_three_times():
        seen.append(sb.run(["sh", "-c", "nft list ruleset | md5sum"]).stdout)
        return len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]

    sb.wait_until(same_three_times, timeout=30, what="the ruleset to settle after a reload")


def assert_tool_matches_containers(sb):
    said, j, codes = verdicts(sb)
    for network in (None, NETWORK):
        iface = bridge_of(sb, network)
        seen = container_sees(sb, network)
        assert said.get(iface) == seen, (iface, said, seen, j["bridges"])
    return said, j, codes


def clean(sb):
    sb.sh("systemctl disable docker-later.service 2>/dev/null; rm -f %s %s; "
          "systemctl daemon-reload; systemctl start docker.service; "
          "ufw --force reset >/dev/null 2>&1; ufw --force disable >/dev/null 2>&1; "
          "rm -rf /var/lib/ollama-netcfg; true" % (SLOW_DOCKER, DOCKER_LATER))
    restore(sb)


@case
def loopback_only_containers_cannot_reach_and_it_is_info(sb):
    said, j, codes = assert_tool_matches_containers(sb)
    assert said == {"docker0": False, bridge_of(sb, NETWORK): False}, said
    p = [p for p in j["problems"] if p["code"] == "containers-cannot-reach"]
    assert p and p[0]["severity"] == "INFO", j["problems"]
    assert "172.17.0.1" in p[0]["advice"], p


@case
def exposed_without_a_firewall_containers_on_both_networks_reach_it(sb):
    r = expose_ok(sb, "0.0.0.0")
    assert "ok   container containers on docker0 reach it at http://172.17.0.1:11434" in r.stdout
    said, j, codes = assert_tool_matches_containers(sb)
    assert all(said.values()), said
    assert "containers-cannot-reach" not in {p["code"] for p in j["problems"]}


@case
def behind_ufw_deny_containers_are_dropped_and_the_warning_names_the_rule(sb):
    expose_ok(sb, "0.0.0.0")
    sb.sh("ufw default deny incoming >/dev/null && ufw allow proto tcp to any port 11434 "
          "from 192.0.2.0/24 >/dev/null && ufw --force enable >/dev/null")
    said, j, codes = assert_tool_matches_containers(sb)
    assert not any(said.values()), said
    ps = [p for p in j["problems"] if p["code"] == "containers-cannot-reach"]
    assert len(ps) == 2 and all(p["severity"] == "WARNING" for p in ps), j["problems"]
    assert "ufw default incoming policy deny" in ps[0]["message"], ps
    assert "ufw allow in on docker0" in ps[0]["advice"], ps
    assert "--for-containers" in ps[0]["advice"], ps


@case
def open_firewall_for_containers_lets_them_in_and_reset_takes_it_out(sb):
    expose_ok(sb, "0.0.0.0")
    sb.sh("ufw default deny incoming >/dev/null && ufw --force enable >/dev/null")
    r = sb.tool("expose", "0.0.0.0", "--open-firewall", "--from", "192.0.2.0/24",
                "--for-containers")
    assert r.returncode == 0, (r.stdout, r.stderr)
    br = bridge_of(sb, NETWORK)
    for iface in ("docker0", br):
        assert "ran: ufw allow in on %s proto tcp to any port 11434" % iface in r.stdout, r.stdout
    said, j, codes = assert_tool_matches_containers(sb)
    assert all(said.values()) and not codes, (said, j["problems"])
    # Other hosts outside --from are still dropped: the new rules are on the bridges only.
    rc, j, codes = check(sb, "--from", "198.51.100.0/24")
    assert j["firewall"]["ipv4"]["decision"] == "dropped", j["firewall"]
    rc, j, codes = check(sb, "--from", "192.0.2.0/24")
    assert j["firewall"]["ipv4"]["decision"] == "accepted", j["firewall"]
    record = json.loads(sb.read("/var/lib/ollama-netcfg/firewall.json"))
    # Recorded with its owner: the persistent exposure of this unit.
    assert {"backend": "ufw", "port": 11434, "interface": "docker0",
            "owners": [{"unit": "ollama.service", "layer": "persistent"}]} in record, record
    r = sb.tool("reset")
    assert r.returncode == 0, r.stderr
    assert "on docker0" not in sb.run(["ufw", "status"]).stdout
    assert not container_sees(sb)


@case
def for_containers_without_open_firewall_is_refused(sb):
    r = sb.tool("expose", "0.0.0.0", "--for-containers")
    assert r.returncode == 2 and "--open-firewall" in r.stderr, r.stderr


# --- Ollama itself in a container ------------------------------------------

SERVER = "192.0.2.1"
CLIENT = "192.0.2.11"


def client_sees(sb, port):
    r = sb.run(["ip", "netns", "exec", "c1", "curl", "-4", "-sS", "--noproxy", "*", "-m", "3",
                "http://%s:%d/api/version" % (SERVER, port)], check=False)
    return r.returncode == 0 and '"version"' in r.stdout


def run_ollama(sb, name, publish):
    """An Ollama container as the guide's method 4 runs one."""
    docker(sb, "run", "-d", "--name", name, "-e", "OLLAMA_HOST=0.0.0.0:11434", "-p", publish,
           "local/ollama", "serve")
    host_port = int(publish.split(":")[-2])
    sb.wait_until(lambda: sb.run(["curl", "-s", "-m", "1", "http://127.0.0.1:%d/api/version"
                                  % host_port if not publish.startswith(SERVER) else
                                  "http://%s:%d/api/version" % (SERVER, host_port)],
                                 check=False).returncode == 0, what="container " + name)


def clean_containers(sb):
    sb.sh("%s rm -f ollama-pub ollama-local ollama-clash >/dev/null 2>&1; "
          "ip netns del c1 2>/dev/null; ip link del clientnet0 2>/dev/null; true" % DOCKER)
    clean(sb)


@case
def ollama_container_published_on_all_addresses_bypasses_ufw_and_the_tool_says_so(sb):
    clean_containers(sb)
    add_client_host(sb, SERVER, CLIENT)
    sb.sh("ufw default deny incoming >/dev/null && ufw --force enable >/dev/null")
    try:
        run_ollama(sb, "ollama-pub", "11500:11434")
        run_ollama(sb, "ollama-local", "127.0.0.1:11501:11434")
        # What a client host sees: ufw denies incoming, and yet.
        assert client_sees(sb, 11500), "the published port did not get through"
        assert not client_sees(sb, 11501)
        rc, j, codes = check(sb)
        ps = [p for p in j["problems"] if p["code"] == "docker-bypasses-firewall"]
        assert len(ps) == 1 and ps[0]["severity"] == "CRITICAL", j["problems"]
        assert "ollama-pub" in ps[0]["message"] and "ufw drops port 11500" in ps[0]["message"], ps
        assert "127.0.0.1:11500:11434" in ps[0]["advice"] and "DOCKER-USER" in ps[0]["advice"], ps
        names = {c["name"]: c for c in j["containers"]}
        assert names["ollama-pub"]["api"]["version"] == "0.12.6", names
        assert names["ollama-local"]["bindings"][0]["host_ip"] == "127.0.0.1", names
        text = sb.tool("status").stdout
        assert "Ollama containers (/run/docker.sock):" in text, text
        assert ("ollama-local (local/ollama): running; 127.0.0.1:11501->11434/tcp (this host "
                "only)") in text, text
        assert "0.0.0.0:11500->11434/tcp (any host that reaches this one" in text, text
        # check --container: the plugin line for each, as for the unit.
        r = sb.tool("check", "--container", "ollama-pub")
        assert r.returncode == 2 and r.stdout.startswith(
            "OLLAMA-NETCFG CRITICAL - docker-bypasses-firewall"), r.stdout
        r = sb.tool("check", "--container", "ollama-local")
        assert r.returncode == 0 and r.stdout.startswith(
            "OLLAMA-NETCFG OK - container ollama-local: Ollama 0.12.6 answers at "
            "http://127.0.0.1:11501"), r.stdout
        assert "api_time=" in r.stdout
        r = sb.tool("check", "--container", "ollama-local", "--prometheus", "/var/tmp/c.prom")
        prom = sb.read("/var/tmp/c.prom")
        assert 'ollama_netcfg_up{unit="container:ollama-local"} 1' in prom, prom
        assert 'ollama_netcfg_status{unit="container:ollama-local"} 0' in prom, prom
        r = sb.tool("check", "--container", "ollama-local", "--expect", "0.0.0.0:11501", "--json")
        j = json.loads(r.stdout)
        assert r.returncode == 2 and [p["code"] for p in j["problems"]] == ["unexpected-address"]
        r = sb.tool("check", "--container", "nonexistent")
        assert r.returncode == 2 and "container-not-found" in r.stdout, r.stdout
        sb.sh("%s stop ollama-local >/dev/null" % DOCKER)
        r = sb.tool("check", "--container", "ollama-local")
        assert r.returncode == 2 and "service-inactive" in r.stdout, r.stdout
        # expose --container cannot change it: the lines that would.
        r = sb.tool("expose", "127.0.0.1", "--container", "ollama-pub")
        assert r.returncode == 1, (r.returncode, r.stderr)
        assert "-p 127.0.0.1:11434:11434 -e OLLAMA_HOST=0.0.0.0:11434 local/ollama" in r.stderr
        assert '- "127.0.0.1:11434:11434"' in r.stderr, r.stderr
        r = sb.tool("reset", "--container", "ollama-pub")
        assert r.returncode == 1 and "-p 127.0.0.1:11434:11434" in r.stderr, r.stderr
    finally:
        clean_containers(sb)


@case
def a_container_on_the_port_is_named_when_expose_cannot_listen(sb):
    clean_containers(sb)
    add_client_host(sb, SERVER, CLIENT)
    try:
        run_ollama(sb, "ollama-clash", "%s:11434:11434" % SERVER)
        before = sb.run(["systemctl", "show", "-p", "InvocationID", "ollama"]).stdout
        r = sb.tool("expose", "0.0.0.0")
        assert r.returncode == 1, (r.stdout, r.stderr)
        assert "docker-proxy" in r.stderr and "Ollama container ollama-clash" in r.stderr, r.stderr
        assert sb.run(["systemctl", "show", "-p", "InvocationID", "ollama"]).stdout == before
    finally:
        clean_containers(sb)


@case
def firewalld_zones_decide_for_containers_and_for_containers_adds_subnet_rules(sb):
    """Last: firewalld, once started, rewrites the ruleset Docker shares."""
    clean_containers(sb)
    sb.sh("rm -f /etc/systemd/system/firewalld.service && systemctl daemon-reload && "
          "systemctl start firewalld")
    try:
        sb.wait_until(lambda: sb.run(["firewall-cmd", "--state"], check=False).returncode == 0,
                      what="firewalld")
        # Docker puts its bridges into firewalld's zone when it starts with firewalld.
        sb.run(["systemctl", "restart", "docker"])
        sb.wait_until(lambda: docker(sb, "info", check=False).returncode == 0, what="dockerd")
        expose_ok(sb, "0.0.0.0")
        br = bridge_of(sb, NETWORK)
        # Docker put its bridges in firewalld's "docker" zone (target ACCEPT).
        said, j, codes = assert_tool_matches_containers(sb)
        assert all(said.values()), said
        # The rule that decides is firewalld's: filter_IN_docker in
        # firewalld 1 (Debian 12), filter_INPUT_POLICIES in firewalld 2.
        assert all(b["firewall"]["decision"] == "accepted" and
                   "in chain inet firewalld filter_" in b["firewall"]["reason"]
                   for b in j["bridges"]), j
        # In the default zone they are rejected, as for other hosts.
        for iface in ("docker0", br):
            sb.run(["firewall-cmd", "--zone=public", "--change-interface=" + iface])
        said, j, codes = assert_tool_matches_containers(sb)
        assert not any(said.values()), said
        assert "containers-cannot-reach" in codes, j["problems"]
        r = sb.tool("expose", "0.0.0.0", "--open-firewall", "--from", "192.0.2.0/24",
                    "--for-containers")
        assert r.returncode == 0, (r.stdout, r.stderr)
        # A rule for each bridge's subnet, unless firewalld accepts it again
        # by then: its --reload makes Docker 26 (Debian 13) put its bridges
        # back into the "docker" zone, which the tool reads and says.
        for subnet, iface in (("172.17.0.0/16", "docker0"), ("172.30.0.0/24", br)):
            assert ('source address="%s" port port="11434"' % subnet in r.stdout or
                    "firewalld already accepts containers on %s" % iface in r.stdout), r.stdout
        wait_ruleset_settled(sb)
        said, j, codes = assert_tool_matches_containers(sb)
        assert all(said.values()) and "containers-cannot-reach" not in codes, (said, codes)
        r = sb.tool("reset")
        assert r.returncode == 0, r.stderr
        assert "172.17.0.0/16" not in sb.run(["firewall-cmd", "--list-rich-rules"]).stdout
    finally:
        sb.sh("systemctl stop firewalld; ln -sf /dev/null /etc/systemd/system/firewalld.service; "
              "rm -rf /etc/firewalld/zones/*.xml*; systemctl daemon-reload; "
              "systemctl restart docker; true")
        clean_containers(sb)


# --- after a reboot -----------------------------------------------------------

SLOW_DOCKER = "/etc/systemd/system/docker.service.d/slow.conf"
# Docker started a few seconds after the boot, outside its transaction
# (so that the boot, which the sandbox waits for, ends before it).
DOCKER_LATER = "/etc/systemd/system/docker-later.service"
DOCKER_LATER_UNIT = """[Service]
ExecStart=/bin/sh -c 'sleep 2; systemctl start --no-block docker.service'

[Install]
WantedBy=multi-user.target
"""


def docker_up(sb):
    sb.wait_until(lambda: docker(sb, "info", check=False).returncode == 0, timeout=60,
                  what="dockerd after the reboot")


@case
def reboot_docker0s_address_serves_containers_because_ollama_starts_after_docker(sb):
    """expose of docker0's address orders Ollama after docker.service, and
    after a reboot in which Docker comes up slowly (as on a loaded host) a
    container reaches Ollama from its first start (docker.service is not
    even enabled here: Wants= starts it). The same exposure without the
    ordering, with Docker started a moment after the boot, fails its bind,
    and check names address-not-assigned until Docker's bridge is up; then
    the unit's retry serves."""
    sb.write(SLOW_DOCKER, "[Service]\nExecStartPre=/bin/sleep 5\n")
    sb.run(["systemctl", "daemon-reload"])
    sb.run(["systemctl", "disable", "docker.service"])
    r = sb.tool("expose", "172.17.0.1", "--json")
    assert r.returncode == 0, (r.stdout, r.stderr)
    j = json.loads(r.stdout)
    assert j["ordering"] == {"after": ["docker.service"], "removed": [], "why":
                             "docker0 is Docker's bridge, which docker.service brings up"}, j
    assert "[Unit]\nAfter=docker.service\nWants=docker.service\n" in sb.read(OVERRIDE)
    sb.reboot(timeout=120)
    docker_up(sb)
    sb.wait_until(lambda: container_sees(sb), timeout=30, what="a container reaching Ollama")
    assert sb.show(UNIT, "NRestarts") == "0"  # served from its first start
    rc, j, codes = check(sb)
    assert not codes, j["problems"]

    # Without the ordering: the same value in a drop-in written by hand.
    sb.write(OVERRIDE, '[Service]\nEnvironment="OLLAMA_HOST=172.17.0.1"\n')
    sb.write(DOCKER_LATER, DOCKER_LATER_UNIT)
    sb.sh("rm -f /var/lib/ollama-netcfg/ordering.json && systemctl daemon-reload && "
          "systemctl enable docker-later.service")
    sb.reboot(timeout=120)
    sb.wait_until(lambda: "cannot assign requested address" in sb.run(
        ["journalctl", "-b", "-u", UNIT, "-o", "cat"]).stdout, what="the failed bind")
    rc, j, codes = check(sb)
    assert "172.17.0.1" not in sb.run(["ip", "-4", "addr"]).stdout, "Docker was not slowed"
    assert "address-not-assigned" in codes, j["problems"]
    p = [p for p in j["problems"] if p["code"] == "address-not-assigned"][0]
    assert p["message"].startswith("no interface of this host has 172.17.0.1"), p
    docker_up(sb)
    sb.wait_until(lambda: container_sees(sb), timeout=30, what="Ollama after Docker's bridge")
    rc, j, codes = check(sb)
    assert "address-not-assigned" not in codes, j["problems"]


if __name__ == "__main__":
    run(setup=setup, teardown_each=clean, docker=True)
