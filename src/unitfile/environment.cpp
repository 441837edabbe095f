#include "ollama-netcfg/unitfile/environment.hpp"

#include "ollama-netcfg/unitfile/lexer.hpp"
#include "ollama-netcfg/unitfile/words.hpp"
#include "splice.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <map>

namespace netcfg::unitfile {
namespace {

using splice::after_continuation;
using splice::insert_line;
using splice::replace_spans;
using splice::Span;
using splice::word_span;

bool is_environment_line(const Line& line) {
    return line.kind == LineKind::assignment && line.section == "Service" &&
           line.key == "Environment";
}

// Assignments on one Environment= line. As in systemd, a syntax error
// drops the rest of the line but keeps the words before it.
std::vector<EnvAssignment> line_assignments(const Line& line) {
    std::vector<EnvAssignment> out;
    for (const auto& w : split_words_lenient(line.value()).words) {
        auto resolved = resolve_percent(w.value);
        auto eq = resolved.value.find('=');
        if (eq == std::string::npos ||
            !valid_env_name(std::string_view(resolved.value).substr(0, eq)))
            continue;
        EnvAssignment a;
        a.name = resolved.value.substr(0, eq);
        a.value = resolved.value.substr(eq + 1);
        a.begin = line.file_offset(line.value_pos + w.begin);
        a.end = line.file_offset(line.value_pos + w.end - 1) + 1;
        out.push_back(std::move(a));
    }
    return out;
}

EnvironmentEffect effect_in(const Document& doc, std::string_view name,
                            std::optional<std::string> before) {
    EnvironmentEffect e;
    e.value = std::move(before);
    for (std::size_t i = 0; i < doc.lines.size(); ++i) {
        const auto& line = doc.lines[i];
        if (!is_environment_line(line))
            continue;
        if (line.value_len == 0) {
            e.value.reset(); // an empty Environment= clears the whole list
            e.resets = e.decided_here = true;
            continue;
        }
        for (auto& a : line_assignments(line))
            if (a.name == name) {
                e.value = a.value;
                e.assigns = e.decided_here = true;
            }
    }
    return e;
}

// What the Environment= lines do, in order: each assignment (name, value)
// and each clearing (an empty line: no name). An edit that only takes out
// words must leave the same list, less what it took.
using EnvOps = std::vector<std::pair<std::string, std::optional<std::string>>>;
EnvOps environment_ops(const Document& doc) {
    EnvOps ops;
    for (const auto& line : doc.lines) {
        if (!is_environment_line(line))
            continue;
        if (line.value_len == 0)
            ops.emplace_back("", std::nullopt);
        for (auto& a : line_assignments(line))
            ops.emplace_back(a.name, a.value);
    }
    return ops;
}

// Every variable the file's Environment= lines leave set, as systemd
// applies them in order (an empty one clears the list).
std::map<std::string, std::string> environment_of(const Document& doc) {
    std::map<std::string, std::string> env;
    for (auto& [name, value] : environment_ops(doc)) {
        if (value)
            env[name] = std::move(*value);
        else
            env.clear();
    }
    return env;
}

std::optional<std::string> effective_in(const Document& doc, std::string_view name) {
    return effect_in(doc, name, std::nullopt).value;
}

std::string assignment_line(std::string_view name, std::string_view value, const std::string& eol) {
    std::string word(name);
    word += '=';
    word += value;
    return "Environment=" + quote_word(word) + eol;
}

// Each Environment= line with a word `drop` picks (by the file offset of its
// first byte) written again on one line with the other words as they were
// in its text, or taken out when none is left (an empty Environment= would
// clear the list). Comment lines inside it go; systemd reads the same.
template <typename Drop>
std::string rewrite_lines(std::string_view content, const Document& doc, Drop drop) {
    std::vector<std::pair<Span, std::string>> changes;
    for (const auto& line : doc.lines) {
        if (!is_environment_line(line))
            continue;
        const auto value = line.value();
        std::vector<std::string_view> kept;
        bool dropped = false;
        for (const auto& w : split_words_lenient(value).words) {
            if (drop(line, line.file_offset(line.value_pos + w.begin)))
                dropped = true;
            else
                kept.push_back(value.substr(w.begin, w.end - w.begin));
        }
        if (!dropped)
            continue;
        std::string text;
        if (!kept.empty())
            text =
                fmt::format("{}={}{}", line.key, fmt::join(kept, " "), line.has_eol ? doc.eol : "");
        changes.push_back({{line.begin, line.end}, std::move(text)});
    }
    std::string out(content);
    for (auto it = changes.rbegin(); it != changes.rend(); ++it)
        out.replace(it->first.begin, it->first.end - it->first.begin, it->second);
    return out;
}

// Why systemd ignores `word` (already unquoted), or "" when it does not.
std::string why_ignored(const std::string& word) {
    auto eq = word.find('=');
    auto name = std::string_view(word).substr(0, eq);
    if (eq != std::string::npos && valid_env_name(name))
        return {}; // systemd takes it, whatever the value holds
    for (std::string_view q :
         {"\u201c", "\u201d", "\u201e", "\u2018", "\u2019", "\u00ab", "\u00bb"})
        if (name.find(q) != std::string_view::npos)
            return fmt::format("typographic quotes ({}) are not quotes to systemd: they become "
                               "part of the variable's name",
                               q);
    if (eq == std::string::npos)
        return "there is no '=' in it";
    return fmt::format("\"{}\" is not a valid variable name", name);
}

std::size_t line_number_at(std::string_view content, std::size_t offset) {
    return static_cast<std::size_t>(std::count(content.begin(), content.begin() + offset, '\n')) +
           1;
}

} // namespace

std::vector<IgnoredWord> ignored_assignments(std::string_view content, std::string_view name) {
    auto doc = lex(content);
    std::vector<IgnoredWord> out;
    for (const auto& line : doc.lines) {
        if (!is_environment_line(line) || line.value_len == 0)
            continue;
        auto split = split_words_lenient(line.value());
        std::size_t parsed_to = 0;
        for (const auto& w : split.words) {
            parsed_to = w.end;
            auto why = why_ignored(resolve_percent(w.value).value);
            if (why.empty() || w.value.find(name) == std::string::npos)
                continue;
            IgnoredWord i;
            i.begin = line.file_offset(line.value_pos + w.begin);
            i.end = line.file_offset(line.value_pos + w.end - 1) + 1;
            i.word = std::string(content.substr(i.begin, i.end - i.begin));
            i.why = std::move(why);
            i.line_number = line_number_at(content, i.begin);
            out.push_back(std::move(i));
        }
        if (split.error.empty())
            continue;
        auto rest = line.value().substr(parsed_to);
        auto skip = rest.find_first_not_of(" \t");
        if (skip == std::string_view::npos || rest.find(name) == std::string_view::npos)
            continue;
        IgnoredWord i;
        i.begin = line.file_offset(line.value_pos + parsed_to + skip);
        i.end = line.file_offset(line.value_pos + line.value_len - 1) + 1;
        i.word = std::string(content.substr(i.begin, i.end - i.begin));
        i.why = fmt::format("bad quoting ({}): systemd ignores the rest of the line", split.error);
        i.line_number = line_number_at(content, i.begin);
        out.push_back(std::move(i));
    }
    return out;
}

bool valid_env_name(std::string_view n) {
    if (n.empty() || (n[0] >= '0' && n[0] <= '9'))
        return false;
    return std::all_of(n.begin(), n.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_';
    });
}

std::vector<EnvAssignment> environment_assignments(std::string_view content) {
    auto doc = lex(content);
    std::vector<EnvAssignment> out;
    for (std::size_t i = 0; i < doc.lines.size(); ++i) {
        if (!is_environment_line(doc.lines[i]))
            continue;
        auto found = line_assignments(doc.lines[i]);
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

std::optional<std::string> effective_value(std::string_view content, std::string_view name) {
    return effective_in(lex(content), name);
}

EnvironmentEffect environment_effect(std::string_view content, std::string_view name,
                                     std::optional<std::string> before) {
    return effect_in(lex(content), name, std::move(before));
}

Edit set_variable(std::string_view content, std::string_view name, std::string_view value) {
    auto doc = lex(content);
    Edit edit;
    edit.old_value = effective_in(doc, name);
    if (edit.old_value == value) {
        edit.content = std::string(content);
        return edit;
    }

    std::vector<Span> spans;
    for (const auto& a : environment_assignments(content))
        if (a.name == name)
            spans.push_back({a.begin, a.end});
    std::string word(name);
    word += '=';
    word += value;
    edit.content = replace_spans(content, spans, quote_word(word));

    // What systemd must read afterwards: every variable as before, and this
    // one set. A later empty Environment= may still clear what was
    // rewritten in place.
    auto want = environment_of(doc);
    want[std::string(name)] = std::string(value);
    auto reads_right = [&](const std::string& c) { return environment_of(lex(c)) == want; };
    auto after = lex(edit.content);
    if (!reads_right(edit.content)) {
        const auto line = assignment_line(name, value, after.eol);
        auto inserted = insert_line(edit.content, after, "Service", line);
        // After a line that ends in a continuation (a trailing backslash,
        // then perhaps comment lines), the new line would join that
        // assignment (systemd reads it so): it goes elsewhere.
        if (!reads_right(inserted))
            inserted = after_continuation(edit.content, after, line, false);
        // Before it, an empty Environment= there would clear it again.
        if (!reads_right(inserted))
            inserted = after_continuation(edit.content, after, line, true);
        edit.content = std::move(inserted);
    }
    edit.changed = edit.content != content;
    return edit;
}

Edit unset_variable(std::string_view content, std::string_view name) {
    auto doc = lex(content);
    Edit edit;
    edit.old_value = effective_in(doc, name);

    std::vector<Span> spans;
    for (std::size_t i = 0; i < doc.lines.size(); ++i) {
        const auto& line = doc.lines[i];
        if (!is_environment_line(line))
            continue;
        auto all = line_assignments(line);
        auto words = split_words(line.value());
        bool ours_only =
            words && !all.empty() && words->size() == all.size() &&
            std::all_of(all.begin(), all.end(), [&](auto& a) { return a.name == name; });
        if (ours_only) {
            spans.push_back({line.begin, line.end});
            continue;
        }
        for (const auto& a : all)
            if (a.name == name)
                spans.push_back(word_span(content, line, a.begin, a.end));
    }
    edit.content = replace_spans(content, spans, "");
    // Taking words out of continued lines can still leave a line that
    // systemd reads otherwise (a comment line where a word was, inside the
    // continuation): every other assignment and clearing must be read as
    // before, in order, else each line that set it is written again whole.
    auto want = environment_ops(doc);
    std::erase_if(want, [&](const auto& op) { return op.first == name; });
    if (environment_ops(lex(edit.content)) != want)
        edit.content = rewrite_lines(content, doc, [&](const Line& line, std::size_t at) {
            for (const auto& a : line_assignments(line))
                if (a.begin == at)
                    return a.name == name;
            return false;
        });
    edit.changed = edit.content != content;
    return edit;
}

Edit remove_ignored(std::string_view content, std::string_view name) {
    Edit edit;
    auto ignored = ignored_assignments(content, name);
    if (ignored.empty()) {
        edit.content = std::string(content);
        return edit;
    }
    auto doc = lex(content);
    std::vector<Span> spans;
    for (const auto& line : doc.lines) {
        if (!is_environment_line(line))
            continue;
        std::vector<Span> here;
        for (const auto& i : ignored)
            if (i.begin >= line.begin && i.end <= line.end)
                here.push_back(word_span(content, line, i.begin, i.end));
        if (here.empty())
            continue;
        if (line_assignments(line).empty())
            spans.push_back({line.begin, line.end}); // nothing on it that systemd takes
        else
            spans.insert(spans.end(), here.begin(), here.end());
    }
    edit.content = replace_spans(content, spans, "");
    if (environment_ops(lex(edit.content)) != environment_ops(doc)) // as in unset_variable
        edit.content = rewrite_lines(content, doc, [&](const Line&, std::size_t at) {
            return std::any_of(ignored.begin(), ignored.end(),
                               [&](const IgnoredWord& i) { return i.begin == at; });
        });
    edit.changed = edit.content != content;
    return edit;
}

Edit add_setting(std::string_view content, std::string_view section, std::string_view key,
                 std::string_view value) {
    auto doc = lex(content);
    Edit edit;
    edit.content = std::string(content);
    for (const auto& l : doc.lines)
        if (l.kind == LineKind::assignment && l.section == section && l.key == key &&
            l.value() == value)
            return edit;
    edit.content =
        insert_line(content, doc, section, std::string(key) + "=" + std::string(value) + doc.eol);
    edit.changed = true;
    return edit;
}

Edit remove_setting(std::string_view content, std::string_view section, std::string_view key,
                    std::string_view value) {
    auto doc = lex(content);
    std::vector<Span> spans;
    for (const auto& l : doc.lines)
        if (l.kind == LineKind::assignment && l.section == section && l.key == key &&
            l.value() == value)
            spans.push_back({l.begin, l.end});
    Edit edit;
    edit.content = replace_spans(content, spans, "");
    edit.changed = !spans.empty();
    return edit;
}

bool is_effectively_empty(std::string_view content) {
    auto doc = lex(content);
    // Lines systemd stops reading at are still the admin's: the file stays.
    return !doc.unread_from && std::all_of(doc.lines.begin(), doc.lines.end(), [](const Line& l) {
        return l.kind == LineKind::blank || l.kind == LineKind::section;
    });
}

} // namespace netcfg::unitfile
