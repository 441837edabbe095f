// Proving a change: systemd's Environment=, the main process's environment,
// a LISTEN socket of the unit's cgroup covering the address, GET
// /api/version there (and, for OLLAMA_ORIGINS, a request with each Origin),
// polled with back-off under the run's one deadline (src/change/prove.cpp).
#pragma once

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/ollama/origins.hpp"
#include "ollama-netcfg/ollama/proxy.hpp"
#include "ollama-netcfg/probe/ollama_api.hpp"
#include "ollama-netcfg/probe/process.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/systemd/manager.hpp"
#include "ollama-netcfg/util/progress.hpp"

#include <fmt/format.h>
#include <optional>
#include <string>
#include <vector>

namespace netcfg::change {

inline bool listens_as(const std::optional<std::string>& value, const ollama::HostSetting& want) {
    return ollama::read_ollama_host(value.value_or("")).same_listener(want);
}

struct Prover {
    using Manager = systemd::Manager;
    using UnitState = systemd::UnitState;
    using Deadline = systemd::Deadline;
    using Clock = systemd::Clock;
    static constexpr std::string_view host_var = ollama::variable;

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

    // Each other variable of the change must read as wanted too.
    static void add_variable(Proof& p, const std::string& name,
                             const std::optional<std::string>& have,
                             const std::optional<std::string>& want) {
        p.ok = p.ok && have == want;
        p.detail += have ? fmt::format(" and {}=\"{}\"", name, ollama::redact_proxy(*have))
                         : fmt::format(" and no {}", name);
    }

    Proof systemd_proof(const UnitState& s) const {
        auto v = s.environment_value(host_var);
        Proof p{"systemd", listens_as(v, target.environment),
                fmt::format("unit Environment has {}", ollama::describe_host(v))};
        if (target.origins)
            add_origins(p, s.environment_value(ollama::origins_variable),
                        target.origins->environment);
        for (const auto& t : target.variables)
            add_variable(p, t.name, s.environment_value(t.name), t.environment);
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
                fmt::format("main PID {} has {}", s.main_pid, ollama::describe_host(*v))};
        if (target.origins) {
            auto o = probe::process_environment_value(pid, ollama::origins_variable);
            if (!o)
                return {"process", false, o.error().message};
            add_origins(p, *o, target.origins->process);
        }
        for (const auto& t : target.variables) {
            auto o = probe::process_environment_value(pid, t.name);
            if (!o)
                return {"process", false, o.error().message};
            add_variable(p, t.name, *o, t.process);
        }
        return p;
    }

    // A browser page's request: let through, with an
    // Access-Control-Allow-Origin that names the page (or `*`).
    Proof origin_proof(const std::string& origin, Deadline deadline) const {
        auto a = probe::ask_version(endpoint(), {time_left(deadline), origin, {}});
        const auto& url = a.url;
        if (!a.error.empty())
            return {"origin", false,
                    fmt::format("GET {} with Origin {}: {}", url, origin, a.error)};
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
        auto found = probe::find_listeners(target.listen.host, target.listen.port, resolved,
                                           probe::cgroup_pids(s.control_group));
        for (const auto& sock : found.serving)
            return {"listener", true,
                    fmt::format("{} LISTEN ({}), held by {} (PID {}) of {}", sock.endpoint(),
                                sock.covers(), probe::process_name(sock.pids.front()),
                                sock.pids.front(), unit)};
        return {"listener", false, describe_missing_listener(std::move(found.sockets))};
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

    // One request's share of what is left: at least 200 ms, at most 3 s.
    static std::chrono::milliseconds time_left(Deadline deadline) {
        return std::clamp(
            std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()),
            std::chrono::milliseconds(200), std::chrono::milliseconds(3000));
    }

    // Where a client on this host reaches the listener the change wants.
    probe::Endpoint endpoint() const {
        return {target.listen.connect_host(), target.listen.port, {}};
    }

    Proof api_proof(Deadline deadline) const {
        auto a = probe::ask_version(endpoint(), time_left(deadline));
        const auto& url = a.url;
        if (!a.error.empty())
            return {"api", false, fmt::format("GET {}: {}", url, a.error)};
        const auto& version = a.version;
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
    // listens. The unit's state is read, unless `known` is one just read.
    Result<std::vector<Proof>> prove_once(Deadline deadline, UnitState& state,
                                          const UnitState* known = nullptr) const {
        if (known) {
            state = *known;
        } else {
            auto s = manager.unit_state(unit);
            if (!s)
                return s.error();
            state = *s;
        }
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
Prover prover_for(systemd::Manager& m, const std::string& unit, const Target& target,
                  Progress* progress);
bool all_ok(const std::vector<Proof>& proofs);
// Polls the proofs with bounded back-off until they all hold, the deadline
// passes, or the service visibly died (systemd restarted it or gave up).
// `unchanged`: the unit's state as read before a change that changed
// nothing (no file written, no reload, no restart): the first round proves
// it without asking systemd again (its two GetAll replies are most of a
// no-op's own work).
Result<std::vector<Proof>> wait_for_proof(const Prover& prover, systemd::Deadline deadline,
                                          std::uint32_t restarts_before,
                                          const systemd::UnitState* unchanged = nullptr);

} // namespace netcfg::change
