#include "ollama-netcfg/cli/change.hpp"

#include "ollama-netcfg/config/locate.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/report/expose_report.hpp"
#include "ollama-netcfg/unitfile/names.hpp"
#include "ollama-netcfg/util/run_lock.hpp"

#include <fmt/format.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace netcfg::cli {

void add_change_options(CLI::App& sub, ChangeArgs& a) {
    sub.add_option("--unit", a.unit, "The Ollama service unit")->capture_default_str();
    sub.add_option("--drop-in", a.drop_in, "The drop-in file name in <unit>.d/")
        ->capture_default_str();
    sub.add_option("--timeout", a.timeout_seconds,
                   "Seconds to wait for the lock, the restart and the proof")
        ->capture_default_str();
    sub.add_flag("--no-rollback", a.no_rollback,
                 "Keep the new setting even when it does not come up");
}

Result<ChangeTarget> read_change_args(const ChangeArgs& a) {
    ChangeTarget t;
    auto unit = unitfile::normalise_unit_name(a.unit);
    if (!unit)
        return unit.error();
    t.unit = *unit;
    if (auto st = unitfile::check_drop_in_name(a.drop_in); !st)
        return st.error();
    if (!(a.timeout_seconds > 0) || a.timeout_seconds > 86400)
        return usage_error("--timeout must be a number of seconds between 0 and 86400");
    t.timeout = std::chrono::duration<double>(a.timeout_seconds);
    t.drop_in = std::filesystem::path("/etc/systemd/system") / (t.unit + ".d") / a.drop_in;
    return t;
}

Result<Session> open_session(const ChangeTarget& t, std::string_view command) {
    if (geteuid() != 0)
        return failure(fmt::format("{} changes a systemd unit and must run as root", command),
                       fmt::format("run it with sudo: sudo ollama-netcfg {} ...", command));
    if (sd_booted() <= 0)
        return failure("systemd is not running on this machine (PID 1 is not systemd)",
                       "run this on the host that runs the Ollama service");
    Session s;
    s.deadline =
        systemd::Clock::now() + std::chrono::duration_cast<systemd::Clock::duration>(t.timeout);
    auto lock = take_run_lock(default_lock_path, s.deadline);
    if (!lock)
        return lock.error();
    s.lock = std::move(*lock);
    auto manager = systemd::Manager::connect();
    if (!manager)
        return manager.error();
    s.manager.emplace(std::move(*manager));
    auto state = s.manager->unit_state(t.unit);
    if (!state)
        return state.error();
    if (state->load_state != "loaded")
        return failure(fmt::format("unit {} is {}", t.unit, state->load_state),
                       "is Ollama installed as a systemd service? name another unit with --unit");
    s.state = std::move(*state);
    auto env = s.manager->environment();
    if (!env)
        return env.error();
    s.layers = config::read_layers(s.state, *env, t.drop_in.string(), ollama::variable);
    for (const auto& l : s.layers)
        if (!l.read_error.empty())
            return failure(l.read_error);
    return s;
}

void print_change_report(const report::ExposeReport& rep, const GlobalOptions& g) {
    if (g.json) {
        fmt::print("{}\n", report::to_json(rep).dump(2));
    } else if (!g.quiet && !rep.unit.empty() && (rep.error ? !rep.proofs.empty() : true)) {
        fmt::print("{}", report::to_text(rep));
    }
    if (rep.error) {
        print_error(*rep.error);
        for (const auto& line : rep.journal)
            fmt::print(stderr, "  journal: {}\n", line);
    }
}

} // namespace netcfg::cli
