#!/usr/bin/env python3
"""The proxy variables in the service's environment, as Go reads them, and
what status and check say about them, each verdict checked by the client
it is about: a company proxy (Debian's tinyproxy) in a network namespace
of its own, which cannot reach this host's wildcard address, and the
`ollama` command (the Go stand-in: Ollama's envconfig.Host() and Go's
default transport) run with the service's own environment."""
import json
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import case, run  # noqa: E402
from checks import DROPIN_DIR, UNIT, check, expose_ok, restore, wait_listening  # noqa: E402

PROXY = "10.77.0.2"  # the proxy's namespace (px); this host is 10.77.0.1
PROXY_URL = "http://%s:3128" % PROXY
PROXY_CONF = DROPIN_DIR + "/proxy.conf"
TINYPROXY_CONF = """Port 3128
Listen %s
Timeout 10
Allow 10.77.0.0/24
MaxClients 20
LogLevel Info
User nobody
Group nogroup
""" % PROXY


def add_proxy(sb):
    """The company proxy: tinyproxy in namespace px, on a veth pair."""
    sb.sh("ip netns add px && ip link add px-s type veth peer name px-c && "
          "ip link set px-c netns px && ip addr add 10.77.0.1/24 dev px-s && "
          "ip link set px-s up && ip -n px addr add %s/24 dev px-c && "
          "ip -n px link set px-c up && ip -n px link set lo up" % PROXY)
    sb.write("/etc/tinyproxy/netcfg-test.conf", TINYPROXY_CONF)
    sb.run(["systemd-run", "--unit=test-proxy", "--collect", "ip", "netns", "exec", "px",
            "tinyproxy", "-d", "-c", "/etc/tinyproxy/netcfg-test.conf"])
    sb.wait_until(lambda: sb.run(["ip", "netns", "exec", "px", "ss", "-Htln", "sport = :3128"])
                  .stdout.strip(), what="tinyproxy listening")


def set_environment(sb, assignments, restart=True):
    """The admin's own drop-in with these Environment= assignments."""
    sb.write(PROXY_CONF, "[Service]\n" + "".join(
        "Environment=%s=%s\n" % kv for kv in assignments.items()))
    sb.run(["systemctl", "daemon-reload"])
    if restart:
        sb.run(["systemctl", "restart", UNIT])
        wait_listening(sb, 11434, ("*:11434",))


def client_with_service_environment(sb):
    """`ollama -v` with exactly the environment systemd gives the service."""
    env = shlex.split(sb.show(UNIT, "Environment"))
    return sb.run(["env", "-i", "PATH=/usr/bin:/bin"] + env + ["/usr/local/bin/ollama", "-v"],
                  check=False)


def problem(j, code):
    return [p for p in j["problems"] if p["code"] == code][0]


@case
def http_proxy_sends_the_clients_requests_to_the_proxy_until_no_proxy_covers_the_address(sb):
    expose_ok(sb, "0.0.0.0")
    set_environment(sb, {"HTTPS_PROXY": PROXY_URL, "HTTP_PROXY": PROXY_URL})
    rc, j, codes = check(sb)
    assert rc == 1 and codes == {"http-proxy-set", "no-proxy-missing-listener"}, j["problems"]
    assert ("sends its requests for http://0.0.0.0:11434 to the proxy (HTTP_PROXY=%s (from %s)): "
            "NO_PROXY is not set and does not cover 0.0.0.0" % (PROXY_URL, PROXY_CONF)
            in problem(j, "no-proxy-missing-listener")["message"]), j["problems"]
    # What that client sees: the proxy, which cannot reach 0.0.0.0 here.
    r = client_with_service_environment(sb)
    assert r.returncode == 1 and "could not connect" in r.stdout, (r.stdout, r.stderr)
    log = sb.run(["journalctl", "-u", "test-proxy", "--no-pager", "-o", "cat"]).stdout
    assert "0.0.0.0" in log, log
    # NO_PROXY as the advice says: the client is asked directly; HTTP_PROXY
    # is still there and still said.
    set_environment(sb, {"HTTPS_PROXY": PROXY_URL, "HTTP_PROXY": PROXY_URL,
                         "NO_PROXY": "localhost,127.0.0.1,::1,0.0.0.0"})
    rc, j, codes = check(sb)
    assert rc == 1 and codes == {"http-proxy-set"}, j["problems"]
    r = client_with_service_environment(sb)
    assert r.returncode == 0 and "ollama version is" in r.stdout, (r.stdout, r.stderr)
    # HTTPS_PROXY alone (Ollama's FAQ): nothing to say, and status shows it.
    set_environment(sb, {"HTTPS_PROXY": PROXY_URL})
    rc, j, codes = check(sb)
    assert rc == 0 and not codes, j["problems"]
    assert j["proxy_environment"]["https_proxy"] == PROXY_URL, j["proxy_environment"]
    assert j["proxy_environment"]["http_proxy"] is None, j["proxy_environment"]
    out = sb.tool("status").stdout
    assert ('outbound proxy:    HTTPS_PROXY="%s" from %s\n' % (PROXY_URL, PROXY_CONF)) in out, out
    r = client_with_service_environment(sb)
    assert r.returncode == 0, (r.stdout, r.stderr)


@case
def a_changed_proxy_is_shown_beside_what_the_running_process_has(sb):
    expose_ok(sb, "0.0.0.0")
    set_environment(sb, {"HTTPS_PROXY": "http://alice:s3cret@%s:3128" % PROXY})
    set_environment(sb, {"HTTPS_PROXY": PROXY_URL, "https_proxy": "http://other:3128"},
                    restart=False)
    out = sb.tool("status").stdout
    assert "s3cret" not in out, out
    assert ('HTTPS_PROXY="%s" from %s (the running process has "http://alice:***@%s:3128": it '
            'started before the change)' % (PROXY_URL, PROXY_CONF, PROXY)) in out, out
    assert ('https_proxy="http://other:3128" from %s (the running process has none: it started '
            'before the change)' % PROXY_CONF) in out, out
    rc, j, codes = check(sb)
    assert "proxy-spellings-differ" in codes, j["problems"]
    assert "Ollama (Go) uses HTTPS_PROXY" in problem(j, "proxy-spellings-differ")["message"]
    variables = {v["name"]: v for v in j["proxy_environment"]["variables"]}
    assert variables["HTTPS_PROXY"]["process"] == "http://alice:***@%s:3128" % PROXY, variables
    assert "s3cret" not in json.dumps(j)


def clean(sb):
    sb.sh("systemctl stop test-proxy 2>/dev/null; ip netns del px 2>/dev/null; "
          "ip link del px-s 2>/dev/null; true")
    restore(sb)


def setup(sb):
    clean(sb)
    add_proxy(sb)


def teardown(sb):
    restore(sb)


if __name__ == "__main__":
    run(setup=setup, teardown_each=teardown)
