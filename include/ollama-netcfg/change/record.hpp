// This tool's records under /var/lib/ollama-netcfg: JSON objects keyed by
// unit, each holding what this tool added to that unit (so that `reset`
// takes out exactly that and leaves the admin's own).
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace netcfg::change {

inline constexpr const char* ordering_record = "/var/lib/ollama-netcfg/ordering.json";

// The whole record; an empty object when the file is missing or unreadable
// as an object (what it held is then rewritten).
Result<nlohmann::json> read_record(const char* path);
// Writes it atomically (mode 0644), or removes the file when it is empty.
Status write_record(const char* path, const nlohmann::json& j);

// The list of strings recorded for `unit` (empty when none). A file that is
// not a JSON object is an error, with `hint`.
Result<std::vector<std::string>> recorded_list(const char* path, const std::string& unit,
                                               const std::string& hint);
// Records `list` for `unit` (an empty list takes the unit out).
Status record_list(const char* path, const std::string& unit, const std::vector<std::string>& list);

} // namespace netcfg::change
