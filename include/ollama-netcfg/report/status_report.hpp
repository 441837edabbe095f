// `status` and `check` output: the readable report (status_text.cpp), the
// JSON object both share (status_json.cpp) and the monitoring-plugin line
// (plugin_line.cpp); the reach view they share is report/reach_view.hpp.
#pragma once

#include "ollama-netcfg/health/facts.hpp"
#include "ollama-netcfg/health/problems.hpp"
#include "ollama-netcfg/report/format.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace netcfg::report {

// The pull path's steps as --json has them (check --pull-path, pull-proxy set).
nlohmann::json pull_path_json(const std::vector<probe::PathStep>& steps);

std::string status_text(const health::Facts& f, const std::vector<health::Problem>& problems);

nlohmann::json status_json(const health::Facts& f, const std::vector<health::Problem>& problems,
                           double seconds);

// "OLLAMA-NETCFG OK - ... | time=0.012s;;;0 problems=0;;;0"; `note` (what
// was not seen, or where it came from) goes after the text.
std::string plugin_line(const health::Facts& f, const std::vector<health::Problem>& problems,
                        double seconds, const std::string& note = {});

// The line and object for a check that could not look at all (UNKNOWN).
std::string plugin_unknown_line(const std::string& why, double seconds);
nlohmann::json unknown_json(const std::string& unit, const Error& why, double seconds);

} // namespace netcfg::report
