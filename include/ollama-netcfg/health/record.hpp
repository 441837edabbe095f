// The root check's record in /run (check --record), and reading it back for
// an unprivileged check. Only a file root owns, in a directory root owns,
// that nobody else can write, is believed: an agent's user must not be
// able to forge a green result.
#pragma once

#include "ollama-netcfg/health/partial.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace netcfg::health {

// Writes `check_json` with `recorded_at` = `now` to check_record_path
// (mode 0644, its directory 0755). Root only.
Status save_check_record(nlohmann::json check_json, double now);

// The record, or nullopt (none, not trusted, not a record).
std::optional<RecordedCheck> load_check_record();

} // namespace netcfg::health
