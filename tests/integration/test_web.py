#!/usr/bin/env python3
"""Web clients against a real systemd: a browser (headless Chromium from
Debian, in a client network namespace, loading a page served from that
namespace, so its origin is not Ollama's) and reverse proxies with
authentication (a real nginx and a real Caddy with the blocks proxy-config
prints, asked by curl and by the official `ollama` JavaScript client from
npm). Each verdict of the tool is compared with what that client sees."""
import json
import os
import shutil
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import case, run  # noqa: E402
from checks import (DROPIN_DIR, NGINX_MAIN, add_client_host, check, expose_ok,  # noqa: E402
                    main_pid, process_env, restore, run_nginx, snapshot, wait_listening)

JS_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "js")
BINARY = "/opt/netcfg/ollama-netcfg"
SERVER = "192.0.2.1"
CLIENT = "192.0.2.11"
PAGE_ORIGIN = "http://%s:8000" % CLIENT
OTHER_ORIGIN = "http://%s:8001" % CLIENT
API = "http://%s:11434/api/version" % SERVER
DROPIN = DROPIN_DIR + "/override.conf"

# The guide's JavaScript example, in a page: fetch from another origin.
PAGE = """<!doctype html><html><body><pre id="out">pending</pre><script>
fetch("%s").then(r => r.json()).then(j => {
  document.getElementById("out").textContent = "OK " + j.version;
}).catch(e => { document.getElementById("out").textContent = "FAILED " + e; });
</script></body></html>
""" % API


def serve_page(sb, port):
    """The page, served from the client namespace on `port`."""
    sb.sh("mkdir -p /var/tmp/page%d" % port)
    sb.write("/var/tmp/page%d/index.html" % port, PAGE)
    sb.run(["systemd-run", "--unit=aux-page%d" % port, "ip", "netns", "exec", "c1", "python3",
            "-m", "http.server", "--bind", CLIENT, "--directory", "/var/tmp/page%d" % port,
            str(port)])
    sb.wait_until(lambda: sb.run(["ip", "netns", "exec", "c1", "curl", "-s", "-o", "/dev/null",
                                  "http://%s:%d/" % (CLIENT, port)], check=False).returncode == 0,
                  what="the page server on port %d" % port)


def browser_says(sb, origin):
    """What the page at `origin` printed after its fetch ran in Chromium."""
    r = sb.run(["ip", "netns", "exec", "c1", "/usr/bin/chromium", "--headless=new", "--no-sandbox",
                "--disable-gpu", "--user-data-dir=/var/tmp/chromium-profile",
                "--virtual-time-budget=5000", "--dump-dom", origin + "/"], check=False,
               timeout=60)
    for line in r.stdout.splitlines():
        if 'id="out"' in line:
            return line.split('id="out">', 1)[1].split("<", 1)[0]
    raise AssertionError("no page from Chromium: %s %s" % (r.stdout[-500:], r.stderr[-1500:]))


def clean(sb):
    sb.sh("for n in c1; do ip netns del $n 2>/dev/null; done; ip link del clientnet0 2>/dev/null; "
          "rm -rf /var/tmp/chromium-profile /var/tmp/ng /var/tmp/caddy-*; true")
    restore(sb)


def start(sb):
    clean(sb)
    add_client_host(sb, SERVER, CLIENT)


def origin_refused(sb, *origins):
    args = []
    for o in origins:
        args += ["--origin", o]
    rc, j, codes = check(sb, *args)
    return rc, j, codes


# --- browsers -------------------------------------------------------------

@case
def browser_fails_before_and_works_after_origins_add_and_check_agrees(sb):
    start(sb)
    expose_ok(sb, "0.0.0.0")
    serve_page(sb, 8000)
    serve_page(sb, 8001)
    assert browser_says(sb, PAGE_ORIGIN).startswith("FAILED"), "the browser got through"
    rc, j, codes = origin_refused(sb, PAGE_ORIGIN)
    assert rc == 2 and codes == {"origin-refused"}, (rc, j["problems"])
    p = [p for p in j["problems"] if p["code"] == "origin-refused"][0]
    assert "origins add %s" % PAGE_ORIGIN in p["advice"], p
    # Dry run first: the diff, nothing changed.
    before = snapshot(sb)
    r = sb.tool("origins", "add", PAGE_ORIGIN, "--dry-run", "--json")
    assert r.returncode == 0, r.stderr
    d = json.loads(r.stdout)
    assert d["changed"] is True and d["dry_run"] is True, d
    assert d["files"][0]["after"].count("OLLAMA_ORIGINS=%s" % PAGE_ORIGIN) == 1, d["files"]
    assert snapshot(sb) == before
    # The change: proven by a request with that Origin.
    r = sb.tool("origins", "add", PAGE_ORIGIN)
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "ok   origin    GET http://127.0.0.1:11434/api/version with Origin %s: HTTP 200" \
        % PAGE_ORIGIN in r.stdout, r.stdout
    assert process_env(sb, main_pid(sb)).get("OLLAMA_ORIGINS") == PAGE_ORIGIN
    assert browser_says(sb, PAGE_ORIGIN) == "OK 0.12.6"
    rc, j, codes = origin_refused(sb, PAGE_ORIGIN)
    assert rc == 0 and not codes, j["problems"]
    # The other page is still refused, and check says so for it alone.
    assert browser_says(sb, OTHER_ORIGIN).startswith("FAILED")
    rc, j, codes = origin_refused(sb, PAGE_ORIGIN, OTHER_ORIGIN)
    assert rc == 2 and codes == {"origin-refused"}, j["problems"]
    assert OTHER_ORIGIN in [p for p in j["problems"] if p["code"] == "origin-refused"][0]["message"]
    # Asking again changes nothing and does not restart.
    pid = main_pid(sb)
    r = sb.tool("origins", "add", PAGE_ORIGIN, "--json")
    j = json.loads(r.stdout)
    assert r.returncode == 0 and j["changed"] is False and main_pid(sb) == pid, j
    # status shows what is in effect.
    s = json.loads(sb.tool("status", "--json").stdout)
    assert s["origins"]["configured"] == [PAGE_ORIGIN], s["origins"]
    assert "http://localhost:*" in s["origins"]["builtin"]


@case
def hand_written_origins_stay_in_order_and_reset_origins_takes_out_only_ours(sb):
    start(sb)
    sb.sh("mkdir -p %s" % DROPIN_DIR)
    sb.write(DROPIN, "[Service]\n# the admin's own\nEnvironment=\"OLLAMA_ORIGINS=https://b.example,https://a.example\"\n")
    sb.sh("systemctl daemon-reload && systemctl restart ollama")
    wait_listening(sb, 11434, ("127.0.0.1:11434",))
    r = sb.tool("origins", "add", PAGE_ORIGIN, "https://a.example", "http://localhost:3000")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "http://localhost:3000 is already allowed by Ollama's defaults" in r.stdout, r.stdout
    want = "https://b.example,https://a.example," + PAGE_ORIGIN
    assert process_env(sb, main_pid(sb))["OLLAMA_ORIGINS"] == want
    assert "# the admin's own" in sb.read(DROPIN)
    ls = json.loads(sb.tool("origins", "list", "--json").stdout)
    assert [(c["origin"], c["added_by_tool"]) for c in ls["configured"]] == [
        ("https://b.example", False), ("https://a.example", False), (PAGE_ORIGIN, True)], ls
    # Plain reset leaves origins alone and says so.
    r = sb.tool("reset")
    assert r.returncode == 0 and "reset leaves origins alone" in r.stdout, r.stdout
    assert process_env(sb, main_pid(sb))["OLLAMA_ORIGINS"] == want
    r = sb.tool("reset", "--origins")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert process_env(sb, main_pid(sb))["OLLAMA_ORIGINS"] == "https://b.example,https://a.example"
    r = sb.tool("origins", "remove", "https://b.example", "https://a.example")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "OLLAMA_ORIGINS" not in process_env(sb, main_pid(sb))


@case
def expose_allow_origin_is_one_restart_and_the_browser_gets_through(sb):
    start(sb)
    serve_page(sb, 8000)
    r = sb.tool("expose", "0.0.0.0", "--allow-origin", PAGE_ORIGIN, "--json")
    j = json.loads(r.stdout)
    assert r.returncode == 0, j
    assert [p["name"] for p in j["proofs"]] == ["systemd", "process", "listener", "api", "origin"]
    assert j["origins"]["added"] == [PAGE_ORIGIN], j["origins"]
    assert len([a for a in j["actions"] if a.startswith("restarted")]) == 1, j["actions"]
    assert browser_says(sb, PAGE_ORIGIN) == "OK 0.12.6"


@case
def an_origins_change_that_does_not_come_up_is_rolled_back(sb):
    start(sb)
    expose_ok(sb, "0.0.0.0")
    before = sb.read(DROPIN)
    # The next start takes 3 s to listen; the change may wait 1.5 s.
    sb.write(DROPIN_DIR + "/slow.conf", "[Service]\nEnvironment=FAKE_OLLAMA_START_DELAY=3\n")
    sb.sh("systemctl daemon-reload")
    r = sb.tool("origins", "add", PAGE_ORIGIN, "--timeout", "1.5", "--json")
    j = json.loads(r.stdout)
    assert r.returncode == 1 and j["rolled_back"] is True, j
    assert sb.read(DROPIN) == before
    sb.sh("rm %s/slow.conf && systemctl daemon-reload" % DROPIN_DIR)
    assert "OLLAMA_ORIGINS" not in process_env(sb, main_pid(sb))


@case
def refused_origins_change_nothing(sb):
    start(sb)
    before = snapshot(sb)
    for bad in ("null", " http://x", "http://a,http://b", "http://*.a.*", "http://a/", "ws://a"):
        r = sb.tool("origins", "add", bad)
        assert r.returncode == 2, (bad, r.returncode, r.stderr)
        assert "hint:" in r.stderr, r.stderr
        r = sb.tool("expose", "0.0.0.0", "--allow-origin", bad)
        assert r.returncode == 2, (bad, r.returncode, r.stderr)
    assert snapshot(sb) == before


@case
def hand_written_bad_origins_crash_loop_and_check_says_bad_origins(sb):
    start(sb)
    sb.sh("mkdir -p %s" % DROPIN_DIR)
    sb.write(DROPIN, "[Service]\nEnvironment=\"OLLAMA_ORIGINS=http://a.example, http://b.example\"\n")
    # Before the restart: the process still runs, the next start fails.
    sb.sh("systemctl daemon-reload")
    rc, j, codes = check(sb)
    assert rc == 2 and "bad-origins" in codes, j["problems"]
    p = [p for p in j["problems"] if p["code"] == "bad-origins"][0]
    assert "next restart" in p["message"] and "\" http://b.example\"" in p["message"], p
    sb.run(["systemctl", "restart", "--no-block", "ollama"])
    sb.wait_until(lambda: int(sb.show("ollama", "NRestarts")) >= 2, what="a crash loop")
    journal = sb.run(["journalctl", "-u", "ollama", "-n", "50", "--no-pager"]).stdout
    assert "bad origin" in journal, journal[-2000:]
    rc, j, codes = check(sb)
    assert rc == 2 and "bad-origins" in codes, j["problems"]
    p = [p for p in j["problems"] if p["code"] == "bad-origins"][0]
    assert "crash" in p["message"] and "origins remove" in p["advice"], p
    # The way out the advice names: origins remove fixes it.
    r = sb.tool("origins", "remove", " http://b.example")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert process_env(sb, main_pid(sb))["OLLAMA_ORIGINS"] == "http://a.example"


# --- reverse proxies with authentication ----------------------------------

# The test's own global options: no admin endpoint, no ACME, HTTPS on 8443
# (the site's certificate is the one proxy-config is given).
CADDY_GLOBAL = """{
    admin off
    http_port 8080
    https_port 8443
    auto_https disable_redirects
    storage file_system /var/tmp/caddy-data
}
"""

KEY = "k-7f3a9c2e41b84d0f9a6e5d3c2b1a0f9e"
PASSWORD = "s3cret-horse-battery"
NG = "/var/tmp/ng"


def prepare_proxy(sb):
    start(sb)
    sb.sh("mkdir -p %s && cd %s && openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem "
          "-out cert.pem -days 2 -subj /CN=ollama.test -addext subjectAltName=DNS:ollama.test "
          ">/dev/null 2>&1 && chmod 644 key.pem" % (NG, NG))
    sb.write(NG + "/nginx.conf", NGINX_MAIN)
    sb.sh("grep -q ollama.test /etc/hosts || echo '127.0.0.1 ollama.test' >> /etc/hosts")
    # The keys an admin hands out, one per line, readable by root only.
    sb.write(NG + "/keys", "# clients of the lab\n%s\n" % KEY)
    sb.write(NG + "/wrong-key", "k-0000000000000000000000000000wrong\n")
    sb.sh("chmod 600 %s/keys %s/wrong-key" % (NG, NG))
    # The client's side: a header file and a netrc, so nothing secret is
    # on a command line.
    sb.write(NG + "/auth-header", "Authorization: Bearer %s\n" % KEY)
    sb.write(NG + "/netrc", "machine ollama.test login alice password %s\n" % PASSWORD)
    sb.write(NG + "/user-pass", "alice:%s\n" % PASSWORD)
    sb.sh("chmod 600 %s/auth-header %s/netrc %s/user-pass" % (NG, NG, NG))
    # bcrypt, which both nginx (through libcrypt) and Caddy take; Caddy
    # makes it (Python's crypt module is gone in Debian 13's Python).
    bcrypt = sb.run(["caddy", "hash-password", "--plaintext", PASSWORD]).stdout.strip()
    sb.write(NG + "/htpasswd", "alice:%s\n" % bcrypt)
    sb.sh("chmod 644 %s/htpasswd" % NG)  # nginx's workers (user nobody here) read it
    shutil.copytree(JS_DIR, sb.root + "/var/tmp/js", dirs_exist_ok=True)


def run_caddy(sb, site):
    sb.write("/var/tmp/Caddyfile", CADDY_GLOBAL + site)
    sb.run(["systemctl", "stop", "aux-caddy"], check=False)
    sb.run(["systemctl", "reset-failed", "aux-caddy"], check=False)
    sb.run(["systemd-run", "--unit=aux-caddy", "-E", "HOME=/var/tmp", "-E",
            "XDG_CONFIG_HOME=/var/tmp/caddy-config", "caddy", "run", "--adapter", "caddyfile",
            "--config", "/var/tmp/Caddyfile"])
    sb.wait_until(lambda: sb.run(["ss", "-Htln", "sport = :8443"]).stdout.strip() != "",
                  what="caddy listening on 8443")
    return "https://ollama.test:8443"


def status_code(sb, url, *args):
    r = sb.run(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", "--noproxy", "*",
                "--cacert", NG + "/cert.pem", *args, url + "/api/version"], check=False)
    return r.stdout


def js_client(sb, url, key_file=None):
    cmd = ["env", "NODE_EXTRA_CA_CERTS=%s/cert.pem" % NG, "node", "/var/tmp/js/version.mjs", url]
    if key_file:
        cmd.append(key_file)
    # The client logs on stdout too; the script's own answer is the last line.
    out = sb.run(cmd, check=False).stdout.strip().splitlines()
    return out[-1] if out else ""


def proxy_check(sb, url, *args):
    return check(sb, "--url", url, "--cacert", NG + "/cert.pem", *args)


def assert_bearer_proxy(sb, url):
    """Without a key 401, with the key the version: curl, the JS client
    and check --url agree."""
    assert status_code(sb, url) == "401"
    assert status_code(sb, url, "-H", "@%s/auth-header" % NG) == "200"
    assert js_client(sb, url).startswith("error: 401"), js_client(sb, url)
    assert js_client(sb, url, NG + "/keys") == "version 0.12.6"
    rc, j, codes = proxy_check(sb, url)
    assert rc == 2 and codes == {"proxy-auth-required"}, j["problems"]
    p = [p for p in j["problems"] if p["code"] == "proxy-auth-required"][0]
    assert "none were sent" in p["message"] and "--api-key-file" in p["advice"], p
    rc, j, codes = proxy_check(sb, url, "--api-key-file", NG + "/keys")
    assert rc == 0 and not codes and j["urls"][0]["version"] == "0.12.6", j["problems"]
    rc, j, codes = proxy_check(sb, url, "--api-key-file", NG + "/wrong-key")
    assert rc == 2 and codes == {"proxy-auth-required"}, j["problems"]
    assert "refused the bearer key" in j["problems"][0]["message"], j["problems"]
    # The key never reached the output, the JSON or a world-readable file.
    assert KEY not in json.dumps(j)


def assert_block_holds_no_key(sb, r, include):
    assert r.returncode == 0, r.stderr
    assert KEY not in r.stdout and include in r.stdout, r.stdout
    assert KEY in sb.read(include)
    mode = int(sb.run(["stat", "-c", "%a", include]).stdout.strip(), 8)
    assert mode & 0o007 == 0, oct(mode)


@case
def nginx_with_api_keys_lets_only_key_holders_through(sb):
    prepare_proxy(sb)
    r = sb.tool("proxy-config", "nginx", "--server-name", "ollama.test", "--cert",
                NG + "/cert.pem", "--key", NG + "/key.pem", "--api-key-file", NG + "/keys")
    assert_block_holds_no_key(sb, r, NG + "/keys.nginx-map")
    assert "proxy_buffering off;" in r.stdout and "proxy_set_header Host localhost:11434;" in r.stdout
    url = run_nginx(sb, r.stdout)
    assert_bearer_proxy(sb, url)
    # The map made readable by every user: one of them reads the key, and
    # check says so.
    nobody_reads = ["runuser", "-u", "nobody", "--", "cat", NG + "/keys.nginx-map"]
    assert sb.run(nobody_reads, check=False).returncode != 0
    sb.sh("chmod 644 %s/keys.nginx-map" % NG)
    assert KEY in sb.run(nobody_reads, check=False).stdout
    rc, j, codes = proxy_check(sb, url, "--api-key-file", NG + "/keys")
    assert rc == 1 and codes == {"credentials-readable"}, j["problems"]
    p = j["problems"][0]
    assert p["message"].startswith("every local user can read %s/keys.nginx-map (mode 0644)"
                                   % NG), p
    assert p["advice"].startswith("`chmod 600 %s/keys.nginx-map`" % NG), p


@case
def caddy_with_api_keys_lets_only_key_holders_through(sb):
    prepare_proxy(sb)
    r = sb.tool("proxy-config", "caddy", "--server-name", "ollama.test", "--cert",
                NG + "/cert.pem", "--key", NG + "/key.pem", "--api-key-file", NG + "/keys")
    assert_block_holds_no_key(sb, r, NG + "/keys.caddy")
    assert "flush_interval -1" in r.stdout and "header_up Host localhost:11434" in r.stdout
    url = run_caddy(sb, r.stdout)
    assert_bearer_proxy(sb, url)


@case
def basic_auth_in_nginx_and_caddy_and_check_sends_the_password_from_a_file(sb):
    prepare_proxy(sb)
    for server, runner in (("nginx", run_nginx), ("caddy", run_caddy)):
        r = sb.tool("proxy-config", server, "--server-name", "ollama.test", "--cert",
                    NG + "/cert.pem", "--key", NG + "/key.pem", "--basic-auth", NG + "/htpasswd")
        assert r.returncode == 0, (server, r.stderr)
        url = runner(sb, r.stdout)
        assert status_code(sb, url) == "401", server
        assert status_code(sb, url, "--netrc-file", NG + "/netrc") == "200", server
        rc, j, codes = proxy_check(sb, url)
        assert rc == 2 and codes == {"proxy-auth-required"}, (server, j["problems"])
        rc, j, codes = proxy_check(sb, url, "--basic-auth-file", NG + "/user-pass")
        assert rc == 0 and not codes, (server, j["problems"])
        assert PASSWORD not in json.dumps(j)
        sb.run(["systemctl", "stop", "aux-" + server], check=False)


@case
def behind_a_proxy_a_refused_origin_is_told_from_a_refused_host(sb):
    prepare_proxy(sb)
    r = sb.tool("proxy-config", "nginx", "--server-name", "ollama.test", "--cert",
                NG + "/cert.pem", "--key", NG + "/key.pem")
    url = run_nginx(sb, r.stdout)
    assert status_code(sb, url, "-H", "Origin: " + PAGE_ORIGIN) == "403"
    rc, j, codes = proxy_check(sb, url, "--origin", PAGE_ORIGIN)
    assert rc == 2 and "url-unreachable" in codes, j["problems"]
    u = j["urls"][0]
    assert u["ollama_refuses_origin"] is True and u["ollama_refuses_host"] is False, u
    p = [p for p in j["problems"] if p["code"] == "url-unreachable"][0]
    assert "origins add %s" % PAGE_ORIGIN in p["advice"], p
    assert sb.tool("origins", "add", PAGE_ORIGIN).returncode == 0
    assert status_code(sb, url, "-H", "Origin: " + PAGE_ORIGIN) == "200"
    rc, j, codes = proxy_check(sb, url, "--origin", PAGE_ORIGIN)
    assert rc == 0 and not codes, j["problems"]


@case
def proxy_config_expect_needs_no_systemd_and_bad_key_files_are_refused(sb):
    prepare_proxy(sb)
    # No bus at all: only prints.
    r = sb.run(["env", "DBUS_SYSTEM_BUS_ADDRESS=unix:path=/nonexistent", BINARY,
                "proxy-config", "caddy", "--server-name", "ollama.test", "--expect",
                "127.0.0.1:11434"], check=False)
    assert r.returncode == 0 and "reverse_proxy 127.0.0.1:11434" in r.stdout, r.stderr
    sb.write(NG + "/bad-keys", "two words\n")
    for args in (["--api-key-file", NG + "/bad-keys"], ["--api-key-file", NG + "/missing"],
                 ["--api-key-file", NG + "/keys", "--basic-auth", NG + "/htpasswd"]):
        r = sb.tool("proxy-config", "nginx", "--server-name", "ollama.test", "--expect",
                    "127.0.0.1:11434", *args)
        assert r.returncode == 2 and "hint:" in r.stderr, (args, r.returncode, r.stderr)
    sb.write(NG + "/md5-htpasswd", "alice:$apr1$abcdefgh$0123456789abcdefghijkl\n")
    r = sb.tool("proxy-config", "caddy", "--server-name", "ollama.test", "--expect",
                "127.0.0.1:11434", "--basic-auth", NG + "/md5-htpasswd")
    assert r.returncode == 2 and "bcrypt" in r.stderr, r.stderr


# --- the clients people use: extensions, apps, Origin: null, the local command

REPORT_SERVER = """import http.server, sys, urllib.parse
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        q = urllib.parse.unquote(self.path.split("?", 1)[1]) if "?" in self.path else ""
        with open("/var/tmp/ext-report", "a") as f:
            f.write(q + "\\n")
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
    def log_message(self, *a):
        pass
http.server.HTTPServer((sys.argv[1], 9000), H).serve_forever()
"""

# The service worker of an unpacked Manifest V3 extension: the request an
# extension such as Page Assist makes, without host permissions (so CORS
# decides), reported to the client namespace's own little server.
EXT_WORKER = """fetch("%s").then(r => r.json()).then(j => "OK " + j.version)
  .catch(e => "FAILED " + e)
  .then(s => fetch("http://%s:9000/report?" + encodeURIComponent(s)));
""" % (API, CLIENT)


def make_extension(sb):
    """An unpacked extension with a fixed key; returns its origin
    (chrome-extension://ID, the ID derived from the key as Chromium does)."""
    import base64
    import hashlib
    sb.sh("mkdir -p /var/tmp/ext && cd /var/tmp/ext && "
          "openssl genrsa 2048 2>/dev/null | openssl rsa -pubout -outform DER "
          "-out key.der 2>/dev/null")
    key = sb.run(["base64", "-w0", "/var/tmp/ext/key.der"]).stdout.strip()
    digest = hashlib.sha256(base64.b64decode(key)).hexdigest()[:32]
    ext_id = "".join(chr(ord("a") + int(c, 16)) for c in digest)
    sb.write("/var/tmp/ext/manifest.json", json.dumps({
        "manifest_version": 3, "name": "netcfg probe", "version": "1.0", "key": key,
        "background": {"service_worker": "sw.js"}}))
    sb.write("/var/tmp/ext/sw.js", EXT_WORKER)
    sb.write("/var/tmp/report.py", REPORT_SERVER)
    sb.run(["systemd-run", "--unit=aux-report", "ip", "netns", "exec", "c1", "python3",
            "/var/tmp/report.py", CLIENT])
    return "chrome-extension://" + ext_id


def extension_says(sb):
    """Loads the extension into a fresh headless Chromium in the client
    namespace and returns what its service worker's request got."""
    sb.run(["rm", "-rf", "/var/tmp/ext-profile", "/var/tmp/ext-report"])
    sb.run(["systemctl", "reset-failed", "aux-chromium"], check=False)
    sb.run(["systemd-run", "--unit=aux-chromium", "ip", "netns", "exec", "c1", "/usr/bin/chromium",
            "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-features=DisableLoadExtensionCommandLineSwitch",
            "--user-data-dir=/var/tmp/ext-profile", "--load-extension=/var/tmp/ext",
            "--disable-extensions-except=/var/tmp/ext", "about:blank"])
    try:
        sb.wait_until(lambda: (sb.read("/var/tmp/ext-report") or "").strip() != "", timeout=40,
                      what="the extension's report")
        return sb.read("/var/tmp/ext-report").strip().splitlines()[0]
    finally:
        sb.run(["systemctl", "stop", "aux-chromium"], check=False)


@case
def a_browser_extension_gets_in_with_the_preset_and_check_agrees(sb):
    start(sb)
    expose_ok(sb, "0.0.0.0")
    origin = make_extension(sb)
    try:
        assert extension_says(sb).startswith("FAILED"), "the extension got through"
        rc, j, codes = origin_refused(sb, origin)
        assert rc == 2 and codes == {"origin-refused"}, (rc, j["problems"])
        r = sb.tool("origins", "add", "--preset", "browser-extensions")
        assert r.returncode == 0, (r.stdout, r.stderr)
        # Proven with what extensions send, not the literal wildcard.
        for proof in ("chrome-extension://abcdefghijklmnopabcdefghijklmnop",
                      "moz-extension://0f9e2a3c-4b5d-4e6f-8a7b-9c0d1e2f3a4b",
                      "safari-web-extension://0f9e2a3c-4b5d-4e6f-8a7b-9c0d1e2f3a4b"):
            assert "with Origin %s: HTTP 200" % proof in r.stdout, r.stdout
        assert "Origin chrome-extension://*" not in r.stdout, r.stdout
        assert process_env(sb, main_pid(sb))["OLLAMA_ORIGINS"] == \
            "chrome-extension://*,moz-extension://*,safari-web-extension://*"
        assert extension_says(sb) == "OK 0.12.6"
        rc, j, codes = origin_refused(sb, origin)
        assert rc == 0 and not codes, j["problems"]
        text = sb.tool("origins", "list").stdout
        assert "added by `ollama-netcfg origins add --preset browser-extensions`" in text, text
        ls = json.loads(sb.tool("origins", "list", "--json").stdout)
        assert {c["preset"] for c in ls["configured"]} == {"browser-extensions"}, ls
        # Taken out by the same name: the extension is refused again, as check says.
        r = sb.tool("origins", "remove", "--preset", "browser-extensions")
        assert r.returncode == 0, (r.stdout, r.stderr)
        assert "OLLAMA_ORIGINS" not in process_env(sb, main_pid(sb))
        assert extension_says(sb).startswith("FAILED")
        rc, j, codes = origin_refused(sb, origin)
        assert rc == 2 and codes == {"origin-refused"}, j["problems"]
        assert sb.tool("origins", "add", "--preset", "nonsense").returncode == 2
    finally:
        sb.run(["systemctl", "stop", "aux-report"], check=False)


@case
def origin_null_passes_only_with_star_and_the_tool_says_why(sb):
    start(sb)
    expose_ok(sb, "0.0.0.0")
    # A file page: Chromium sends Origin: null.
    sb.sh("mkdir -p /var/tmp/nullpage")
    sb.write("/var/tmp/nullpage/index.html", PAGE)
    file_page = "file:///var/tmp/nullpage/index.html"

    def file_page_says():
        r = sb.run(["ip", "netns", "exec", "c1", "/usr/bin/chromium", "--headless=new",
                    "--no-sandbox", "--disable-gpu", "--user-data-dir=/var/tmp/chromium-profile",
                    "--virtual-time-budget=5000", "--dump-dom", file_page], check=False,
                   timeout=60)
        for line in r.stdout.splitlines():
            if 'id="out"' in line:
                return line.split('id="out">', 1)[1].split("<", 1)[0]
        raise AssertionError("no page from Chromium: %s" % r.stderr[-1500:])

    assert file_page_says().startswith("FAILED")
    rc, j, codes = origin_refused(sb, "null")
    p = [p for p in j["problems"] if p["code"] == "origin-refused"][0]
    assert rc == 2 and "passes only with *" in p["advice"], p
    before = snapshot(sb)
    r = sb.tool("origins", "add", "null")
    assert r.returncode == 2 and "no entry but * lets it through" in r.stderr, r.stderr
    r = sb.tool("origins", "add", "*")
    assert r.returncode == 2 and "--yes-any-site" in r.stderr, r.stderr
    assert snapshot(sb) == before
    # Said knowingly: the file page gets in, and check warns about every site.
    r = sb.tool("origins", "add", "*", "--yes-any-site")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert file_page_says() == "OK 0.12.6"
    rc, j, codes = origin_refused(sb, "null")
    assert rc == 1 and codes == {"open-to-any-site"}, j["problems"]
    sb.tool("origins", "remove", "*")


@case
def an_app_ollama_already_lets_in_is_said_so_and_nothing_restarts(sb):
    start(sb)
    expose_ok(sb, "0.0.0.0")
    before = snapshot(sb)
    r = sb.tool("origins", "add", "app://obsidian.md")
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert "app://obsidian.md is already allowed by Ollama's defaults (app://*)" in r.stdout, \
        r.stdout
    assert snapshot(sb) == before and sb.read(DROPIN).count("OLLAMA_ORIGINS") == 0
    # What the app sends is let through.
    r = sb.run(["ip", "netns", "exec", "c1", "curl", "-sS", "-o", "/dev/null", "-w",
                "%{http_code}", "-H", "Origin: app://obsidian.md", API], check=False)
    assert r.stdout == "200", r.stdout
    rc, j, codes = origin_refused(sb, "app://obsidian.md")
    assert rc == 0 and not codes, j["problems"]


def login_shell(sb, command):
    """`command` in a fresh login shell of a user on the server."""
    return sb.run(["runuser", "-l", "nobody", "-s", "/bin/bash", "-c", command], check=False)


@case
def the_ollama_command_on_the_server_follows_it_with_client_env(sb):
    start(sb)
    sb.run(["rm", "-f", "/etc/profile.d/ollama-netcfg.sh",
            "/etc/environment.d/60-ollama-netcfg.conf"])
    expose_ok(sb, "0.0.0.0:11500")
    r = login_shell(sb, "ollama list")
    assert r.returncode == 1 and "could not connect" in r.stderr, (r.stdout, r.stderr)
    r = expose_ok(sb, "0.0.0.0:11500", "--client-env")
    assert "wrote /etc/profile.d/ollama-netcfg.sh" in r.stdout, r.stdout
    assert "wrote /etc/environment.d/60-ollama-netcfg.conf" in r.stdout, r.stdout
    r = login_shell(sb, "ollama list")
    assert r.returncode == 0 and r.stdout.startswith("NAME"), (r.stdout, r.stderr)
    # systemd user sessions get it from environment.d.
    gen = sb.run(["/usr/lib/systemd/user-environment-generators/"
                  "30-systemd-environment-d-generator"], check=False).stdout
    assert "OLLAMA_HOST=127.0.0.1:11500" in gen.splitlines(), gen
    j = json.loads(sb.tool("status", "--json").stdout)
    assert j["client_env"] == {"file": "/etc/profile.d/ollama-netcfg.sh",
                               "value": "127.0.0.1:11500", "matches": True}, j["client_env"]
    # Moved on without --client-env: the shells look in the old place, as check says.
    expose_ok(sb, "0.0.0.0:11600")
    rc, j, codes = check(sb)
    assert rc == 1 and codes == {"client-env-stale"}, j["problems"]
    p = [p for p in j["problems"] if p["code"] == "client-env-stale"][0]
    assert "expose 0.0.0.0:11600 --client-env" in p["advice"], p
    assert login_shell(sb, "ollama list").returncode == 1
    # Following the advice fixes it without a restart.
    pid = main_pid(sb)
    expose_ok(sb, "0.0.0.0:11600", "--client-env")
    assert main_pid(sb) == pid and login_shell(sb, "ollama list").returncode == 0
    # Back to the default: the files go, and the default works in a new shell.
    r = sb.tool("reset", "--client-env")
    assert r.returncode == 0 and "removed /etc/profile.d/ollama-netcfg.sh" in r.stdout, r.stdout
    assert sb.read("/etc/profile.d/ollama-netcfg.sh") is None
    assert sb.read("/etc/environment.d/60-ollama-netcfg.conf") is None
    assert login_shell(sb, "ollama list").returncode == 0
    rc, j, codes = check(sb)
    assert rc == 0 and j["client_env"] is None, j


if __name__ == "__main__":
    run(setup=restore, teardown_each=clean)
