// Splicing lines and words into a unit file's bytes (splice.hpp).
#include "splice.hpp"

#include <algorithm>

namespace netcfg::unitfile::splice {
namespace {

// A new [Unit] section goes before the first section, where systemd's own
// units have it (and not above lines outside any section, which systemd
// ignores and would then read as [Unit] settings); nullopt when the file
// has no section.
std::optional<std::size_t> first_section(const Document& doc) {
    for (const auto& line : doc.lines)
        if (line.kind == LineKind::section)
            return line.begin;
    return std::nullopt;
}

// `text` as it must be put at `pos`: a line break that starts it right
// after a lone CR would make one CRLF with it (systemd's read_line() reads
// "\r\n" as one break), so that a blank line meant to end a continuation
// would vanish; a LF first completes that CR.
std::string after_break(std::string_view content, std::size_t pos, std::string text) {
    if (pos > 0 && content[pos - 1] == '\r' && !text.empty() && text.front() == '\n')
        text.insert(0, "\n");
    return text;
}

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

} // namespace

std::optional<std::size_t> insertion_point(const Document& doc, std::string_view section) {
    constexpr std::size_t none = static_cast<std::size_t>(-1);
    std::size_t at = none;
    for (std::size_t i = 0; i < doc.lines.size(); ++i) {
        const auto& line = doc.lines[i];
        if (line.kind == LineKind::section) {
            if (line.section == section)
                at = i;
        } else if (at != none && line.section == section && line.kind != LineKind::blank &&
                   line.kind != LineKind::comment) {
            at = i;
        }
    }
    if (at == none)
        return std::nullopt;
    return at;
}

std::string insert_line(std::string_view content, const Document& doc, std::string_view section,
                        std::string text) {
    std::string out(content);
    auto at = insertion_point(doc, section);
    if (!at) {
        const auto header = "[" + std::string(section) + "]" + doc.eol;
        if (auto first = first_section(doc); first && section == "Unit") {
            out.insert(*first, header + text + doc.eol);
            return out;
        }
        if (doc.unread_from) { // systemd would not read it after that line
            out.insert(*doc.unread_from, header + text);
            return out;
        }
        std::string tail;
        if (!out.empty() && !doc.lines.empty() && !doc.lines.back().has_eol)
            tail += doc.eol;
        if (!out.empty())
            tail += doc.eol; // a blank line: it also ends a continuation
        out += after_break(out, out.size(), tail + header + text);
        return out;
    }
    const auto& line = doc.lines[*at];
    if (!line.has_eol)
        text = doc.eol + text;
    out.insert(line.end, after_break(out, line.end, text));
    return out;
}

// Where the new line goes when the section's last line ends in a
// continuation: after the blank line that ends it; else (the file ends
// there) before that line; `last` says to add a blank line instead.
std::string after_continuation(std::string_view content, const Document& doc,
                               const std::string& text, bool last) {
    std::string out(content);
    const auto at = insertion_point(doc, "Service");
    if (!at || last)
        return insert_line(content, doc, "Service", doc.eol + text);
    if (*at + 1 < doc.lines.size() && doc.lines[*at + 1].kind == LineKind::blank)
        out.insert(doc.lines[*at + 1].end, text);
    else
        out.insert(doc.lines[*at].begin, text);
    return out;
}

std::string replace_spans(std::string_view content, std::vector<Span> spans,
                          std::string_view replacement) {
    std::sort(spans.begin(), spans.end(), [](auto& a, auto& b) { return a.begin > b.begin; });
    std::string out(content);
    for (const auto& s : spans)
        out.replace(s.begin, s.end - s.begin, replacement);
    return out;
}

// The bytes to take out with the word at [begin, end) of `line`: the word
// and the blanks before it, so the line stays tidy (after them too, when it
// is the value's first word). A word that starts a continuation line, with
// `#` or `;` after it, is taken out with the line break before it: left
// alone at the start of its line, the rest would be a comment line, which
// systemd skips inside a continuation, and the next line would join the
// assignment instead. Comment lines between the two go with the break.
Span word_span(std::string_view content, const Line& line, std::size_t begin, std::size_t end) {
    const auto value_begin = line.file_offset(line.value_pos);
    std::size_t b = begin;
    while (b > value_begin && is_blank(content[b - 1]))
        --b;
    std::size_t e = end;
    if (b == value_begin)
        while (e < content.size() && is_blank(content[e]))
            ++e;
    auto ls = b;
    while (ls > line.begin && is_blank(content[ls - 1]))
        --ls;
    const bool starts_physical =
        ls > line.begin && (content[ls - 1] == '\n' || content[ls - 1] == '\r');
    auto rest = e;
    while (rest < content.size() && is_blank(content[rest]))
        ++rest;
    if (!starts_physical || rest >= content.size() ||
        (content[rest] != '#' && content[rest] != ';'))
        return {b, e};
    // The backslash that ended the previous line of the assignment with
    // something on it: the last text position before the word whose byte is
    // one. A line of blanks and a backslash goes too (what is left of it
    // would start with the comment character).
    for (std::size_t k = line.offsets.size(); k-- > 0;) {
        const auto at = line.offsets[k];
        if (at >= begin || content[at] != '\\' || line.text[k] != ' ')
            continue;
        auto ps = at;
        while (ps > line.begin && content[ps - 1] != '\n' && content[ps - 1] != '\r')
            --ps;
        const bool blanks_only =
            ps > line.begin && std::all_of(content.begin() + ps, content.begin() + at, is_blank);
        if (!blanks_only)
            return {at, e};
    }
    return {b, e};
}

} // namespace netcfg::unitfile::splice
