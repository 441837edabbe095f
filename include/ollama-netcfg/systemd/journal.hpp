// The unit's recent journal lines, and this tool's own structured entries.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace netcfg::systemd {

// Up to `count` most recent lines of the unit and of the manager about it,
// oldest first, as "IDENTIFIER[PID]: MESSAGE". Empty when the journal cannot
// be read.
std::vector<std::string> last_journal_lines(const std::string& unit, std::size_t count);

// One entry in the journal: MESSAGE plus upper-case FIELD=value pairs, at
// syslog priority `priority` (6 = info).
void log_entry(const std::string& message, const std::map<std::string, std::string>& fields,
               int priority = 6);

// Whether stdout is connected to the journal ($JOURNAL_STREAM names its
// device and inode), as it is for a service run by systemd.
bool stdout_is_journal();

} // namespace netcfg::systemd
