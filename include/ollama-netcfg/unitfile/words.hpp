// Word splitting and quoting as systemd applies them to Environment=
// (extract_first_word with unquoting and C unescaping, then specifiers).
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::unitfile {

struct Word {
    std::string value;     // unquoted and unescaped; specifiers not yet resolved
    std::size_t begin = 0; // span of the word's source text in the input
    std::size_t end = 0;
};

// Splits like systemd's extract_first_word(EXTRACT_UNQUOTE|EXTRACT_CUNESCAPE).
// Fails, as systemd does, on an unterminated quote, a trailing backslash or an
// unknown escape.
Result<std::vector<Word>> split_words(std::string_view s);

// As systemd's Environment= applies it: the words before a syntax error
// still count, the rest of the line is ignored.
struct Split {
    std::vector<Word> words;
    std::string error; // empty when the whole line parsed
};
Split split_words_lenient(std::string_view s);

// Resolves "%%" to "%". Other specifiers depend on the unit and host; they are
// reported, not guessed.
struct Resolved {
    std::string value;
    bool has_other_specifiers = false;
};
Resolved resolve_percent(std::string_view s);

// One word that split_words() and resolve_percent() read back as `value`.
std::string quote_word(std::string_view value);

} // namespace netcfg::unitfile
