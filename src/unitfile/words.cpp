#include "ollama-netcfg/unitfile/words.hpp"

#include <fmt/format.h>
#include <optional>

namespace netcfg::unitfile {
namespace {

constexpr std::string_view separators = " \t\n\r";

int hex_digit(char c) {
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

void append_utf8(std::string& out, char32_t u) {
    if (u < 0x80) {
        out.push_back(static_cast<char>(u));
    } else if (u < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (u >> 6)));
        out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    } else if (u < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (u >> 12)));
        out.push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (u >> 18)));
        out.push_back(static_cast<char>(0x80 | ((u >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((u >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (u & 0x3F)));
    }
}

std::optional<char32_t> read_hex(std::string_view s, std::size_t n) {
    if (s.size() < n)
        return std::nullopt;
    char32_t v = 0;
    for (std::size_t i = 0; i < n; ++i) {
        int d = hex_digit(s[i]);
        if (d < 0)
            return std::nullopt;
        v = (v << 4) | static_cast<char32_t>(d);
    }
    return v;
}

// systemd's cunescape_one() without NUL: the escape after a backslash at
// s[0]; appends its bytes and returns how many input chars it used, 0 if bad.
std::size_t unescape_one(std::string_view s, std::string& out) {
    if (s.empty())
        return 0;
    // The one-character escapes and what they stand for.
    constexpr std::string_view simple_from = "abfnrtv\\\"'s";
    constexpr std::string_view simple_to = "\a\b\f\n\r\t\v\\\"' ";
    if (auto k = simple_from.find(s[0]); k != std::string_view::npos) {
        out.push_back(simple_to[k]);
        return 1;
    }
    switch (s[0]) {
    case 'x': {
        auto v = read_hex(s.substr(1), 2);
        if (!v || *v == 0)
            return 0;
        out.push_back(static_cast<char>(*v));
        return 3;
    }
    case 'u': {
        auto v = read_hex(s.substr(1), 4);
        if (!v || *v == 0 || (*v >= 0xD800 && *v <= 0xDFFF))
            return 0;
        append_utf8(out, *v);
        return 5;
    }
    case 'U': {
        auto v = read_hex(s.substr(1), 8);
        if (!v || *v == 0 || *v > 0x10FFFF || (*v >= 0xD800 && *v <= 0xDFFF))
            return 0;
        append_utf8(out, *v);
        return 9;
    }
    default:
        break;
    }
    if (s[0] >= '0' && s[0] <= '7') {
        if (s.size() < 3)
            return 0;
        unsigned v = 0;
        for (std::size_t i = 0; i < 3; ++i) {
            if (s[i] < '0' || s[i] > '7')
                return 0;
            v = v * 8 + static_cast<unsigned>(s[i] - '0');
        }
        if (v == 0 || v > 255)
            return 0;
        out.push_back(static_cast<char>(v));
        return 3;
    }
    return 0;
}

} // namespace

Split split_words_lenient(std::string_view s) {
    Split out;
    auto& words = out.words;
    std::size_t i = 0;
    auto fail = [&](std::string why) {
        out.error = std::move(why);
        return out;
    };
    for (;;) {
        while (i < s.size() && separators.find(s[i]) != std::string_view::npos)
            ++i;
        if (i >= s.size())
            return out;
        Word w;
        w.begin = i;
        char quote = 0;
        while (i < s.size()) {
            char c = s[i];
            if (c == '\\') {
                auto used = unescape_one(s.substr(i + 1), w.value);
                if (used == 0)
                    return fail(i + 1 >= s.size()
                                    ? std::string("trailing backslash")
                                    : fmt::format("invalid escape at column {}", i + 1));
                i += 1 + used;
            } else if (quote != 0) {
                if (c == quote)
                    quote = 0;
                else
                    w.value.push_back(c);
                ++i;
            } else if (c == '"' || c == '\'') {
                quote = c;
                ++i;
            } else if (separators.find(c) != std::string_view::npos) {
                break;
            } else {
                w.value.push_back(c);
                ++i;
            }
        }
        if (quote != 0)
            return fail("unterminated quote");
        w.end = i;
        words.push_back(std::move(w));
    }
}

Result<std::vector<Word>> split_words(std::string_view s) {
    auto split = split_words_lenient(s);
    if (!split.error.empty())
        return failure(split.error);
    return std::move(split.words);
}

Resolved resolve_percent(std::string_view s) {
    Resolved r;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%' && i + 1 < s.size() && s[i + 1] == '%') {
            r.value.push_back('%');
            ++i;
        } else {
            if (s[i] == '%')
                r.has_other_specifiers = true;
            r.value.push_back(s[i]);
        }
    }
    return r;
}

std::string quote_word(std::string_view value) {
    std::string out = "\"";
    for (unsigned char c : value) {
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '%':
            out += "%%";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\t':
            out += "\\t";
            break;
        case '\r':
            out += "\\r";
            break;
        default:
            if (c < 0x20 || c == 0x7f)
                out += fmt::format("\\x{:02x}", c);
            else
                out.push_back(static_cast<char>(c));
        }
    }
    out += '"';
    return out;
}

} // namespace netcfg::unitfile
