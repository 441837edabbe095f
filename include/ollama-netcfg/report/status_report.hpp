// `status` and `check` output: the readable report, the JSON object both
// share, and the monitoring-plugin line.
#pragma once

#include "ollama-netcfg/health/facts.hpp"
#include "ollama-netcfg/health/problems.hpp"
#include "ollama-netcfg/report/format.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace netcfg::report {

std::string status_text(const health::Facts& f, const std::vector<health::Problem>& problems);

nlohmann::json status_json(const health::Facts& f, const std::vector<health::Problem>& problems,
                           double seconds);

// "OLLAMA-NETCFG OK - ... | time=0.012s;;;0 problems=0;;;0"; `note` (what
// was not seen, or where it came from) goes after the text.
std::string plugin_line(const health::Facts& f, const std::vector<health::Problem>& problems,
                        double seconds, const std::string& note = {});

// The firewall's decision for one IP version (4, 6), as --json names it:
// accepted, dropped, rejected, undecided, not-covered (the socket does not
// accept that version) or not-judged (--from names the other version).
std::string family_decision(const reach::Firewall& fw, int version);

// The line and object for a check that could not look at all (UNKNOWN).
std::string plugin_unknown_line(const std::string& why, double seconds);
nlohmann::json unknown_json(const std::string& unit, const Error& why, double seconds);

} // namespace netcfg::report
