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

// systemd's read_line() ends a line at "\n", "\r\n" or a lone "\r".
std::vector<Physical> split_physical(std::string_view s) {
    std::vector<Physical> out;
    std::size_t pos = 0;
    while (pos < s.size()) {
        auto brk = s.find_first_of("\r\n", pos);
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
    bool continuing = false;
    for (std::size_t i = 0; i < physical.size(); ++i) {
        const auto& ph = physical[i];
        std::size_t start = ph.begin;
        if (i == 0 && content.substr(0, 3) == "\xEF\xBB\xBF")
            start += 3; // systemd skips a UTF-8 byte order mark
        auto raw = content.substr(start, ph.content_end - start);

        if (continuing) {
            // systemd.syntax(7): comment lines inside a continuation are ignored.
            auto f = first_non_space(raw);
            if (f < raw.size() && comment_chars.find(raw[f]) != std::string_view::npos) {
                current.end = ph.end;
                current.has_eol = ph.end > ph.content_end;
                continue;
            }
        } else {
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
        classify(current, section);
        doc.lines.push_back(std::move(current));
    }
    if (continuing) {
        classify(current, section);
        doc.lines.push_back(std::move(current));
    }
    return doc;
}

} // namespace netcfg::unitfile
