#!/usr/bin/env python3
"""The reference is complete: every command and option of every `--help`
is in the man page's SYNOPSIS and OPTIONS and in the README's option table,
for the right commands and with the same name for its value, and neither
names an option `--help` lacks.

    test_reference.py --binary BUILD/ollama-netcfg

No root, no sandbox: it reads `--help` and the two documents.
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MAN = os.path.join(ROOT, "man/ollama-netcfg.8.scd")
README = os.path.join(ROOT, "README.md")

OPTION_LINE = re.compile(r"^  (?:(-\w),)?(--[\w-]+)(?: ([A-Z]+))?")


def help_text(binary, words):
    r = subprocess.run([binary] + words + ["--help"], capture_output=True, text=True)
    return r.stdout


def options_in_help(text):
    """{long name: (short name or None, value name or None)}"""
    found = {}
    section = None
    for line in text.splitlines():
        if line and not line.startswith(" "):
            section = line.rstrip(":")
            continue
        m = OPTION_LINE.match(line)
        if section == "Options" and m and m.group(2) != "--help":
            found[m.group(2)] = (m.group(1), m.group(3))
    return found


def subcommands(text):
    names, on = [], False
    for line in text.splitlines():
        if line.startswith("Subcommands:"):
            on = True
        elif on and line.startswith("  ") and line.strip():
            names.append(line.split()[0])
        elif on and line and not line.startswith(" "):
            on = False
    return names


def commands(binary):
    """{command: options}, the global options under ""."""
    top = help_text(binary, [])
    found = {"": options_in_help(top)}
    found[""].pop("--version", None)
    for verb in subcommands(top):
        text = help_text(binary, [verb])
        subs = subcommands(text)
        if subs:
            for sub in subs:
                found["%s %s" % (verb, sub)] = options_in_help(help_text(binary, [verb, sub]))
        else:
            found[verb] = options_in_help(text)
    return found


# --- the man page -------------------------------------------------------------

def man_sections(text):
    sections, name = {}, None
    for line in text.splitlines():
        if line.startswith("# "):
            name = line[2:].strip()
            sections[name] = []
        elif name:
            sections[name].append(line)
    return {k: "\n".join(v) for k, v in sections.items()}


MAN_OPTION = re.compile(r"\*(--?[\w-]+)\*(?: _([A-Z]+)_)?")


def man_synopsis(text):
    """{command: {option as written: value name}} from SYNOPSIS."""
    found = {}
    for para in text.split("\n\n"):
        para = " ".join(para.split())
        m = re.match(r"\*ollama-netcfg\* \[_GLOBAL OPTIONS_\] \*([\w-]+)\*(?: \*(add|remove|list|set|unset|show)\*)?", para)
        if not m:
            continue
        command = m.group(1) + (" " + m.group(2) if m.group(2) else "")
        found[command] = {o: v for o, v in MAN_OPTION.findall(para[m.end():])}
    return found


def names_of(option, short):
    return {option} | ({short} if short else set())


def check_man(cmds, text):
    problems = []
    sections = man_sections(text)
    synopsis = man_synopsis(sections.get("SYNOPSIS", ""))
    documented = set(o for o, _ in MAN_OPTION.findall(sections.get("OPTIONS", "")))
    documented |= set(o for o, _ in MAN_OPTION.findall(sections.get("GLOBAL OPTIONS", "")))
    every_help_name = set()
    for cmd, opts in cmds.items():
        for o, (short, value) in opts.items():
            every_help_name |= names_of(o, short)
            if not names_of(o, short) & documented:
                problems.append("man OPTIONS: %s (of %s) is not described"
                                % (o, cmd or "the global options"))
        if not cmd:
            continue
        if cmd not in synopsis:
            problems.append("man SYNOPSIS: no line for `%s`" % cmd)
            continue
        written = synopsis[cmd]
        for o, (short, value) in opts.items():
            hit = [n for n in names_of(o, short) if n in written]
            if not hit:
                problems.append("man SYNOPSIS: `%s` lacks %s" % (cmd, o))
            elif (written[hit[0]] or None) != value:
                problems.append("man SYNOPSIS: `%s %s` takes _%s_ there, %s in --help"
                                % (cmd, hit[0], written[hit[0]], value))
        for o in written:
            if o not in {n for k, (s, _) in opts.items() for n in names_of(k, s)}:
                problems.append("man SYNOPSIS: `%s` names %s, which its --help lacks" % (cmd, o))
    for o in documented:
        if o.startswith("--") and o not in every_help_name and o not in ("--version", "--help"):
            problems.append("man OPTIONS: %s is described, but no --help has it" % o)
    for cmd in synopsis:
        if cmd not in cmds:
            problems.append("man SYNOPSIS: `%s` is not a command" % cmd)
    return problems


# --- the README's option table ---------------------------------------------------

def readme_table(text):
    """[(set of option names, set of commands or {"all"}, the first cell,
    {option name: the value name written after it})]"""
    rows, on = [], False
    for line in text.splitlines():
        if line.startswith("| option | commands |"):
            on = True
            continue
        if on and not line.startswith("|"):
            break
        if not on or line.startswith("| ---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        opts = set(re.findall(r"`(--?[\w-]+)", cells[0]))
        values = dict(re.findall(r"`(--?[\w-]+) ([A-Z]+)`", cells[0]))
        cmds = set()
        for c in re.findall(r"`([^`]+)`|\b(all)\b", cells[1]):
            word = c[0] or c[1]
            if word.endswith("add/remove"):
                base = word[:-len("add/remove")].strip()
                cmds |= {base + " add", base + " remove"}
            else:
                cmds.add(word)
        rows.append((opts, cmds, cells[0], values))
    return rows


def check_readme(cmds, text):
    problems = []
    rows = readme_table(text)
    if not rows:
        return ["README: no option table (| option | commands | meaning |)"]
    verbs = [c for c in cmds if c]
    for cmd, opts in cmds.items():
        for o, (short, _) in opts.items():
            row = [r for r in rows if names_of(o, short) & r[0]]
            if not row:
                problems.append("README: %s (%s) is not in the option table" % (o, cmd or "global"))
                continue
            where = set().union(*(r[1] for r in row))
            if cmd and "all" not in where and cmd not in where:
                problems.append("README: %s is given to %s, not to `%s`"
                                % (o, ", ".join(sorted(where)), cmd))
    for cmd, opts in cmds.items():
        for o, (short, value) in opts.items():
            for r in rows:
                for n in names_of(o, short) & set(r[3]):
                    if r[3][n] != value:
                        problems.append("README: `%s %s`, but --help of %s says %s"
                                        % (n, r[3][n], cmd or "the tool", value))
    for opts, where, cell, _ in rows:
        has = {c for c in cmds if any(names_of(k, s) & opts for k, (s, _) in cmds[c].items())}
        if not has:
            problems.append("README: %s is in the option table, but no --help has it" % cell)
            continue
        if "all" in where:
            lacking = [v for v in verbs if v not in has] if "" not in has else []
            if lacking:
                problems.append("README: %s is given to all commands, but %s lack it"
                                % (cell, ", ".join(lacking)))
        for c in where - {"all"}:
            if c not in cmds:
                problems.append("README: %s names `%s`, which is not a command" % (cell, c))
            elif c not in has:
                problems.append("README: %s is given to `%s`, whose --help lacks it" % (cell, c))
    return problems


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    args = ap.parse_args()
    cmds = commands(args.binary)
    with open(MAN) as f:
        man = f.read()
    with open(README) as f:
        readme = f.read()
    problems = check_man(cmds, man) + check_readme(cmds, readme)
    for p in problems:
        print("FAIL " + p)
    n = sum(len(o) for o in cmds.values())
    print("%d commands, %d options in --help; %d problems" % (len(cmds) - 1, n, len(problems)))
    return 1 if problems or n == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
