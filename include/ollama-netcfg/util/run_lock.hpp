// One ollama-netcfg run at a time: an admin and a cron job at once must not
// interleave their edits and restarts.
#pragma once

#include "ollama-netcfg/util/fd.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <chrono>
#include <string>

namespace netcfg {

inline constexpr const char* default_lock_path = "/run/lock/ollama-netcfg.lock";

// Takes an exclusive flock on `path`, retrying with bounded back-off until
// `deadline`. The lock is held while the returned fd lives.
Result<UniqueFd> take_run_lock(const std::string& path,
                               std::chrono::steady_clock::time_point deadline);

} // namespace netcfg
