// How Ollama reads OLLAMA_ORIGINS and decides a browser's Origin, as
// gin-contrib/cors does with Ollama's configuration (AllowWildcard,
// AllowBrowserExtensions, the built-in list): pure, so every case is
// unit-tested.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::ollama {

inline constexpr std::string_view origins_variable = "OLLAMA_ORIGINS";

// The entries of an OLLAMA_ORIGINS value as Ollama splits it: on every
// comma, not trimmed (an empty value has no entries; "a," has two).
std::vector<std::string> split_origins(std::string_view value);
std::string join_origins(const std::vector<std::string>& entries);

// The origins Ollama always allows after OLLAMA_ORIGINS.
const std::vector<std::string>& builtin_origins();

// Why Ollama panics at start-up with this OLLAMA_ORIGINS (gin-contrib/cors's
// own message, and the entry), or nullopt when it starts.
struct OriginsPanic {
    std::string entry;
    std::string message; // what Ollama prints
};
std::optional<OriginsPanic> origins_panic(std::string_view value);

// An origin an admin asks to allow (`origins add`, `--allow-origin`): what
// Ollama accepts, and no more than a browser can send: no white space or
// comma, no path. One Ollama's built-in list already lets through
// (app://obsidian.md) is not refused: there is nothing to add for it.
// `null` is refused with what it would take; `*` only with `any_site`.
// Returns why not, or nullopt.
std::optional<std::string> refuse_origin_argument(std::string_view origin, bool any_site = false);

// A family of clients and the entries it needs, as Ollama's FAQ lists them
// (`origins add --preset NAME`).
struct OriginPreset {
    std::string name;
    std::string clients; // who sends these origins
    std::vector<std::string> entries;
};
const std::vector<OriginPreset>& origin_presets();
const OriginPreset* find_origin_preset(std::string_view name);

// An Origin a real client sends that `entry` lets through, to prove the
// entry with: the entry itself when it names one origin; for a wildcard,
// what a browser of that kind sends (a Chrome extension's 32-letter ID, a
// Firefox or Safari extension's UUID, a host or port in place of the *).
std::string proof_origin(std::string_view entry);

// Which entry lets a request with `origin` through: an entry of `value`,
// a built-in one, or none. A request whose Origin is http(s)://<its Host
// header> is not a CORS request and always passes.
struct OriginDecision {
    bool allowed = false;
    bool builtin = false; // allowed by Ollama's own list
    bool all = false;     // "*": every origin (the answer says
                          // Access-Control-Allow-Origin: *)
    std::string entry;    // the deciding entry
};
OriginDecision decide_origin(std::string_view value, std::string_view origin,
                             std::string_view host_header = {});

// `entries` with each of `add` appended that is not there yet (exact
// comparison, as an admin reads them); order kept.
std::vector<std::string> with_origins(std::vector<std::string> entries,
                                      const std::vector<std::string>& add);
// `entries` without any of `remove`.
std::vector<std::string> without_origins(std::vector<std::string> entries,
                                         const std::vector<std::string>& remove);

} // namespace netcfg::ollama
