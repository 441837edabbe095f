#include "ollama-netcfg/change/apply.hpp"

#include "ollama-netcfg/ollama/origins.hpp"

#include "ollama-netcfg/probe/http.hpp"
#include "ollama-netcfg/probe/process.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/systemd/journal.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <algorithm>
#include <ctime>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <thread>

namespace netcfg::change {
namespace {

namespace fs = std::filesystem;
using report::ExposeReport;
using report::Proof;
using systemd::Clock;
using systemd::Deadline;
using systemd::Manager;
using systemd::UnitState;

constexpr std::string_view host_var = ollama::variable;

bool listens_as(const std::optional<std::string>& value, const ollama::HostSetting& want) {
    return ollama::read_ollama_host(value.value_or("")).same_listener(want);
}

Status put_file(const fs::path& path, const std::optional<std::string>& content) {
    if (!content)
        return remove_file_durable(path);
    if (auto st = ensure_directory(path.parent_path(), 0755); !st)
        return st;
    return write_file_atomic(path, *content, 0644);
}

Result<fs::path> keep_backup(const FileEdit& e) {
    std::error_code ec;
    fs::create_directories(backup_dir.parent_path(), ec);
    if (auto st = ensure_directory(backup_dir, 0700); !st)
        return st.error();
    auto path = backup_path(e.path, std::time(nullptr));
    if (auto st = write_file_atomic(path, *e.old_content, 0600); !st)
        return st.error();
    return path;
}

// --- proving -------------------------------------------------------------

struct Prover {
    Manager& manager;
    const std::string& unit;
    const Target& target;
    std::vector<std::string> resolved;
    Progress* progress = nullptr;

    // With an origins change, OLLAMA_ORIGINS must read as wanted too.
    void add_origins(Proof& p, const std::optional<std::string>& have,
                     const std::optional<std::string>& want) const {
        if (!target.origins)
            return;
        p.ok = p.ok && have == want;
        p.detail += fmt::format(" and {}", origins_text(have));
    }

    static std::string origins_text(const std::optional<std::string>& v) {
        return v ? fmt::format("OLLAMA_ORIGINS=\"{}\"", *v) : std::string("no OLLAMA_ORIGINS");
    }

    Proof systemd_proof(const UnitState& s) const {
        auto v = s.environment_value(host_var);
        Proof p{"systemd", listens_as(v, target.environment),
                fmt::format("unit Environment has {}", ollama::describe_value(v))};
        if (target.origins)
            add_origins(p, s.environment_value(ollama::origins_variable),
                        target.origins->environment);
        return p;
    }

    Proof process_proof(const UnitState& s) const {
        if (s.main_pid == 0)
            return {"process", false,
                    fmt::format("no main process (unit is {}/{})", s.active_state, s.sub_state)};
        const auto pid = static_cast<pid_t>(s.main_pid);
        auto v = probe::process_environment_value(pid, host_var);
        if (!v)
            return {"process", false, v.error().message};
        Proof p{"process", listens_as(*v, target.listen),
                fmt::format("main PID {} has {}", s.main_pid, ollama::describe_value(*v))};
        if (target.origins) {
            auto o = probe::process_environment_value(pid, ollama::origins_variable);
            if (!o)
                return {"process", false, o.error().message};
            add_origins(p, *o, target.origins->process);
        }
        return p;
    }

    // A browser page's request: let through, with an
    // Access-Control-Allow-Origin that names the page (or `*`).
    Proof origin_proof(const std::string& origin, Deadline deadline) const {
        const auto to = endpoint();
        probe::HttpOptions ho;
        ho.timeout = std::clamp(
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()),
            std::chrono::milliseconds(200), std::chrono::milliseconds(3000));
        ho.origin = origin;
        auto a = probe::get(to, "/api/version", ho);
        const auto url = to.url("/api/version");
        if (!a.error.empty())
            return {"origin", false, fmt::format("GET {} with Origin {}: {}", url, origin, a.error)};
        const bool named = a.allow_origin == origin || a.allow_origin == "*";
        if (a.status == 200 && named)
            return {"origin", true,
                    fmt::format("GET {} with Origin {}: HTTP 200, Access-Control-Allow-Origin: {}",
                                url, origin, a.allow_origin)};
        return {"origin", false,
                fmt::format("GET {} with Origin {}: HTTP {}{}", url, origin, a.status,
                            a.status == 403 ? " (Ollama refuses this Origin)"
                            : named         ? ""
                                            : ", no Access-Control-Allow-Origin naming it"),
                a.status == 403};
    }

    Proof listener_proof(const UnitState& s) const {
        auto sockets = probe::listening_sockets(target.listen.port);
        probe::find_holders(sockets, probe::cgroup_pids(s.control_group));
        for (const auto& sock : sockets) {
            if (sock.pids.empty() || !probe::listener_covers(sock, target.listen.host, resolved))
                continue;
            return {"listener", true,
                    fmt::format("{} LISTEN ({}), held by {} (PID {}) of {}", sock.endpoint(),
                                sock.covers(), probe::process_name(sock.pids.front()),
                                sock.pids.front(), unit)};
        }
        return {"listener", false, describe_missing_listener(std::move(sockets))};
    }

    // `sockets` are those on the port, with the unit's own processes found.
    std::string describe_missing_listener(std::vector<probe::ListenSocket> sockets) const {
        for (const auto& sock : sockets)
            if (!sock.pids.empty())
                return fmt::format("{} listens on {}, not on {}", unit, sock.endpoint(),
                                   target.listen.listen_address());
        probe::find_any_holders(sockets);
        for (const auto& sock : sockets)
            if (!sock.pids.empty())
                return fmt::format("{} is held by {} (PID {}), not by {}", sock.endpoint(),
                                   probe::process_name(sock.pids.front()), sock.pids.front(), unit);
        if (!sockets.empty())
            return fmt::format("{} is held by a process outside {}", sockets.front().endpoint(),
                               unit);
        return fmt::format("nothing listens on {}", target.listen.listen_address());
    }

    // Where a client on this host reaches the listener the change wants.
    probe::Endpoint endpoint() const {
        return {target.listen.connect_host(), target.listen.port, {}};
    }

    Proof api_proof(Deadline deadline) const {
        const auto to = endpoint();
        const auto url = to.url("/api/version");
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
        auto timeout =
            std::clamp(left, std::chrono::milliseconds(200), std::chrono::milliseconds(3000));
        auto a = probe::get(to, "/api/version", timeout);
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

    // The four proofs, cheapest first; the API is only asked once something
    // listens.
    Result<std::vector<Proof>> prove_once(Deadline deadline, UnitState& state) const {
        auto s = manager.unit_state(unit);
        if (!s)
            return s.error();
        state = *s;
        std::vector<Proof> proofs{systemd_proof(state), process_proof(state),
                                  listener_proof(state)};
        if (proofs[2].ok)
            proofs.push_back(api_proof(deadline));
        else
            proofs.push_back({"api", false, "not tried: no listener yet"});
        if (target.origins && proofs[3].ok)
            for (const auto& origin : target.origins->prove)
                proofs.push_back(origin_proof(origin, deadline));
        return proofs;
    }
};

// A host name is resolved once, not at every poll.
Prover prover_for(Manager& m, const std::string& unit, const Target& target, Progress* progress) {
    Prover p{m, unit, target, {}, progress};
    if (target.listen.family() == ollama::Family::name)
        p.resolved = probe::resolve_host(target.listen.host);
    return p;
}

bool all_ok(const std::vector<Proof>& proofs) {
    return std::all_of(proofs.begin(), proofs.end(), [](const Proof& p) { return p.ok; });
}

// Until something accepts connections where the service should listen, for
// at most `limit`: a connect on this host is answered at once, so it is
// tried every millisecond, where one round of the proofs costs about as much
// (two GetAll, sock_diag, /proc). The proofs then say whose socket it is.
void wait_for_listener(const Prover& prover, std::chrono::milliseconds limit) {
    const auto to = prover.endpoint();
    if (probe::accepts_connection(to)) {
        // Something listens already and the proofs did not hold: not a
        // reason to ask again at once.
        std::this_thread::sleep_for(limit);
        return;
    }
    const auto until = Clock::now() + limit;
    while (Clock::now() < until) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        if (probe::accepts_connection(to))
            return;
    }
}

// Polls the proofs with bounded back-off until they all hold, the deadline
// passes, or the service visibly died (systemd restarted it or gave up).
Result<std::vector<Proof>> wait_for_proof(const Prover& prover, Deadline deadline,
                                          std::uint32_t restarts_before) {
    auto delay = std::chrono::milliseconds(5);
    if (prover.progress)
        prover.progress->phase(fmt::format("waiting for {} to listen on {} and answer", prover.unit,
                                           prover.target.listen.listen_address()));
    for (;;) {
        if (prover.progress)
            prover.progress->tick();
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
        if (proofs->size() > 2 && !(*proofs)[2].ok)
            wait_for_listener(prover, delay);
        else
            std::this_thread::sleep_for(delay);
        // Short steps: Ollama usually listens within ~100 ms of the restart,
        // and a long step would add its whole length to every run.
        delay = std::min(delay * 2, std::chrono::milliseconds(10));
    }
}

// --- applying ------------------------------------------------------------

Status reload(Manager& m, Deadline deadline, ExposeReport& rep) {
    if (auto st = m.reload(deadline); !st)
        return st;
    rep.actions.push_back(fmt::format("reloaded systemd ({})", m.transport()));
    return Ok{};
}

// Restarts the unit; returns its NRestarts afterwards.
Result<std::uint32_t> restart(Manager& m, const std::string& unit, Deadline deadline,
                              ExposeReport& rep, Progress* progress) {
    std::function<void()> tick;
    if (progress) {
        progress->phase(fmt::format("restarting {}, waiting for its job", unit));
        tick = [progress] { progress->tick(); };
    }
    auto job = m.restart(unit, deadline, tick);
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
    return s->n_restarts;
}

// Writes the edits in order; edits[0, written) reached the disk, so a
// failure part way rolls back only those.
Status write_edits(const std::vector<FileEdit>& edits, std::size_t& written, ExposeReport& rep) {
    for (std::size_t i = 0; i < edits.size(); ++i) {
        const auto& e = edits[i];
        if (!e.changes())
            continue;
        auto fields = e.log_fields;
        if (e.keep_backup && e.old_content) {
            auto backup = keep_backup(e);
            if (!backup)
                return backup.error();
            rep.backups.push_back(backup->string());
            rep.actions.push_back(
                fmt::format("kept a copy of {} in {}", e.path.string(), backup->string()));
            fields["OLLAMA_NETCFG_BACKUP"] = backup->string();
        }
        remove_stale_temp_files(e.path);
        if (auto st = put_file(e.path, e.new_content); !st)
            return st;
        rep.record_file(e.path.string(), e.old_content, e.new_content);
        rep.actions.push_back(
            fmt::format("{} {}", e.new_content ? "wrote" : "removed", e.path.string()));
        written = i + 1;
        fields["OLLAMA_NETCFG_FILE"] = e.path.string();
        systemd::log_change(e.log_message, fields);
    }
    return Ok{};
}

// Puts every file back as it was and brings the old state up again.
// Returns whether it is back: the files restored, systemd reloaded and,
// after a restart, the previous setting proven again.
bool roll_back(Manager& m, const ApplyOptions& o, const std::vector<FileEdit>& edits,
               bool restarted, ExposeReport& rep) {
    const std::string& unit = o.unit;
    const Deadline deadline = Clock::now() + std::chrono::seconds(30);
    for (const auto& e : edits) {
        if (!e.changes())
            continue;
        if (auto st = put_file(e.path, e.old_content); !st) {
            rep.actions.push_back("rollback FAILED: " + st.error().message);
            return false;
        }
        rep.actions.push_back(
            fmt::format("{} {}", e.old_content ? "restored" : "removed", e.path.string()));
        systemd::log_change(fmt::format("{}: rolled back {}", unit, e.path.string()),
                            {{"OLLAMA_NETCFG_UNIT", unit},
                             {"OLLAMA_NETCFG_FILE", e.path.string()},
                             {"OLLAMA_NETCFG_ACTION", "rollback"}});
    }
    if (auto st = reload(m, deadline, rep); !st) {
        rep.actions.push_back("rollback reload FAILED: " + st.error().message);
        return false;
    }
    if (!restarted)
        return true;
    if (o.progress)
        o.progress->phase("rolling back");
    auto r = restart(m, unit, deadline, rep, o.progress);
    if (!r) {
        rep.actions.push_back("rollback restart FAILED: " + r.error().message);
        return false;
    }
    auto prover = prover_for(m, unit, o.previous, o.progress);
    auto proofs = wait_for_proof(prover, deadline, *r);
    if (proofs && all_ok(*proofs)) {
        rep.actions.push_back(fmt::format("the previous setting is back: {} listens on {}", unit,
                                          o.previous.listen.listen_address()));
        return true;
    }
    std::string why = proofs ? "" : proofs.error().message;
    if (proofs)
        for (const auto& p : *proofs)
            if (!p.ok && why.empty())
                why = fmt::format("{}: {}", p.name, p.detail);
    rep.actions.push_back("the previous setting did NOT come back: " + why);
    return false;
}

Error proof_failure(const ExposeReport& rep, const std::string& unit, const Target& target) {
    std::string failed;
    for (const auto& p : rep.proofs)
        if (!p.ok) {
            failed = fmt::format("{}: {}", p.name, p.detail);
            break;
        }
    return failure(
        fmt::format("{} did not come up on {}: {}", unit, target.listen.listen_address(), failed),
        fmt::format("see `journalctl -u {}`", unit));
}

} // namespace

Target target_of(const config::Resolution& layers) {
    return {ollama::read_ollama_host(layers.effective.value_or("")),
            ollama::read_ollama_host(layers.environment.value_or("")), std::nullopt};
}

fs::path backup_path(const fs::path& path, std::time_t now) {
    auto flat = path.relative_path().string();
    std::replace(flat.begin(), flat.end(), '/', '_');
    return backup_dir / fmt::format("{}.{:%Y%m%dT%H%M%SZ}", flat, fmt::gmtime(now));
}

Status apply(Manager& manager, const UnitState& before, const std::vector<FileEdit>& edits,
             const Target& target, const ApplyOptions& o, ExposeReport& rep) {
    const bool writes =
        std::any_of(edits.begin(), edits.end(), [](const FileEdit& e) { return e.changes(); });
    auto prover = prover_for(manager, o.unit, target, o.progress);

    bool restarted = false;
    std::size_t written = 0;
    // Any failure after the first write puts every file back, unless told not to.
    auto undo = [&](Error error) {
        if (written == 0 || o.no_rollback)
            return error;
        rep.rolled_back =
            roll_back(manager, o, {edits.begin(), edits.begin() + written}, restarted, rep);
        error.message += rep.rolled_back ? "; the previous setting was put back"
                                         : "; putting the previous setting back FAILED (see "
                                           "the actions)";
        return error;
    };

    if (auto st = write_edits(edits, written, rep); !st)
        return undo(st.error());
    UnitState state = before;
    if (writes || before.need_daemon_reload) {
        rep.changed = true;
        if (o.progress)
            o.progress->phase("reloading systemd");
        if (auto st = reload(manager, o.deadline, rep); !st)
            return undo(st.error());
        auto s = manager.unit_state(o.unit);
        if (!s)
            return undo(s.error());
        state = *s;
    }
    // A restart unloads Ollama's models: only when the process does not
    // already run with the wanted setting.
    const bool running_ok = state.active_state == "active" && prover.systemd_proof(state).ok &&
                            prover.process_proof(state).ok;
    std::uint32_t restarts_before = state.n_restarts;
    if (!running_ok) {
        rep.changed = true;
        restarted = true;
        auto r = restart(manager, o.unit, o.deadline, rep, o.progress);
        if (!r)
            return undo(r.error());
        restarts_before = *r;
    }

    auto proofs = wait_for_proof(prover, o.deadline, restarts_before);
    if (!proofs)
        return proofs.error();
    rep.proofs = std::move(*proofs);
    if (rep.proven())
        return Ok{};
    rep.journal = systemd::last_journal_lines(o.unit, 10);
    return undo(proof_failure(rep, o.unit, target));
}

} // namespace netcfg::change
