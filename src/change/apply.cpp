// Carrying out a change: write (with backups), reload, restart only when the
// running process needs it, prove (change/prove.cpp), roll back on failure.
#include "ollama-netcfg/change/apply.hpp"

#include "ollama-netcfg/change/prove.hpp"
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
using systemd::Clock;
using systemd::Deadline;
using systemd::Manager;
using systemd::UnitState;

Status put_file(const fs::path& path, const std::optional<std::string>& content, mode_t mode) {
    if (!content)
        return remove_file_durable(path);
    if (auto st = ensure_directory(path.parent_path(), 0755); !st)
        return st;
    return write_file_atomic(path, *content, mode);
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

// --- applying ------------------------------------------------------------

Status reload(Manager& m, Deadline deadline, Outcome& rep) {
    if (auto st = m.reload(deadline); !st)
        return st;
    rep.actions.push_back(fmt::format("reloaded systemd ({})", m.transport()));
    return Ok{};
}

// What a job that outlived the deadline was doing, for the admin.
std::string unfinished_job(const std::string& result) {
    if (result == "timeout-waiting")
        return "systemd had not begun its job (still queued: behind the jobs it is ordered "
               "after, or while requests kept systemd busy)";
    if (result == "timeout-running")
        return "its job was still running (the old process stopping or the new one starting)";
    return "its job had not ended";
}

// Restarts the unit; returns its state afterwards.
Result<UnitState> restart(Manager& m, const std::string& unit, Deadline deadline, Outcome& rep,
                          Progress* progress) {
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
    if (*job != "done" && s->result == "start-limit-hit") {
        // systemd refused the start before Ollama ran: the unit was started
        // StartLimitBurst= times within StartLimitIntervalSec=. Since
        // systemd 255 a daemon-reload no longer resets that count, so a
        // few changes in a row (or a change and its rollback) reach it.
        // This restart is the admin's own request, once: reset the count as
        // `systemctl reset-failed` does and ask again.
        if (auto st = m.reset_failed(unit, deadline); !st)
            return st.error();
        rep.actions.push_back(
            fmt::format("{} had reached its start limit (StartLimitBurst= starts within "
                        "StartLimitIntervalSec=); reset it, as `systemctl reset-failed` does",
                        unit));
        job = m.restart(unit, deadline, tick);
        if (!job)
            return job.error();
        s = m.unit_state(unit);
        if (!s)
            return s.error();
    }
    if (job->starts_with("timeout-")) {
        rep.journal = systemd::last_journal_lines(unit, 10);
        return failure(fmt::format("restarting {} did not end in time: {}; Service.Result {}, "
                                   "unit {}/{}",
                                   unit, unfinished_job(*job), s->result, s->active_state,
                                   s->sub_state),
                       fmt::format("see what the job waits for with `systemctl list-jobs "
                                   "--after`, and `journalctl -u {}`; a longer --timeout "
                                   "gives it more time",
                                   unit));
    }
    if (*job != "done") {
        rep.journal = systemd::last_journal_lines(unit, 10);
        return failure(fmt::format("restarting {} failed: job {}, Service.Result {}, unit {}/{}",
                                   unit, *job, s->result, s->active_state, s->sub_state),
                       fmt::format("see `journalctl -u {}`", unit));
    }
    rep.actions.push_back(fmt::format("restarted {} (job done, main PID {})", unit, s->main_pid));
    return *s;
}

// Writes the edits in order; edits[0, written) reached the disk, so a
// failure part way rolls back only those.
Status write_edits(const std::vector<FileEdit>& edits, std::size_t& written, Outcome& rep) {
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
        if (auto st = put_file(e.path, e.new_content, e.mode); !st)
            return st;
        rep.files.push_back({e.path.string(), e.shown(e.old_content), e.shown(e.new_content)});
        rep.actions.push_back(
            fmt::format("{} {}", e.new_content ? "wrote" : "removed", e.path.string()));
        written = i + 1;
        fields["OLLAMA_NETCFG_FILE"] = e.path.string();
        systemd::log_entry(e.log_message, fields);
    }
    return Ok{};
}

// Puts every file back as it was and brings the old state up again.
// Returns whether it is back: the files restored, systemd reloaded and,
// after a restart, the previous setting proven again.
bool roll_back(Manager& m, const ApplyOptions& o, const std::vector<FileEdit>& edits,
               bool restarted, Outcome& rep) {
    const std::string& unit = o.unit;
    const Deadline deadline = Clock::now() + std::chrono::seconds(30);
    for (const auto& e : edits) {
        if (!e.changes())
            continue;
        if (auto st = put_file(e.path, e.old_content, e.mode); !st) {
            rep.actions.push_back("rollback FAILED: " + st.error().message);
            return false;
        }
        rep.actions.push_back(
            fmt::format("{} {}", e.old_content ? "restored" : "removed", e.path.string()));
        systemd::log_entry(fmt::format("{}: rolled back {}", unit, e.path.string()),
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
    auto proofs = wait_for_proof(prover, deadline, r->n_restarts);
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

Error proof_failure(const Outcome& rep, const std::string& unit, const Target& target) {
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

fs::path backup_path(const fs::path& path, std::time_t now) {
    auto flat = path.relative_path().string();
    std::replace(flat.begin(), flat.end(), '/', '_');
    return backup_dir / fmt::format("{}.{:%Y%m%dT%H%M%SZ}", flat, fmt::gmtime(now));
}

namespace {

// apply() without the bookkeeping: the error, if any, after a rollback.
std::optional<Error> carry_out(Manager& manager, const UnitState& before,
                               const std::vector<FileEdit>& edits, const Target& target,
                               const ApplyOptions& o, Outcome& rep) {
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
    const bool running_ok = !target.restart && state.active_state == "active" &&
                            prover.systemd_proof(state).ok && prover.process_proof(state).ok;
    std::uint32_t restarts_before = state.n_restarts;
    if (!running_ok) {
        rep.changed = true;
        restarted = true;
        auto r = restart(manager, o.unit, o.deadline, rep, o.progress);
        if (!r)
            return undo(r.error());
        state = *r;
        restarts_before = state.n_restarts;
    }
    // A unit that was stopped had no cgroup before: what is said after the
    // proof (who can connect, what local clients need) is about this one.
    rep.control_group = state.control_group;

    auto proofs =
        wait_for_proof(prover, o.deadline, restarts_before, rep.changed ? nullptr : &state);
    if (!proofs)
        return proofs.error();
    rep.proofs = std::move(*proofs);
    if (rep.proven())
        return std::nullopt;
    rep.journal = systemd::last_journal_lines(o.unit, 10);
    return undo(proof_failure(rep, o.unit, target));
}

} // namespace

Outcome apply(Manager& manager, const UnitState& before, const std::vector<FileEdit>& edits,
              const Target& target, const ApplyOptions& o) {
    Outcome rep;
    rep.error = carry_out(manager, before, edits, target, o, rep);
    return rep;
}

} // namespace netcfg::change
