"""The docs test's own tests: a changed word fails, a declared variable part
does not, and the guides and versions are held to their sources."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import blocks  # noqa: E402
import docs_test  # noqa: E402
import versions  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(HERE))

REAL = [
    'ollama.service: OLLAMA_HOST="0.0.0.0" (was unset), listening on *:11434',
    "  restarted ollama.service (job done, main PID 401)",
    "  ok   api       GET http://127.0.0.1:11434/api/version: HTTP 200, version 0.12.6 (0.4 ms)",
    "OLLAMA-NETCFG OK - ollama.service listens on *:11434 | time=0.009s;;;0 problems=0;;;0",
]
SHOWN = [
    'ollama.service: OLLAMA_HOST="0.0.0.0" (was unset), listening on *:11434',
    "  restarted ollama.service (job done, main PID 72)",
    "  ok   api       GET http://127.0.0.1:11434/api/version: HTTP 200, version 0.12.6 (5.6 ms)",
    "OLLAMA-NETCFG OK - ollama.service listens on *:11434 | time=0.018s;;;0 problems=0;;;0",
]


def test_declared_variable_parts_match_any_value_of_their_shape():
    assert blocks.matches(SHOWN, REAL)


def test_one_changed_word_fails():
    for i, line in enumerate(SHOWN):
        for old, new in (("restarted", "reloaded"), ("ok", "FAIL"), ("OK", "WARNING"),
                         ("unset", "set"), ("0.12.6", "0.12.7"), ("11434", "11435")):
            if old in line:
                changed = list(SHOWN)
                changed[i] = line.replace(old, new, 1)
                assert not blocks.matches(changed, REAL), changed[i]


def test_a_pid_is_a_number_and_nothing_else():
    assert not blocks.line_matches("main PID 72", "main PID abc")
    assert not blocks.line_matches("main PID 72", "main PID 72 more")


def test_ellipsis_stands_for_lines_or_the_rest_of_a_line():
    assert blocks.matches([SHOWN[0], "  ...", SHOWN[3]], REAL)
    assert blocks.matches([SHOWN[0], "  ..."], REAL)
    assert not blocks.matches([SHOWN[0], "  ...", "missing line"], REAL)
    assert blocks.matches(["OLLAMA-NETCFG OK - ..."], [REAL[3]])
    assert not blocks.matches(["OLLAMA-NETCFG WARNING - ..."], [REAL[3]])
    assert not blocks.matches(SHOWN[:3], REAL), "a line too many in the real output"


def test_exit_status_is_read_from_the_last_line():
    assert blocks.expected_output(["a", "(exit status 2)"]) == (["a"], 2)
    assert blocks.expected_output(["a", ""]) == (["a"], 0)


def test_update_keeps_matching_lines_and_elisions_and_takes_the_rest():
    shown = [SHOWN[0], "  ...", "OLLAMA-NETCFG WARNING - old words"]
    new = blocks.updated(shown, REAL)
    assert new[0] == SHOWN[0] and new[1] == "  ..." and new[-1] == REAL[3]
    assert blocks.matches(new, REAL)
    assert blocks.updated(SHOWN, REAL) == SHOWN


def doc(*parts):
    return "\n".join(parts) + "\n"


def test_reading_annotations_and_sessions():
    text = doc("## One", "<!-- doc: given ollama-netcfg expose 0.0.0.0 -->", "```",
               "$ sudo ollama-netcfg check   # a comment", "OK", "(exit status 1)",
               "$ cmd \\", "  --more", "```", "", "<!-- doc: exempt: a picture -->",
               "```yaml", "a: b", "```", "```json", "{}", "```")
    bs = blocks.read_blocks("x.md", text)
    assert [b.kind() for b in bs] == ["session", "exempt", "unmarked"]
    assert bs[0].given == ["ollama-netcfg expose 0.0.0.0"] and bs[0].section == "One"
    cmds = blocks.commands(bs[0])
    assert [c.text for c in cmds] == ["sudo ollama-netcfg check   # a comment",
                                      "cmd \\\n  --more"]
    assert blocks.expected_output(cmds[0].shown) == (["OK"], 1)


def test_an_annotation_away_from_its_block_is_refused():
    try:
        blocks.read_blocks("x.md", doc("<!-- doc: exempt: why -->", "text", "```", "a", "```"))
    except ValueError:
        return
    raise AssertionError("accepted")


def test_the_guides_differ_when_a_block_or_a_word_of_its_output_does():
    en = blocks.read_blocks("en", doc("## A", "```", "$ x   # english", "out", "```"))
    same = blocks.read_blocks("de", doc("## B", "```", "$ x   # deutsch", "out", "```"))
    other = blocks.read_blocks("de", doc("## B", "```", "$ x", "aus", "```"))
    missing = blocks.read_blocks("de", doc("## B"))
    assert docs_test.guides_differ(en, same) == []
    assert docs_test.guides_differ(en, other)
    assert docs_test.guides_differ(en, missing)
    assert blocks.with_commands_of(["$ x   # english", "new"], same[0]) == \
        ["$ x   # deutsch", "new"]


def test_the_guides_in_the_tree_have_the_same_blocks():
    read = lambda p: blocks.read_blocks(p, open(os.path.join(ROOT, p)).read())
    assert docs_test.guides_differ(read("docs/guide.en.md"), read("docs/guide.de.md")) == []


def test_versions_in_file_names_come_from_their_sources(tmp_path):
    for d in ("ansible", "packaging", "docs"):
        (tmp_path / d).mkdir()
    (tmp_path / "ansible/galaxy.yml").write_text("version: 1.2.0\n")
    (tmp_path / "CMakeLists.txt").write_text("project(ollama-netcfg VERSION 0.1.0 LANGUAGES CXX)\n")
    (tmp_path / "packaging/build-packages").write_text("release=1\n")
    (tmp_path / "README.md").write_text(
        "ansible-galaxy collection install out/netcfg-ollama-1.1.0.tar.gz\n"
        "apt install ./ollama-netcfg_0.1.0-1_amd64.deb\n")
    wrong = versions.wrong_versions(str(tmp_path))
    assert len(wrong) == 1 and "netcfg-ollama-1.1.0" in wrong[0] and "1.2.0" in wrong[0]
    assert versions.wrong_versions(ROOT) == []
