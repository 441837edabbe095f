// `expose/reset --client-env`: the OLLAMA_HOST that the `ollama` command on
// this host needs to find its own server (when the listener is not
// 127.0.0.1:11434), for every new login shell (/etc/profile.d) and systemd
// user session (/etc/environment.d). The files are this tool's own: written
// whole, removed when the default works again.
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::change {

inline constexpr const char* client_profile_file = "/etc/profile.d/ollama-netcfg.sh";
inline constexpr const char* client_environment_file = "/etc/environment.d/60-ollama-netcfg.conf";

// Pure: the two files' text for OLLAMA_HOST=`value`, written for `unit`.
std::string client_profile_text(const std::string& unit, const std::string& value);
std::string client_environment_text(const std::string& unit, const std::string& value);

// Pure: the OLLAMA_HOST one of those files sets (its last assignment).
std::optional<std::string> client_env_value(std::string_view text);

// Pure: the value in `export OLLAMA_HOST=VALUE` (reach::client_export), or
// empty when the default works.
std::string client_env_wanted(std::string_view client_export);

// Writes both files for `value`, or removes them when `value` is empty;
// unchanged files are not touched. What was done (or would be).
Result<std::vector<std::string>> set_client_env(const std::string& unit, const std::string& value,
                                                bool dry_run);

// What the profile file sets now: nullopt when there is none.
std::optional<std::string> read_client_env();

} // namespace netcfg::change
