#include "catch.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"
#include "ollama-netcfg/unitfile/lexer.hpp"

using namespace netcfg::unitfile;

namespace {

struct Case {
    const char* name;
    std::string before;
    std::string after;
};

void check_set(const Case& c, const std::string& value = "0.0.0.0") {
    INFO(c.name);
    auto edit = set_variable(c.before, "OLLAMA_HOST", value);
    CHECK(edit.content == c.after);
    CHECK(edit.changed == (c.before != c.after));
    CHECK(effective_value(edit.content, "OLLAMA_HOST") == value);
}

} // namespace

TEST_CASE("set_variable edits a corpus of real drop-in shapes", "[unitfile][edit]") {
    const Case cases[] = {
        {"empty file", "", "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n"},
        {"no [Service]", "[Unit]\nDescription=x\n",
         "[Unit]\nDescription=x\n\n[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n"},
        {"no final newline", "[Unit]\nDescription=x",
         "[Unit]\nDescription=x\n\n[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n"},
        {"[Service] without the variable",
         "# mine\n[Service]\nEnvironment=\"OLLAMA_MODELS=/srv/m\"\n\n# tail comment\n",
         "# mine\n[Service]\nEnvironment=\"OLLAMA_MODELS=/srv/m\"\n"
         "Environment=\"OLLAMA_HOST=0.0.0.0\"\n\n# tail comment\n"},
        {"empty [Service] header", "[Service]\n",
         "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n"},
        {"header without newline", "[Service]", "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n"},
        {"quoted assignment", "[Service]\nEnvironment=\"OLLAMA_HOST=127.0.0.1\"\n",
         "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n"},
        {"unquoted assignment", "[Service]\nEnvironment=OLLAMA_HOST=127.0.0.1\n",
         "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n"},
        {"several per line",
         "[Service]\nEnvironment=\"A=1\" OLLAMA_HOST=127.0.0.1   'B=2 3' # not a comment\n",
         "[Service]\nEnvironment=\"A=1\" \"OLLAMA_HOST=0.0.0.0\"   'B=2 3' # not a comment\n"},
        {"quotes inside the word", "[Service]\nEnvironment=OLLAMA_HOST=\"1.2.3.4\" X=1\n",
         "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\" X=1\n"},
        {"several Environment= lines",
         "[Service]\nEnvironment=A=1\nEnvironment=OLLAMA_HOST=1.1.1.1\nEnvironment=B=2\n",
         "[Service]\nEnvironment=A=1\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\nEnvironment=B=2\n"},
        {"assigned twice in one file",
         "[Service]\nEnvironment=OLLAMA_HOST=1.1.1.1\nEnvironment=OLLAMA_HOST=2.2.2.2\n",
         "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n"},
        {"continuation lines",
         "[Service]\nEnvironment=A=1 \\\n  OLLAMA_HOST=1.1.1.1 \\\n  B=2\nUser=x\n",
         "[Service]\nEnvironment=A=1 \\\n  \"OLLAMA_HOST=0.0.0.0\" \\\n  B=2\nUser=x\n"},
        {"comment inside a continuation",
         "[Service]\nEnvironment=A=1 \\\n# note\n; note\n OLLAMA_HOST=1.1.1.1\n",
         "[Service]\nEnvironment=A=1 \\\n# note\n; note\n \"OLLAMA_HOST=0.0.0.0\"\n"},
        {"comments with # and ;",
         "#[Service]\n; Environment=OLLAMA_HOST=9.9.9.9\n[Service]\n#Environment=OLLAMA_HOST=1\n",
         "#[Service]\n; Environment=OLLAMA_HOST=9.9.9.9\n[Service]\n"
         "Environment=\"OLLAMA_HOST=0.0.0.0\"\n#Environment=OLLAMA_HOST=1\n"},
        {"CRLF endings", "[Service]\r\nUser=ollama\r\n\r\n[Install]\r\nWantedBy=x\r\n",
         "[Service]\r\nUser=ollama\r\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\r\n\r\n[Install]\r\n"
         "WantedBy=x\r\n"},
        {"CRLF replace in place", "[Service]\r\nEnvironment=OLLAMA_HOST=1.1.1.1 A=1\r\n",
         "[Service]\r\nEnvironment=\"OLLAMA_HOST=0.0.0.0\" A=1\r\n"},
        {"other sections kept", "[Unit]\nAfter=x\n[Service]\nUser=u\n[Install]\nWantedBy=y\n",
         "[Unit]\nAfter=x\n[Service]\nUser=u\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n[Install]\n"
         "WantedBy=y\n"},
        {"variable in another section is not systemd's",
         "[Unit]\nEnvironment=OLLAMA_HOST=1.1.1.1\n",
         "[Unit]\nEnvironment=OLLAMA_HOST=1.1.1.1\n\n[Service]\n"
         "Environment=\"OLLAMA_HOST=0.0.0.0\"\n"},
        {"later reset by empty Environment=",
         "[Service]\nEnvironment=OLLAMA_HOST=1.1.1.1\nEnvironment=\n",
         "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\nEnvironment=\n"
         "Environment=\"OLLAMA_HOST=0.0.0.0\"\n"},
        {"line with broken quoting is left alone", "[Service]\nEnvironment=\"OLLAMA_HOST=1.1.1.1\n",
         "[Service]\nEnvironment=\"OLLAMA_HOST=1.1.1.1\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n"},
        {"two [Service] sections: the last one gets it",
         "[Service]\nUser=a\n[Install]\nWantedBy=x\n[Service]\nGroup=b\n",
         "[Service]\nUser=a\n[Install]\nWantedBy=x\n[Service]\nGroup=b\n"
         "Environment=\"OLLAMA_HOST=0.0.0.0\"\n"},
        {"spaces around key and =", "[Service]\n  Environment =  OLLAMA_HOST=1.1.1.1  \n",
         "[Service]\n  Environment =  \"OLLAMA_HOST=0.0.0.0\"  \n"},
        {"already the value", "[Service]\nEnvironment=OLLAMA_HOST=0.0.0.0\n",
         "[Service]\nEnvironment=OLLAMA_HOST=0.0.0.0\n"},
        {"UTF-8 BOM", "\xEF\xBB\xBF[Service]\nUser=x\n",
         "\xEF\xBB\xBF[Service]\nUser=x\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n"},
    };
    for (const auto& c : cases)
        check_set(c);
}

TEST_CASE("set_variable escapes values that need it", "[unitfile][edit]") {
    const std::string value = "a \"b\" \\c 100%";
    auto edit = set_variable("[Service]\n", "OLLAMA_HOST", value);
    CHECK(edit.content == "[Service]\nEnvironment=\"OLLAMA_HOST=a \\\"b\\\" \\\\c 100%%\"\n");
    CHECK(effective_value(edit.content, "OLLAMA_HOST") == value);
}

TEST_CASE("set_variable reports the old value", "[unitfile][edit]") {
    auto edit = set_variable("[Service]\nEnvironment=OLLAMA_HOST=1.2.3.4\n", "OLLAMA_HOST", "x");
    CHECK(edit.old_value == "1.2.3.4");
    CHECK(set_variable("", "OLLAMA_HOST", "x").old_value == std::nullopt);
}

TEST_CASE("effective_value reads systemd's rules", "[unitfile][read]") {
    CHECK(effective_value("[Service]\nEnvironment=OLLAMA_HOST=1\nEnvironment=OLLAMA_HOST=2\n",
                          "OLLAMA_HOST") == "2");
    CHECK(effective_value("[Service]\nEnvironment=OLLAMA_HOST=1\nEnvironment=\n", "OLLAMA_HOST") ==
          std::nullopt);
    CHECK(effective_value("[Service]\nEnvironment=\"OLLAMA_HOST=50%%\"\n", "OLLAMA_HOST") == "50%");
    CHECK(effective_value("[Service]\nEnvironment=A=1 \\\n OLLAMA_HOST=x\n", "OLLAMA_HOST") == "x");
    CHECK(effective_value("[Service]\nEnvironment=A=1\\\\\nEnvironment=OLLAMA_HOST=y\n",
                          "OLLAMA_HOST") == "y");
    CHECK(effective_value("[Service]\rEnvironment=OLLAMA_HOST=cr\r", "OLLAMA_HOST") == "cr");
    CHECK(effective_value("[Service]\nEnvironment=1BAD=x OLLAMA_HOST=ok\n", "OLLAMA_HOST") == "ok");
    // Seen in systemd 252: words before a syntax error count, the rest not.
    CHECK(effective_value("[Service]\nEnvironment=OLLAMA_HOST=a B\\x=2 C=3\n", "OLLAMA_HOST") ==
          "a");
    CHECK(effective_value("[Service]\nEnvironment=B\\x=2 OLLAMA_HOST=a\n", "OLLAMA_HOST") ==
          std::nullopt);
    // A blank line ends a continuation; a comment line does not.
    CHECK(effective_value("[Service]\nEnvironment=A=1 \\\n\n OLLAMA_HOST=x\n", "OLLAMA_HOST") ==
          std::nullopt);
    CHECK(effective_value("[Service]\nEnvironment=A=1 \\\n# c\n OLLAMA_HOST=x\n", "OLLAMA_HOST") ==
          "x");
}

TEST_CASE("unset_variable removes only the assignment", "[unitfile][edit]") {
    auto only = unset_variable("[Service]\nEnvironment=\"OLLAMA_HOST=x\"\nUser=u\n", "OLLAMA_HOST");
    CHECK(only.content == "[Service]\nUser=u\n");
    CHECK(only.old_value == "x");
    auto shared = unset_variable("[Service]\nEnvironment=A=1 OLLAMA_HOST=x B=2\n", "OLLAMA_HOST");
    CHECK(shared.content == "[Service]\nEnvironment=A=1 B=2\n");
    auto first = unset_variable("[Service]\nEnvironment=OLLAMA_HOST=x B=2\n", "OLLAMA_HOST");
    CHECK(first.content == "[Service]\nEnvironment=B=2\n");
    CHECK(is_effectively_empty(only.content) == false);
    CHECK(is_effectively_empty(
        unset_variable("[Service]\nEnvironment=OLLAMA_HOST=x\n", "OLLAMA_HOST").content));
}

TEST_CASE("lex maps logical lines back to file bytes", "[unitfile][lexer]") {
    std::string s = "[Service]\nEnvironment=A=1 \\\n  B=2\n";
    auto doc = lex(s);
    REQUIRE(doc.lines.size() == 2);
    const auto& l = doc.lines[1];
    CHECK(l.kind == LineKind::assignment);
    CHECK(l.key == "Environment");
    CHECK(l.value() == "A=1    B=2");
    CHECK(l.begin == 10);
    CHECK(l.end == s.size());
    CHECK(s[l.file_offset(l.text.find('B'))] == 'B');
}

TEST_CASE("ignored_assignments finds what systemd skips as an invalid assignment",
          "[unitfile][environment]") {
    using namespace netcfg::unitfile;
    const std::string typographic = "[Service]\nEnvironment=\u201cOLLAMA_HOST=0.0.0.0\u201d\n";
    auto found = ignored_assignments(typographic, "OLLAMA_HOST");
    REQUIRE(found.size() == 1);
    CHECK(found[0].word == "\u201cOLLAMA_HOST=0.0.0.0\u201d");
    CHECK(found[0].line_number == 2);
    CHECK_THAT(found[0].why, Catch::Contains("typographic quotes"));
    CHECK_FALSE(effective_value(typographic, "OLLAMA_HOST")); // systemd ignores it

    auto no_eq = ignored_assignments("[Service]\nEnvironment=OLLAMA_HOST 0.0.0.0\n", "OLLAMA_HOST");
    REQUIRE(no_eq.size() == 1);
    CHECK(no_eq[0].word == "OLLAMA_HOST");
    CHECK(no_eq[0].why == "there is no '=' in it");

    auto bad_name = ignored_assignments(
        "[Service]\nEnvironment=\"OLLAMA-HOST=x\" OLLAMA_HOST:1=2\n", "OLLAMA_HOST");
    REQUIRE(bad_name.size() == 1); // OLLAMA-HOST does not mention OLLAMA_HOST
    CHECK(bad_name[0].why == "\"OLLAMA_HOST:1\" is not a valid variable name");

    auto quoting =
        ignored_assignments("[Service]\nEnvironment=A=1 \"OLLAMA_HOST=0.0.0.0\n", "OLLAMA_HOST");
    REQUIRE(quoting.size() == 1);
    CHECK(quoting[0].word == "\"OLLAMA_HOST=0.0.0.0");
    CHECK_THAT(quoting[0].why, Catch::Contains("bad quoting"));

    // Valid lines, other sections, other variables: nothing.
    CHECK(ignored_assignments("[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\" A=1\n"
                              "[Unit]\nEnvironment=\u201cOLLAMA_HOST=x\u201d\n",
                              "OLLAMA_HOST")
              .empty());
    // Typographic quotes inside a value are the value's (Ollama then fails
    // to resolve it): systemd takes the assignment.
    CHECK(ignored_assignments("[Service]\nEnvironment=OLLAMA_HOST=\u201c0.0.0.0\u201d\n",
                              "OLLAMA_HOST")
              .empty());
}

TEST_CASE("remove_ignored takes out only what systemd ignored", "[unitfile][environment]") {
    using namespace netcfg::unitfile;
    CHECK(remove_ignored("[Service]\nEnvironment=\u201cOLLAMA_HOST=0.0.0.0\u201d\nUser=x\n",
                         "OLLAMA_HOST")
              .content == "[Service]\nUser=x\n");
    auto kept = remove_ignored("# mine\n[Service]\nEnvironment=A=1 \u201cOLLAMA_HOST=0.0.0.0\u201d "
                               "B=2\r\n",
                               "OLLAMA_HOST");
    CHECK(kept.changed);
    CHECK(kept.content == "# mine\n[Service]\nEnvironment=A=1 B=2\r\n");
    CHECK(effective_value(kept.content, "A") == "1");
    CHECK(effective_value(kept.content, "B") == "2");
    const std::string clean = "[Service]\nEnvironment=OLLAMA_HOST=0.0.0.0\n";
    auto same = remove_ignored(clean, "OLLAMA_HOST");
    CHECK_FALSE(same.changed);
    CHECK(same.content == clean);
    // Then set_variable gives the working line.
    auto fixed = set_variable(
        remove_ignored("[Service]\nEnvironment=\u201cOLLAMA_HOST=0.0.0.0\u201d\n", "OLLAMA_HOST")
            .content,
        "OLLAMA_HOST", "0.0.0.0");
    CHECK(fixed.content == "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n");
}

// Found by fuzz_unitfile: a file that ends inside a continuation (a line
// ending in a backslash, then only comment lines) joined the added line to
// that assignment; systemd then read `Environment=FOO=1` as a word of it
// (checked with systemctl show). A blank line ends the continuation.
TEST_CASE("set_variable after a continuation left open at the end of the file",
          "[unitfile][fuzz]") {
    const std::string content = "[Service]\nEnvironment=OTHER=a \\\n  # comment\n";
    auto e = set_variable(content, "OLLAMA_HOST", "0.0.0.0");
    CHECK(e.content ==
          "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\nEnvironment=OTHER=a \\\n  # comment\n");
    CHECK(effective_value(e.content, "OLLAMA_HOST") == "0.0.0.0");
    CHECK(effective_value(e.content, "OTHER") == "a");
    CHECK(unset_variable(e.content, "OLLAMA_HOST").content == content);
    // Before an empty Environment= it would be cleared: a blank line ends
    // the continuation instead.
    const std::string clears = "[Service]\nEnvironment= \\\n  # comment\n";
    e = set_variable(clears, "OLLAMA_HOST", "0.0.0.0");
    CHECK(e.content == clears + "\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n");
    CHECK(effective_value(e.content, "OLLAMA_HOST") == "0.0.0.0");
    // A blank line that already ends it: the new line goes after it.
    const std::string ended = "[Service]\nEnvironment=OTHER=a \\\n\n";
    e = set_variable(ended, "OLLAMA_HOST", "0.0.0.0");
    CHECK(e.content == ended + "Environment=\"OLLAMA_HOST=0.0.0.0\"\n");
    CHECK(unset_variable(e.content, "OLLAMA_HOST").content == ended);
    // An ordinary file gets no blank line.
    CHECK(set_variable("[Service]\nEnvironment=OTHER=a\n", "OLLAMA_HOST", "0.0.0.0").content ==
          "[Service]\nEnvironment=OTHER=a\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n");
}

// Found by fuzz_unitfile: taking out a word that starts a continuation line
// left `# comment` at the start of that line. systemd skips such a line
// inside a continuation (checked with systemctl show on systemd 252: an
// indented `# c` between `A=1 \` and `B=2` gives A=1 B=2), so the next
// line joined the assignment and set the variable again. The word goes out
// with the line break before it.
TEST_CASE("unset_variable keeps the rest of a continuation line from becoming a comment",
          "[unitfile][fuzz]") {
    const std::string content = "[Service]\nEnvironment=A=1 \\\n  OLLAMA_HOST=x # c\n"
                                "  OLLAMA_HOST=1.2.3.4\n";
    auto e = unset_variable(content, "OLLAMA_HOST");
    CHECK(e.content == "[Service]\nEnvironment=A=1  # c\n  OLLAMA_HOST=1.2.3.4\n");
    CHECK_FALSE(environment_effect(e.content, "OLLAMA_HOST", std::nullopt).assigns);
    CHECK(effective_value(e.content, "A") == "1");
    // Comment lines between the two lines go with the break.
    const std::string between = "[Service]\nEnvironment=A=1 \\\n  # note\n  OLLAMA_HOST=x ;c\n";
    e = unset_variable(between, "OLLAMA_HOST");
    CHECK(e.content == "[Service]\nEnvironment=A=1  ;c\n");
    // The value's first word on a continuation line.
    e = unset_variable("[Service]\nEnvironment=\\\n  OLLAMA_HOST=x #c B=2\n", "OLLAMA_HOST");
    CHECK(e.content == "[Service]\nEnvironment=#c B=2\n");
    CHECK(effective_value(e.content, "B") == "2");
    // A line of blanks and a backslash before it goes with the break too.
    e = unset_variable("[Service]\nEnvironment=A=1 \\\n \\\n  OLLAMA_HOST=x # c\n", "OLLAMA_HOST");
    CHECK(e.content == "[Service]\nEnvironment=A=1  # c\n");
    // Two such lines in a row: the first is taken out whole, and where that
    // cannot be done word by word the line is written again on one line.
    e = unset_variable(
        "[Service]\nEnvironment=A=1 \\\n  OLLAMA_HOST=x \\\n  OLLAMA_HOST=y # c\n  B=2\n",
        "OLLAMA_HOST");
    CHECK(e.content == "[Service]\nEnvironment=A=1 # c\n  B=2\n");
    CHECK_FALSE(effective_value(e.content, "B"));
    CHECK_FALSE(environment_effect(e.content, "OLLAMA_HOST", std::nullopt).assigns);
    // Judged by every assignment and clearing in order, not only by what is
    // left at the end: here a later empty Environment= clears all anyway,
    // but the joined line would still assign it.
    e = unset_variable("[Service]\nEnvironment=A=1 \\\n  OLLAMA_HOST=x \\\n  OLLAMA_HOST=y # c\n"
                       "  OLLAMA_HOST=z\nEnvironment=\n",
                       "OLLAMA_HOST");
    CHECK(e.content == "[Service]\nEnvironment=A=1 # c\n  OLLAMA_HOST=z\nEnvironment=\n");
    CHECK_FALSE(environment_effect(e.content, "OLLAMA_HOST", std::nullopt).assigns);
    // Anything else after the word stays on its line, as before.
    CHECK(unset_variable("[Service]\nEnvironment=A=1 \\\n  OLLAMA_HOST=x B=2\n", "OLLAMA_HOST")
              .content == "[Service]\nEnvironment=A=1 \\\n B=2\n");
}

// Found by fuzz_unitfile: a file whose last line ends in a lone CR (a line
// break to systemd) inside an open continuation. The blank line added to
// end the continuation made "\r\n" with that CR, one break, so the new
// [Service] header joined the assignment.
TEST_CASE("set_variable after a lone CR keeps the blank line that ends a continuation",
          "[unitfile][fuzz]") {
    const std::string content = "[Unit]\nX=a \\\r";
    auto e = set_variable(content, "OLLAMA_HOST", "0.0.0.0");
    CHECK(e.content == content + "\n\n[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n");
    CHECK(effective_value(e.content, "OLLAMA_HOST") == "0.0.0.0");
}

// Found by fuzz_unitfile: the added line joined an empty Environment= left
// open at the end of the file, so that line no longer cleared the list and
// a variable set above it (OTHER) came back; the edit was taken because
// OLLAMA_HOST itself read right. Now every variable must read as before.
TEST_CASE("set_variable leaves every other variable as systemd read it", "[unitfile][fuzz]") {
    const std::string content =
        "[Service]\nEnvironment=OTHER=a OLLAMA_HOST=1\nEnvironment= \\\n  # c\n";
    REQUIRE_FALSE(effective_value(content, "OTHER"));
    auto e = set_variable(content, "OLLAMA_HOST", "0.0.0.0");
    CHECK(e.content == "[Service]\nEnvironment=OTHER=a \"OLLAMA_HOST=0.0.0.0\"\n"
                       "Environment= \\\n  # c\n\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n");
    CHECK(effective_value(e.content, "OLLAMA_HOST") == "0.0.0.0");
    CHECK_FALSE(effective_value(e.content, "OTHER"));
    CHECK_FALSE(effective_value(e.content, "Environment"));
}

// Found by reading fuzz_unitfile's corpus with systemd (test_safety's random
// drop-ins): where systemd's config_parse() reads a file otherwise than the
// lexer did. Each line checked with `systemctl show -p Environment` on
// systemd 252 (Debian 12) and 257 (Debian 13).
TEST_CASE("lex reads lines where systemd's config_parse does", "[unitfile][fuzz]") {
    auto value = [](const std::string& content, const char* name) {
        return effective_value(content, name);
    };
    // A comment line never continues, even with a trailing backslash.
    CHECK(value("[Service]\n# c \\\nEnvironment=A=1\n", "A") == "1");
    // A section header without its "]" stops the reading of the file.
    CHECK_FALSE(value("[Service\nEnvironment=A=1\n", "A"));
    const std::string open_header = "[Service]\nEnvironment=A=1\n[Bad\nEnvironment=B=2\n";
    CHECK(value(open_header, "A") == "1");
    CHECK_FALSE(value(open_header, "B"));
    CHECK(lex(open_header).unread_from == open_header.find("[Bad"));
    // So does text that is not valid UTF-8, or a code point systemd refuses
    // (U+FDD0), outside a comment.
    CHECK_FALSE(value("[Service]\nEnvironment=A=1\nX=\xb4\nEnvironment=E=5\n", "E"));
    CHECK(value("[Service]\n# \xb4\nEnvironment=A=1\n", "A") == "1");
    CHECK_FALSE(value("[Service]\nEnvironment=A=\xef\xb7\x90\nEnvironment=E=5\n", "E"));
    CHECK(value("[Service]\nEnvironment=A=\xc3\xa9\n", "A") == "\xc3\xa9");
    CHECK_FALSE(value("[Service]\nEnvironment=A=\xc0\xa9\n", "A")); // overlong
    // A NUL ends a line.
    const char nul[] = "[Service]\nEnvironment=A=1\0Environment=B=2\n";
    CHECK(value(std::string(nul, sizeof nul - 1), "B") == "2");
    // The byte order mark is skipped on the first line that starts with one.
    CHECK(value("[Service]\n\xef\xbb\xbf"
                "Environment=C=3\n",
                "C") == "3");
    CHECK_FALSE(value("\xef\xbb\xbf[Service]\n\xef\xbb\xbf"
                      "Environment=C=3\n",
                      "C"));
}

// Where systemd stops reading, a new [Service] section goes before that line,
// so that the value is read.
TEST_CASE("set_variable puts a new section before a line systemd stops at", "[unitfile][fuzz]") {
    const std::string content = "[Unit]\nDescription=x\n[Bad\n";
    auto e = set_variable(content, "OLLAMA_HOST", "0.0.0.0");
    CHECK(effective_value(e.content, "OLLAMA_HOST") == "0.0.0.0");
    CHECK(e.content.ends_with("[Bad\n"));
    CHECK(unset_variable(e.content, "OLLAMA_HOST").content.find("OLLAMA_HOST") == std::string::npos);
}
