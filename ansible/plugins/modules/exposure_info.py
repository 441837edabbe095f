#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ollama-netcfg developers
# MIT License (see LICENSE)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: exposure_info
short_description: Where Ollama's systemd service listens, who can reach it, and what is wrong
version_added: "1.0.0"
description:
  - Runs the installed C(ollama-netcfg status --json) and returns its answer, with every layer
    that sets C(OLLAMA_HOST), the running process, the listening sockets, the API answer, the host's
    other addresses, container bridges, the firewall per IP version, who can connect, and the
    problems with their codes and severities (C(docs/problem-codes.md)).
  - It only looks; it never changes anything and never reports C(changed). It runs the same in
    check mode.
  - The verdict is in RV(status.status) (V(OK), V(WARNING), V(CRITICAL), V(UNKNOWN)); the task
    fails only when the tool cannot run, unless O(fail_on) names a severity.
author:
  - ollama-netcfg developers
requirements:
  - C(ollama-netcfg) installed on the managed host
  - root (C(become=true)) to see the process environment and socket owners; without root the
    answer says what it could not see
attributes:
  check_mode:
    support: full
  diff_mode:
    support: none
options:
  timeout:
    description: Seconds to wait for the API answer.
    type: float
    default: 5
  expect:
    description: Where Ollama should listen (C(--expect)); by default the configured value.
    type: str
  urls:
    description: Also C(GET URL/api/version) through a reverse proxy (C(--url), each).
    type: list
    elements: str
    default: []
  fail_on:
    description:
      - Fail the task when the verdict is this severity or worse (V(WARNING) or V(CRITICAL)).
      - V(never) only returns the answer.
    type: str
    choices: [never, WARNING, CRITICAL]
    default: never
extends_documentation_fragment:
  - netcfg.ollama.netcfg
seealso:
  - module: netcfg.ollama.exposure
"""

EXAMPLES = r"""
- name: Where each server stands
  netcfg.ollama.exposure_info:
  become: true
  register: ollama

- name: Say who can reach it
  ansible.builtin.debug:
    msg: "{{ ollama.status.listen }}: {{ ollama.status.who_can_connect }}"

- name: Monitoring from a play (the check timer does the same every five minutes)
  netcfg.ollama.exposure_info:
    expect: 0.0.0.0
    allow_from: 192.168.1.0/24
    fail_on: CRITICAL
  become: true

- name: Through the reverse proxy too
  netcfg.ollama.exposure_info:
    urls:
      - https://ollama.example.org
  become: true
"""

RETURN = r"""
status:
  description:
    - The whole answer of C(ollama-netcfg status --json), as C(docs/json.md) documents it (format 1).
  returned: always
  type: dict
  contains:
    status:
      description: The verdict.
      type: str
      sample: OK
    in_effect:
      description: The C(OLLAMA_HOST) in effect; null when unset.
      type: str
      sample: 0.0.0.0
    listen:
      description: The listening socket as C(ss) shows it.
      type: str
      sample: "*:11434"
    who_can_connect:
      description: Who can open a connection, from the firewall's own rules.
      type: str
    problems:
      description: Each problem's C(code), C(severity), C(message) and C(advice).
      type: list
      elements: dict
problems:
  description: The problem codes above INFO, for quick conditions (C(when) "'port-in-use' in result.problems").
  returned: always
  type: list
  elements: str
cmd:
  description: The command line that ran.
  returned: always
  type: list
  elements: str
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.netcfg.ollama.plugins.module_utils.netcfg import (
    check_format,
    common_args,
    common_argument_spec,
    fail_unreadable,
    find_binary,
    from_args,
    run_json,
)

RANK = {"OK": 0, "WARNING": 1, "CRITICAL": 2, "UNKNOWN": 3}


def build_command(binary, params):
    args = [binary, "status", "--json"] + common_args(params)
    if params.get("expect"):
        args += ["--expect", params["expect"]]
    args += from_args(params)
    for url in params.get("urls") or []:
        args += ["--url", url]
    return args


# The options, as DOCUMENTATION describes them (tests/unit checks that they agree).
ARGUMENT_SPEC = common_argument_spec(
    timeout=dict(type="float", default=5),
    expect=dict(type="str"),
    urls=dict(type="list", elements="str", default=[]),
    fail_on=dict(type="str", default="never", choices=["never", "WARNING", "CRITICAL"]),
)


def main():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        supports_check_mode=True,
    )
    params = module.params
    binary = find_binary(module, params["binary"])
    args = build_command(binary, params)
    rc, report, out, err = run_json(module, args)
    if report is None or "status" not in report:
        fail_unreadable(module, args, rc, out, err)
    check_format(module, report)
    problems = [p["code"] for p in report.get("problems") or [] if p.get("severity") != "INFO"]
    result = dict(changed=False, status=report, problems=problems, cmd=args)
    if rc != 0:
        # It could not look (no systemd, no bus): the one problem says why.
        why = (report.get("problems") or [{}])[0]
        module.fail_json(msg=why.get("message") or "ollama-netcfg status exited %d" % rc,
                         hint=why.get("advice", ""), rc=rc, **result)
    verdict = report.get("status", "UNKNOWN")
    if params["fail_on"] != "never" and RANK.get(verdict, 3) >= RANK[params["fail_on"]]:
        worst = [p for p in report.get("problems") or [] if p.get("severity") == verdict]
        said = "; ".join("%s: %s" % (p["code"], p["message"]) for p in worst)
        module.fail_json(msg="%s is %s%s" % (report.get("unit", params["unit"]), verdict,
                                             ": " + said if said else ""), **result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
