// Files named by EnvironmentFile=, read the way systemd reads them
// (parse_env_file: KEY=VALUE lines, # and ; comments, single and double
// quotes, backslash escapes and continuations).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace netcfg::unitfile {

// Every valid NAME=value pair, in file order. Invalid names are dropped, as
// systemd drops them.
std::vector<std::pair<std::string, std::string>> parse_env_file(std::string_view content);

// The last value of `name` in the file, nullopt when it does not set it.
std::optional<std::string> env_file_value(std::string_view content, std::string_view name);

} // namespace netcfg::unitfile
