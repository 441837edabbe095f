// Unit and drop-in names as systemd accepts them.
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <string>
#include <string_view>

namespace netcfg::unitfile {

// "ollama" -> "ollama.service"; refuses anything that is not a unit name
// (paths, "..", characters systemd does not allow).
Result<std::string> normalise_unit_name(std::string_view name);

// A plain file name ending in ".conf".
Status check_drop_in_name(std::string_view name);

} // namespace netcfg::unitfile
