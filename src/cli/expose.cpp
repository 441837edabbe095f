// The flow of `expose`, top to bottom: read the address, plan the edit,
// write, reload and restart, prove, and put the old file back when the new
// setting does not come up.
#include "ollama-netcfg/cli/expose.hpp"

#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/probe/http.hpp"
#include "ollama-netcfg/probe/process.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/report/expose_report.hpp"
#include "ollama-netcfg/systemd/journal.hpp"
#include "ollama-netcfg/systemd/manager.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"
#include "ollama-netcfg/unitfile/names.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/run_lock.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>
#include <thread>
#include <unistd.h>

namespace netcfg::cli {
namespace {

namespace fs = std::filesystem;
using report::ExposeReport;
using report::Proof;
using systemd::Clock;
using systemd::Deadline;
using systemd::Manager;
using systemd::UnitState;

constexpr std::string_view host_var = ollama::variable;
const fs::path unit_dir = "/etc/systemd/system";

struct Plan {
    ollama::HostSetting want;
    std::string unit;
    fs::path drop_in;
    std::optional<std::string> old_content; // nullopt: the drop-in does not exist
    std::string new_content;
    bool write = false;
};

std::string quoted(const std::optional<std::string>& v) {
    return v ? fmt::format("OLLAMA_HOST=\"{}\"", *v) : std::string("OLLAMA_HOST unset");
}

bool same_listener(const std::optional<std::string>& value, const ollama::HostSetting& want) {
    return ollama::read_ollama_host(value.value_or("")).same_listener(want);
}

// Everything that can be refused without touching the system.
Result<Plan> read_arguments(const ExposeOptions& o) {
    Plan plan;
    auto want = ollama::parse_expose_address(o.address);
    if (!want)
        return want.error();
    plan.want = *want;
    auto unit = unitfile::normalise_unit_name(o.unit);
    if (!unit)
        return unit.error();
    plan.unit = *unit;
    if (auto st = unitfile::check_drop_in_name(o.drop_in); !st)
        return st.error();
    if (!(o.timeout_seconds > 0))
        return usage_error("--timeout must be a positive number of seconds");
    plan.drop_in = unit_dir / (plan.unit + ".d") / o.drop_in;
    return plan;
}

Status check_environment() {
    if (geteuid() != 0)
        return failure("expose changes a systemd unit and must run as root",
                       "run it with sudo: sudo ollama-netcfg expose ...");
    if (sd_booted() <= 0)
        return failure("systemd is not running on this machine (PID 1 is not systemd)",
                       "run this on the host that runs ollama.service");
    return Ok{};
}

// Reads the drop-in and works out its new content. A value that makes Ollama
// listen where it already does is left as it is: rewriting it would only
// restart the service.
Status plan_edit(Plan& plan, const std::string& address, ExposeReport& rep) {
    auto content = read_file(plan.drop_in);
    if (!content)
        return content.error();
    plan.old_content = *content;
    const std::string old = plan.old_content.value_or("");
    auto current = unitfile::effective_value(old, host_var);
    rep.old_value = current;
    if (current && same_listener(current, plan.want)) {
        plan.new_content = old;
        rep.new_value = *current;
        return Ok{};
    }
    auto edit = unitfile::set_variable(old, host_var, address);
    if (unitfile::effective_value(edit.content, host_var) != address)
        return failure(fmt::format("internal error: editing {} did not yield OLLAMA_HOST={}",
                                   plan.drop_in.string(), address));
    plan.new_content = std::move(edit.content);
    plan.write = edit.changed || !plan.old_content;
    return Ok{};
}

Status write_drop_in(const Plan& plan, const std::optional<std::string>& content) {
    if (!content)
        return remove_file_durable(plan.drop_in);
    if (auto st = ensure_directory(plan.drop_in.parent_path(), 0755); !st)
        return st;
    return write_file_atomic(plan.drop_in, *content, 0644);
}

// --- proving -------------------------------------------------------------

struct Prover {
    Manager& manager;
    const Plan& plan;
    std::vector<std::string> resolved;
    bool bindv6only = probe::ipv6_bindv6only();

    Proof systemd_proof(const UnitState& s) const {
        auto v = s.environment_value(host_var);
        if (!v)
            return {"systemd", false, "OLLAMA_HOST is not in the unit's Environment"};
        return {"systemd", same_listener(v, plan.want),
                fmt::format("unit Environment has {}", quoted(v))};
    }

    Proof process_proof(const UnitState& s) const {
        if (s.main_pid == 0)
            return {"process", false,
                    fmt::format("no main process (unit is {}/{})", s.active_state, s.sub_state)};
        auto v = probe::process_environment_value(static_cast<pid_t>(s.main_pid), host_var);
        if (!v)
            return {"process", false, v.error().message};
        return {"process", same_listener(*v, plan.want),
                fmt::format("main PID {} has {}", s.main_pid, quoted(*v))};
    }

    Proof listener_proof(const UnitState& s) const {
        auto sockets = probe::listening_sockets(plan.want.port);
        probe::find_holders(sockets, probe::cgroup_pids(s.control_group));
        for (const auto& sock : sockets) {
            if (sock.pids.empty() ||
                !probe::listener_covers(sock.address, plan.want.host, resolved, bindv6only))
                continue;
            return {"listener", true,
                    fmt::format("{} LISTEN, held by {} (PID {}) of {}", sock.endpoint(),
                                probe::process_name(sock.pids.front()), sock.pids.front(),
                                plan.unit)};
        }
        return {"listener", false, describe_missing_listener(std::move(sockets))};
    }

    // `sockets` are those on the port, with the unit's own processes found.
    std::string describe_missing_listener(std::vector<probe::ListenSocket> sockets) const {
        for (const auto& sock : sockets)
            if (!sock.pids.empty())
                return fmt::format("{} listens on {}, not on {}", plan.unit, sock.endpoint(),
                                   plan.want.listen_address());
        probe::find_holders(sockets, {});
        for (const auto& sock : sockets)
            if (!sock.pids.empty())
                return fmt::format("{} is held by {} (PID {}), not by {}", sock.endpoint(),
                                   probe::process_name(sock.pids.front()), sock.pids.front(),
                                   plan.unit);
        if (!sockets.empty())
            return fmt::format("{} is held by a process outside {}", sockets.front().endpoint(),
                               plan.unit);
        return fmt::format("nothing listens on {}", plan.want.listen_address());
    }

    Proof api_proof(Deadline deadline) const {
        auto url = plan.want.connect_url() + "/api/version";
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        auto timeout =
            std::clamp(left, std::chrono::milliseconds(200), std::chrono::milliseconds(3000));
        auto a = probe::http_get(url, timeout);
        if (!a.error.empty())
            return {"api", false, fmt::format("GET {}: {}", url, a.error)};
        auto version = probe::parse_version(a.body);
        if (a.status != 200 || !version) {
            auto detail =
                fmt::format("GET {}: HTTP {}, not an Ollama version answer", url, a.status);
            if (a.status == 403)
                detail += " (Ollama refuses this Host header)";
            return {"api", false, detail, true};
        }
        return {"api", true,
                fmt::format("GET {}: HTTP 200, version {} ({:.1f} ms)", url, *version,
                            a.seconds * 1000)};
    }

    // The four proofs, cheapest first; later ones are skipped while an
    // earlier one fails, since they cannot hold yet.
    Result<std::vector<Proof>> prove_once(Deadline deadline, UnitState& state) const {
        auto s = manager.unit_state(plan.unit);
        if (!s)
            return s.error();
        state = *s;
        std::vector<Proof> proofs{systemd_proof(state), process_proof(state),
                                  listener_proof(state)};
        if (proofs[2].ok)
            proofs.push_back(api_proof(deadline));
        else
            proofs.push_back({"api", false, "not tried: no listener yet"});
        return proofs;
    }
};

bool all_ok(const std::vector<Proof>& proofs) {
    return std::all_of(proofs.begin(), proofs.end(), [](const Proof& p) { return p.ok; });
}

// Polls the proofs with bounded back-off until they all hold, the deadline
// passes, or the service visibly died (systemd restarted it or gave up).
Result<std::vector<Proof>> wait_for_proof(const Prover& prover, Deadline deadline,
                                          std::uint32_t restarts_before) {
    auto delay = std::chrono::milliseconds(5);
    for (;;) {
        UnitState state;
        auto proofs = prover.prove_once(deadline, state);
        if (!proofs || all_ok(*proofs))
            return proofs;
        if (std::any_of(proofs->begin(), proofs->end(), [](const Proof& p) { return p.final; }))
            return proofs;
        bool died = state.n_restarts > restarts_before || state.sub_state == "auto-restart" ||
                    state.active_state == "failed" || state.active_state == "inactive";
        if (died) {
            proofs->push_back({"service", false,
                               fmt::format("{} is {}/{} (Result: {}, exit status {}) after the "
                                           "restart",
                                           state.name, state.active_state, state.sub_state,
                                           state.result, state.exec_main_status)});
            return proofs;
        }
        if (Clock::now() + delay >= deadline)
            return proofs;
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::milliseconds(250));
    }
}

// --- applying ------------------------------------------------------------

struct Applied {
    std::uint32_t restarts_before = 0;
};

Result<Applied> reload_and_restart(Manager& m, const std::string& unit, bool reload,
                                   Deadline deadline, ExposeReport& rep) {
    if (reload) {
        if (auto st = m.reload(deadline); !st)
            return st.error();
        rep.actions.push_back(fmt::format("reloaded systemd ({})", m.transport()));
    }
    auto job = m.restart(unit, deadline);
    if (!job)
        return job.error();
    auto s = m.unit_state(unit);
    if (!s)
        return s.error();
    if (*job != "done") {
        rep.journal = systemd::last_journal_lines(unit, 10);
        return failure(fmt::format("restarting {} failed: job {}, Service.Result {}, unit {}/{}",
                                   unit, *job, s->result, s->active_state, s->sub_state),
                       fmt::format("see `journalctl -u {}`", unit));
    }
    rep.actions.push_back(fmt::format("restarted {} (job done, main PID {})", unit, s->main_pid));
    return Applied{s->n_restarts};
}

// Puts the drop-in back as it was and brings the old setting up again.
void roll_back(Manager& m, const Plan& plan, Deadline deadline, ExposeReport& rep) {
    if (auto st = write_drop_in(plan, plan.old_content); !st) {
        rep.actions.push_back("rollback FAILED: " + st.error().message);
        return;
    }
    rep.actions.push_back(plan.old_content ? fmt::format("restored {}", plan.drop_in.string())
                                           : fmt::format("removed {}", plan.drop_in.string()));
    auto restarted = reload_and_restart(m, plan.unit, true, deadline, rep);
    if (!restarted)
        rep.actions.push_back("rollback restart FAILED: " + restarted.error().message);
    systemd::log_change(
        fmt::format("rolled back {} to {}", plan.drop_in.string(), quoted(rep.old_value)),
        {{"OLLAMA_NETCFG_UNIT", plan.unit}, {"OLLAMA_NETCFG_FILE", plan.drop_in.string()}});
}

// The failure after a write: unless told otherwise, the old drop-in goes back.
Error rolled_back(Error error, Manager& m, const Plan& plan, bool no_rollback, ExposeReport& rep) {
    if (!plan.write || no_rollback)
        return error;
    roll_back(m, plan, Clock::now() + std::chrono::seconds(30), rep);
    error.message += "; the previous setting was put back";
    return error;
}

Error proof_failure(const ExposeReport& rep, const Plan& plan) {
    std::string failed;
    for (const auto& p : rep.proofs)
        if (!p.ok) {
            failed = fmt::format("{}: {}", p.name, p.detail);
            break;
        }
    return failure(
        fmt::format("{} did not come up on {}: {}", plan.unit, plan.want.listen_address(), failed),
        fmt::format("see `journalctl -u {}`", plan.unit));
}

Status expose(const ExposeOptions& o, ExposeReport& rep) {
    auto plan = read_arguments(o);
    if (!plan)
        return plan.error();
    rep.unit = plan->unit;
    rep.drop_in = plan->drop_in.string();
    rep.new_value = o.address;
    rep.listen = plan->want.listen_address();
    rep.connect_url = plan->want.connect_url();
    if (auto st = check_environment(); !st)
        return st;

    const auto timeout = std::chrono::duration<double>(o.timeout_seconds);
    const Deadline deadline = Clock::now() + std::chrono::duration_cast<Clock::duration>(timeout);
    auto lock = take_run_lock(default_lock_path, deadline);
    if (!lock)
        return lock.error();
    auto manager = Manager::connect();
    if (!manager)
        return manager.error();
    auto state = manager->unit_state(plan->unit);
    if (!state)
        return state.error();
    if (state->load_state != "loaded")
        return failure(fmt::format("unit {} is {}", plan->unit, state->load_state),
                       "is Ollama installed as a systemd service? name another unit with --unit");
    if (auto st = plan_edit(*plan, o.address, rep); !st)
        return st;

    Prover prover{*manager, *plan, {}};
    if (plan->want.family() == ollama::Family::name)
        prover.resolved = probe::resolve_host(plan->want.host);

    const bool running_ok = state->active_state == "active" && prover.process_proof(*state).ok;
    const bool reload = plan->write || state->need_daemon_reload;
    const bool restart = reload || !running_ok;

    if (plan->write) {
        if (auto st = write_drop_in(*plan, plan->new_content); !st)
            return st;
        rep.actions.push_back(fmt::format("wrote {}", plan->drop_in.string()));
        systemd::log_change(fmt::format("{}: set OLLAMA_HOST=\"{}\" in {} (was {})", plan->unit,
                                        o.address, plan->drop_in.string(), quoted(rep.old_value)),
                            {{"OLLAMA_NETCFG_UNIT", plan->unit},
                             {"OLLAMA_NETCFG_FILE", plan->drop_in.string()},
                             {"OLLAMA_NETCFG_OLD", rep.old_value.value_or("")},
                             {"OLLAMA_NETCFG_NEW", o.address}});
    }
    std::uint32_t restarts_before = state->n_restarts;
    if (restart) {
        rep.changed = true;
        auto applied = reload_and_restart(*manager, plan->unit, reload, deadline, rep);
        if (!applied)
            return rolled_back(applied.error(), *manager, *plan, o.no_rollback, rep);
        restarts_before = applied->restarts_before;
    }

    auto proofs = wait_for_proof(prover, deadline, restarts_before);
    if (!proofs)
        return proofs.error();
    rep.proofs = std::move(*proofs);
    if (rep.proven())
        return Ok{};

    rep.journal = systemd::last_journal_lines(plan->unit, 10);
    return rolled_back(proof_failure(rep, *plan), *manager, *plan, o.no_rollback, rep);
}

void print_report(const ExposeReport& rep, const GlobalOptions& g) {
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

} // namespace

int run_expose(const ExposeOptions& options, const GlobalOptions& global) {
    apply_verbosity(global);
    ExposeReport rep;
    if (auto st = expose(options, rep); !st)
        rep.error = st.error();
    print_report(rep, global);
    return rep.error ? static_cast<int>(rep.error->status) : 0;
}

void register_expose(CLI::App& app, const GlobalOptions& global, int& exit_status) {
    auto options = std::make_shared<ExposeOptions>();
    auto* sub = app.add_subcommand(
        "expose", "Make Ollama listen on ADDR (as OLLAMA_HOST reads it), through a systemd "
                  "drop-in, and prove it");
    sub->add_option("ADDR", options->address,
                    "Where Ollama listens: 0.0.0.0, [::], 192.168.1.10:8080, :11434, ...")
        ->required();
    sub->add_option("--unit", options->unit, "The Ollama service unit")->capture_default_str();
    sub->add_option("--drop-in", options->drop_in, "The drop-in file name in <unit>.d/")
        ->capture_default_str();
    sub->add_option("--timeout", options->timeout_seconds,
                    "Seconds to wait for the restart and the proof")
        ->capture_default_str();
    sub->add_flag("--no-rollback", options->no_rollback,
                  "Keep the new setting even when it does not come up");
    sub->callback([options, &global, &exit_status] { exit_status = run_expose(*options, global); });
}

} // namespace netcfg::cli
