// How Ollama's HTTP requests choose a proxy: Go's http.ProxyFromEnvironment
// (golang.org/x/net/http/httpproxy), which the server's pulls and the
// `ollama` command's requests to the server both go through. Pure.
#pragma once

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace netcfg::ollama {

// The variables Go reads, each in two spellings: Go takes the upper-case
// one when it is set and not empty, else the lower-case one.
struct ProxyVariable {
    std::string_view upper, lower;
};
inline constexpr std::array<ProxyVariable, 3> proxy_variables{{
    {"HTTPS_PROXY", "https_proxy"}, // for https:// URLs: the registry, its blob host
    {"HTTP_PROXY", "http_proxy"},   // for http:// URLs: a client's requests to Ollama
    {"NO_PROXY", "no_proxy"},       // the hosts that are asked directly
}};

// The value Go takes for one variable (empty: none).
std::string go_value(const std::optional<std::string>& upper,
                     const std::optional<std::string>& lower);

// Whether Go sends a request for HOST:PORT to the proxy, given NO_PROXY:
// never for "localhost" or a loopback address; otherwise unless an entry
// matches: `*`; an IP address (with a port, only that port) or a CIDR; a
// domain with its subdomains ("example.org"), or only its subdomains
// (".example.org", "*.example.org"). Entries are comma-separated, trimmed
// and compared in lower case. 0.0.0.0 and :: are not loopback addresses.
bool go_proxies(std::string_view no_proxy, std::string_view host, std::string_view port);

// A proxy URL with its password shown as "***": what the tool prints.
std::string redact_proxy(std::string_view url);

} // namespace netcfg::ollama
