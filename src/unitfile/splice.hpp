// Splicing lines and words into a unit file's bytes so that systemd reads
// the result as meant: where a new line goes, line breaks after a lone CR,
// the bytes a word takes with it (src/unitfile/splice.cpp). Internal to
// src/unitfile; environment.cpp decides what to splice.
#pragma once

#include "ollama-netcfg/unitfile/lexer.hpp"

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::unitfile::splice {

// Where a new line of `section` goes: after the last setting of the last
// such section, or after its header.
std::optional<std::size_t> insertion_point(const Document& doc, std::string_view section);
// Adds `text` (a whole line with its EOL) to the last `section` section,
// creating the section when there is none.
std::string insert_line(std::string_view content, const Document& doc, std::string_view section,
                        std::string text);
// Where the new line goes when the [Service] section's last line ends in a
// continuation: after the blank line that ends it; else before that line;
// `last` says to add a blank line instead.
std::string after_continuation(std::string_view content, const Document& doc,
                               const std::string& text, bool last);

struct Span {
    std::size_t begin, end;
};
std::string replace_spans(std::string_view content, std::vector<Span> spans,
                          std::string_view replacement);
// The bytes to take out with the word at [begin, end) of `line`.
Span word_span(std::string_view content, const Line& line, std::size_t begin, std::size_t end);

} // namespace netcfg::unitfile::splice
