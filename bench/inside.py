"""Runs inside the real-systemd sandbox (bench/run copies it there): times
ollama-netcfg against what an admin does by hand, paired round by round in
alternating order, and prints medians and ratios as JSON."""
import json
import statistics
import subprocess
import sys
import time

TOOL = sys.argv[1]
ROUNDS = int(sys.argv[2])
DROP_IN = "/etc/systemd/system/ollama.service.d/override.conf"


def timed(fn):
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def sh(*cmd, check=True):
    return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, check=check)


def show(prop):
    return sh("systemctl", "show", "-P", prop, "ollama.service").stdout.decode().strip()


# --- what an admin does by hand -------------------------------------------

def by_hand_check():
    sh("systemctl", "show", "-P", "Environment", "ollama.service")
    sh("ss", "-Htlnp", "sport = :11434")
    sh("curl", "-sS", "--noproxy", "*", "-m", "5", "http://127.0.0.1:11434/api/version")


def by_hand_expose(port):
    with open(DROP_IN, "w") as f:
        f.write('[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0:%d"\n' % port)
    sh("systemctl", "daemon-reload")
    sh("systemctl", "restart", "ollama.service")
    while sh("curl", "-sS", "--noproxy", "*", "-m", "5",
             "http://127.0.0.1:%d/api/version" % port, check=False).returncode != 0:
        time.sleep(0.1)  # what the guides' loop does


# --- the tool -----------------------------------------------------------------

def tool_check():
    r = sh(TOOL, "check", check=False)
    assert r.returncode == 0, r.stdout


def tool_expose(port):
    sh(TOOL, "expose", "-q", "0.0.0.0:%d" % port)


def paired(a, b, rounds):
    ta, tb = [], []
    for i in range(rounds):
        if i % 2:
            tb.append(timed(b))
            ta.append(timed(a))
        else:
            ta.append(timed(a))
            tb.append(timed(b))
    return statistics.median(ta), statistics.median(tb)


def main():
    results = {}
    tool_expose(11434)
    tool_check()
    t, h = paired(tool_check, by_hand_check, ROUNDS)
    results["check"] = {"tool_s": t, "by_hand_s": h, "ratio": t / h, "target": 0.3}

    before = (show("InvocationID"), show("NRestarts"))
    noop = [timed(lambda: tool_expose(11434)) for _ in range(ROUNDS)]
    after = (show("InvocationID"), show("NRestarts"))
    results["noop_expose"] = {"tool_s": statistics.median(noop), "target_s": 0.010,
                              "restarted": before != after}

    ports = iter(range(11500, 11500 + 4 * ROUNDS))
    t, h = paired(lambda: tool_expose(next(ports)), lambda: by_hand_expose(next(ports)),
                  ROUNDS)
    results["changing_expose"] = {"tool_s": t, "by_hand_s": h, "ratio": t / h, "target": 0.7}
    print(json.dumps(results))


if __name__ == "__main__":
    main()
