// The unit-file lexer and the drop-in editor. Input: CONTENT \0 VALUE.
// Properties: after set_variable, the file reads (as systemd reads it) the
// new value for the variable and the same for another one; after
// unset_variable, nothing sets it; set and unset on a file that did not
// set it, with a [Service] section header line and a final newline, give back the
// original bytes.
#include "fuzz.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"
#include "ollama-netcfg/unitfile/lexer.hpp"

using namespace netcfg::unitfile;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto p = fuzz::parts(data, size, 2);
    const std::string& content = p[0];
    std::string value;
    for (char c : p[1])
        if (c >= 0x21 && c <= 0x7e && c != '%')
            value += c; // printable and no specifier: what it reads back is itself
    (void)lex(content);
    const auto other_before = effective_value(content, "OTHER");
    const auto set = set_variable(content, "OLLAMA_HOST", value);
    fuzz::require(effective_value(set.content, "OLLAMA_HOST") == value, "set reads back");
    fuzz::require(effective_value(set.content, "OTHER") == other_before, "others unchanged");
    const auto unset = unset_variable(set.content, "OLLAMA_HOST");
    fuzz::require(!environment_effect(unset.content, "OLLAMA_HOST", std::nullopt).assigns,
                  "unset leaves no assignment");
    fuzz::require(effective_value(unset.content, "OTHER") == other_before,
                  "unset leaves others unchanged");
    const bool clean = !environment_effect(content, "OLLAMA_HOST", std::nullopt).assigns &&
                       ignored_assignments(content, "OLLAMA_HOST").empty() &&
                       (content.starts_with("[Service]\n") ||
                        content.find("\n[Service]\n") != std::string::npos) &&
                       content.back() == '\n';
    if (clean)
        fuzz::require(unset.content == content, "set then unset gives the bytes back");
    return 0;
}
