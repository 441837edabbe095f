"""Makes this checkout importable as ansible_collections.netcfg.ollama (the
name the modules import their module_utils by), without installing it, and
gives the module tests a way to run a module with arguments and a
replaced run_command."""
import json
import os
import sys
import tempfile

import pytest

COLLECTION = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

_top = tempfile.mkdtemp(prefix="netcfg-collection-")
os.makedirs(os.path.join(_top, "ansible_collections", "netcfg"))
os.symlink(COLLECTION, os.path.join(_top, "ansible_collections", "netcfg", "ollama"))
sys.path.insert(0, _top)

from ansible.module_utils import basic  # noqa: E402
from ansible.module_utils.common.text.converters import to_bytes  # noqa: E402


class Exit(Exception):
    """exit_json or fail_json was called: .result holds what the task returns."""

    def __init__(self, result, failed):
        super().__init__(result)
        self.result = result
        self.failed = failed


class Runner:
    """Runs a module's main() with arguments; run_command is replaced by a
    function of the argument list that returns (rc, stdout, stderr)."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch
        self.calls = []

    def __call__(self, module, args, answer, check_mode=False, diff=False):
        full = dict(args, _ansible_check_mode=check_mode, _ansible_diff=diff,
                    _ansible_remote_tmp="/tmp", _ansible_keep_remote_files=False)
        self.monkeypatch.setattr(basic, "_ANSIBLE_ARGS",
                                 to_bytes(json.dumps({"ANSIBLE_MODULE_ARGS": full})))
        self.calls = []

        def run_command(_self, cmd, *a, **kw):
            self.calls.append(list(cmd))
            return answer(list(cmd))

        def exit_json(_self, **kw):
            raise Exit(kw, False)

        def fail_json(_self, **kw):
            raise Exit(kw, True)

        self.monkeypatch.setattr(basic.AnsibleModule, "run_command", run_command)
        self.monkeypatch.setattr(basic.AnsibleModule, "exit_json", exit_json)
        self.monkeypatch.setattr(basic.AnsibleModule, "fail_json", fail_json)
        with pytest.raises(Exit) as done:
            module.main()
        return done.value


@pytest.fixture
def run_module(monkeypatch):
    return Runner(monkeypatch)
