#!/usr/bin/env python3
"""Pulling through a company proxy, and the proxy variables in the
service's environment as Go reads them, each verdict checked by the client
it is about.

The network: the company proxy (Debian's tinyproxy) in namespace px, on a
veth pair from this host (10.77.0.0/24) and another to namespace reg
(10.78.0.0/24), where the registry stand-in answers HTTPS for
registry.ollama.ai and its blob host (a certificate from a test CA that
this host's trust store has, as it has the real registry's). This host has
no route to reg: a pull works only through the proxy. The clients: `ollama
pull` (the Go stand-in's POST /api/pull fetches as Ollama does, with Go's
default transport) and `ollama -v` run with the service's own environment
(Ollama's envconfig.Host(): a wildcard as written)."""
import json
import os
import shlex
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import case, run  # noqa: E402
from checks import DROPIN_DIR, UNIT, check, expose_ok, restore, wait_listening  # noqa: E402
from company import (BLOB_HOST, CORP_CA, PROXY, add_company_network,  # noqa: E402
                     remove_company_network)

OVERRIDE = DROPIN_DIR + "/override.conf"
PROXY_CONF = DROPIN_DIR + "/proxy.conf"
PROXY_URL = "http://%s:3128" % PROXY
INSPECTING_URL = "http://%s:3129" % PROXY  # answers CONNECT, then TLS with its own CA
FILTERING_URL = "http://%s:3130" % PROXY   # tinyproxy that denies the blob host


def pull(sb, model="llama3.2"):
    """`ollama pull` from the admin's shell (no proxy variables there)."""
    return sb.run(["env", "-i", "PATH=/usr/bin:/bin", "/usr/local/bin/ollama", "pull", model],
                  check=False)


def proxy_log(sb):
    return sb.run(["journalctl", "-u", "test-proxy", "--no-pager", "-o", "cat"]).stdout


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
def the_spelling_go_takes_is_the_one_the_pull_goes_through(sb):
    """HTTPS_PROXY and https_proxy disagree: Go takes the upper case unless
    it is empty, as proxy-spellings-differ says and ollama pull shows."""
    dead = "http://%s:3999" % PROXY  # takes no connection
    expose_ok(sb, "0.0.0.0")
    set_environment(sb, {"HTTPS_PROXY": PROXY_URL, "https_proxy": dead})
    rc, j, codes = check(sb)
    assert rc == 1 and codes == {"proxy-spellings-differ"}, j["problems"]
    assert "Ollama (Go) uses HTTPS_PROXY" in problem(j, "proxy-spellings-differ")["message"]
    assert pull(sb).returncode == 0
    set_environment(sb, {"HTTPS_PROXY": "", "https_proxy": PROXY_URL})
    rc, j, codes = check(sb)
    assert "Ollama (Go) uses https_proxy" in problem(j, "proxy-spellings-differ")["message"]
    assert pull(sb).returncode == 0
    set_environment(sb, {"HTTPS_PROXY": dead, "https_proxy": PROXY_URL})
    rc, j, codes = check(sb)
    assert "Ollama (Go) uses HTTPS_PROXY" in problem(j, "proxy-spellings-differ")["message"]
    p = pull(sb)
    assert p.returncode == 1 and "proxyconnect" in p.stderr, (p.stdout, p.stderr)


@case
def a_proxy_set_in_two_layers_is_shown_layer_by_layer(sb):
    expose_ok(sb, "0.0.0.0")
    sb.write(DROPIN_DIR + "/00-old-proxy.conf",
             "[Service]\nEnvironment=HTTPS_PROXY=http://old-proxy:8080\n")
    set_environment(sb, {"HTTPS_PROXY": PROXY_URL})
    out = sb.tool("status").stdout
    assert ('outbound proxy:    HTTPS_PROXY="%s" from %s\n'
            '                     HTTPS_PROXY="http://old-proxy:8080" in %s/00-old-proxy.conf is '
            'overridden\n' % (PROXY_URL, PROXY_CONF, DROPIN_DIR)) in out, out
    rc, j, codes = check(sb)
    layers = [v for v in j["proxy_environment"]["variables"] if v["name"] == "HTTPS_PROXY"][0]
    assert [l["source"] for l in layers["layers"]] == [DROPIN_DIR + "/00-old-proxy.conf",
                                                       PROXY_CONF], layers
    assert pull(sb).returncode == 0  # the later file wins, as said


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


@case
def a_pull_works_through_the_proxy_after_pull_proxy_set_and_unset_puts_the_bytes_back(sb):
    expose_ok(sb, "0.0.0.0")
    before, log_before = sb.read(OVERRIDE), proxy_log(sb)
    r = pull(sb)
    assert r.returncode == 1 and "Error: pull model manifest: " in r.stderr, (r.stdout, r.stderr)
    assert proxy_log(sb) == log_before  # the proxy was not asked
    r = sb.tool("pull-proxy", "set", PROXY_URL)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert r.stdout.startswith(
        'ollama.service: HTTPS_PROXY="%s", NO_PROXY="localhost,127.0.0.1,::1,0.0.0.0" (was '
        'unset, unset)\n' % PROXY_URL), r.stdout
    assert ('ok   process   main PID %d has OLLAMA_HOST="0.0.0.0" and HTTPS_PROXY="%s" and '
            'NO_PROXY="localhost,127.0.0.1,::1,0.0.0.0"' % (int(sb.show(UNIT, "MainPID")),
                                                           PROXY_URL)) in r.stdout, r.stdout
    r = pull(sb)
    assert r.returncode == 0 and r.stdout.endswith("success\n"), (r.stdout, r.stderr)
    log = proxy_log(sb)[len(log_before):]
    assert "registry.ollama.ai" in log and BLOB_HOST in log, log
    rc, j, codes = check(sb)
    assert rc == 0 and not codes, j["problems"]
    # Again: nothing changes, nothing restarts (that would unload models).
    pid = sb.show(UNIT, "MainPID")
    r = sb.tool("pull-proxy", "set", PROXY_URL, "--json")
    j = json.loads(r.stdout)
    assert r.returncode == 0 and not j["changed"] and sb.show(UNIT, "MainPID") == pid, r.stdout
    assert j["pull_proxy"]["after"]["https_proxy"] == PROXY_URL, j["pull_proxy"]
    out = sb.tool("pull-proxy", "show").stdout
    assert out == ("ollama.service: pulls go through %s\n"
                   '  HTTPS_PROXY="%s" from %s\n'
                   '  NO_PROXY="localhost,127.0.0.1,::1,0.0.0.0" from %s\n'
                   % (PROXY_URL, PROXY_URL, OVERRIDE, OVERRIDE)), out
    r = sb.tool("pull-proxy", "unset")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert sb.read(OVERRIDE) == before
    r = pull(sb)
    assert r.returncode == 1 and "Error: pull model manifest: " in r.stderr, (r.stdout, r.stderr)


@case
def a_service_that_does_not_come_up_with_the_proxy_gets_the_old_setting_back(sb):
    expose_ok(sb, "0.0.0.0")
    sb.write(DROPIN_DIR + "/fixture.conf",
             "[Service]\nEnvironment=FAKE_OLLAMA_FAIL_WITH=HTTPS_PROXY\n")
    sb.run(["systemctl", "daemon-reload"])
    before, pid = sb.read(OVERRIDE), sb.show(UNIT, "MainPID")
    r = sb.tool("pull-proxy", "set", PROXY_URL, "--timeout", "15", "--json")
    j = json.loads(r.stdout)
    assert r.returncode == 1 and j["rolled_back"], r.stdout
    assert sb.read(OVERRIDE) == before
    wait_listening(sb, 11434, ("*:11434",))
    assert "HTTPS_PROXY=" not in sb.show(UNIT, "Environment")
    assert sb.show(UNIT, "MainPID") != pid  # started again, with the old setting


@case
def a_dry_run_says_what_a_real_run_would_do_and_changes_nothing(sb):
    expose_ok(sb, "0.0.0.0")
    before, pid = sb.read(OVERRIDE), sb.show(UNIT, "MainPID")
    r = sb.tool("pull-proxy", "set", PROXY_URL, "--dry-run")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "would restart ollama.service (main PID %s has no HTTPS_PROXY)" % pid in r.stdout, \
        r.stdout
    assert '+Environment="HTTPS_PROXY=%s"' % PROXY_URL in r.stdout, r.stdout
    r = sb.tool("pull-proxy", "set", PROXY_URL)
    assert r.returncode == 0 and sb.show(UNIT, "MainPID") != pid, (r.stdout, r.stderr)
    before, pid = sb.read(OVERRIDE), sb.show(UNIT, "MainPID")
    r = sb.tool("pull-proxy", "set", INSPECTING_URL, "--ca-file", CORP_CA + "/ca.crt",
                "--dry-run")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "would install the proxy's CA" in r.stdout and "it would restart" in r.stdout, r.stdout
    assert "would restart ollama.service (Ollama reads the trust store at start)" in r.stdout
    assert sb.read(OVERRIDE) == before and sb.show(UNIT, "MainPID") == pid
    assert sb.read("/usr/local/share/ca-certificates/ollama-netcfg-pull-proxy.crt") is None


@case
def bad_arguments_are_refused_before_anything_is_touched(sb):
    before = sb.read(OVERRIDE)
    for args, said in ((["ftp://proxy:21"], "it must start with http:// or https://"),
                       (["http://alice:s3cret@proxy:3128"], "has a user and password"),
                       (["http://proxy:0"], "the port must be 1-65535"),
                       (["http://proxy/path"], "SCHEME://HOST[:PORT]"),
                       ([PROXY_URL, "--no-proxy", "a b"], "no blanks inside")):
        r = sb.tool("pull-proxy", "set", *args)
        assert r.returncode == 2 and said in r.stderr and "s3cret" not in r.stderr, r.stderr
    assert sb.read(OVERRIDE) == before


def pull_path_codes(sb):
    rc, j, codes = check(sb, "--pull-path")
    return rc, j, codes


@case
def a_proxy_that_refuses_the_blob_host_is_named_with_the_host_to_ask_for(sb):
    expose_ok(sb, "0.0.0.0")
    r = sb.tool("pull-proxy", "set", FILTERING_URL)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert ("ok   pull      registry.ollama.ai: manifest of library/llama3.2:latest (through "
            "%s): HTTP 200" % FILTERING_URL) in r.stdout, r.stdout
    assert ("the proxy %s refused CONNECT %s:443 (HTTP 403)" % (FILTERING_URL, BLOB_HOST)
            in r.stderr), r.stderr
    assert "ask the proxy's admins to allow %s" % BLOB_HOST in r.stderr, r.stderr
    # The setting stays (the allow list is what is missing); a pull fails as said.
    assert "HTTPS_PROXY=%s" % FILTERING_URL in sb.show(UNIT, "Environment")
    p = pull(sb)
    assert p.returncode == 1 and BLOB_HOST in p.stderr, (p.stdout, p.stderr)
    rc, j, codes = pull_path_codes(sb)
    assert rc == 2 and codes == {"pull-proxy-refused"}, j["problems"]
    assert [s["ok"] for s in j["pull_path"]] == [True, True, False], j["pull_path"]
    assert j["pull_path"][2]["connect_status"] == 403, j["pull_path"]


@case
def a_proxy_that_takes_no_connection_and_no_proxy_at_all_are_told_apart(sb):
    expose_ok(sb, "0.0.0.0")
    rc, j, codes = pull_path_codes(sb)  # no proxy: this host has no route out
    assert rc == 2 and codes == {"pull-registry-unreachable"}, j["problems"]
    p = pull(sb)
    assert p.returncode == 1 and "network is unreachable" in p.stderr, (p.stdout, p.stderr)
    assert "pull-proxy set" in j["problems"][0]["advice"], j["problems"]
    url = "http://%s:3999" % PROXY
    r = sb.tool("pull-proxy", "set", url)
    assert r.returncode == 1 and "pull-proxy-unreachable" in r.stderr, (r.stdout, r.stderr)
    assert "pulls go through the proxy %s, which does not accept connections" % url in r.stderr
    p = pull(sb)
    assert p.returncode == 1 and "proxyconnect" in p.stderr, (p.stdout, p.stderr)
    rc, j, codes = pull_path_codes(sb)
    assert rc == 2 and codes == {"pull-proxy-unreachable"}, j["problems"]


@case
def an_inspecting_proxy_works_only_once_its_ca_is_installed_and_unset_takes_it_out(sb):
    expose_ok(sb, "0.0.0.0")
    before = sb.read(OVERRIDE)
    bundle_before = sb.run(["sha256sum", "/etc/ssl/certs/ca-certificates.crt"]).stdout
    r = sb.tool("pull-proxy", "set", INSPECTING_URL)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert ('is issued by "O = Example Corp, CN = Corp Inspecting CA", which this host\'s trust '
            'store (/etc/ssl/certs/ca-certificates.crt) does not have' in r.stderr), r.stderr
    assert "--ca-file FILE" in r.stderr, r.stderr
    p = pull(sb)
    assert p.returncode == 1 and "certificate" in p.stderr, (p.stdout, p.stderr)
    # A key is not a certificate: refused before anything is touched.
    r = sb.tool("pull-proxy", "set", INSPECTING_URL, "--ca-file", CORP_CA + "/ca.key")
    assert r.returncode == 2 and "not a PEM certificate" in r.stderr, r.stderr
    pid = sb.show(UNIT, "MainPID")
    r = sb.tool("pull-proxy", "set", INSPECTING_URL, "--ca-file", CORP_CA + "/ca.crt")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert ("installed the proxy's CA (CN=Corp Inspecting CA,O=Example Corp) as "
            "/usr/local/share/ca-certificates/ollama-netcfg-pull-proxy.crt "
            "(update-ca-certificates)") in r.stdout, r.stdout
    assert sb.show(UNIT, "MainPID") != pid  # the same environment, but the trust store changed
    p = pull(sb)
    assert p.returncode == 0 and p.stdout.endswith("success\n"), (p.stdout, p.stderr)
    log = sb.run(["journalctl", "-u", "test-inspecting-proxy", "--no-pager", "-o", "cat"]).stdout
    assert "CONNECT registry.ollama.ai:443 (inspected)" in log, log
    rc, j, codes = pull_path_codes(sb)
    assert rc == 0 and not codes, j["problems"]
    r = sb.tool("pull-proxy", "unset")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert sb.read(OVERRIDE) == before
    assert sb.read("/usr/local/share/ca-certificates/ollama-netcfg-pull-proxy.crt") is None
    assert sb.run(["sha256sum", "/etc/ssl/certs/ca-certificates.crt"]).stdout == bundle_before
    p = pull(sb)
    assert p.returncode == 1, (p.stdout, p.stderr)


@case
def a_proxy_password_stays_in_a_root_only_file(sb):
    expose_ok(sb, "0.0.0.0")
    before = sb.read(OVERRIDE)
    url = "http://alice:s3cret@%s:3131" % PROXY
    env_file = "/etc/ollama-netcfg/pull-proxy-ollama.service.env"
    r = sb.tool("pull-proxy", "set", url)
    assert r.returncode == 2 and "has a user and password" in r.stderr, r.stderr
    assert "--env-file" in r.stderr and "s3cret" not in r.stderr, r.stderr
    assert sb.read(OVERRIDE) == before
    # Without the password the proxy refuses the CONNECT, as said.
    r = sb.tool("pull-proxy", "set", "http://%s:3131" % PROXY)
    assert r.returncode == 1 and "(HTTP 407)" in r.stderr, (r.stdout, r.stderr)
    r = sb.tool("pull-proxy", "set", "-", "--env-file", "--json", input=url + "\n")
    j = json.loads(r.stdout)
    assert r.returncode == 0 and j["ok"], r.stdout
    assert "s3cret" not in r.stdout + r.stderr, r.stdout
    assert j["pull_proxy"]["after"]["https_proxy"] == "http://alice:***@%s:3131" % PROXY
    assert sb.run(["stat", "-c", "%a %U", env_file]).stdout.strip() == "600 root"
    assert sb.read(env_file).endswith('HTTPS_PROXY="%s"\n' % url), sb.read(env_file)
    dropin = sb.read(OVERRIDE)
    assert "s3cret" not in dropin and "EnvironmentFile=%s" % env_file in dropin, dropin
    assert "s3cret" not in sb.show(UNIT, "Environment")
    p = pull(sb)
    assert p.returncode == 0 and p.stdout.endswith("success\n"), (p.stdout, p.stderr)
    out = sb.tool("status").stdout
    assert ('HTTPS_PROXY="http://alice:***@%s:3131" from %s' % (PROXY, env_file)) in out, out
    rc, j, codes = check(sb, "--pull-path")
    assert rc == 0 and not codes and "s3cret" not in json.dumps(j), j["problems"]
    journal = sb.run(["journalctl", "--no-pager", "-o", "json"]).stdout
    assert "s3cret" not in journal
    r = sb.tool("pull-proxy", "unset")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert sb.read(OVERRIDE) == before and sb.read(env_file) is None
    assert pull(sb).returncode == 1


@case
def the_path_is_tried_as_the_services_user(sb):
    """A rule that keeps the service's user (ollama) from the proxy: Ollama's
    pull fails, and so does the path check, which root alone would pass."""
    expose_ok(sb, "0.0.0.0")
    r = sb.tool("pull-proxy", "set", PROXY_URL)
    assert r.returncode == 0, (r.stdout, r.stderr)
    sb.sh("nft 'add table inet owner; add chain inet owner output "
          "{ type filter hook output priority 0; policy accept; }; "
          "add rule inet owner output meta skuid ollama tcp dport 3128 reject'")
    try:
        p = pull(sb)
        assert p.returncode == 1 and "proxyconnect" in p.stderr, (p.stdout, p.stderr)
        rc, j, codes = check(sb, "--pull-path")
        assert rc == 2 and codes == {"pull-proxy-unreachable"}, j["problems"]
        assert sb.run(["curl", "-sS", "-m", "5", "-o", "/dev/null", "--proxy", PROXY_URL,
                       "https://registry.ollama.ai/v2/library/llama3.2/manifests/latest"],
                      check=False).returncode == 0  # root is let through
    finally:
        sb.sh("nft delete table inet owner")


def clean(sb):
    remove_company_network(sb)
    restore(sb)


def setup(sb):
    clean(sb)
    add_company_network(sb)
    restore(sb)  # a process that started before the CA was trusted


def teardown(sb):
    sb.sh("f=/usr/local/share/ca-certificates/ollama-netcfg-pull-proxy.crt; "
          "if [ -e $f ]; then rm -f $f; update-ca-certificates --fresh >/dev/null 2>&1; fi; true")
    restore(sb)


if __name__ == "__main__":
    run(setup=setup, teardown_each=teardown)
