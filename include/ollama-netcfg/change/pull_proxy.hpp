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
// else. A user and password are refused unless `env_file` (the drop-in is
// world-readable; --env-file keeps the URL in a root-only file). Exit 2
// with what is wrong.
Status check_proxy_url(std::string_view url, bool env_file = false);

// --env-file: HTTPS_PROXY in a file only root reads (mode 0600), which
// the managed drop-in names with EnvironmentFile= (systemd reads it as
// root, before the service's user takes over).
std::string proxy_env_file(const std::string& unit);

// The env file's edit: HTTPS_PROXY=URL in it, or (nullopt) the file gone.
// `now` is what it holds (nullopt: no file).
FileEdit env_file_edit(const std::string& unit, const std::optional<std::string>& now,
                       const std::optional<std::string>& url);

// The managed drop-in's EnvironmentFile= line for that file: added (`on`)
// or taken out, as a further edit of `content` (nullopt: no file yet).
FileEdit env_file_line_edit(const std::string& managed, const std::optional<std::string>& old,
                            const std::optional<std::string>& content, const std::string& unit,
                            bool on);

// --registry HOST (check --pull-path, pull-proxy set): a host name, no
// scheme, port, path or user; else exit 2.
Status check_registry(std::string_view host);

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
