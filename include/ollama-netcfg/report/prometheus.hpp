// `check --prometheus FILE`: node_exporter's textfile-collector format.
#pragma once

#include "ollama-netcfg/health/facts.hpp"
#include "ollama-netcfg/health/problems.hpp"

#include <string>
#include <vector>

namespace netcfg::report {

// The metrics of one check. `facts` is null when the check could not look
// (UNKNOWN); `now_seconds` is the wall-clock time of the check.
std::string prometheus_text(const std::string& unit, const health::Facts* facts,
                            const std::vector<health::Problem>& problems, double seconds,
                            double now_seconds);

} // namespace netcfg::report
