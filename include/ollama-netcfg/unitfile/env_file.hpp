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

// The line NAME="VALUE" that parse_env_file() reads back as VALUE: double
// quotes, with \\, \", \` and \$ escaped (what systemd unescapes there).
std::string env_file_line(std::string_view name, std::string_view value);

} // namespace netcfg::unitfile
