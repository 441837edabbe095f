// The unit-file lexer and the drop-in editor. Input: CONTENT \0 VALUE.
// Properties: after set_variable, the file reads (as systemd reads it) the
// new value for the variable and the same for another one; after
// unset_variable, nothing sets it; set and unset on a file that did not
// set it, with a [Service] section (as systemd reads the file) and a final
// newline, give back the original bytes (and one line break more when the
// file ended inside a continuation).
#include "fuzz.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"
#include "ollama-netcfg/unitfile/lexer.hpp"

#include <algorithm>

using namespace netcfg::unitfile;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto p = fuzz::parts(data, size, 2);
    const std::string& content = p[0];
    std::string value;
    for (char c : p[1])
        if (c >= 0x21 && c <= 0x7e && c != '%')
            value += c; // printable and no specifier: what it reads back is itself
    const auto other_before = effective_value(content, "OTHER");
    const auto set = set_variable(content, "OLLAMA_HOST", value);
    fuzz::require(effective_value(set.content, "OLLAMA_HOST") == value, "set reads back");
    fuzz::require(effective_value(set.content, "OTHER") == other_before, "others unchanged");
    const auto unset = unset_variable(set.content, "OLLAMA_HOST");
    fuzz::require(!environment_effect(unset.content, "OLLAMA_HOST", std::nullopt).assigns,
                  "unset leaves no assignment");
    fuzz::require(effective_value(unset.content, "OTHER") == other_before,
                  "unset leaves others unchanged");
    // A [Service] header as systemd reads it: not text inside a continuation.
    const auto doc = lex(content);
    const bool has_service = std::any_of(doc.lines.begin(), doc.lines.end(), [](const Line& l) {
        return l.kind == LineKind::section && l.section == "Service";
    });
    const bool clean = !environment_effect(content, "OLLAMA_HOST", std::nullopt).assigns &&
                       ignored_assignments(content, "OLLAMA_HOST").empty() && has_service &&
                       content.back() == '\n';
    // A file that ends inside a continuation gets the blank line that ends
    // it (else the added line would join that assignment); the reset leaves
    // it, as systemd reads the file the same with it or without.
    const bool open_at_end = !doc.lines.empty() && doc.lines.back().open;
    if (clean)
        fuzz::require(unset.content == content ||
                          (open_at_end && unset.content == content + doc.eol),
                      "set then unset gives the bytes back");
    return 0;
}
