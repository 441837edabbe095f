"""Named setups for the docs test: `<!-- doc: given NAME ARGS -->` where a
scene is more than a shell line (a TLS site, a proxy, Docker, the NRPE
agent, the installed package). Each is run as root in the sandbox before
the block; `undo` takes them all away again at the start of a section.

A given that is not a name here is a shell command (docs_test.run_given).
"""
import glob
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

CA_DIR = "/var/tmp/docs-ca"
CA_PEM = "/etc/ssl/ca.pem"            # what the guide's --cacert names
TRUSTED = "/usr/local/share/ca-certificates/docs-test-ca.crt"
CADDY_TRUSTED = "/usr/local/share/ca-certificates/docs-test-caddy.crt"
NG = "/var/tmp/ng"

# Caddy's global options here: no admin endpoint, and certificates from
# Caddy's own local CA instead of ACME (nothing leaves this machine); its
# root goes into the trust store, as a public CA's would be there; no
# redirect from port 80, which the examples after it use.
CADDY_MAIN = """{
    admin off
    local_certs
    skip_install_trust
    auto_https disable_redirects
    storage file_system /var/tmp/caddy-data
}
import %s
"""


def sh(sb, script):
    sb.run(["sh", "-c", script], timeout=300)


def wait_for(sb, script, what, timeout=30):
    sb.wait_until(lambda: sb.run(["sh", "-c", script], check=False).returncode == 0,
                  timeout=timeout, what=what)


def tls_site(sb, name, cert, key):
    """A certificate for NAME at CERT and KEY, from a test CA that the trust
    store has (and that is at /etc/ssl/ca.pem for --cacert), and NAME
    resolving to this host."""
    sh(sb, "mkdir -p {d} && cd {d} && "
           "[ -e ca.key ] || openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem "
           "-days 2 -subj '/CN=docs test CA' >/dev/null 2>&1; "
           "openssl req -newkey rsa:2048 -nodes -keyout {k} -out site.csr -subj /CN={n} "
           ">/dev/null 2>&1 && printf 'subjectAltName=DNS:{n}\\n' > san.ext && "
           "openssl x509 -req -in site.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
           "-extfile san.ext -out {c} >/dev/null 2>&1 && chmod 644 {k} && "
           "cp ca.pem {ca} && cp ca.pem {t} && update-ca-certificates >/dev/null 2>&1 && "
           "(grep -q ' {n}$' /etc/hosts || echo '127.0.0.1 {n}' >> /etc/hosts)".format(
               d=CA_DIR, n=name, c=cert, k=key, ca=CA_PEM, t=TRUSTED))


def stop_proxies(sb):
    """One proxy at a time on port 443."""
    sh(sb, "systemctl stop aux-nginx aux-caddy 2>/dev/null; "
           "systemctl reset-failed aux-nginx aux-caddy 2>/dev/null; true")


def nginx(sb, site):
    """nginx with SITE (a path in the sandbox) as its only server, by hand as
    unit aux-nginx with the integration tests' main configuration."""
    import checks
    sh(sb, "mkdir -p %s && cp %s %s/site.conf" % (NG, site, NG))
    sb.write(NG + "/nginx.conf", checks.NGINX_MAIN)
    stop_proxies(sb)
    sh(sb, "systemd-run --unit=aux-nginx nginx -g 'daemon off;' -c %s/nginx.conf >/dev/null"
       % NG)
    wait_for(sb, "wait-listening 443", "nginx listening on 443")


def caddy(sb, site):
    """Caddy with SITE (a path in the sandbox) as its only site, its
    certificate from Caddy's local CA, which the trust store then has."""
    sb.write("/var/tmp/Caddyfile", CADDY_MAIN % site)
    stop_proxies(sb)
    sh(sb, "systemd-run --unit=aux-caddy -E HOME=/var/tmp -E XDG_CONFIG_HOME=/var/tmp/caddy "
           "caddy run --adapter caddyfile --config /var/tmp/Caddyfile >/dev/null")
    root = "/var/tmp/caddy-data/pki/authorities/local/root.crt"
    wait_for(sb, "test -s %s" % root, "Caddy's local CA")
    sh(sb, "cp %s %s && update-ca-certificates >/dev/null 2>&1" % (root, CADDY_TRUSTED))
    host = open_site_name(sb, site)
    sh(sb, "grep -q ' %s$' /etc/hosts || echo '127.0.0.1 %s' >> /etc/hosts" % (host, host))
    # The certificate is issued in the background after the start.
    wait_for(sb, "curl -s -o /dev/null --noproxy '*' https://%s/" % host,
             "Caddy serving https://%s" % host)


def open_site_name(sb, site):
    """The site address a Caddy block opens with (`NAME {`)."""
    for line in sb.read(site).splitlines():
        if line.rstrip().endswith("{") and not line.startswith((" ", "\t", "#")):
            return line.split()[0]
    raise RuntimeError("no site address in %s" % site)


def company_network(sb):
    """The proxy section's network (tests/integration/company.py: the
    company proxy, a TLS-inspecting one, the registry behind them), and the
    inspecting proxy's CA where the admin keeps what the security team
    sent."""
    import checks
    import company
    company.add_company_network(sb)
    sh(sb, "install -o admin -m 644 %s/ca.crt /home/admin/corp-ca.crt" % company.CORP_CA)
    checks.restore(sb)  # a process that started before the test CA was trusted


def docker(sb):
    """Docker's daemon, with its bridge docker0 and its own firewall rules."""
    sh(sb, "systemctl start docker.service")
    wait_for(sb, "docker info >/dev/null 2>&1", "dockerd", timeout=60)


NRPE_READY = """[Service]
ExecStartPost=/usr/bin/timeout 10 /bin/sh -c 'until ss -Hltn "sport = :5666" | grep -q .; do sleep 0.02; done'
"""


def nrpe(sb):
    """The NRPE agent can be started (the sandbox masks it otherwise). Its
    unit is Type=simple, so `systemctl restart` returns before it listens;
    the block's check_nrpe right after it was once refused (CI, loaded
    machine). Here its start waits until port 5666 listens, at most 10 s:
    a monitoring server asks minutes later, not at once."""
    sb.write("/run/systemd/system/nagios-nrpe-server.service.d/ready.conf", NRPE_READY)
    sh(sb, "rm -f /etc/systemd/system/nagios-nrpe-server.service && systemctl daemon-reload")


def built_deb(build_dir):
    """The .deb of this tree: the one integration-packaging built, or built
    here."""
    debs = glob.glob(os.path.join(build_dir, "packages", "ollama-netcfg_*.deb"))
    if not debs:
        subprocess.run([os.path.join(ROOT, "packaging", "build-packages"),
                        os.path.join(build_dir, "packages")], check=True,
                       capture_output=True, timeout=1200)
        debs = glob.glob(os.path.join(build_dir, "packages", "ollama-netcfg_*.deb"))
    return debs[0]


def package(sb, build_dir):
    """The .deb built from this tree, installed with apt, as the README's
    Installing section does (in the sandbox the tool otherwise comes from the
    build tree)."""
    shutil.copy(built_deb(build_dir), sb.root + "/var/tmp/ollama-netcfg.deb")
    sh(sb, "rm -f /usr/sbin/ollama-netcfg && apt-get install -qq -y "
           "/var/tmp/ollama-netcfg.deb >/dev/null 2>&1")


# --- a fleet --------------------------------------------------------------

class Fleet:
    """Two more sandboxes, host1 and host2, each with the installer's
    ollama.service and the tool at /usr/sbin/ollama-netcfg, and a controller
    directory on this machine where the fleet's commands run: ansible-playbook
    from Debian reaches the hosts through community.docker's nsenter
    connection (the inventory `hosts`, as test_ansible.py does), with the
    collection built from this tree and installed as the guide says. Forks
    are 1 so that the hosts answer in the order the guide shows."""

    def __init__(self, build_dir):
        sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
        from sandbox import Sandbox
        self.dir = tempfile.mkdtemp(prefix="netcfg-docs-fleet-", dir="/var/tmp")
        self.hosts = {}
        try:
            for name in ("host1", "host2"):
                sb = Sandbox(os.path.join(build_dir, "ollama-netcfg"), name="netcfg-docs-" + name)
                sb.start()
                self.hosts[name] = sb
                sh(sb, "ln -sf /opt/netcfg/ollama-netcfg /usr/sbin/ollama-netcfg")
            self.install_collection()
        except BaseException:
            self.stop()
            raise
        with open(os.path.join(self.dir, "hosts"), "w") as f:
            f.write("[ollama_servers:children]\nollama\n\n[ollama]\n")
            for name, sb in self.hosts.items():
                # The connection is root already; a play's `become: true`
                # goes through su (the sandboxes have no sudo).
                f.write("%s ansible_connection=community.docker.nsenter ansible_nsenter_pid=%d "
                        "ansible_python_interpreter=/usr/bin/python3 ansible_become_method=su\n"
                        % (name, sb.leader))

        self.build_dir = build_dir

    def env(self):
        return dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(self.dir, "collections"),
                    ANSIBLE_FORKS="1", ANSIBLE_NOCOLOR="1", ANSIBLE_RETRY_FILES_ENABLED="0",
                    ANSIBLE_LOCAL_TEMP=os.path.join(self.dir, "tmp"), LANG="C.UTF-8")

    def install_collection(self):
        out = os.path.join(self.dir, "dist")
        subprocess.run(["ansible-galaxy", "collection", "build", os.path.join(ROOT, "ansible"),
                        "--output-path", out, "--force"], check=True, capture_output=True)
        tarball = glob.glob(os.path.join(out, "netcfg-ollama-*.tar.gz"))[0]
        subprocess.run(["ansible-galaxy", "collection", "install", tarball, "-p",
                        os.path.join(self.dir, "collections"), "--force"], check=True,
                       capture_output=True)

    def run(self, text):
        r = subprocess.run(["sh", "-c", "{ %s\n} 2>&1" % text], cwd=self.dir, env=self.env(),
                           capture_output=True, text=True, timeout=600)
        return r.stdout, r.returncode

    def write(self, name, content):
        with open(os.path.join(self.dir, name), "w") as f:
            f.write(content)

    def stop(self):
        for sb in self.hosts.values():
            sb.stop()
        self.hosts = {}
        shutil.rmtree(self.dir, ignore_errors=True)


FLEET = None   # the fleet of the current section, if it has one


def fleet(build_dir):
    global FLEET
    stop_fleet()
    FLEET = Fleet(build_dir)


def stop_fleet():
    global FLEET
    if FLEET is not None:
        FLEET.stop()
        FLEET = None


def on(host, text):
    """`on HOST CMD`: CMD as root on one host of the fleet, or on its
    controller (`on controller CMD`, in the directory the commands run in)."""
    if host == "controller":
        out, rc = FLEET.run(text)
        if rc:
            raise RuntimeError("on controller `%s` exited %d:\n%s" % (text, rc, out))
        return
    sh(FLEET.hosts[host], text)


def package_file(directory):
    """`package-file DIR`: the .deb built from this tree (as package() finds
    or builds it) in DIR of the fleet's controller, for the role to install."""
    deb = built_deb(FLEET.build_dir)
    os.makedirs(os.path.join(FLEET.dir, directory), exist_ok=True)
    shutil.copy(deb, os.path.join(FLEET.dir, directory))


def squat(host, port):
    """`squat HOST PORT`: another program listens on 0.0.0.0:PORT on a host
    of the fleet, so that Ollama cannot bind it."""
    sb = FLEET.hosts[host]
    sh(sb, "systemd-run --unit=squat python3 -m http.server %s --bind 0.0.0.0 >/dev/null"
       % int(port))
    sb.wait_until(lambda: sb.run(["ss", "-Htln", "sport = :%d" % int(port)]).stdout.strip() != "",
                  what="a program listening on port %s" % port)


def undo(sb):
    """What the givens above set up, taken away (a section's fresh start)."""
    stop_fleet()
    sh(sb, "systemctl stop aux-nginx aux-caddy nagios-nrpe-server docker.service docker.socket "
           "containerd.service 2>/dev/null; ip link del docker0 2>/dev/null; "
           "rm -f /run/docker.sock /run/docker.pid; "
           "rm -f /etc/nagios/nrpe.d/ollama.cfg; "
           "if [ -e {t} ] || [ -e {c} ]; then rm -f {t} {c}; "
           "update-ca-certificates --fresh >/dev/null 2>&1; fi; "
           "if dpkg-query -W ollama-netcfg >/dev/null 2>&1; then "
           "dpkg --purge ollama-netcfg >/dev/null 2>&1; fi; "
           "ln -sf /opt/netcfg/ollama-netcfg /usr/sbin/ollama-netcfg; true".format(
               t=TRUSTED, c=CADDY_TRUSTED))


def run(sb, text, build_dir):
    """Runs TEXT if it names a given here; returns False if it does not."""
    words = shlex.split(text)
    name, args = words[0], words[1:]
    if name == "on":  # the command as written, not split
        on(words[1], text.split(None, 2)[2])
        return True
    table = {"company-network": company_network, "tls-site": tls_site, "nginx": nginx, "caddy": caddy, "docker": docker,
             "nrpe": nrpe}
    if name == "package":
        package(sb, build_dir)
    elif name == "fleet":
        fleet(build_dir)
    elif name == "package-file":
        package_file(*args)
    elif name == "squat":
        squat(*args)
    elif name in table:
        table[name](sb, *args)
    else:
        return False
    return True
