"""Checks from outside the tool (systemctl show, ss, curl, /proc) and the
state every case starts from. Shared by the integration test files."""
import hashlib
import json
import shlex

from sandbox import OLLAMA_UNIT

UNIT = "ollama.service"
DROPIN_DIR = "/etc/systemd/system/ollama.service.d"
OVERRIDE = DROPIN_DIR + "/override.conf"
FIXTURE_CONF = DROPIN_DIR + "/fixture.conf"
MAIN_UNIT = "/etc/systemd/system/ollama.service"
BACKUPS = "/var/backups/ollama-netcfg"


# --- checks from outside the tool ----------------------------------------

def listeners(sb, port):
    """(local address, pid) of LISTEN sockets on port, as ss shows them."""
    out = sb.run(["ss", "-Htlnp", "sport = :%d" % port]).stdout
    found = []
    for line in out.splitlines():
        cols = line.split()
        local = cols[3]
        pid = None
        if "pid=" in line:
            pid = int(line.split("pid=")[1].split(",")[0])
        found.append((local, pid))
    return found


def main_pid(sb):
    return int(sb.show(UNIT, "MainPID"))


def unit_env(sb):
    return sb.show(UNIT, "Environment")


def process_env(sb, pid):
    raw = sb.run(["cat", "/proc/%d/environ" % pid]).stdout
    return dict(e.split("=", 1) for e in raw.split("\0") if "=" in e)


def api_version(sb, url):
    r = sb.run(["curl", "-sS", "--noproxy", "*", "-m", "5", url + "/api/version"], check=False)
    assert r.returncode == 0, "curl %s failed: %s" % (url, r.stderr)
    return json.loads(r.stdout)["version"]


def wait_listening(sb, port, local_addresses):
    sb.wait_until(lambda: any(l in local_addresses for l, _ in listeners(sb, port)),
                  what="a listener on %s" % (local_addresses,))


def assert_exposed(sb, value, port, local_addresses, connect_url):
    """The full proof, independently: systemd, the process, the socket, the API."""
    assert "OLLAMA_HOST=%s" % value in shlex.split(unit_env(sb)), unit_env(sb)
    pid = main_pid(sb)
    assert pid > 0
    assert process_env(sb, pid).get("OLLAMA_HOST") == value
    socks = listeners(sb, port)
    assert any(l in local_addresses and p == pid for l, p in socks), \
        "no %s listener owned by PID %d: %s" % (local_addresses, pid, socks)
    assert api_version(sb, connect_url) == "0.12.6"


def sha(sb, path):
    content = sb.read(path)
    return None if content is None else hashlib.sha256(content.encode()).hexdigest()


def snapshot(sb):
    """What a no-op must leave alone."""
    return {
        "invocation": sb.show(UNIT, "InvocationID"),
        "pid": main_pid(sb),
        "stat": sb.run(["stat", "-c", "%i %Y %Z", OVERRIDE], check=False).stdout,
        "restarts": sb.show(UNIT, "NRestarts"),
    }


def expose_ok(sb, *args):
    r = sb.tool("expose", *args)
    assert r.returncode == 0, "expose %s exited %d\n%s\n%s" % (args, r.returncode, r.stdout,
                                                               r.stderr)
    return r


# --- state between cases -------------------------------------------------

def restore(sb):
    sb.write("/etc/systemd/system/ollama.service", OLLAMA_UNIT)
    # Enabled as the installer leaves it (systemctl enable's link), not at runtime only.
    sb.sh("systemctl stop 'aux-*' 2>/dev/null; rm -rf %s %s /var/lib/ollama-netcfg/origins.json "
          "/var/lib/ollama-netcfg/ordering.json /var/lib/ollama-netcfg/pull-proxy.json "
          "/etc/profile.d/ollama-netcfg.sh /etc/environment.d/60-ollama-netcfg.conf "
          "/run/systemd/system/default.target.wants/ollama.service && "
          "mkdir -p /etc/systemd/system/default.target.wants && "
          "ln -sfn /etc/systemd/system/ollama.service "
          "/etc/systemd/system/default.target.wants/ollama.service && "
          "systemctl daemon-reload && "
          "systemctl reset-failed ollama.service; systemctl restart ollama.service"
          % (DROPIN_DIR, BACKUPS))
    wait_listening(sb, 11434, ("127.0.0.1:11434",))


def setup(sb):
    restore(sb)




def check(sb, *args, env=None):
    """check --json: (exit status, the object, the set of problem codes)."""
    r = sb.tool("check", "--json", *args, env=env)
    j = json.loads(r.stdout)
    return r.returncode, j, {p["code"] for p in j["problems"] if p["severity"] != "INFO"}


def check_ok(sb, *args):
    rc, j, codes = check(sb, *args)
    assert rc == 0 and j["status"] == "OK" and not codes, (rc, j["problems"])
    return j


# --- clients and a reverse proxy, shared by the reach, web and container tests

def add_client_host(sb, server, client):
    """A client host: network namespace c1 on a veth into the bridge
    clientnet0, which has `server` (documentation addresses only)."""
    sb.sh("ip link add clientnet0 type bridge && ip addr add %s/24 dev clientnet0 && "
          "ip link set clientnet0 up && ip netns add c1 && "
          "ip link add c1-s type veth peer name c1-c && ip link set c1-c netns c1 && "
          "ip link set c1-s master clientnet0 && ip link set c1-s up && "
          "ip -n c1 addr add %s/24 dev c1-c && ip -n c1 link set c1-c up && "
          "ip -n c1 link set lo up" % (server, client))


# The dual-stack client host of the Ansible and packaging tests.
SERVER = "192.0.2.1"
SERVER6 = "2001:db8::1"  # documentation prefixes only
CLIENT = ("192.0.2.11", "2001:db8::11")


def add_dual_stack_client(sb):
    """A client host c1 on a veth pair: 192.0.2.11 and 2001:db8::11 (the
    server's side 192.0.2.1 and 2001:db8::1)."""
    sb.sh("ip netns add c1 && ip link add c1-s type veth peer name c1-c && "
          "ip link set c1-c netns c1 && ip addr add {s}/24 dev c1-s && "
          "ip addr add {s6}/64 dev c1-s nodad && ip link set c1-s up && "
          "ip -n c1 addr add {a}/24 dev c1-c && ip -n c1 addr add {a6}/64 dev c1-c nodad && "
          "ip -n c1 link set c1-c up && ip -n c1 link set lo up"
          .format(s=SERVER, s6=SERVER6, a=CLIENT[0], a6=CLIENT[1]))


def client_gets_version(sb, port):
    """What the dual-stack client host gets over IPv4 and IPv6 (curl -4, curl -6)."""
    seen = {}
    for family, url in (("-4", "http://%s:%d/api/version" % (SERVER, port)),
                        ("-6", "http://[%s]:%d/api/version" % (SERVER6, port))):
        r = sb.run(["ip", "netns", "exec", "c1", "curl", family, "-sS", "--noproxy", "*", "-m",
                    "3", url], check=False)
        seen[family] = r.returncode == 0 and '"version"' in r.stdout
    return seen


NGINX_MAIN = """pid /run/nginx-test.pid;
error_log /var/tmp/ng/error.log;
events {}
http {
    access_log off;
    client_body_temp_path /var/tmp/ng/body;
    proxy_temp_path /var/tmp/ng/proxy;
    fastcgi_temp_path /var/tmp/ng/fastcgi;
    uwsgi_temp_path /var/tmp/ng/uwsgi;
    scgi_temp_path /var/tmp/ng/scgi;
    include /var/tmp/ng/site.conf;
}
"""


def run_nginx(sb, site):
    """A real nginx (by hand, as unit aux-nginx) with `site` in NGINX_MAIN,
    listening on 443; returns its URL."""
    sb.write("/var/tmp/ng/site.conf", site)
    sb.run(["systemctl", "stop", "aux-nginx"], check=False)
    sb.run(["systemctl", "reset-failed", "aux-nginx"], check=False)
    sb.run(["systemd-run", "--unit=aux-nginx", "nginx", "-g", "daemon off;", "-c",
            "/var/tmp/ng/nginx.conf"])
    wait_listening(sb, 443, ("0.0.0.0:443",))
    return "https://ollama.test"



# --- counting the firewall tools' runs ---------------------------------------

FIREWALL_TOOLS = ("nft", "ufw", "firewall-cmd", "iptables-legacy", "ip6tables-legacy",
                  "iptables", "ip6tables")
# What reads the rules (as opposed to changing them); on a ufw host,
# whether ufw's chains are loaded (the rules then come from ufw's files).
FIREWALL_READS = ("nft -j list ruleset", "ufw status", "firewall-cmd --list",
                  "iptables-legacy -S", "ip6tables-legacy -S", "iptables -S", "ip6tables -S")
UFW_READ = ["iptables -S", "ip6tables -S"]


def count_firewall_runs(sb):
    """Puts a wrapper for each firewall tool in front of PATH that logs the
    run (name and arguments) and execs the real one; returns the env to run
    the tool with."""
    sb.sh("rm -rf /run/fwcount && mkdir -p /run/fwcount")
    for t in FIREWALL_TOOLS:
        real = sb.run(["sh", "-c", "command -v %s" % t], check=False).stdout.strip()
        if not real:
            continue
        sb.write("/run/fwcount/" + t,
                 '#!/bin/sh\necho "%s $*" >> /run/fwcount/calls\nexec %s "$@"\n' % (t, real))
        sb.run(["chmod", "+x", "/run/fwcount/" + t])
    return {"PATH": "/run/fwcount:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}


def firewall_runs(sb):
    """The runs logged since the last call: {tool: count}, and the reads."""
    lines = [l for l in (sb.read("/run/fwcount/calls") or "").splitlines() if l]
    sb.sh("rm -f /run/fwcount/calls")
    runs = {}
    for l in lines:
        runs[l.split()[0]] = runs.get(l.split()[0], 0) + 1
    reads = [l for l in lines if l.startswith(FIREWALL_READS)]
    return runs, reads
