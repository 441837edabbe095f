// `pull-proxy set/unset`: the proxy Ollama pulls through (HTTPS_PROXY) and
// the hosts it asks directly (NO_PROXY), as assignments in the managed
// drop-in; the arguments checked before anything is touched. Pure.
#pragma once

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::change {

inline constexpr std::string_view https_proxy_var = "HTTPS_PROXY";
inline constexpr std::string_view no_proxy_var = "NO_PROXY";

// The proxy URL: http:// or https://, a host, an optional port, nothing
// else; a user and password are refused (the drop-in is world-readable).
// Exit 2 with what is wrong.
Status check_proxy_url(std::string_view url);

// --no-proxy entries (each may hold several, comma-separated): no blanks
// inside an entry, none empty. Returns them split.
Result<std::vector<std::string>> check_no_proxy(const std::vector<std::string>& asked);

// NO_PROXY for the service: localhost, 127.0.0.1, ::1 and the host Ollama
// listens on (as OLLAMA_HOST writes it, which is what a client given the
// service's environment connects to), then the entries of `current`, then
// `asked`; each once, in that order.
std::string no_proxy_value(const ollama::HostSetting& listen, std::string_view current,
                           const std::vector<std::string>& asked);

// One variable made `value` in the managed drop-in, as plan_origins does
// for OLLAMA_ORIGINS: other unit files and drop-ins in /etc that would
// still win give up their assignment (a copy kept), unless `only_managed`;
// refused naming the layer that would still win. nullopt takes the managed
// drop-in's assignment out and leaves every other layer as it is. `layers`
// are read for `name`.
struct SettingPlan {
    std::vector<FileEdit> edits;
    VariableTarget target, previous;
};
Result<SettingPlan> plan_setting(const std::vector<config::LayerInput>& layers,
                                 const std::string& unit, const std::string& managed,
                                 std::string_view name, const std::optional<std::string>& value,
                                 bool only_managed);

} // namespace netcfg::change
