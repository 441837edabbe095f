// What `expose` and `reset` share about the boot order: the units
// ollama.service starts after (change/ordering), found from the interface
// that has the wanted address or named with --after, written into the
// managed drop-in's edit and recorded for `reset`.
#pragma once

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/cli/change.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/report/change_report.hpp"
#include "ollama-netcfg/systemd/manager.hpp"

#include <string>
#include <vector>

namespace netcfg::cli {

// Checks --after's names (exit 2 for a name that is not a unit, or a unit
// systemd does not know) and returns them normalised ("docker" is
// "docker.service").
Result<std::vector<std::string>> read_after_units(systemd::Manager& manager,
                                                  const std::vector<std::string>& names);

// The ordering for `want` (`after`: --after's units, which replace what the
// tool would find) put into the managed drop-in's edit in `edits` (added
// when the run had none), replacing the ordering this tool recorded before;
// the report's `ordering` says what and why. A loopback or wildcard
// address gets none, and a specific one whose interface has no owner this
// tool knows gets a note naming --after.
Status plan_ordering(systemd::Manager& manager, const ChangeScope& t, const Session& s,
                     const ollama::HostSetting& want, const std::vector<std::string>& after,
                     std::vector<change::FileEdit>& edits, report::ChangeReport& rep);

// `reset`: the recorded ordering taken out of the drop-in's content.
Result<std::string> without_recorded_ordering(const std::string& unit, const std::string& content,
                                              report::ChangeReport& rep);

// After a successful run: the ordering now in the drop-in, for `reset`.
Status record_ordering(const std::string& unit, const report::ChangeReport& rep);

} // namespace netcfg::cli
