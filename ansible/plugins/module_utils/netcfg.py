# -*- coding: utf-8 -*-
# Copyright: ollama-netcfg developers
# MIT License (see LICENSE)
"""Running the installed ollama-netcfg with --json, for the collection's
modules. Nothing here decides anything about Ollama: the tool does, and
its JSON (docs/json.md, "format" 1) is the contract read here."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

# The --json contract these modules were written against.
JSON_FORMAT = 1


def find_binary(module, name):
    """The tool to run: `name` if it is a path, else found on PATH (and
    /usr/sbin, where the package installs it)."""
    if "/" in name:
        return name
    return module.get_bin_path(name, required=True, opt_dirs=["/usr/sbin", "/usr/local/sbin"])


def common_argument_spec(**more):
    """The argument spec of the options in the `netcfg.ollama.netcfg` doc
    fragment, plus a module's own (`more`, which may replace one)."""
    spec = dict(
        unit=dict(type="str", default="ollama.service"),
        drop_in=dict(type="str", default="override.conf"),
        allow_from=dict(type="str"),
        binary=dict(type="str", default="ollama-netcfg"),
    )
    spec.update(more)
    return spec


def common_args(params):
    """The options every command takes, from the module's parameters."""
    args = []
    if params.get("unit") is not None:
        args += ["--unit", params["unit"]]
    if params.get("drop_in") is not None:
        args += ["--drop-in", params["drop_in"]]
    if params.get("timeout") is not None:
        args += ["--timeout", "%g" % params["timeout"]]
    return args


def from_args(params):
    """allow_from as the tool takes it: --from CIDR, or nothing."""
    return ["--from", params["allow_from"]] if params.get("allow_from") else []


def run_json(module, args):
    """Runs the tool (an argument list, never a shell) and returns
    (exit status, the JSON object or None, stdout, stderr)."""
    rc, out, err = module.run_command(args, check_rc=False, environ_update={"LC_ALL": "C"})
    try:
        report = json.loads(out)
    except ValueError:
        report = None
    if report is not None and not isinstance(report, dict):
        report = None
    return rc, report, out, err


def fail_unreadable(module, args, rc, out, err):
    """The tool did not print the JSON object it promises: say what ran and
    what it said."""
    said = (err or out or "").strip().splitlines()
    module.fail_json(
        msg="ollama-netcfg did not answer with JSON (exit status %d): %s"
        % (rc, said[-1] if said else "no output"),
        cmd=args, rc=rc, stdout=out, stderr=err)


def check_format(module, report):
    """Warns when the tool speaks a newer contract than these modules know."""
    fmt = report.get("format")
    if isinstance(fmt, int) and fmt > JSON_FORMAT:
        module.warn("ollama-netcfg prints JSON format %d; this collection knows format %d: "
                    "update the collection" % (fmt, JSON_FORMAT))
