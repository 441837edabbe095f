#!/usr/bin/env python3
"""The main job, shown in a throw-away sandbox: expose Ollama on 0.0.0.0 and
prove it from outside the tool."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sandbox import Sandbox, prerequisites  # noqa: E402


def step(sb, title, cmd):
    print("\n$ %s" % title)
    r = sb.run(cmd, check=False)
    sys.stdout.write(r.stdout)
    sys.stdout.write(r.stderr)
    return r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--address", default="0.0.0.0")
    args = ap.parse_args()
    why = prerequisites()
    if why:
        print("demo: %s" % why, file=sys.stderr)
        return 1
    print("Booting a throw-away systemd container (ollama.service as Ollama's installer "
          "writes it, a stand-in `ollama serve`)...")
    with Sandbox(args.binary, name="netcfg-demo") as sb:
        sb.wait_until(lambda: "127.0.0.1:11434" in sb.run(
            ["ss", "-Htln", "sport = :11434"]).stdout, what="ollama.service")
        step(sb, "ss -Htlnp 'sport = :11434'    # before: loopback only",
             ["ss", "-Htlnp", "sport = :11434"])
        r = step(sb, "ollama-netcfg expose %s" % args.address,
                 ["/opt/netcfg/ollama-netcfg", "expose", args.address])
        step(sb, "cat /etc/systemd/system/ollama.service.d/override.conf",
             ["cat", "/etc/systemd/system/ollama.service.d/override.conf"])
        step(sb, "systemctl show -p Environment -p MainPID ollama",
             ["systemctl", "show", "-p", "Environment", "-p", "MainPID", "ollama"])
        step(sb, "ss -Htlnp 'sport = :11434'    # after", ["ss", "-Htlnp", "sport = :11434"])
        step(sb, "curl -s http://127.0.0.1:11434/api/version",
             ["curl", "-sS", "--noproxy", "*", "http://127.0.0.1:11434/api/version"])
        print()
        step(sb, "ollama-netcfg expose %s    # again: nothing to do, no restart" % args.address,
             ["/opt/netcfg/ollama-netcfg", "expose", args.address])
        print()
        step(sb, "ollama-netcfg check    # what cron and monitoring run",
             ["/opt/netcfg/ollama-netcfg", "check"])
        print("\n(exit status of the first expose: %d; the container is gone now)"
              % r.returncode)
        return r.returncode


if __name__ == "__main__":
    sys.exit(main())
