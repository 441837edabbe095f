// ufw's rule files read as ufw's own Python reads them (backend_iptables.py
// _read_rules and get_status, backend.py _get_defaults, ufw 0.36), so that
// the text equals what `ufw status verbose` would print and the one
// evaluator (ufw.cpp) judges both the same. Anything ufw would warn about,
// skip or fail on gives nullopt: the caller then runs ufw itself.
#include "ollama-netcfg/firewall/ufw_files.hpp"

#include "../ollama/go_text.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <regex>

namespace netcfg::firewall {
namespace {

constexpr std::string_view tuple_mark = "### tuple ###";

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Python's str.strip(chars): the same as Go's strings.Trim.
std::string strip(std::string_view s, std::string_view chars = ollama::space_chars) {
    return std::string(ollama::trim(s, chars));
}

std::vector<std::string> words(std::string_view s) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (true) {
        i = s.find_first_not_of(ollama::space_chars, i);
        if (i == std::string_view::npos)
            return out;
        auto e = std::min(s.find_first_of(ollama::space_chars, i), s.size());
        out.emplace_back(s.substr(i, e - i));
        i = e;
    }
}

std::vector<std::string_view> lines(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        auto nl = text.find('\n');
        out.push_back(text.substr(0, nl));
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    }
    return out;
}

// ufw's hex_decode: an odd last digit is dropped; nullopt where Python
// would fail (not hex) or print \x escapes (not UTF-8): ufw decides then.
std::optional<std::string> hex_decode(std::string_view hex) {
    if (hex.size() % 2)
        hex.remove_suffix(1);
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        auto digit = [](char c) {
            return std::isxdigit(static_cast<unsigned char>(c))
                       ? (std::isdigit(static_cast<unsigned char>(c))
                              ? c - '0'
                              : (std::tolower(c) - 'a' + 10))
                       : -1;
        };
        int hi = digit(hex[i]), lo = digit(hex[i + 1]);
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
    }
    for (unsigned char c : out)
        if (c >= 0x80)
            return std::nullopt; // leave non-ASCII (and its escapes) to ufw
    return out;
}

std::string unescape_app(const std::string& app) {
    std::string out = app;
    for (std::size_t at; (at = out.find("%20")) != std::string::npos;)
        out.replace(at, 3, " ");
    return out;
}

// The last field of a 7- or 9-field tuple: "in", "out", "in_eth0",
// "out_eth0", "in_eth0!out_eth1".
bool read_direction(const std::string& field, UfwRule& r) {
    r.direction = field.substr(0, field.find('_'));
    if (field.find('_') != std::string::npos) {
        static const std::regex in(R"(in_\w+)"), out(R"(out_\w+)");
        auto rest = [](const std::string& s) {
            return s.substr(std::min(s.find('_') + 1, s.size()));
        };
        if (field.find('!') != std::string::npos && std::regex_search(field, in) &&
            std::regex_search(field, out)) {
            auto bang = field.find('!');
            r.interface_in = rest(field.substr(0, bang));
            auto second = field.substr(bang + 1);
            r.interface_out = rest(second.substr(0, second.find('!')));
        } else if (field.starts_with("in_")) {
            r.interface_in = rest(field);
        } else if (field.starts_with("out_")) {
            r.interface_out = rest(field);
        } else {
            return false;
        }
    }
    return r.direction == "in" || r.direction == "out";
}

std::optional<UfwRule> read_tuple(std::string_view line, bool v6) {
    std::string hex;
    if (auto at = line.find(" comment="); at != std::string_view::npos) {
        if (line.find(" comment=", at + 1) != std::string_view::npos)
            return std::nullopt; // ufw's split() would fail
        hex = strip(line.substr(at + 9));
        line = line.substr(0, at);
    }
    auto f = words(line.substr(tuple_mark.size()));
    if (f.size() < 6 || f.size() > 9)
        return std::nullopt;
    UfwRule r;
    r.direction = "in";
    if ((f.size() == 7 || f.size() == 9) && !read_direction(f.back(), r))
        return std::nullopt;
    std::string action = f[0];
    if (auto colon = action.find(':'); colon != std::string::npos) {
        r.forward = true;
        action = action.substr(colon + 1);
        action = action.substr(0, action.find(':'));
    }
    action = lower(action);
    auto kind = action.substr(0, action.find('_'));
    r.action = kind == "allow" || kind == "reject" || kind == "limit" ? kind : "deny";
    if (auto us = action.find('_'); us != std::string::npos) {
        r.logtype = action.substr(us + 1, action.find('_', us + 1) - us - 1);
        if (r.logtype != "log" && r.logtype != "log-all")
            return std::nullopt;
    }
    r.protocol = f[1];
    r.dport = f[2];
    r.dst = f[3];
    r.sport = f[4];
    r.src = f[5];
    if (f.size() >= 8) {
        if (f[6] != "-")
            r.dapp = unescape_app(f[6]);
        if (f[7] != "-")
            r.sapp = unescape_app(f[7]);
    }
    if (!hex.empty()) {
        auto text = hex_decode(hex);
        if (!text)
            return std::nullopt;
        r.comment = *text;
    }
    r.v6 = v6;
    return r;
}

bool word_char(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// ufw's pattern for a setting, ^\w+="?\w+"? (what follows is not looked
// at): a name, "=", perhaps a double quote, a word character. By hand: it
// is asked of every line of two files on every run, and std::regex would
// be compiled on each.
bool is_setting(std::string_view line) {
    std::size_t i = 0;
    while (i < line.size() && word_char(line[i]))
        ++i;
    if (i == 0 || i == line.size() || line[i] != '=')
        return false;
    ++i;
    if (i < line.size() && line[i] == '"')
        ++i;
    return i < line.size() && word_char(line[i]);
}

bool anywhere(const std::string& a) {
    return a == "0.0.0.0/0" || a == "::/0";
}

// One column, "dst" or "src", as get_status(verbose=True) builds it.
std::string location(const UfwRule& r, bool dst) {
    const std::string& addr = dst ? r.dst : r.src;
    const std::string& port = dst ? r.dport : r.sport;
    const std::string& app = dst ? r.dapp : r.sapp;
    std::string loc = anywhere(addr) ? "" : addr;
    if (port != "any") {
        loc = loc.empty() ? port : loc + " " + port;
        if (r.protocol != "any")
            loc += "/" + r.protocol;
        if (!app.empty())
            loc += " (" + app + (r.v6 && addr == "::/0" ? " (v6)" : "") + ")";
    }
    if (port == "any") {
        if (anywhere(addr)) {
            loc = "Anywhere";
            if (r.protocol != "any" && r.dst == r.src && r.dport == r.sport)
                loc += "/" + r.protocol;
            if (addr == "::/0")
                loc += " (v6)";
        } else if (r.protocol != "any" && r.dport == r.sport) {
            loc += "/" + r.protocol;
        }
    } else if (r.v6 && r.src == "::/0" && r.dst == "::/0" &&
               loc.find(" (v6)") == std::string::npos) {
        loc += " (v6)";
    }
    const std::string& iface = r.forward == dst ? r.interface_out : r.interface_in;
    if (!iface.empty())
        loc += " on " + iface;
    return loc;
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

} // namespace

std::optional<std::vector<UfwRule>> read_ufw_tuples(std::string_view rules_file, bool v6) {
    std::vector<UfwRule> out;
    for (auto line : lines(rules_file)) {
        // ufw tests the mark after cutting " comment=..." off.
        auto head = line.substr(0, line.find(" comment="));
        if (!head.starts_with(tuple_mark))
            continue;
        auto r = read_tuple(line, v6);
        if (!r)
            return std::nullopt;
        out.push_back(std::move(*r));
    }
    return out;
}

std::string ufw_status_row(const UfwRule& r) {
    std::string attribs = r.logtype.empty() ? "" : " (" + r.logtype + ")";
    std::string comment = r.comment.empty() ? "" : " # " + r.comment;
    std::string action = upper(r.action) + " " + (r.forward ? "FWD" : upper(r.direction));
    return fmt::format("{:<26} {:<12}{:<26}{}{}\n", location(r, true), action, location(r, false),
                       attribs, comment);
}

UfwDefaults read_ufw_defaults(std::string_view default_ufw, std::string_view ufw_conf) {
    UfwDefaults d;
    for (auto file : {default_ufw, ufw_conf})
        for (auto line : lines(file)) {
            if (!is_setting(line))
                continue;
            std::string text(line);
            auto stripped = strip(text);
            auto eq = stripped.find('=');
            auto value = stripped.substr(eq + 1);
            value = value.substr(0, value.find('='));
            d.values[lower(stripped.substr(0, eq))] = strip(lower(value), "\"'");
        }
    return d;
}

bool UfwDefaults::enabled() const {
    auto it = values.find("enabled");
    return it != values.end() && it->second == "yes";
}

bool UfwDefaults::ipv6() const {
    auto it = values.find("ipv6");
    return it != values.end() && it->second == "yes";
}

std::optional<std::string> UfwDefaults::policy(const std::string& chain) const {
    auto it = values.find("default_" + chain + "_policy");
    if (it == values.end())
        return std::nullopt;
    if (it->second == "accept")
        return "allow";
    if (it->second == "reject")
        return "reject";
    if (it->second == "drop")
        return "deny";
    return std::nullopt;
}

std::optional<std::string> ufw_status_from_files(std::string_view user_rules,
                                                 std::optional<std::string_view> user6_rules,
                                                 const UfwDefaults& defaults) {
    for (const char* chain : {"input", "output", "forward"})
        if (!defaults.policy(chain))
            return std::nullopt;
    auto rules = read_ufw_tuples(user_rules, false);
    if (!rules)
        return std::nullopt;
    if (user6_rules) {
        auto rules6 = read_ufw_tuples(*user6_rules, true);
        if (!rules6)
            return std::nullopt;
        rules->insert(rules->end(), rules6->begin(), rules6->end());
    }
    // Incoming, then outgoing, then routed, each block after a blank line.
    std::string in, out, routed;
    for (const auto& r : *rules)
        (r.forward ? routed : r.direction == "out" ? out : in) += ufw_status_row(r);
    std::string text =
        fmt::format("Status: active\nDefault: {} (incoming)\n", *defaults.policy("input"));
    if (in.empty() && out.empty() && routed.empty())
        return text;
    text += fmt::format("\n{:<26} {:<12}{}\n{:<26} {:<12}{}\n", "To", "Action", "From", "--",
                        "------", "----");
    text += in;
    for (const auto* block : {&out, &routed})
        if (!block->empty())
            text += (in.empty() ? "" : "\n") + *block;
    return text;
}

} // namespace netcfg::firewall
