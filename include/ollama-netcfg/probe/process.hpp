// What /proc and the cgroup tree tell about the service's processes.
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace netcfg::probe {

// The value of `name` in the process's environment (nullopt when unset).
// Fails when the process is gone or its environment is not readable.
Result<std::optional<std::string>> process_environment_value(pid_t pid, std::string_view name);

// Whether this process may list PID's open files (/proc/PID/fd), which is
// what finding a socket's holder needs. True for pid 0 (nothing to see).
bool can_see_open_files(pid_t pid);

// /proc/PID/comm, or "?" when the process is gone.
std::string process_name(pid_t pid);

// The processes in a unit's control group (cgroup v2, or the v1 "systemd"
// hierarchy). Empty when the group is gone.
std::vector<pid_t> cgroup_pids(const std::string& control_group);

} // namespace netcfg::probe
