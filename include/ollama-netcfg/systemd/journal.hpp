// The unit's recent journal lines, and this tool's own structured entries.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::systemd {

// Up to `count` most recent lines of the unit and of the manager about it,
// oldest first, as "IDENTIFIER[PID]: MESSAGE". Empty when the journal cannot
// be read.
std::vector<std::string> last_journal_lines(const std::string& unit, std::size_t count);

// A run of failures in the unit's own output in this boot: lines with
// `error` since the last line with `success` (or the boot).
struct FailureRun {
    std::string last;             // the newest such line, "IDENTIFIER[PID]: MESSAGE"
    std::uint64_t first_usec = 0; // CLOCK_REALTIME of the oldest; 0 when none
    std::size_t count = 0;
};
// Reads back from the newest line of the unit's processes, at most `limit`
// lines. A newest line with `success` after the last error is no run.
FailureRun failure_run(const std::string& unit, std::string_view error, std::string_view success,
                       std::size_t limit);

// One entry in the journal: MESSAGE plus upper-case FIELD=value pairs, at
// syslog priority `priority` (6 = info).
void log_entry(const std::string& message, const std::map<std::string, std::string>& fields,
               int priority = 6);

// Whether stdout is connected to the journal ($JOURNAL_STREAM names its
// device and inode), as it is for a service run by systemd.
bool stdout_is_journal();

} // namespace netcfg::systemd
