// The few things this tool asks of systemd's manager: unit state, reload,
// and a restart awaited through its job.
#pragma once

#include "ollama-netcfg/systemd/bus.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace netcfg::systemd {

using Clock = std::chrono::steady_clock;
using Deadline = Clock::time_point;

// The value of the last NAME=value for `name` in an environment list (as
// systemd's Environment properties hold it).
std::optional<std::string> environment_list_value(const std::vector<std::string>& env,
                                                  std::string_view name);

struct UnitState {
    std::string name;
    std::string load_state;               // loaded, not-found, masked, ...
    std::string active_state;             // active, activating, failed, ...
    std::string sub_state;                // running, auto-restart, ...
    std::string result;                   // Service.Result: success, exit-code, timeout, ...
    std::vector<std::string> environment; // Service.Environment, NAME=value
    std::string control_group;
    std::uint32_t main_pid = 0;
    std::uint32_t n_restarts = 0;
    std::int32_t exec_main_status = 0;
    bool need_daemon_reload = false;
    std::string fragment_path;              // the main unit file
    std::vector<std::string> drop_in_paths; // as loaded, in systemd's order
    struct EnvironmentFile {
        std::string path;
        bool optional = false; // EnvironmentFile=-/path
    };
    std::vector<EnvironmentFile> environment_files;
    std::uint64_t active_enter_usec = 0;    // CLOCK_REALTIME, 0 when never active
    std::string user;                       // User=, empty for root
    std::uint64_t ambient_capabilities = 0; // bit mask, bit N = capability N
    std::string unit_file_state;            // enabled, disabled, enabled-runtime, static, ...
    std::string restart;                    // Restart=: no, always, on-failure, ...
    std::uint64_t restart_usec = 0;         // RestartSec=
    std::vector<std::int32_t> restart_prevent_exit_status; // RestartPreventExitStatus=
    std::vector<std::string> after; // After=, with the dependencies systemd adds itself
    std::vector<std::string> wants; // Wants=

    // The last NAME=... in `environment`.
    std::optional<std::string> environment_value(std::string_view var) const;
};

// One property as read from GetAll; the member matching its type is set.
struct PropertyValue {
    std::string s;
    std::vector<std::string> strv;
    std::uint64_t u = 0;            // b, u, t
    std::int64_t i = 0;             // i
    std::vector<std::int32_t> ints; // the exit statuses of (aiai)
    std::vector<UnitState::EnvironmentFile> files;
};

class Manager {
  public:
    static Result<Manager> connect(Route route = Route::private_first);

    const std::string& transport() const { return conn_.transport; }

    Result<UnitState> unit_state(const std::string& unit);
    // Whether `unit` is loaded and active (false on any error).
    bool is_active(const std::string& unit);
    // Whether systemd has a unit file for `unit` (false on any error).
    bool knows(const std::string& unit);
    Status reload(Deadline deadline);
    // ResetFailedUnit(unit): as `systemctl reset-failed`, which also resets
    // the unit's start rate limit.
    Status reset_failed(const std::string& unit, Deadline deadline);
    // The manager's own environment (DefaultEnvironment= and the like).
    Result<std::vector<std::string>> environment();
    // RestartUnit(unit, "replace"), then waits for that job's JobRemoved.
    // Returns the job result: done, failed, timeout, dependency, canceled, ...
    // or, when `deadline` passed first, "timeout-" and the job's state then
    // (timeout-waiting: systemd had not begun it; timeout-running).
    // `on_wait` is called about every 100 ms while waiting.
    Result<std::string> restart(const std::string& unit, Deadline deadline,
                                const std::function<void()>& on_wait = {});

  private:
    // A job's State ("waiting", "running"), or "unknown".
    std::string job_state(const std::string& job);
    explicit Manager(Connection c) : conn_(std::move(c)) {}
    Result<std::string> unit_path(const std::string& unit);
    // `wanted` looked up by view: a service's GetAll names some 300 properties.
    Result<std::map<std::string, PropertyValue>>
    get_all(const std::string& path, const char* iface,
            const std::set<std::string, std::less<>>& wanted);
    Result<MessagePtr> call(const char* member, Deadline deadline, const char* types = nullptr,
                            const char* a = nullptr, const char* b = nullptr);

    Connection conn_;
};

} // namespace netcfg::systemd
