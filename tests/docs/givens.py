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

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))

CA_DIR = "/var/tmp/docs-ca"
CA_PEM = "/etc/ssl/ca.pem"            # what the guide's --cacert names
TRUSTED = "/usr/local/share/ca-certificates/docs-test-ca.crt"
CADDY_TRUSTED = "/usr/local/share/ca-certificates/docs-test-caddy.crt"
NG = "/var/tmp/ng"

# nginx as the guides' own look (checks.NGINX_MAIN), by hand as unit
# aux-nginx: the site file it includes is the block's.
NGINX_MAIN = """pid /run/nginx-docs.pid;
error_log /var/tmp/ng/error.log;
events {}
http {
    access_log off;
    client_body_temp_path /var/tmp/ng/body;
    proxy_temp_path /var/tmp/ng/proxy;
    fastcgi_temp_path /var/tmp/ng/fastcgi;
    uwsgi_temp_path /var/tmp/ng/uwsgi;
    scgi_temp_path /var/tmp/ng/scgi;
    include %s;
}
"""

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
    """nginx with SITE (a path in the sandbox) as its only server."""
    sb.write(NG + "/nginx.conf", NGINX_MAIN % site)
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


def nrpe(sb):
    """The NRPE agent can be started (the sandbox masks it otherwise)."""
    sh(sb, "rm -f /etc/systemd/system/nagios-nrpe-server.service && systemctl daemon-reload")


def package(sb, build_dir):
    """The .deb built from this tree, installed with apt, as the README's
    Installing section does (in the sandbox the tool otherwise comes from the
    build tree)."""
    debs = glob.glob(os.path.join(build_dir, "packages", "ollama-netcfg_*.deb"))
    if not debs:
        subprocess.run([os.path.join(ROOT, "packaging", "build-packages"),
                        os.path.join(build_dir, "packages")], check=True,
                       capture_output=True, timeout=1200)
        debs = glob.glob(os.path.join(build_dir, "packages", "ollama-netcfg_*.deb"))
    shutil.copy(debs[0], sb.root + "/var/tmp/ollama-netcfg.deb")
    sh(sb, "rm -f /usr/sbin/ollama-netcfg && apt-get install -qq -y "
           "/var/tmp/ollama-netcfg.deb >/dev/null 2>&1")


def undo(sb):
    """What the givens above set up, taken away (a section's fresh start)."""
    sh(sb, "systemctl stop aux-nginx aux-caddy nagios-nrpe-server docker.service docker.socket "
           "containerd.service 2>/dev/null; ip link del docker0 2>/dev/null; "
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
    table = {"company-network": company_network, "tls-site": tls_site, "nginx": nginx, "caddy": caddy, "docker": docker,
             "nrpe": nrpe}
    if name == "package":
        package(sb, build_dir)
    elif name in table:
        table[name](sb, *args)
    else:
        return False
    return True
