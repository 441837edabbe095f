"""netcfg.ollama.exposure_info with run_command replaced: never changed,
the same in check mode, fail_on, and the failure paths."""
import json

import pytest

from ansible_collections.netcfg.ollama.plugins.modules import exposure_info

TOOL = "/usr/sbin/ollama-netcfg"


def status(verdict="OK", problems=()):
    return {"format": 1, "status": verdict, "exit_status": 0, "unit": "ollama.service",
            "in_effect": "0.0.0.0", "listen": "*:11434", "who_can_connect": "any IPv4 host",
            "problems": list(problems)}


def reply_with(obj, rc=0):
    return lambda cmd: (rc, json.dumps(obj), "")


@pytest.mark.parametrize("check_mode", [False, True])
def test_returns_the_status_and_never_changes(run_module, check_mode):
    done = run_module(exposure_info, {"binary": TOOL}, reply_with(status()),
                      check_mode=check_mode)
    assert not done.failed and done.result["changed"] is False
    assert done.result["status"]["listen"] == "*:11434"
    assert run_module.calls == [[TOOL, "status", "--json", "--unit", "ollama.service",
                                 "--drop-in", "override.conf", "--timeout", "5"]]


def test_expect_from_and_urls_are_passed_on(run_module):
    run_module(exposure_info, {"binary": TOOL, "expect": "0.0.0.0", "allow_from": "10.0.0.0/8",
                               "urls": ["https://a.example", "https://b.example"]},
               reply_with(status()))
    assert run_module.calls[0][9:] == ["--expect", "0.0.0.0", "--from", "10.0.0.0/8", "--url",
                                       "https://a.example", "--url", "https://b.example"]


def test_problems_lists_the_codes_above_info(run_module):
    probs = [{"code": "not-visible", "severity": "INFO", "message": "", "advice": ""},
             {"code": "reload-pending", "severity": "WARNING", "message": "m", "advice": "a"}]
    done = run_module(exposure_info, {"binary": TOOL}, reply_with(status("WARNING", probs)))
    assert done.result["problems"] == ["reload-pending"] and not done.failed


@pytest.mark.parametrize("verdict,fail_on,fails", [
    ("OK", "WARNING", False), ("WARNING", "WARNING", True), ("WARNING", "CRITICAL", False),
    ("CRITICAL", "CRITICAL", True), ("UNKNOWN", "CRITICAL", True), ("CRITICAL", "never", False)])
def test_fail_on(run_module, verdict, fail_on, fails):
    probs = [{"code": "service-inactive", "severity": verdict, "message": "it is inactive",
              "advice": ""}] if verdict != "OK" else []
    done = run_module(exposure_info, {"binary": TOOL, "fail_on": fail_on},
                      reply_with(status(verdict, probs)))
    assert done.failed is fails
    if fails and probs:
        assert "service-inactive: it is inactive" in done.result["msg"]
        assert done.result["status"]["status"] == verdict


def test_output_that_is_not_a_status_fails(run_module):
    done = run_module(exposure_info, {"binary": TOOL}, lambda cmd: (1, "{}", "boom\n"))
    assert done.failed and "boom" in done.result["msg"]


def test_a_status_that_could_not_look_fails_with_its_reason(run_module):
    unknown = {"format": 1, "status": "UNKNOWN", "exit_status": 3, "unit": "ollama.service",
               "problems": [{"code": "check-failed", "severity": "UNKNOWN",
                             "message": "cannot connect to the system bus",
                             "advice": "is systemd running as PID 1?"}]}
    done = run_module(exposure_info, {"binary": TOOL}, reply_with(unknown, rc=1))
    assert done.failed and done.result["msg"] == "cannot connect to the system bus"
    assert done.result["hint"] == "is systemd running as PID 1?" and done.result["rc"] == 1
    assert done.result["problems"] == ["check-failed"]
