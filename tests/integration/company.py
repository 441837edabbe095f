"""A company network for the pull tests and the guides: the company proxy
(Debian's tinyproxy) in network namespace px, on a veth pair from this
host (10.77.0.0/24) and another to namespace reg (10.78.0.0/24), where the
registry stand-in answers HTTPS for registry.ollama.ai and its blob host
with a certificate of a test CA this host's trust store has (as it has the
real registry's). This host has no route to reg: a pull works only through
a proxy. Beside the plain proxy (port 3128): a TLS-inspecting one (the
stand-in's, port 3129, with a CA no trust store has) and a tinyproxy whose
filter denies the blob host (port 3130), and one that asks for a user and
password (port 3131: alice, s3cret). The proxies' host is also
proxy.corp.example. Documentation and private addresses only; nothing
leaves this machine."""

PROXY = "10.77.0.2"  # the proxy's namespace (px); this host is 10.77.0.1
REGISTRY = "10.78.0.2"  # namespace reg, behind px (px's side 10.78.0.1)
BLOB_HOST = "dd20bb891979d25aebc8bec07b2b3bbc.r2.cloudflarestorage.com"
TLS = "/var/tmp/netcfg-registry"
TRUSTED = "/usr/local/share/ca-certificates/netcfg-test-public-ca.crt"
CORP_CA = "/var/tmp/netcfg-corp-ca"        # the inspecting proxy's CA, not trusted
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


def add_other_proxies(sb):
    """The inspecting proxy (the stand-in's, with a CA of its own), and a
    tinyproxy whose filter denies the blob host (an allow list that has
    the registry only)."""
    sb.sh("rm -rf {d} && mkdir -p {d} && cd {d} && "
          "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
          "-subj '/O=Example Corp/CN=Corp Inspecting CA' "
          "-addext basicConstraints=critical,CA:TRUE 2>/dev/null".format(d=CORP_CA))
    sb.run(["systemd-run", "--unit=test-inspecting-proxy", "--collect", "ip", "netns", "exec",
            "px", "/usr/local/bin/ollama", "test-inspecting-proxy", "--ca-cert",
            CORP_CA + "/ca.crt", "--ca-key", CORP_CA + "/ca.key", "--addr", PROXY + ":3129"])
    sb.write("/etc/tinyproxy/netcfg-filter", BLOB_HOST.replace(".", "\\.") + "\n")
    sb.write("/etc/tinyproxy/netcfg-filtering.conf", TINYPROXY_CONF.replace(
        "Port 3128", "Port 3130") + 'Filter "/etc/tinyproxy/netcfg-filter"\nFilterDefaultDeny No\n')
    sb.run(["systemd-run", "--unit=test-filtering-proxy", "--collect", "ip", "netns", "exec", "px",
            "tinyproxy", "-d", "-c", "/etc/tinyproxy/netcfg-filtering.conf"])
    sb.write("/etc/tinyproxy/netcfg-auth.conf", TINYPROXY_CONF.replace(
        "Port 3128", "Port 3131") + "BasicAuth alice s3cret\n")
    sb.run(["systemd-run", "--unit=test-auth-proxy", "--collect", "ip", "netns", "exec", "px",
            "tinyproxy", "-d", "-c", "/etc/tinyproxy/netcfg-auth.conf"])
    for port in (3129, 3130, 3131):
        sb.wait_until(lambda: sb.run(["ip", "netns", "exec", "px", "ss", "-Htln",
                                      "sport = :%d" % port]).stdout.strip(),
                      what="a proxy on %d" % port)


def add_registry(sb):
    """The registry and its blob host in namespace reg, on HTTPS with a
    certificate of a test CA the trust store has (as the public one)."""
    sb.sh("rm -rf {d} && mkdir -p {d} && cd {d} && "
          "openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 "
          "-subj '/CN=Netcfg Test Public Root' "
          "-addext basicConstraints=critical,CA:TRUE 2>/dev/null && "
          "openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr "
          "-subj '/CN=registry.ollama.ai' 2>/dev/null && "
          "printf 'subjectAltName=DNS:registry.ollama.ai,DNS:{b}\\n' > ext && "
          "openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial "
          "-out srv.crt -days 2 -extfile ext 2>/dev/null && "
          "cp ca.crt {t} && update-ca-certificates >/dev/null 2>&1".format(
              d=TLS, b=BLOB_HOST, t=TRUSTED))
    sb.sh("ip netns add reg && ip link add px-r type veth peer name reg-c && "
          "ip link set px-r netns px && ip link set reg-c netns reg && "
          "ip -n px addr add 10.78.0.1/24 dev px-r && ip -n px link set px-r up && "
          "ip -n reg addr add %s/24 dev reg-c && ip -n reg link set reg-c up && "
          "ip -n reg link set lo up" % REGISTRY)
    sb.sh("echo '%s registry.ollama.ai %s' >> /etc/hosts" % (REGISTRY, BLOB_HOST))
    sb.run(["systemd-run", "--unit=test-registry", "--collect", "ip", "netns", "exec", "reg",
            "/usr/local/bin/ollama", "test-registry", "--cert", TLS + "/srv.crt", "--key",
            TLS + "/srv.key", "--addr", REGISTRY + ":443", "--blob-host", BLOB_HOST])
    sb.wait_until(lambda: sb.run(["ip", "netns", "exec", "reg", "ss", "-Htln", "sport = :443"])
                  .stdout.strip(), what="the registry listening")


def add_company_network(sb):
    add_proxy(sb)
    add_other_proxies(sb)
    add_registry(sb)
    sb.sh("echo '%s proxy.corp.example' >> /etc/hosts" % PROXY)


def remove_company_network(sb):
    sb.sh("systemctl stop test-proxy test-registry test-inspecting-proxy "
          "test-filtering-proxy test-auth-proxy 2>/dev/null; ip netns del px 2>/dev/null; "
          "ip netns del reg 2>/dev/null; ip link del px-s 2>/dev/null; "
          "sed -i '/registry.ollama.ai/d; /proxy.corp.example/d' /etc/hosts; "
          "rm -f %s /usr/local/share/ca-certificates/ollama-netcfg-pull-proxy.crt "
          "/var/lib/ollama-netcfg/pull-proxy.json; "
          "update-ca-certificates --fresh >/dev/null 2>&1; true" % TRUSTED)
