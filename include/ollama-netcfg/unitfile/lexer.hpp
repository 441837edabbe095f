// The line structure of a systemd unit file as systemd.syntax(7) defines it,
// with every logical line mapped back to its bytes in the file, so that an
// edit can touch exactly the bytes it means to.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::unitfile {

enum class LineKind { blank, comment, section, assignment, invalid };

struct Line {
    LineKind kind = LineKind::blank;
    std::size_t begin = 0; // offset of the first byte of its first physical line
    std::size_t end = 0;   // offset just past its last physical line, EOL included
    bool has_eol = true;   // false only for a last line without a line break
    bool open = false;     // the file ended inside its continuation
    // The text systemd parses: physical lines joined, each continuation
    // backslash turned into a space, comment lines inside it dropped.
    std::string text;
    std::vector<std::size_t> offsets; // file offset of each byte of `text`
    std::string section;              // the section header's name, or the enclosing one
    std::string key;                  // assignments only
    std::size_t value_pos = 0;        // assignments: where the stripped value starts in text
    std::size_t value_len = 0;

    std::string_view value() const { return std::string_view(text).substr(value_pos, value_len); }
    // File offset of text position `pos` (pos may be text.size()).
    std::size_t file_offset(std::size_t pos) const;
};

struct Document {
    std::vector<Line> lines;
    std::string eol = "\n"; // the file's line break, "\r\n" when its first one is
    // Where systemd stopped reading the file (a section header without "]",
    // or a line that is not valid UTF-8): `lines` ends before it.
    std::optional<std::size_t> unread_from;
};

Document lex(std::string_view content);

} // namespace netcfg::unitfile
