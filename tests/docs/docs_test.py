#!/usr/bin/env python3
"""The docs test: runs the command blocks of README.md, the guides and the
Ansible README in a real-systemd sandbox and compares the shown outputs with
the real ones (blocks.py says how a document is read and matched).

The German guide must have the English guide's sections and the very same
blocks in the same order (the tool speaks English in both), so its blocks
are checked against the English ones and their outputs come from the same
run.

    docs_test.py --binary BUILD/ollama-netcfg            # check
    docs_test.py --binary BUILD/ollama-netcfg --update   # rewrite outputs

`--update` writes the real outputs into the documents (both guides), keeping
shown lines that still match and `...` elisions; review it with `git diff`.

The sandbox is the integration tests' (tests/integration/sandbox.py), with
the network the guides show: eth1 with 192.168.1.10/24, fd00:1::10/64 and
a fixed link-local address, and a client host (network namespace `client`)
with 192.168.1.50 and fd00:1::50. `ollama-netcfg` is on PATH; a command
with `sudo` in it runs as root (sudo there is a shim: the sandbox has no
sudo), any other as the unprivileged user `admin`. Each `## ` section starts
from the installer's state.

Exit: 0 every block as shown, 1 otherwise; 77 when the sandbox cannot run
here (never under CI=true).
"""
import argparse
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tests", "integration"))
sys.path.insert(0, HERE)

import blocks  # noqa: E402
import givens  # noqa: E402
from versions import wrong_versions  # noqa: E402

DOCUMENTS = ["README.md", "docs/guide.en.md", "ansible/README.md", "man/ollama-netcfg.8.scd"]
GERMAN, ENGLISH = "docs/guide.de.md", "docs/guide.en.md"
SOURCE = "/home/admin/ollama-netcfg"  # the admin's clone, in the sandbox
PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

# The sandbox has no sudo: a setuid-root stand-in that runs its arguments
# as root (or as USER with -u USER), so that a command runs as the admin and
# only what follows `sudo` is privileged, as on a real host (a redirect
# after `sudo cmd >file` is the admin's).
SUDO_C = r"""
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
int main(int argc, char **argv) {
    int i = 1;
    uid_t uid = 0; gid_t gid = 0;
    if (argc > 2 && strcmp(argv[1], "-u") == 0) {
        struct passwd *p = getpwnam(argv[2]);
        if (!p) { fprintf(stderr, "sudo: unknown user %s\n", argv[2]); return 1; }
        uid = p->pw_uid; gid = p->pw_gid; i = 3;
    }
    if (i >= argc) { fprintf(stderr, "usage: sudo [-u USER] CMD...\n"); return 1; }
    if (setgroups(0, NULL) || setgid(gid) || setuid(uid)) { perror("sudo"); return 1; }
    if (uid == 0) setenv("HOME", "/root", 1);
    execvp(argv[i], argv + i);
    perror(argv[i]);
    return 127;
}
"""

# Waits (bounded back-off) until something listens on the port.
WAIT_LISTENING = """#!/bin/sh
d=0.02
for i in $(seq 40); do
    ss -Htln "sport = :$1" | grep -q . && exit 0
    sleep $d; d=$(echo "$d" | awk '{v=$1*2; print (v>0.25)?0.25:v}')
done
echo "nothing listens on port $1" >&2; exit 1
"""

NETWORK = (
    "ip link add eth1 type veth peer name c-eth0 && ip link set eth1 addrgenmode none && "
    "ip addr add 192.168.1.10/24 dev eth1 && "
    "ip -6 addr add fd00:1::10/64 dev eth1 nodad && "
    "ip -6 addr add fe80::e4b2:9ff:feb4:cbdb/64 dev eth1 nodad && ip link set eth1 up && "
    "ip netns add client && ip link set c-eth0 netns client && "
    "ip -n client addr add 192.168.1.50/24 dev c-eth0 && "
    "ip -n client -6 addr add fd00:1::50/64 dev c-eth0 nodad && "
    "ip -n client link set c-eth0 up && ip -n client link set lo up")


def read(path):
    with open(os.path.join(ROOT, path)) as f:
        return f.read()


def write(path, text):
    with open(os.path.join(ROOT, path), "w") as f:
        f.write(text)


# --- the two guides alike -------------------------------------------------

def guides_differ(en, de):
    """Where the German guide's blocks are not the English guide's."""
    problems = []
    if len(en) != len(de):
        problems.append("%s has %d fenced blocks, %s has %d"
                        % (ENGLISH, len(en), GERMAN, len(de)))
    for a, b in zip(en, de):
        if a.key() != b.key():
            problems.append("%s and %s differ (every block, its annotations and its output "
                            "must be the same in both guides)" % (a.where(), b.where()))
    sections = lambda bs: [len({x.section for x in bs[:i + 1]}) for i in range(len(bs))]
    if len(en) == len(de) and sections(en) != sections(de):
        problems.append("the guides' blocks are not in the same sections")
    return problems


def anchor(heading):
    """The anchor GitHub gives a heading."""
    text = heading.lstrip("#").strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def headings(text):
    return [l for l in text.split("\n") if re.match(r"^#{2,3} ", l)]


def contents_problems(path, text):
    """Every ## section is in the contents list at the top, and every link
    there leads to a heading."""
    m = re.search(r"^(?:Contents|Inhalt): (.*?)\n\n", text, re.S | re.M)
    if not m:
        return ["%s: no contents list" % path]
    links = re.findall(r"\]\(#([^)]+)\)", m.group(1))
    anchors = {anchor(h) for h in headings(text)}
    problems = ["%s: the contents link #%s leads nowhere" % (path, a)
                for a in links if a not in anchors]
    problems += ["%s: the contents list leaves out %r" % (path, h)
                 for h in headings(text) if h.startswith("## ") and anchor(h) not in links]
    return problems


def sync_german():
    """Update mode: the German guide's blocks become the English guide's
    (outputs from the same run), keeping the German comments after commands.
    Only when both have the same number of blocks: otherwise the guides must
    first be brought to the same sections by hand."""
    en = blocks.read_blocks(ENGLISH, read(ENGLISH))
    de = blocks.read_blocks(GERMAN, read(GERMAN))
    if len(en) != len(de):
        print("not updating %s: it has %d blocks, %s has %d" % (GERMAN, len(de), ENGLISH, len(en)))
        return
    write(GERMAN, rewrite(read(GERMAN), {d.line: blocks.with_commands_of(e.lines, d)
                                         for e, d in zip(en, de)}))


# --- running ----------------------------------------------------------------

def copy_source_in(sb):
    """The source tree (without builds and .git) into the admin's clone in
    the sandbox, through a pipe: the sandbox's /tmp is its own, so a tree
    checked out there would not be seen through the overlay."""
    tree = subprocess.run(["tar", "-C", ROOT, "--exclude=./build", "--exclude=./.git",
                           "--exclude=./out", "-c", "."], capture_output=True, check=True).stdout
    sb.run(["mkdir", "-p", SOURCE])
    r = subprocess.run(["nsenter", "-t", str(sb.leader), "-a", "tar", "-x", "-C", SOURCE],
                       input=tree, capture_output=True)
    if r.returncode:
        raise RuntimeError("copying the source tree in: %s" % r.stderr.decode(errors="replace"))


def prepare(sb):
    """Installs the tool where the package does (with its check units), the
    sudo stand-in, the users, the network, and a copy of the source tree
    (the README's commands run from a clone) owned by the admin."""
    sb.write("/var/tmp/sudo.c", SUDO_C)
    sb.write("/usr/local/bin/wait-listening", WAIT_LISTENING)
    sb.sh("useradd -m -s /bin/sh admin && { id nagios >/dev/null 2>&1 || useradd -r -s /bin/false nagios; }")
    copy_source_in(sb)
    units = SOURCE + "/systemd"
    sb.sh("cc -O2 -o /usr/local/bin/sudo /var/tmp/sudo.c && chmod 4755 /usr/local/bin/sudo && "
          "chmod 755 /usr/local/bin/wait-listening && "
          "ln -sf /opt/netcfg/ollama-netcfg /usr/sbin/ollama-netcfg && "
          "chown -R admin: /home/admin && "
          "cp {u}/ollama-netcfg-check.timer {u}/ollama-netcfg-check.path /etc/systemd/system/ && "
          "sed 's|@SBINDIR@|/usr/sbin|g; s|@[A-Z_]*BINDIR@|/usr/sbin|g' "
          "{u}/ollama-netcfg-check.service.in > /etc/systemd/system/ollama-netcfg-check.service && "
          "systemctl daemon-reload".format(u=units))
    sb.sh(NETWORK)


def fresh_section(sb):
    import checks
    sb.sh("pkill -x -u nobody ollama; systemctl stop ollama-netcfg-check.timer "
          "ollama-netcfg-check.path 2>/dev/null; rm -rf /run/ollama-netcfg; "
          "nft flush ruleset; ufw --force reset >/dev/null 2>&1; "
          "sed -i 's/^ENABLED=.*/ENABLED=no/' /etc/ufw/ufw.conf 2>/dev/null; "
          "ip link del late0 2>/dev/null; rm -f /etc/systemd/system/late-address.service; "

          "rm -rf /run/systemd/system/ollama.service.d /var/lib/ollama-netcfg "
          "/home/admin/.ansible %s/out; true" % SOURCE)
    givens.undo(sb)
    if sb.run(["test", "-e", "/run/netns/px"], check=False).returncode == 0:
        import company
        company.remove_company_network(sb)
    checks.restore(sb)


def run_command(sb, text):
    """A shown command, as the admin in the source tree (or on the fleet's
    controller, in a section with a fleet); stdout and stderr together."""
    if givens.FLEET is not None:
        return givens.FLEET.run(text)
    full = ["runuser", "-u", "admin", "--", "env", "PATH=" + PATH, "LANG=C.UTF-8",
            "HOME=/home/admin", "sh", "-c", "cd %s && { %s\n} 2>&1" % (SOURCE, text)]
    r = sb.run(full, check=False, timeout=300)
    return r.stdout, r.returncode


def run_given(sb, text, build_dir):
    """A block's setup, as root: a named one (givens.py) or a shell line."""
    if givens.run(sb, text, build_dir):
        return "", 0
    r = sb.run(["env", "PATH=" + PATH, "sh", "-c", "{ %s\n} 2>&1" % text], check=False,
               timeout=300)
    return r.stdout, r.returncode


def run_session(sb, block):
    """Runs a `$ ` block; returns (problems, the block's lines as the real
    run would show them)."""
    problems = []
    new = []
    for cmd in blocks.commands(block):
        shown, status = blocks.expected_output(cmd.shown)
        out, rc = run_command(sb, cmd.text)
        real = blocks.real_output(out)
        ok = rc == status and blocks.matches(shown, real)
        if not ok:
            problems.append("%s: `%s`:\n  shown (exit %d):\n%s\n  real (exit %d):\n%s"
                            % (block.where(), cmd.text, status,
                               "\n".join("    | " + l for l in shown), rc,
                               "\n".join("    | " + l for l in real)))
        new += block.lines[cmd.first_line:cmd.first_line + cmd.text.count("\n") + 1]
        new += blocks.updated(shown, real) if not ok else shown
        if rc:
            new.append(blocks.exit_line(rc))
    return problems, new


def write_file(sb, block):
    """A `doc: file` block, where the commands after it run."""
    content = "\n".join(block.lines) + "\n"
    if givens.FLEET is not None:
        givens.FLEET.write(block.file, content)
        return
    path = os.path.join(SOURCE, block.file)
    sb.write(path, content)
    sb.run(["chown", "admin:", path])


def run_script(sb, block):
    problems = []
    for text in blocks.script_commands(block):
        out, rc = run_command(sb, text)
        if rc:
            problems.append("%s: `%s` exited %d:\n%s" % (block.where(), text, rc, out))
    return problems


def run_document(sb, path, update, build_dir, only=None):
    if path.endswith(".scd"):
        docs = blocks.read_man_examples(path, read(path))
    else:
        docs = blocks.read_blocks(path, read(path))
    problems, counts, exempt = [], {"session": 0, "script": 0, "file": 0, "exempt": 0}, []
    replaced = {}
    section = None
    for b in docs:
        kind = b.kind()
        if kind == "unmarked":
            problems.append("%s: a %s block that is neither run nor marked exempt"
                            % (b.where(), b.lang or "plain"))
            continue
        if only and only not in b.section:
            continue
        counts[kind] += 1
        if kind == "exempt":
            exempt.append("%s: %s" % (b.where(), b.exempt))
            continue
        if b.section != section:
            section = b.section
            fresh_section(sb)
        for g in b.given:
            out, rc = run_given(sb, g, build_dir)
            if rc:
                problems.append("%s: given `%s` failed (%d):\n%s" % (b.where(), g, rc, out))
        if kind == "file":
            write_file(sb, b)
            continue
        if kind == "script":
            problems += run_script(sb, b)
            continue
        found, new = run_session(sb, b)
        problems += found
        if found:
            replaced[b.line] = new
    if update and replaced:
        write(path, rewrite(read(path), replaced))
    return problems, counts, exempt


def rewrite(text, replaced):
    """The document with the blocks opening at the given lines replaced."""
    lines = text.split("\n")
    out, i = [], 0
    while i < len(lines):
        out.append(lines[i])
        if lines[i].startswith("```") and (i + 1) in replaced:
            out += replaced[i + 1]
            i += 1
            while not lines[i].startswith("```"):
                i += 1
            out.append(lines[i])
        i += 1
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--update", action="store_true", help="rewrite the shown outputs")
    ap.add_argument("--section", help="run only the sections whose heading has TEXT (to work "
                    "on one; the counts are then of those)", metavar="TEXT")
    args = ap.parse_args()

    problems = wrong_versions(ROOT)
    en = blocks.read_blocks(ENGLISH, read(ENGLISH))
    de = blocks.read_blocks(GERMAN, read(GERMAN))
    problems += guides_differ(en, de)
    for path in (ENGLISH, GERMAN):
        problems += contents_problems(path, read(path))
    levels = lambda p: [h.split(" ")[0] for h in headings(read(p))]
    if levels(ENGLISH) != levels(GERMAN):
        problems.append("the guides' headings differ: %s has %s, %s has %s"
                        % (ENGLISH, levels(ENGLISH), GERMAN, levels(GERMAN)))

    from sandbox import MissingPrerequisite, Sandbox, prerequisites
    why = prerequisites()
    if why:
        if os.environ.get("CI") == "true":
            print("FAIL: the docs test cannot run under CI: %s" % why)
            return 1
        print("SKIP: %s" % why)
        return 77
    totals = {"session": 0, "script": 0, "file": 0, "exempt": 0}
    all_exempt = []
    try:
        with Sandbox(args.binary, name="netcfg-docs", docker=True) as sb:
            prepare(sb)
            for path in DOCUMENTS:
                found, counts, exempt = run_document(sb, path, args.update,
                                                     os.path.dirname(os.path.abspath(args.binary)),
                                                     args.section)
                problems += found
                all_exempt += exempt
                for k in totals:
                    totals[k] += counts[k]
    except MissingPrerequisite as e:
        print("FAIL: %s" % e)
        return 1
    finally:
        givens.stop_fleet()
    if args.update:
        sync_german()
    for e in all_exempt:
        print("exempt %s" % e)
    for p in problems:
        print("FAIL " + p)
    print("%d session blocks and %d script blocks run, %d files written for them, %d exempt, "
          "%d as the German guide's copies of the English ones; %d problems%s"
          % (totals["session"], totals["script"], totals["file"], totals["exempt"], len(de),
             len(problems),
             " (outputs rewritten)" if args.update and problems else ""))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
