#!/usr/bin/env python3
"""Reachability from where the clients are, against a real systemd: client
hosts are network namespaces joined to the sandbox by veth pairs on a
bridge, addressed in 192.0.2.0/24 (nothing leaves the machine). For each
case the tool's verdict must match what a client sees with curl."""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import case, run  # noqa: E402
from checks import (UNIT, check, expose_ok, restore, setup, wait_listening)  # noqa: E402

SERVER = "192.0.2.1"
CLIENTS = {"c1": "192.0.2.11", "c2": "192.0.2.12"}


def add_clients(sb):
    sb.sh("ip link add clientnet0 type bridge && ip addr add %s/24 dev clientnet0 && "
          "ip link set clientnet0 up" % SERVER)
    for name, addr in CLIENTS.items():
        sb.sh("ip netns add {n} && ip link add {n}-s type veth peer name {n}-c && "
              "ip link set {n}-c netns {n} && ip link set {n}-s master clientnet0 && "
              "ip link set {n}-s up && ip -n {n} addr add {a}/24 dev {n}-c && "
              "ip -n {n} link set {n}-c up && ip -n {n} link set lo up".format(n=name, a=addr))


def client_sees(sb, client, url="http://%s:11434/api/version" % SERVER):
    """True when the client host gets Ollama's version answer."""
    r = sb.run(["ip", "netns", "exec", client, "curl", "-sS", "--noproxy", "*", "-m", "2", url],
               check=False)
    return r.returncode == 0 and '"version"' in r.stdout


def firewall_of(sb, *args):
    rc, j, codes = check(sb, *args)
    return j["firewall"], codes, rc


def clean(sb):
    sb.sh("systemctl stop firewalld 2>/dev/null; "
          "ln -sf /dev/null /etc/systemd/system/firewalld.service; "
          "rm -rf /etc/firewalld/zones/*.xml*; systemctl daemon-reload; "
          "ufw --force reset >/dev/null 2>&1; ufw --force disable >/dev/null 2>&1; "
          "nft flush ruleset; for n in c1 c2 box; do ip netns del $n 2>/dev/null; done; "
          "ip link del clientnet0 2>/dev/null; ip link del docker0 2>/dev/null; "
          "rm -rf /var/lib/ollama-netcfg; true")
    restore(sb)


def start(sb):
    clean(sb)
    add_clients(sb)


# --- interfaces and containers --------------------------------------------

@case
def exposed_and_open_every_address_is_probed_and_clients_reach_it(sb):
    start(sb)
    r = expose_ok(sb, "0.0.0.0")
    assert ("ok   address   http://%s:11434/api/version (clientnet0): HTTP 200" % SERVER
            in r.stdout), r.stdout
    assert "ok   firewall  none: new connections from other hosts to port 11434 accepted" \
        in r.stdout, r.stdout
    fw, codes, rc = firewall_of(sb)
    assert rc == 0 and fw["decision"] == "accepted" and not codes, (fw, codes)
    assert client_sees(sb, "c1") and client_sees(sb, "c2")
    j = json.loads(sb.tool("status", "--json").stdout)
    assert [a["url"] for a in j["addresses"] if a["ok"]] == \
        ["http://%s:11434/api/version" % SERVER], j["addresses"]


@case
def loopback_only_reaches_no_client_and_says_so_for_containers(sb):
    start(sb)
    sb.sh("ip link add docker0 type bridge && ip addr add 172.17.0.1/16 dev docker0 && "
          "ip link set docker0 up && ip netns add box && "
          "ip link add box-s type veth peer name box-c && ip link set box-c netns box && "
          "ip link set box-s master docker0 && ip link set box-s up && "
          "ip -n box addr add 172.17.0.2/16 dev box-c && ip -n box link set box-c up")
    rc, j, codes = check(sb)
    assert rc == 0 and j["addresses"] == [] and j["firewall"] is None, j
    info = [p for p in j["problems"] if p["code"] == "containers-cannot-reach"]
    assert info and info[0]["severity"] == "INFO" and "docker0" in info[0]["message"], j
    assert not client_sees(sb, "c1")
    assert not client_sees(sb, "box", "http://172.17.0.1:11434/api/version")
    # Exposed, containers on the bridge reach it at the bridge's address.
    r = expose_ok(sb, "0.0.0.0")
    assert "containers on docker0 reach it at http://172.17.0.1:11434" in r.stdout, r.stdout
    assert client_sees(sb, "box", "http://172.17.0.1:11434/api/version")
    rc, j, codes = check(sb)
    assert "containers-cannot-reach" not in [p["code"] for p in j["problems"]]
    assert {"interface": "docker0", "address": "172.17.0.1", "reachable": True} in j["bridges"]


# --- firewalls ----------------------------------------------------------------

@case
def nftables_drop_rule_is_found_and_its_open_command_works(sb):
    start(sb)
    expose_ok(sb, "0.0.0.0")
    sb.sh("nft add table inet filter && nft add chain inet filter input "
          "'{ type filter hook input priority 0; policy accept; }' && "
          "nft add rule inet filter input iifname lo accept && "
          "nft add rule inet filter input ct state established,related accept && "
          "nft add rule inet filter input tcp dport 11434 drop")
    fw, codes, rc = firewall_of(sb, "--from", "192.0.2.11/32")
    assert rc == 2 and "firewall-blocks" in codes, (fw, codes)
    assert fw["backend"] == "nftables" and fw["decision"] == "dropped", fw
    assert "chain inet filter input" in fw["reason"], fw
    assert not client_sees(sb, "c1")
    # The command the tool prints opens it for that client only.
    assert fw["open_command"].startswith("nft insert rule inet filter input ip saddr"), fw
    sb.sh(fw["open_command"])
    fw, codes, rc = firewall_of(sb, "--from", "192.0.2.11/32")
    assert rc == 0 and fw["decision"] == "accepted", fw
    assert client_sees(sb, "c1") and not client_sees(sb, "c2")
    fw, codes, rc = firewall_of(sb, "--from", "192.0.2.12/32")
    assert fw["decision"] == "dropped" and rc == 2, fw
    # expose --open-firewall does not touch a bare nftables ruleset: it prints the rule.
    before = sb.run(["nft", "list", "ruleset"]).stdout
    r = expose_ok(sb, "0.0.0.0", "--open-firewall", "--from", "192.0.2.12/32")
    assert "nftables is not changed by this tool" in r.stdout, r.stdout
    assert sb.run(["nft", "list", "ruleset"]).stdout == before


@case
def ufw_default_deny_then_open_firewall_from_one_client_then_reset(sb):
    start(sb)
    sb.sh("ufw --force enable >/dev/null")
    r = expose_ok(sb, "0.0.0.0")
    assert "FAIL firewall  ufw: new connections from other hosts to port 11434 dropped " \
        "(ufw default incoming policy deny)" in r.stdout, r.stdout
    assert "sudo ufw allow proto tcp from any to any port 11434" in r.stdout, r.stdout
    assert not client_sees(sb, "c1")
    fw, codes, rc = firewall_of(sb)
    assert rc == 2 and "firewall-blocks" in codes
    # Open it for c1 only.
    r = expose_ok(sb, "0.0.0.0", "--open-firewall", "--from", "192.0.2.11/32")
    assert "ran: ufw allow proto tcp from 192.0.2.11/32" in r.stdout, r.stdout
    assert client_sees(sb, "c1") and not client_sees(sb, "c2")
    assert firewall_of(sb, "--from", "192.0.2.11")[0]["decision"] == "accepted"
    fw, codes, rc = firewall_of(sb, "--from", "192.0.2.12")
    assert fw["decision"] == "dropped" and rc == 2
    # Again: nothing added twice.
    rules = sb.run(["ufw", "status"]).stdout.count("11434")
    r = expose_ok(sb, "0.0.0.0", "--open-firewall", "--from", "192.0.2.11/32")
    assert "nothing added" in r.stdout, r.stdout
    assert sb.run(["ufw", "status"]).stdout.count("11434") == rules
    # The admin's own rule stays; reset removes exactly what the tool added.
    sb.run(["ufw", "allow", "22/tcp"])
    r = sb.tool("reset")
    assert r.returncode == 0 and "ran: ufw delete allow proto tcp from 192.0.2.11/32" in r.stdout
    status = sb.run(["ufw", "status"]).stdout
    assert "11434" not in status and "22/tcp" in status, status
    assert sb.read("/var/lib/ollama-netcfg/firewall.json") is None


@case
def firewalld_reject_then_open_firewall_from_one_client_then_reset(sb):
    start(sb)
    sb.sh("rm -f /etc/systemd/system/firewalld.service && systemctl daemon-reload && "
          "systemctl start firewalld")
    sb.wait_until(lambda: sb.run(["firewall-cmd", "--state"], check=False).returncode == 0,
                  what="firewalld")
    r = expose_ok(sb, "0.0.0.0")
    assert "FAIL firewall  firewalld: new connections from other hosts to port 11434 rejected" \
        in r.stdout, r.stdout
    assert not client_sees(sb, "c1")
    fw, codes, rc = firewall_of(sb, "--from", "192.0.2.11/32")
    assert rc == 2 and "firewall-blocks" in codes and fw["backend"] == "firewalld", fw
    assert fw["open_command"].endswith("firewall-cmd --reload"), fw
    r = expose_ok(sb, "0.0.0.0", "--open-firewall", "--from", "192.0.2.11/32")
    assert "ran: firewall-cmd --permanent" in r.stdout and "ran: firewall-cmd --reload" \
        in r.stdout, r.stdout
    assert client_sees(sb, "c1") and not client_sees(sb, "c2")
    assert firewall_of(sb, "--from", "192.0.2.11/32")[0]["decision"] == "accepted"
    assert firewall_of(sb, "--from", "192.0.2.12/32")[0]["decision"] == "rejected"
    # Persistent: it survives a firewalld reload, and is added only once.
    sb.run(["firewall-cmd", "--reload"])
    assert client_sees(sb, "c1")
    r = expose_ok(sb, "0.0.0.0", "--open-firewall", "--from", "192.0.2.11/32")
    assert "nothing added" in r.stdout, r.stdout
    r = sb.tool("reset")
    assert r.returncode == 0 and "--remove-rich-rule" in r.stdout, (r.stdout, r.stderr)
    assert "192.0.2.11" not in sb.run(["firewall-cmd", "--list-rich-rules"]).stdout
    assert not client_sees(sb, "c1", "http://%s:11434/api/version" % SERVER)


# --- a reverse proxy ----------------------------------------------------------

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

# What the hand-written guides show: the client's Host goes to Ollama.
GUIDE_SITE = """server {
    listen 443 ssl;
    server_name ollama.test;
    ssl_certificate /var/tmp/ng/cert.pem;
    ssl_certificate_key /var/tmp/ng/key.pem;
    location / {
        proxy_pass http://127.0.0.1:11434;
        proxy_set_header Host $host;
    }
}
"""


def run_nginx(sb, site):
    sb.write("/var/tmp/ng/site.conf", site)
    sb.run(["systemctl", "stop", "aux-nginx"], check=False)
    sb.run(["systemctl", "reset-failed", "aux-nginx"], check=False)
    sb.run(["systemd-run", "--unit=aux-nginx", "nginx", "-g", "daemon off;", "-c",
            "/var/tmp/ng/nginx.conf"])
    wait_listening(sb, 443, ("0.0.0.0:443",))


@case
def reverse_proxy_host_check_403_is_diagnosed_and_proxy_config_fixes_it(sb):
    start(sb)
    sb.sh("mkdir -p /var/tmp/ng && cd /var/tmp/ng && openssl req -x509 -newkey rsa:2048 -nodes "
          "-keyout key.pem -out cert.pem -days 2 -subj /CN=ollama.test "
          "-addext subjectAltName=DNS:ollama.test >/dev/null 2>&1")
    sb.write("/var/tmp/ng/nginx.conf", NGINX_MAIN)
    sb.sh("grep -q ollama.test /etc/hosts || echo '127.0.0.1 ollama.test' >> /etc/hosts")
    url = "https://ollama.test"
    curl = ["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--cacert",
            "/var/tmp/ng/cert.pem", url + "/api/version"]
    # The guide's block in front of the default 127.0.0.1:11434.
    run_nginx(sb, GUIDE_SITE)
    assert sb.run(curl, check=False).stdout == "403"
    rc, j, codes = check(sb, "--url", url, "--cacert", "/var/tmp/ng/cert.pem")
    assert rc == 2 and codes == {"url-unreachable"}, j["problems"]
    p = [p for p in j["problems"] if p["code"] == "url-unreachable"][0]
    assert "HTTP 403" in p["message"] and "Host header" in p["advice"], p
    assert j["urls"][0]["ollama_refuses_host"] is True
    # Without the CA: a TLS error, said as such.
    rc, j, codes = check(sb, "--url", url)
    p = [p for p in j["problems"] if p["code"] == "url-unreachable"][0]
    assert "--cacert" in p["advice"], p
    # The block proxy-config prints, as it is.
    r = sb.tool("proxy-config", "nginx", "--server-name", "ollama.test", "--cert",
                "/var/tmp/ng/cert.pem", "--key", "/var/tmp/ng/key.pem")
    assert r.returncode == 0 and "proxy_set_header Host localhost:11434;" in r.stdout, r.stdout
    assert "proxy_buffering off;" in r.stdout and "proxy_read_timeout 3600s;" in r.stdout
    run_nginx(sb, r.stdout)
    assert sb.run(curl, check=False).stdout == "200"
    rc, j, codes = check(sb, "--url", url, "--cacert", "/var/tmp/ng/cert.pem")
    assert rc == 0 and j["urls"][0]["version"] == "0.12.6", j
    caddy = sb.tool("proxy-config", "caddy", "--server-name", "ollama.test").stdout
    assert "header_up Host localhost:11434" in caddy and "flush_interval -1" in caddy, caddy


@case
def check_url_and_from_are_validated(sb):
    for args in (["--from", "192.0.2.0/99"], ["--from", "nonsense"], ["--url", "ftp://x"]):
        r = sb.tool("check", *args)
        assert r.returncode == 3, (args, r.returncode, r.stdout)
    r = sb.tool("expose", "0.0.0.0", "--open-firewall", "--from", "10.0.0.0/33")
    assert r.returncode == 2, r.stderr


if __name__ == "__main__":
    run(setup=setup, teardown_each=clean)
