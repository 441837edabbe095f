// How Ollama reads OLLAMA_HOST, and the stricter reading `expose` applies to
// what an admin types.
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace netcfg::ollama {

inline constexpr std::uint16_t default_port = 11434;
inline constexpr std::string_view variable = "OLLAMA_HOST";

enum class Family { any, ipv4, ipv6, name };

struct HostSetting {
    std::string scheme; // "http" or "https" (anything Ollama was given)
    std::string host;   // as Ollama passes it to net.Listen: "", "0.0.0.0", "::", a name
    std::uint16_t port = default_port;

    Family family() const;
    // host:port as net.Listen gets it: ":11434", "0.0.0.0:11434", "[::]:11434".
    std::string listen_address() const;
    // Where a client on this host connects: wildcards become loopback.
    std::string connect_host() const;
    std::string connect_url() const; // e.g. http://127.0.0.1:11434

    // A listener only this host can connect to (127.x, ::1, localhost).
    bool loopback() const;
    // Every address of this host: no host (":11434"), 0.0.0.0 or :: (the
    // host is canonical, so other spellings of them are these).
    bool wildcard() const;

    // Two settings that make Ollama listen on the same socket.
    bool same_listener(const HostSetting& other) const;
};

// For messages: OLLAMA_HOST="value", or "OLLAMA_HOST unset".
std::string describe_host(const std::optional<std::string>& value);

// Ollama's own reading, warts and all: never fails, as Ollama never does.
HostSetting read_ollama_host(std::string_view raw);

// The admin's ADDR for `expose`: accepted only when Ollama will read it the
// way it looks. Returns a usage error that says what is wrong otherwise.
Result<HostSetting> parse_expose_address(std::string_view addr);

} // namespace netcfg::ollama
