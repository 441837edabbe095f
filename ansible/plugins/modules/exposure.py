#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: ollama-netcfg developers
# MIT License (see LICENSE)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: exposure
short_description: Make Ollama's systemd service listen where it should, and prove it
version_added: "1.0.0"
description:
  - Sets C(OLLAMA_HOST) for Ollama's systemd service through a drop-in and proves
    the result, by running the installed C(ollama-netcfg expose) (O(state=present))
    or C(ollama-netcfg reset) (O(state=absent)) with C(--json).
  - The tool edits the drop-in losslessly (everything else in it stays byte for
    byte), moves a setting made by hand in the main unit file or another drop-in
    into it, reloads systemd, and restarts the service only when its running
    process does not already have the setting, so a run that changes nothing keeps
    loaded models loaded and reports C(changed=false).
  - The proof is the setting in systemd and in the running process, a listening
    socket owned by the service, and C(GET /api/version) answering. If the new
    setting does not come up within O(timeout), every edited file is put back, the
    old setting is proven again, and the task fails with the tool's message, its
    hint, RV(rolled_back) and the host's problems.
  - Check mode runs the tool with C(--dry-run) (nothing is written, reloaded or
    restarted) and reports whether a real run would change anything. Diff mode shows
    each file that changes (or would change), whole, before and after.
  - The JSON this module reads is the tool's documented contract (C(docs/json.md),
    format 1).
author:
  - ollama-netcfg developers
requirements:
  - C(ollama-netcfg) installed on the managed host (the role M(netcfg.ollama.ollama_netcfg) installs it)
  - systemd as PID 1 on the managed host; root (C(become=true))
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
options:
  state:
    description:
      - V(present) makes O(listen) the C(OLLAMA_HOST) in effect (C(ollama-netcfg expose)).
      - V(absent) removes the C(OLLAMA_HOST) the drop-in sets, so Ollama listens on its
        default C(127.0.0.1:11434) again unless another layer sets it, and removes the firewall
        rules an earlier O(open_firewall) added (C(ollama-netcfg reset)).
    type: str
    choices: [present, absent]
    default: present
  listen:
    description:
      - Where Ollama listens, read exactly as Ollama reads C(OLLAMA_HOST), for example
        V(0.0.0.0) (one dual-stack socket on every IPv4 and IPv6 address), V([::]),
        V(192.168.1.10:8080), V(0.0.0.0:11435), V(127.0.0.1).
      - A value Ollama would silently misread (a bad port, V(http://0.0.0.0) without a port,
        quotes, spaces) fails the task before anything is touched.
      - Required when O(state=present).
    type: str
  timeout:
    description: Seconds to wait for the lock, the restart and the proof.
    type: float
    default: 60
  rollback:
    description:
      - Put the previous setting back when the new one does not come up.
      - V(false) keeps the new setting (C(--no-rollback)).
    type: bool
    default: true
  runtime:
    description:
      - Use a drop-in in C(/run/systemd/system/<unit>.d/) that holds until the next reboot; the
        persistent configuration is untouched (C(--runtime)).
    type: bool
    default: false
  open_firewall:
    description:
      - With ufw or firewalld, add a persistent rule for the port (once), recorded so that
        O(state=absent) removes exactly it. With plain nftables or iptables the rule is only
        printed, in RV(notes), and the task fails while the port stays closed to the clients
        (Ollama itself listens as asked).
      - Only with O(state=present).
    type: bool
    default: false
  allow_from:
    description:
      - The clients' network (CIDR, IPv4 or IPv6). The firewall is judged for it, and
        O(open_firewall) opens the port only for it (C(--from)).
      - Only with O(state=present).
    type: str
  allow_origins:
    description:
      - "Browser origins (C(http://192.168.1.50:3000)) whose web pages may call Ollama, added to
        C(OLLAMA_ORIGINS) in the same drop-in and the same restart, each proven with a request
        that sends it (C(--allow-origin)). Entries set by hand stay; nothing is added twice."
      - With O(state=absent), the origins this tool added (with O(allow_origins) or
        C(ollama-netcfg origins add)) come out of C(OLLAMA_ORIGINS) again in the same run
        (C(reset --origins)); entries set by hand stay.
    type: list
    elements: str
  for_containers:
    description:
      - With O(open_firewall), also let in containers on every current container network
        (docker0, C(br-...)) whose input path the firewall blocks (C(--for-containers)).
      - Only with O(state=present).
    type: bool
    default: false
  grant_low_port:
    description:
      - For a port below 1024, add C(AmbientCapabilities=CAP_NET_BIND_SERVICE) to the drop-in
        (O(state=absent) removes it again). Without it such a port fails the task before
        anything is touched.
      - Only with O(state=present).
    type: bool
    default: false
extends_documentation_fragment:
  - netcfg.ollama.netcfg
notes:
  - Ollama has no authentication of its own. RV(who_can_connect) says, from the firewall's own
    rules, who can open a connection once the task has run.
seealso:
  - module: netcfg.ollama.exposure_info
  - name: ollama-netcfg(8)
    description: The tool's man page, C(man ollama-netcfg).
"""

EXAMPLES = r"""
- name: Expose on all interfaces (every IPv4 and IPv6 address)
  netcfg.ollama.exposure:
    listen: 0.0.0.0
  become: true

- name: A specific address and port
  netcfg.ollama.exposure:
    listen: 192.168.1.10:8080
  become: true

- name: IPv6 (the same dual-stack socket as 0.0.0.0)
  netcfg.ollama.exposure:
    listen: "[::]"
  become: true

- name: Only for the local network, with the firewall opened for it (ufw or firewalld)
  netcfg.ollama.exposure:
    listen: 0.0.0.0
    open_firewall: true
    allow_from: 192.168.1.0/24
  become: true

- name: Try an address until the next reboot, persistent configuration untouched
  netcfg.ollama.exposure:
    listen: 0.0.0.0:11435
    runtime: true
  become: true

- name: A port below 1024 for the ollama user
  netcfg.ollama.exposure:
    listen: 0.0.0.0:80
    grant_low_port: true
  become: true

- name: Behind a reverse proxy on the same host (ollama-netcfg proxy-config prints its block)
  netcfg.ollama.exposure:
    listen: 127.0.0.1:11434
  become: true

- name: >-
    After an Ollama update (a post-update play): nothing changes when the
    setting is still in effect; a setting made by hand in the main unit file is
    moved into the drop-in
  netcfg.ollama.exposure:
    listen: 0.0.0.0
  become: true

- name: Another Ollama unit, a longer wait for slow GPUs
  netcfg.ollama.exposure:
    listen: 0.0.0.0
    unit: ollama-gpu1
    timeout: 180
  become: true

- name: Back to the default (127.0.0.1:11434), removing the firewall rule it added
  netcfg.ollama.exposure:
    state: absent
  become: true

- name: A browser front end allowed, and later taken out again with the rest
  netcfg.ollama.exposure:
    listen: 0.0.0.0
    allow_origins: [http://192.168.1.50:3000]
  become: true

- name: Back to the default, taking out the origins it added too
  netcfg.ollama.exposure:
    state: absent
    allow_origins: [http://192.168.1.50:3000]
  become: true
"""

RETURN = r"""
changed:
  description:
    - Whether anything was written, reloaded or restarted, taken from the tool's own answer.
      In check mode, whether a real run would.
  returned: always
  type: bool
old_value:
  description: C(OLLAMA_HOST) in effect before; null when unset (Ollama's default).
  returned: success
  type: str
  sample: null
new_value:
  description: C(OLLAMA_HOST) in effect after; null when unset.
  returned: success
  type: str
  sample: 0.0.0.0
listen:
  description: The listening socket as C(ss) shows it (Go's dual-stack socket is C(*:PORT)).
  returned: success
  type: str
  sample: "*:11434"
listen_covers:
  description: What that socket covers, in words.
  returned: success
  type: str
  sample: every IPv4 and IPv6 address
connect_url:
  description: Where a client on the host connects.
  returned: success
  type: str
  sample: http://127.0.0.1:11434
actions:
  description: What was done (or, in check mode, would be), one line each.
  returned: always
  type: list
  elements: str
proofs:
  description: The proofs, each with C(name) (systemd, process, listener, api), C(ok) and C(detail).
  returned: always
  type: list
  elements: dict
reach:
  description: The other addresses asked, container bridges and the firewall per IP version.
  returned: success
  type: list
  elements: str
who_can_connect:
  description: Who can open a connection now, from the firewall's own rules.
  returned: success
  type: str
  sample: "any IPv4 and IPv6 host; Ollama does not authenticate: ..."
notes:
  description: What the admin should know, for example another layer that sets C(OLLAMA_HOST).
  returned: always
  type: list
  elements: str
backups:
  description: Copies kept of files edited besides the drop-in.
  returned: always
  type: list
  elements: str
rolled_back:
  description: On failure, whether every file was put back and the previous setting proven again.
  returned: always
  type: bool
origins:
  description:
    - With O(allow_origins), the C(OLLAMA_ORIGINS) entries in effect C(before) and C(after), and
      those C(added); null otherwise.
  returned: always
  type: dict
hint:
  description: On failure, the tool's advice on what to do next.
  returned: failure
  type: str
journal:
  description: On failure, the unit's last journal lines.
  returned: failure
  type: list
  elements: str
problems:
  description:
    - On failure, the host's problems afterwards, from C(ollama-netcfg status --json), each with
      C(code), C(severity), C(message) and C(advice).
  returned: failure
  type: list
  elements: dict
listen_address:
  description: What Ollama passes to Go's C(net.Listen).
  returned: success
  type: str
  sample: 0.0.0.0:11434
client_export:
  description:
    - The C(export OLLAMA_HOST=...) the local C(ollama) command needs when the service is not on
      C(127.0.0.1:11434); null when it needs none.
  returned: success
  type: str
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

# Fields of the tool's answer returned as they are.
PASSED_ON = ("old_value", "new_value", "listen", "listen_covers", "listen_address", "connect_url",
             "client_export", "actions", "proofs", "reach", "who_can_connect", "notes", "backups",
             "rolled_back", "origins")

PRESENT_ONLY = ("open_firewall", "allow_from", "grant_low_port", "for_containers")


def build_command(binary, params, check_mode):
    """The tool's argument list for these parameters."""
    if params["state"] == "present":
        args = [binary, "expose", params["listen"]]
    else:
        args = [binary, "reset"]
    args += ["--json"] + common_args(params)
    if not params["rollback"]:
        args.append("--no-rollback")
    if params["runtime"]:
        args.append("--runtime")
    if params["state"] == "present":
        if params["open_firewall"]:
            args.append("--open-firewall")
        args += from_args(params)
        if params.get("for_containers"):
            args.append("--for-containers")
        for origin in params.get("allow_origins") or []:
            args += ["--allow-origin", origin]
        if params["grant_low_port"]:
            args.append("--grant-low-port")
    elif params.get("allow_origins"):
        args.append("--origins")
    if check_mode:
        args.append("--dry-run")
    return args


def diff_of(report):
    """Diff mode: each changed file, whole, before and after."""
    diffs = []
    for f in report.get("files") or []:
        before, after = f.get("before"), f.get("after")
        diffs.append({
            "before_header": f["path"] if before is not None else "%s (absent)" % f["path"],
            "after_header": f["path"] if after is not None else "%s (removed)" % f["path"],
            "before": before if before is not None else "",
            "after": after if after is not None else "",
        })
    return diffs


def problems_after(module, binary, params):
    """The host's problems after a failure, from `status --json`; [] when
    the tool cannot say."""
    args = [binary, "status", "--json"] + common_args(dict(params, timeout=5))
    rc, report, out, err = run_json(module, args)
    if report is None:
        return []
    return report.get("problems") or []


def result_of(report, args):
    result = {"changed": bool(report.get("changed")), "cmd": args}
    for key in PASSED_ON:
        if key in report:
            result[key] = report[key]
    return result


# The options, as DOCUMENTATION describes them (tests/unit checks that they agree).
ARGUMENT_SPEC = common_argument_spec(
    state=dict(type="str", default="present", choices=["present", "absent"]),
    listen=dict(type="str"),
    timeout=dict(type="float", default=60),
    rollback=dict(type="bool", default=True),
    runtime=dict(type="bool", default=False),
    open_firewall=dict(type="bool", default=False),
    grant_low_port=dict(type="bool", default=False),
    allow_origins=dict(type="list", elements="str"),
    for_containers=dict(type="bool", default=False),
)


def main():
    module = AnsibleModule(
        argument_spec=ARGUMENT_SPEC,
        required_if=[("state", "present", ["listen"])],
        supports_check_mode=True,
    )
    params = module.params
    if params["state"] == "absent":
        given = [o for o in PRESENT_ONLY if params.get(o)]
        if given:
            module.fail_json(msg="%s only go with state=present: state=absent removes what "
                             "state=present set up (including the firewall rule it added)"
                             % ", ".join(given))
        if params.get("listen") is not None:
            module.fail_json(msg="listen only goes with state=present: state=absent brings "
                             "Ollama back to its default, 127.0.0.1:11434")

    binary = find_binary(module, params["binary"])
    args = build_command(binary, params, module.check_mode)
    rc, report, out, err = run_json(module, args)
    if report is None:
        fail_unreadable(module, args, rc, out, err)
    check_format(module, report)

    result = result_of(report, args)
    if module._diff:
        result["diff"] = diff_of(report)
    error = report.get("error")
    if rc != 0 or error or not report.get("ok", False):
        error = error or {}
        result.update(
            msg=error.get("message") or (err.strip() or "ollama-netcfg exited %d" % rc),
            hint=error.get("hint", ""),
            rc=rc,
            journal=report.get("journal") or [],
            problems=[] if module.check_mode else problems_after(module, binary, params),
        )
        module.fail_json(**result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
