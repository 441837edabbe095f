// What /proc and the cgroup tree tell about the service's processes.
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <optional>
#include <span>
#include <string>
#include <sys/types.h>
#include <vector>

namespace netcfg::probe {

// Whether PID has exited: gone, or a zombie systemd has not reaped yet (a
// crash loop's main process, whose environment can no longer be read).
bool has_exited(pid_t pid);

// Whether PID runs its own program: false while systemd has forked it for
// a unit but not yet executed the unit's command (comm "(NAME)").
bool has_executed_its_command(pid_t pid);

// The value of `name` in the process's environment (nullopt when unset),
// once the process has executed its command (waits up to 2 s for that).
// Fails when the process is gone or its environment is not readable.
Result<std::optional<std::string>> process_environment_value(pid_t pid, std::string_view name);
// The same for several names at once (one read), in the order given.
Result<std::vector<std::optional<std::string>>>
process_environment_values(pid_t pid, std::span<const std::string_view> names);

// Whether this process may list PID's open files (/proc/PID/fd), which is
// what finding a socket's holder needs. True for pid 0 (nothing to see).
bool can_see_open_files(pid_t pid);

// /proc/PID/comm, or "?" when the process is gone.
std::string process_name(pid_t pid);

// Every process this PID namespace shows in /proc.
std::vector<pid_t> all_pids();

// An `ollama serve` process: who runs it, how it was started.
struct ServeProcess {
    pid_t pid = 0;
    uid_t uid = 0;
    std::string user; // the uid's name, or the number
    pid_t ppid = 0;
    std::string parent; // comm of ppid
    std::string cgroup; // its cgroup (v2 path, or the v1 "systemd" one)
    bool env_visible = false;
    std::optional<std::string> ollama_host; // when env_visible

    // "PID 812, user alice, parent bash (PID 800), cgroup /user.slice/..."
    std::string describe() const;
};

// The process PID when it is an `ollama serve` (comm "ollama", first
// argument "serve"); nullopt otherwise.
std::optional<ServeProcess> ollama_serve_process(pid_t pid);

// Every `ollama serve` not among `unit_pids`: started by hand, by another
// unit, or by a user service.
std::vector<ServeProcess> foreign_ollama_serves(const std::vector<pid_t>& unit_pids);

// The processes in a unit's control group (cgroup v2, or the v1 "systemd"
// hierarchy). Empty when the group is gone.
std::vector<pid_t> cgroup_pids(const std::string& control_group);

} // namespace netcfg::probe
