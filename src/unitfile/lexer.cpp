#include "ollama-netcfg/unitfile/lexer.hpp"

namespace netcfg::unitfile {
namespace {

constexpr std::string_view whitespace = " \t\n\r";
constexpr std::string_view comment_chars = "#;";

struct Physical {
    std::size_t begin;
    std::size_t content_end; // before the line break
    std::size_t end;         // after the line break
};

// systemd's read_line() ends a line at "\n", "\r\n", a lone "\r" or a NUL.
std::vector<Physical> split_physical(std::string_view s) {
    std::vector<Physical> out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        auto brk = s.find_first_of(std::string_view("\r\n\0", 3), pos);
        if (brk == std::string_view::npos) {
            out.push_back({pos, s.size(), s.size()});
            break;
        }
        std::size_t next = brk + 1;
        if (s[brk] == '\r' && next < s.size() && s[next] == '\n')
            ++next;
        out.push_back({pos, brk, next});
        pos = next;
    }
    return out;
}

// A line continues when it ends in an odd run of backslashes.
bool ends_escaped(std::string_view s) {
    bool escaped = false;
    for (char c : s)
        escaped = escaped ? false : c == '\\';
    return escaped;
}

// systemd's utf8_is_valid(): well-formed UTF-8 of code points
// unichar_is_valid() takes (no surrogates, no U+FDD0..U+FDEF, no
// U+xxFFFE/U+xxFFFF, nothing past U+10FFFF), none encoded longer than needed.
bool valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t len = c < 0x80             ? 1
                                : (c & 0xE0) == 0xC0 ? 2
                                : (c & 0xF0) == 0xE0 ? 3
                                : (c & 0xF8) == 0xF0 ? 4
                                                     : 0;
        if (len == 0 || i + len > s.size())
            return false;
        char32_t cp = len == 1 ? c : c & (0x7F >> len);
        for (std::size_t k = 1; k < len; ++k) {
            const auto b = static_cast<unsigned char>(s[i + k]);
            if ((b & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (b & 0x3F);
        }
        const std::size_t need = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
        if (need != len || cp >= 0x110000 || (cp & 0xFFFFF800) == 0xD800 ||
            (cp >= 0xFDD0 && cp <= 0xFDEF) || (cp & 0xFFFE) == 0xFFFE)
            return false;
        i += len;
    }
    return true;
}

std::size_t first_non_space(std::string_view s) {
    auto p = s.find_first_not_of(whitespace);
    return p == std::string_view::npos ? s.size() : p;
}

void classify(Line& line, std::string& section) {
    std::string_view t = line.text;
    auto first = first_non_space(t);
    auto last = t.find_last_not_of(whitespace);
    if (first == t.size()) {
        line.kind = LineKind::blank;
    } else if (comment_chars.find(t[first]) != std::string_view::npos) {
        line.kind = LineKind::comment;
    } else if (t[first] == '[') {
        if (t[last] == ']') {
            section = std::string(t.substr(first + 1, last - first - 1));
            line.kind = LineKind::section;
        } else {
            line.kind = LineKind::invalid;
        }
    } else if (auto eq = t.find('=', first); eq != std::string_view::npos) {
        line.kind = LineKind::assignment;
        auto key = t.substr(first, eq - first);
        key = key.substr(0, key.find_last_not_of(whitespace) + 1);
        line.key = std::string(key);
        auto vfirst = t.find_first_not_of(whitespace, eq + 1);
        if (vfirst == std::string_view::npos || vfirst > last) {
            line.value_pos = eq + 1;
            line.value_len = 0;
        } else {
            line.value_pos = vfirst;
            line.value_len = last - vfirst + 1;
        }
    } else {
        line.kind = LineKind::invalid;
    }
    line.section = section;
}

} // namespace

std::size_t Line::file_offset(std::size_t pos) const {
    if (pos < offsets.size())
        return offsets[pos];
    return offsets.empty() ? begin : offsets.back() + 1;
}

Document lex(std::string_view content) {
    Document doc;
    auto physical = split_physical(content);
    if (!physical.empty() && physical[0].end > physical[0].content_end &&
        content.substr(physical[0].content_end, 2) == "\r\n")
        doc.eol = "\r\n";

    std::string section;
    Line current;
    bool continuing = false, bom_seen = false;
    // systemd's config_parse() stops reading a file at a line parse_line()
    // fails on: a section header without its "]", or text that is not
    // valid UTF-8 (a comment line is never parsed). Nothing after it counts.
    auto stops_here = [](const Line& line) {
        const auto t = std::string_view(line.text);
        const auto f = first_non_space(t);
        return line.kind != LineKind::blank && line.kind != LineKind::comment &&
               ((line.kind == LineKind::invalid && t[f] == '[') || !valid_utf8(t));
    };
    // Classifies a whole logical line and keeps it; false where systemd stops.
    auto finish = [&](Line& line) {
        classify(line, section);
        if (stops_here(line)) {
            doc.unread_from = line.begin;
            return false;
        }
        doc.lines.push_back(std::move(line));
        return true;
    };
    for (std::size_t i = 0; i < physical.size(); ++i) {
        const auto& ph = physical[i];
        std::size_t start = ph.begin;
        auto raw = content.substr(start, ph.content_end - start);

        // A comment line is skipped before anything else, a trailing
        // backslash included (it never continues); inside a continuation it
        // is dropped (systemd.syntax(7)).
        const auto f = first_non_space(raw);
        if (f < raw.size() && comment_chars.find(raw[f]) != std::string_view::npos) {
            if (continuing) {
                current.end = ph.end;
                current.has_eol = ph.end > ph.content_end;
            } else {
                Line comment;
                comment.kind = LineKind::comment;
                comment.begin = ph.begin;
                comment.end = ph.end;
                comment.has_eol = ph.end > ph.content_end;
                comment.text = std::string(raw);
                for (std::size_t k = 0; k < raw.size(); ++k)
                    comment.offsets.push_back(start + k);
                comment.section = section;
                doc.lines.push_back(std::move(comment));
            }
            continue;
        }
        // systemd skips a UTF-8 byte order mark at the start of the first
        // line that has one, whichever line that is.
        if (!bom_seen && raw.substr(0, 3) == "\xEF\xBB\xBF") {
            start += 3;
            raw.remove_prefix(3);
            bom_seen = true;
        }
        if (!continuing) {
            current = Line{};
            current.begin = ph.begin;
        }
        for (std::size_t k = 0; k < raw.size(); ++k) {
            current.text.push_back(raw[k]);
            current.offsets.push_back(start + k);
        }
        current.end = ph.end;
        current.has_eol = ph.end > ph.content_end;

        if (ends_escaped(raw)) {
            current.text.back() = ' ';
            continuing = true;
            continue;
        }
        continuing = false;
        if (!finish(current))
            return doc;
    }
    if (continuing) {
        current.open = true;
        finish(current);
    }
    return doc;
}

} // namespace netcfg::unitfile
