"""netcfg.ollama.exposure with run_command replaced: the argument list for
each parameter, check mode, diff mode, `changed` from the tool's answer,
and the failure paths."""
import json

import pytest

from ansible_collections.netcfg.ollama.plugins.modules import exposure

TOOL = "/usr/sbin/ollama-netcfg"
DROP_IN = "/etc/systemd/system/ollama.service.d/override.conf"
AFTER = '[Service]\nEnvironment="OLLAMA_HOST=0.0.0.0"\n'


def answer(changed=True, dry_run=False, files=None, error=None, rolled_back=False, **more):
    """An answer shaped as docs/json.md documents `expose --json`."""
    j = {"format": 1, "command": "expose", "unit": "ollama.service", "drop_in": DROP_IN,
         "old_value": None, "new_value": "0.0.0.0", "listen": "*:11434",
         "listen_covers": "every IPv4 and IPv6 address", "listen_address": "0.0.0.0:11434",
         "connect_url": "http://127.0.0.1:11434", "changed": changed,
         "actions": ["wrote " + DROP_IN] if changed else [], "backups": [], "notes": [],
         "dry_run": dry_run, "offline": False, "diffs": [],
         "files": files if files is not None else
         ([{"path": DROP_IN, "before": None, "after": AFTER}] if changed else []),
         "proofs": [{"name": "api", "ok": error is None, "detail": "HTTP 200"}], "reach": [],
         "who_can_connect": "any IPv4 and IPv6 host", "client_export": None,
         "ok": error is None, "error": error, "rolled_back": rolled_back, "journal": []}
    j.update(more)
    return j


def replies(*by_subcommand):
    """run_command's stand-in: the JSON for each subcommand (expose, reset, status)."""
    table = dict(by_subcommand)

    def reply(cmd):
        sub = cmd[1]
        rc, obj = table[sub]
        return rc, json.dumps(obj) if not isinstance(obj, str) else obj, ""
    return reply


def test_present_runs_expose_with_every_option_as_an_argument_list(run_module):
    done = run_module(exposure, {"listen": "0.0.0.0", "binary": TOOL, "unit": "ollama-gpu1",
                                 "drop_in": "10-net.conf", "timeout": 90, "open_firewall": True,
                                 "allow_from": "192.168.1.0/24", "grant_low_port": True,
                                 "rollback": False, "runtime": True},
                      replies(("expose", (0, answer()))))
    assert not done.failed
    assert run_module.calls == [[TOOL, "expose", "0.0.0.0", "--json", "--unit", "ollama-gpu1",
                                 "--drop-in", "10-net.conf", "--timeout", "90", "--no-rollback",
                                 "--runtime", "--open-firewall", "--from", "192.168.1.0/24",
                                 "--grant-low-port"]]


def test_defaults_give_the_tools_defaults(run_module):
    run_module(exposure, {"listen": "[::]", "binary": TOOL}, replies(("expose", (0, answer()))))
    assert run_module.calls == [[TOOL, "expose", "[::]", "--json", "--unit", "ollama.service",
                                 "--drop-in", "override.conf", "--timeout", "60"]]


def test_a_fractional_timeout_is_passed_as_it_is(run_module):
    run_module(exposure, {"listen": "0.0.0.0", "binary": TOOL, "timeout": 2.5},
               replies(("expose", (0, answer()))))
    assert run_module.calls[0][-2:] == ["--timeout", "2.5"]


def test_absent_runs_reset(run_module):
    done = run_module(exposure, {"state": "absent", "binary": TOOL},
                      replies(("reset", (0, answer(command="reset", new_value=None)))))
    assert run_module.calls == [[TOOL, "reset", "--json", "--unit", "ollama.service",
                                 "--drop-in", "override.conf", "--timeout", "60"]]
    assert done.result["changed"] is True and done.result["new_value"] is None


def test_origins_and_containers_become_repeated_arguments(run_module):
    run_module(exposure, {"listen": "0.0.0.0", "binary": TOOL, "open_firewall": True,
                          "for_containers": True,
                          "allow_origins": ["http://192.168.1.50:3000", "https://chat.example.org"]},
               replies(("expose", (0, answer()))))
    assert run_module.calls[0][10:] == ["--open-firewall", "--for-containers", "--allow-origin",
                                       "http://192.168.1.50:3000", "--allow-origin",
                                       "https://chat.example.org"]


def test_absent_with_allow_origins_takes_the_added_origins_out_too(run_module):
    done = run_module(exposure, {"state": "absent", "binary": TOOL,
                                 "allow_origins": ["http://192.168.1.50:3000"]},
                      replies(("reset", (0, answer(command="reset", new_value=None)))))
    assert run_module.calls == [[TOOL, "reset", "--json", "--unit", "ollama.service",
                                 "--drop-in", "override.conf", "--timeout", "60", "--origins"]]
    assert not done.failed


@pytest.mark.parametrize("option", [{"open_firewall": True}, {"allow_from": "10.0.0.0/8"},
                                    {"grant_low_port": True}, {"listen": "0.0.0.0"},
                                    {"for_containers": True}])
def test_absent_refuses_options_of_present_and_runs_nothing(run_module, option):
    done = run_module(exposure, dict({"state": "absent", "binary": TOOL}, **option),
                      replies())
    assert done.failed and "state=present" in done.result["msg"]
    assert run_module.calls == []


def test_present_needs_listen(run_module):
    done = run_module(exposure, {"binary": TOOL}, replies())
    assert done.failed and "listen" in done.result["msg"] and run_module.calls == []


def test_changed_comes_from_the_tools_answer(run_module):
    done = run_module(exposure, {"listen": "0.0.0.0", "binary": TOOL},
                      replies(("expose", (0, answer(changed=False)))))
    assert not done.failed and done.result["changed"] is False
    assert done.result["who_can_connect"] == "any IPv4 and IPv6 host"
    assert done.result["listen_address"] == "0.0.0.0:11434"
    assert done.result["client_export"] is None


def test_check_mode_is_a_dry_run_that_reports_what_would_change(run_module):
    done = run_module(exposure, {"listen": "0.0.0.0", "binary": TOOL},
                      replies(("expose", (0, answer(changed=True, dry_run=True)))),
                      check_mode=True)
    assert run_module.calls[0][-1] == "--dry-run"
    assert done.result["changed"] is True and not done.failed
    done = run_module(exposure, {"listen": "0.0.0.0", "binary": TOOL},
                      replies(("expose", (0, answer(changed=False, dry_run=True)))),
                      check_mode=True)
    assert done.result["changed"] is False


def test_diff_mode_shows_each_file_whole_before_and_after(run_module):
    files = [{"path": DROP_IN, "before": None, "after": AFTER},
             {"path": "/etc/systemd/system/ollama.service", "before": "[Service]\nA=1\n",
              "after": "[Service]\n"},
             {"path": "/etc/systemd/system/ollama.service.d/old.conf", "before": "x\n",
              "after": None}]
    done = run_module(exposure, {"listen": "0.0.0.0", "binary": TOOL},
                      replies(("expose", (0, answer(files=files)))), diff=True)
    assert done.result["diff"] == [
        {"before_header": DROP_IN + " (absent)", "after_header": DROP_IN, "before": "",
         "after": AFTER},
        {"before_header": "/etc/systemd/system/ollama.service",
         "after_header": "/etc/systemd/system/ollama.service", "before": "[Service]\nA=1\n",
         "after": "[Service]\n"},
        {"before_header": "/etc/systemd/system/ollama.service.d/old.conf",
         "after_header": "/etc/systemd/system/ollama.service.d/old.conf (removed)",
         "before": "x\n", "after": ""}]


def test_without_diff_mode_there_is_no_diff(run_module):
    done = run_module(exposure, {"listen": "0.0.0.0", "binary": TOOL},
                      replies(("expose", (0, answer()))))
    assert "diff" not in done.result


def test_a_failed_proof_carries_message_hint_rollback_journal_and_problems(run_module):
    error = {"message": "ollama.service did not come up on 0.0.0.0:11436: api: ...; the "
                        "previous setting was put back",
             "hint": "see `journalctl -u ollama.service`", "exit_status": 1}
    problems = [{"code": "firewall-blocks", "severity": "CRITICAL", "message": "m",
                 "advice": "a"}]
    done = run_module(exposure, {"listen": "0.0.0.0:11436", "binary": TOOL},
                      replies(("expose", (1, answer(error=error, rolled_back=True,
                                                    journal=["bind: address already in use"]))),
                              ("status", (0, {"format": 1, "status": "CRITICAL",
                                              "problems": problems}))))
    assert done.failed
    r = done.result
    assert r["msg"] == error["message"] and r["hint"] == error["hint"] and r["rc"] == 1
    assert r["rolled_back"] is True and r["journal"] == ["bind: address already in use"]
    assert r["problems"] == problems
    assert run_module.calls[1][:3] == [TOOL, "status", "--json"]


def test_a_failure_in_check_mode_asks_for_no_status(run_module):
    error = {"message": "port 80 is below 1024", "hint": "add --grant-low-port",
             "exit_status": 1}
    done = run_module(exposure, {"listen": "0.0.0.0:80", "binary": TOOL},
                      replies(("expose", (1, answer(error=error, changed=False)))),
                      check_mode=True)
    assert done.failed and done.result["problems"] == [] and len(run_module.calls) == 1


def test_ok_false_with_exit_status_zero_is_still_a_failure(run_module):
    done = run_module(exposure, {"listen": "0.0.0.0", "binary": TOOL},
                      replies(("expose", (0, answer(ok=False))), ("status", (0, {"problems": []}))))
    assert done.failed


def test_output_that_is_not_json_fails_with_what_the_tool_said(run_module):
    def reply(cmd):
        return 2, "", "ollama-netcfg: --frob: unknown option\n"
    done = run_module(exposure, {"listen": "0.0.0.0", "binary": TOOL}, reply)
    assert done.failed and "unknown option" in done.result["msg"]
    assert done.result["rc"] == 2 and done.result["cmd"][0] == TOOL


def test_a_newer_json_format_warns(run_module, monkeypatch):
    warned = []
    monkeypatch.setattr(exposure.AnsibleModule, "warn", lambda self, w: warned.append(w))
    run_module(exposure, {"listen": "0.0.0.0", "binary": TOOL},
               replies(("expose", (0, answer(format=2)))))
    assert warned and "format 2" in warned[0]


def test_a_name_is_looked_up_on_path_and_in_sbin(run_module, monkeypatch):
    seen = {}

    def get_bin_path(self, name, required=False, opt_dirs=None):
        seen.update(name=name, required=required, opt_dirs=opt_dirs)
        return "/usr/sbin/" + name
    monkeypatch.setattr(exposure.AnsibleModule, "get_bin_path", get_bin_path)
    run_module(exposure, {"listen": "0.0.0.0"}, replies(("expose", (0, answer()))))
    assert seen == {"name": "ollama-netcfg", "required": True,
                    "opt_dirs": ["/usr/sbin", "/usr/local/sbin"]}
    assert run_module.calls[0][0] == "/usr/sbin/ollama-netcfg"
