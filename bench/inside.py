"""Runs inside the real-systemd sandbox (bench/run copies it there): times
ollama-netcfg against what an admin does by hand and against the floor,
paired round by round in alternating order, and prints medians and ratios
as JSON. Needs a non-loopback address (bench/run adds 192.0.2.1 on a
veth), so that `hostname -I` has one, as on a real server."""
import json
import os
import socket
import statistics
import subprocess
import sys
import time

TOOL = sys.argv[1]
ROUNDS = int(sys.argv[2])
DROP_IN = "/etc/systemd/system/ollama.service.d/override.conf"
RULES = "/var/tmp/bench-rules.nft"

# The verification the guide asks an admin to do by hand, in one pipeline:
# it answers the questions `check` answers.
PIPELINE = ("systemctl status ollama >/dev/null; ss -tlnp | grep 11434 >/dev/null; "
            "curl -s http://localhost:11434/api/version >/dev/null; "
            "curl -s http://$(hostname -I | awk '{print $1}'):11434/api/version >/dev/null; "
            "nft list ruleset >/dev/null")
# The same on a ufw host, where the guide lists the rules with ufw.
PIPELINE_UFW = PIPELINE.replace("nft list ruleset", "ufw status")


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def sh(*cmd, check=True):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=check)


def show(prop):
    return sh("systemctl", "show", "-P", prop, "ollama.service").stdout.decode().strip()


def paired(a, b, rounds):
    """Medians of a and b, run in turns (a first in even rounds)."""
    ta, tb = [], []
    for i in range(rounds):
        if i % 2:
            tb.append(timed(b))
            ta.append(timed(a))
        else:
            ta.append(timed(a))
            tb.append(timed(b))
    return statistics.median(ta), statistics.median(tb)


# --- by hand and the floor ------------------------------------------------

def by_hand_pipeline(pipeline=PIPELINE):
    subprocess.run(["sh", "-c", pipeline], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def first_accepted_connection(port, deadline=30):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.001)
    raise RuntimeError("nothing listens on %d" % port)


def floor_expose(port):
    """What any expose must do at least: write, daemon-reload, restart, and
    the first accepted connection (polled every millisecond)."""
    with open(DROP_IN + ".tmp", "w") as f:
        f.write('[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:%d"\n' % port)
    os.rename(DROP_IN + ".tmp", DROP_IN)
    sh("systemctl", "daemon-reload")
    sh("systemctl", "restart", "ollama.service")
    first_accepted_connection(port)


# --- the tool -------------------------------------------------------------

def tool_check():
    r = sh(TOOL, "check", check=False)
    assert r.returncode == 0, r.stdout


def tool_expose(port):
    sh(TOOL, "expose", "-q", "0.0.0.0:%d" % port)


# --- host states ----------------------------------------------------------

def server_address():
    """A server has an address besides loopback (the pipeline's `hostname
    -I` takes the first), on bench0; no link-local, so it is the only one."""
    sh("sh", "-c", "ip link add bench0 type veth peer name bench1 && "
       "ip link set bench0 addrgenmode none && ip link set bench1 addrgenmode none && "
       "ip link set bench1 up && ip link set bench0 up && "
       "ip addr add 192.0.2.1/24 dev bench0")


def many_addresses(on):
    """999 more addresses on bench0, or none (as kube-ipvs0 carries every
    Service IP); from the IPv6 documentation prefix, so nothing here is
    routable."""
    lines = ["address %s 2001:db8:1::%x/128 dev bench0 nodad" % ("add" if on else "del", i + 1)
             for i in range(999)]
    subprocess.run(["ip", "-batch", "-"], input="\n".join(lines).encode(), check=True)


def ufw_host(on):
    """ufw on as a server has it (deny incoming, Ollama's port allowed), or
    off and its chains gone."""
    if on:
        sh("sh", "-c", "ufw default deny incoming >/dev/null && ufw allow 11434/tcp >/dev/null "
           "&& ufw --force enable >/dev/null")
    else:
        sh("sh", "-c", "ufw --force reset >/dev/null && ufw --force disable >/dev/null && "
           "nft flush ruleset")


def write_rules(n):
    """An inet input chain with n rules, none about port 11434."""
    with open(RULES, "w") as f:
        f.write("flush ruleset\ntable inet bench {\n chain input {\n"
                "  type filter hook input priority 0; policy accept;\n")
        for i in range(n):
            f.write("  ip saddr 10.%d.%d.%d tcp dport 22 accept\n"
                    % (i // 65536, i // 256 % 256, i % 256))
        f.write(" }\n}\n")
    sh("nft", "-f", RULES)


def main():
    results = {}
    server_address()
    tool_expose(11434)
    tool_check()

    t, h = paired(tool_check, by_hand_pipeline, ROUNDS)
    results["check"] = {"tool_s": t, "by_hand_s": h, "ratio": t / h, "target": 0.25}

    before = (show("InvocationID"), show("NRestarts"))
    t, h = paired(lambda: tool_expose(11434), by_hand_pipeline, ROUNDS)
    after = (show("InvocationID"), show("NRestarts"))
    results["noop_expose"] = {"tool_s": t, "by_hand_s": h, "ratio": t / h, "target": 0.25,
                              "restarted": before != after}

    ports = iter(range(11500, 11500 + 4 * ROUNDS))
    t, f = paired(lambda: tool_expose(next(ports)), lambda: floor_expose(next(ports)), ROUNDS)
    results["changing_expose"] = {"tool_s": t, "floor_s": f, "ratio": t / f, "target": 1.1}
    tool_expose(11434)

    # 1 address against 1,000: the same host, the addresses added and
    # removed between the two measurements of a round. Adding or removing
    # 999 IPv6 addresses keeps the kernel busy for a while after `ip -batch`
    # returns (multicast joins and leaves, freeing): the first check after
    # it took 8.0 ms where the next ones took 6.2 ms with the same 1,000
    # addresses. Each state is measured settled: two untimed checks, then
    # the median of three.
    one, thousand = [], []

    def settled():
        for _ in range(2):
            tool_check()
        return statistics.median(timed(tool_check) for _ in range(3))

    def with_many():
        many_addresses(True)
        thousand.append(settled())
        many_addresses(False)

    for i in range(ROUNDS):
        first, second = (lambda: one.append(settled()), with_many)[::1 if i % 2 == 0 else -1]
        first()
        second()
    results["addresses"] = {"one_s": statistics.median(one),
                            "thousand_s": statistics.median(thousand),
                            "ratio": statistics.median(thousand) / statistics.median(one),
                            "target": 1.15}

    # A ufw host: check against the pipeline with `ufw status`.
    ufw_host(True)
    t, h = paired(tool_check, lambda: by_hand_pipeline(PIPELINE_UFW), ROUNDS)
    results["ufw"] = {"tool_s": t, "by_hand_s": h, "ratio": t / h, "target": 0.35}
    ufw_host(False)

    # 20,000 rules: check against `nft -j list ruleset` alone, in turns.
    write_rules(20000)
    t, n = paired(tool_check, lambda: sh("nft", "-j", "list", "ruleset"), ROUNDS)
    results["rules"] = {"check_s": t, "nft_s": n, "ratio": t / n, "target": 0.5}
    sh("nft", "flush", "ruleset")
    print(json.dumps(results))


if __name__ == "__main__":
    main()
