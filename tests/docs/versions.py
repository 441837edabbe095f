"""File names with versions in the docs come from the sources of truth: the
collection's version in ansible/galaxy.yml, the package's in CMakeLists.txt
(and packaging/build-packages' release). A stale one fails the docs test."""
import glob
import os
import re

DOCS = ["README.md", "docs/*.md", "ansible/README.md", "ansible/roles/*/README.md",
        "packaging/README.md", "man/*.scd"]


def _first(path, regex):
    with open(path) as f:
        m = re.search(regex, f.read(), re.M)
    if not m:
        raise ValueError("%s: no version found by %s" % (path, regex))
    return m.group(1)


def truth(root):
    collection = _first(os.path.join(root, "ansible/galaxy.yml"), r"^version:\s*(\S+)")
    version = _first(os.path.join(root, "CMakeLists.txt"),
                     r"^project\(ollama-netcfg VERSION ([0-9.]+)")
    release = _first(os.path.join(root, "packaging/build-packages"), r"^release=(\d+)")
    return {
        r"netcfg-ollama-(\d[\w.]*)\.tar\.gz": collection,
        r"ollama-netcfg_(\d[\w.~+-]*)_[a-z0-9]+\.deb": "%s-%s" % (version, release),
        r"ollama-netcfg-(\d[\w.~+]*-\d+)\.[a-z0-9_]+\.rpm": "%s-%s" % (version, release),
    }


def wrong_versions(root):
    """Each file name in the docs whose version is not the source's."""
    problems = []
    names = truth(root)
    for pattern in DOCS:
        for path in sorted(glob.glob(os.path.join(root, pattern))):
            if os.path.basename(path) == "CHANGELOG.md":
                continue  # history names old versions on purpose
            with open(path) as f:
                for n, line in enumerate(f, 1):
                    for regex, want in names.items():
                        for m in re.finditer(regex, line):
                            if m.group(1) != want:
                                problems.append("%s:%d: %s, but the source says %s"
                                                % (os.path.relpath(path, root), n,
                                                   m.group(0), want))
    return problems
