#include "ollama-netcfg/ollama/origins.hpp"

#include "go_text.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>

namespace netcfg::ollama {
namespace {

// Ollama's cors.Config: AllowWildcard and AllowBrowserExtensions are set,
// so these are the schemes an entry without '*' must start with.
constexpr std::string_view schemes[] = {"http://",
                                        "https://",
                                        "chrome-extension://",
                                        "safari-extension://",
                                        "moz-extension://",
                                        "ms-browser-extension://"};

bool has_allowed_scheme(std::string_view entry) {
    return std::any_of(std::begin(schemes), std::end(schemes),
                       [&](std::string_view s) { return entry.starts_with(s); });
}

// envconfig.Var: white space, then quotes, off both ends of the whole value.
std::string_view ollama_var(std::string_view raw) {
    return trim(trim(raw, space_chars), "\"'");
}

// gin-contrib/cors normalize(): an exact entry is compared trimmed and in
// lower case; the request's Origin as sent.
std::string normalized(std::string_view entry) {
    std::string s(trim(entry, space_chars));
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// validateWildcardOrigin for the one entry `w` (which holds one '*').
bool wildcard_matches(std::string_view w, std::string_view origin) {
    const auto star = w.find('*');
    const auto prefix = w.substr(0, star);
    const auto suffix = w.substr(star + 1);
    if (star == 0)
        return origin.ends_with(suffix);
    if (star == w.size() - 1)
        return origin.starts_with(prefix);
    return origin.starts_with(prefix) && origin.ends_with(suffix);
}

bool entry_allows(std::string_view entry, std::string_view origin) {
    if (normalized(entry) == origin)
        return true;
    return entry.find('*') != std::string_view::npos && wildcard_matches(entry, origin);
}

} // namespace

std::vector<std::string> split_origins(std::string_view value) {
    std::vector<std::string> out;
    value = ollama_var(value);
    if (value.empty())
        return out;
    for (;;) {
        auto comma = value.find(',');
        out.emplace_back(value.substr(0, comma));
        if (comma == std::string_view::npos)
            return out;
        value.remove_prefix(comma + 1);
    }
}

std::string join_origins(const std::vector<std::string>& entries) {
    return fmt::format("{}", fmt::join(entries, ","));
}

const std::vector<std::string>& builtin_origins() {
    static const std::vector<std::string> list = [] {
        std::vector<std::string> l;
        for (std::string_view h : {"localhost", "127.0.0.1", "0.0.0.0"})
            for (std::string_view port : {"", ":*"})
                for (std::string_view scheme : {"http://", "https://"})
                    l.push_back(fmt::format("{}{}{}", scheme, h, port));
        for (std::string_view s :
             {"app://*", "file://*", "tauri://*", "vscode-webview://*", "vscode-file://*"})
            l.emplace_back(s);
        return l;
    }();
    return list;
}

std::optional<OriginsPanic> origins_panic(std::string_view value) {
    const auto entries = split_origins(value);
    // Config.Validate() first, over every entry; parseWildcardRules() after.
    for (const auto& e : entries)
        if (e.find('*') == std::string::npos && !has_allowed_scheme(e))
            return OriginsPanic{e, "bad origin: origins must contain '*' or include "
                                   "http://,https://,chrome-extension://,safari-extension://,"
                                   "moz-extension://,ms-browser-extension://"};
    for (const auto& e : entries)
        if (std::count(e.begin(), e.end(), '*') > 1)
            return OriginsPanic{e, "only one * is allowed"};
    return std::nullopt;
}

std::optional<std::string> refuse_origin_argument(std::string_view o, bool any_site) {
    if (o.empty())
        return "an origin cannot be empty";
    if (o == "null")
        return "`Origin: null` is what file pages, sandboxed iframes and some desktop apps send; "
               "no entry but * lets it through, and * lets every web page on every site call "
               "this server, which has no authentication, from its visitors' browsers (if that is "
               "meant: origins add '*' --yes-any-site)";
    if (o == "*" && !any_site)
        return "* lets every web page on every site call this server, which has no "
               "authentication, from its visitors' browsers; name your own front ends instead, "
               "or say you mean it with --yes-any-site";
    if (o != "*" && decide_origin("", o).builtin)
        return std::nullopt; // already let through: `origins add` says so and adds nothing
    if (o.find_first_of(space_chars) != std::string_view::npos)
        return "an origin has no white space (Ollama would compare it as written and never "
               "match, or refuse to start)";
    if (o.find(',') != std::string_view::npos)
        return "one origin per argument: OLLAMA_ORIGINS separates entries with commas, so a comma "
               "cannot be part of one";
    if (o.find_first_of("\"'") != std::string_view::npos)
        return "an origin has no quotes";
    const auto panic = origins_panic(o);
    const auto sep = o.find("://");
    if (o != "*" && (sep == std::string_view::npos || sep == 0 || o.size() == sep + 3))
        return fmt::format("an origin is SCHEME://HOST[:PORT], e.g. http://192.168.1.50:3000{}",
                           panic ? "; Ollama would refuse to start with this one" : "");
    if (panic)
        return fmt::format("Ollama would refuse to start with it: {}", panic->message);
    if (o == "*")
        return std::nullopt;
    if (o.find('/', sep + 3) != std::string_view::npos)
        return "an origin has no path: a browser sends only SCHEME://HOST[:PORT]";
    return std::nullopt;
}

OriginDecision decide_origin(std::string_view value, std::string_view origin,
                             std::string_view host_header) {
    if (origin.empty() ||
        (!host_header.empty() && (origin == fmt::format("http://{}", host_header) ||
                                  origin == fmt::format("https://{}", host_header))))
        return {true, false, false, "(not a cross-origin request)"};
    const auto entries = split_origins(value);
    for (const auto& e : entries)
        if (e == "*")
            return {true, false, true, "*"};
    for (const auto& e : entries)
        if (entry_allows(e, origin))
            return {true, false, false, e};
    for (const auto& e : builtin_origins())
        if (entry_allows(e, origin))
            return {true, true, false, e};
    return {};
}

const std::vector<OriginPreset>& origin_presets() {
    static const std::vector<OriginPreset> presets{
        {"browser-extensions",
         "browser extensions: Chrome, Chromium, Edge, Brave, Firefox, Safari",
         {"chrome-extension://*", "moz-extension://*", "safari-web-extension://*"}},
        {"chrome-extensions",
         "Chrome, Chromium, Edge and Brave extensions",
         {"chrome-extension://*"}},
        {"firefox-extensions", "Firefox extensions", {"moz-extension://*"}},
        {"safari-extensions", "Safari web extensions", {"safari-web-extension://*"}},
    };
    return presets;
}

const OriginPreset* find_origin_preset(std::string_view name) {
    for (const auto& p : origin_presets())
        if (p.name == name)
            return &p;
    return nullptr;
}

std::string proof_origin(std::string_view entry) {
    const auto star = entry.find('*');
    if (star == std::string_view::npos || entry == "*")
        return std::string(entry == "*" ? "https://any-site.example" : entry);
    const auto prefix = entry.substr(0, star);
    const auto suffix = entry.substr(star + 1);
    // What browsers put where the * is: an extension's ID (Chrome: 32
    // letters a-p; Firefox and Safari: a UUID), a port, or a host name.
    std::string_view fill = "app";
    if (prefix == "chrome-extension://")
        fill = "abcdefghijklmnopabcdefghijklmnop";
    else if (prefix == "moz-extension://" || prefix == "safari-web-extension://" ||
             prefix == "safari-extension://" || prefix == "ms-browser-extension://")
        fill = "0f9e2a3c-4b5d-4e6f-8a7b-9c0d1e2f3a4b";
    else if (prefix.ends_with(":"))
        fill = "8080";
    return fmt::format("{}{}{}", prefix, fill, suffix);
}

std::vector<std::string> with_origins(std::vector<std::string> entries,
                                      const std::vector<std::string>& add) {
    for (const auto& a : add)
        if (std::find(entries.begin(), entries.end(), a) == entries.end())
            entries.push_back(a);
    return entries;
}

std::vector<std::string> without_origins(std::vector<std::string> entries,
                                         const std::vector<std::string>& remove) {
    std::erase_if(entries, [&](const std::string& e) {
        return std::find(remove.begin(), remove.end(), e) != remove.end();
    });
    return entries;
}

} // namespace netcfg::ollama
