// Who listens on the wanted address, and what the API there answers.
#include "ollama-netcfg/net/address.hpp"
#include "ollama-netcfg/ollama/models.hpp"
#include "rules.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace netcfg::health::rules {
namespace {

bool is_foreign_server(const Facts& f, pid_t pid) {
    return std::any_of(f.foreign_servers.begin(), f.foreign_servers.end(),
                       [&](const ForeignServer& s) { return s.process.pid == pid; });
}

// The unit's address is served and gave a version answer.
bool answered(const Facts& f) {
    return f.served() && f.api_tried && f.api_status == 200 && f.version;
}

} // namespace

// An `ollama serve` outside the unit: settings made for the service do
// not reach it, and on the service's address it makes the service
// crash-loop ("address already in use", again every RestartSec).
void foreign_servers(Findings& r) {
    const Facts& f = r.f;
    for (const auto& s : f.foreign_servers) {
        const auto& p = s.process;
        std::string listens = "not listening";
        for (const auto& e : s.endpoints)
            listens = (listens == "not listening" ? "listening on " : listens + ", ") + e;
        r.add(Code::foreign_server, s.holds_wanted ? Severity::critical : Severity::warning,
              fmt::format(
                  "an `ollama serve` outside {} runs ({}) with {}, {}{}{}", f.unit, p.describe(),
                  p.env_visible ? ollama::describe_host(p.ollama_host)
                                : std::string("an environment this user cannot read"),
                  listens, s.answer.empty() ? "" : "; it answers: " + s.answer,
                  s.holds_wanted ? fmt::format("; it holds the address {} needs, so the service "
                                               "cannot bind it and keeps restarting",
                                               f.unit)
                                 : ""),
              fmt::format("stop it (`kill {}`){}; to try an address until the next reboot, "
                          "use `ollama-netcfg expose ADDR --runtime` instead of a hand-started "
                          "server",
                          p.pid,
                          s.holds_wanted ? fmt::format(", and the service takes its address at "
                                                       "its next restart")
                                         : ""));
    }
}

void listener(Findings& r) {
    const Facts& f = r.f;
    const bool active = f.active_state == "active";
    if (f.served())
        return; // api() judges a served address
    bool held_elsewhere = false;
    const SocketSeen* unit_socket = nullptr;
    const SocketSeen* foreign = nullptr;
    for (const auto& s : f.sockets) {
        if (s.unit_owned && !unit_socket)
            unit_socket = &s;
        if (!s.unit_owned && f.owners_visible && s.pid != 0 && !foreign)
            foreign = &s;
        held_elsewhere = held_elsewhere || (!s.unit_owned && f.owners_visible);
    }
    if (foreign && is_foreign_server(f, foreign->pid))
        return; // foreign-server names it, with how it was started
    if (foreign || (held_elsewhere && !unit_socket)) {
        auto who = foreign ? fmt::format("{} (PID {})", foreign->process, foreign->pid)
                           : std::string("a process outside the unit");
        auto ep = foreign ? foreign->endpoint : f.want.listen_address();
        // docker-proxy holds a port a container publishes: name the container.
        for (const auto& c : f.containers)
            for (const auto& b : c.container.bindings)
                if (c.container.state == "running" && b.host_port == f.want.port)
                    who += fmt::format(" for the Ollama container {} ({}, {})", c.container.name,
                                       c.container.image, b.text());
        r.add(Code::port_in_use, Severity::critical,
              fmt::format("{} is held by {}, not by {}", ep, who, f.unit),
              fmt::format("stop that process (or container), or move Ollama to another port: "
                          "`ollama-netcfg expose {}:PORT`",
                          net::bracketed(f.want.host)));
        return;
    }
    if (!active || f.address_missing)
        return; // service-inactive or address-not-assigned says it all
    if (unit_socket) {
        r.add(Code::unexpected_address, Severity::critical,
              fmt::format("{} listens on {}, not on {}{}", f.unit, unit_socket->endpoint,
                          f.want.listen_address(),
                          f.expect_given
                              ? fmt::format(" (configured: {})", ollama::describe_host(f.in_effect))
                              : ""),
              f.expect_given ? fmt::format("`{}`", expose_hint(f))
                             : fmt::format("restart it: `systemctl restart {}`", f.unit));
        return;
    }
    r.add(Code::not_listening, Severity::critical,
          fmt::format("nothing listens on {} (main PID {})", f.want.listen_address(), f.main_pid),
          fmt::format("see `journalctl -u {}`", f.unit));
}

void api(Findings& r) {
    const Facts& f = r.f;
    if (!f.served() || !f.api_tried || answered(f))
        return;
    std::string what = !f.api_error.empty()
                           ? f.api_error
                           : fmt::format("HTTP {}, not an Ollama version answer", f.api_status);
    std::string advice = fmt::format("see `journalctl -u {}`", f.unit);
    if (f.api_status == 403)
        advice = "Ollama refuses this request's Host header (it does so on a loopback "
                 "listener); connect with a local Host name or listen on another address";
    r.add(Code::api_unreachable, Severity::critical, fmt::format("GET {}: {}", f.api_url, what),
          advice);
}

// -w/-c: the answer came, but slower than the admin allows.
void api_slow_for(Findings& r, const std::string& url, double seconds, std::string advice) {
    const auto& l = r.f.limits;
    const bool critical = l.api_critical && seconds > *l.api_critical;
    const bool warning = l.api_warning && seconds > *l.api_warning;
    if (!critical && !warning)
        return;
    r.add(Code::api_slow, critical ? Severity::critical : Severity::warning,
          fmt::format("GET {} took {:.3f} s, over the {} threshold of {:g} s", url, seconds,
                      critical ? "critical" : "warning",
                      critical ? *l.api_critical : *l.api_warning),
          std::move(advice));
}

void api_slow(Findings& r) {
    const Facts& f = r.f;
    if (!answered(f))
        return;
    api_slow_for(r, f.api_url, f.api_seconds,
                 fmt::format("the server is busy or short of memory: see `journalctl -u {}` and "
                             "`ollama ps` (what is loaded)",
                             f.unit));
}

// --model: every model the admin named is on the server.
void models(Findings& r) {
    const Facts& f = r.f;
    if (!answered(f) || !f.models_tried)
        return;
    if (!f.models_error.empty()) {
        r.add(Code::model_missing, Severity::critical,
              fmt::format("cannot tell whether {} {} there: {}", fmt::join(f.limits.models, ", "),
                          f.limits.models.size() == 1 ? "is" : "are", f.models_error),
              fmt::format("see `journalctl -u {}`", f.unit));
        return;
    }
    for (const auto& m : ollama::missing_models(f.limits.models, f.models))
        r.add(Code::model_missing, Severity::critical,
              fmt::format("model {} is not on the server (it has {})", m,
                          f.models.empty() ? std::string("none")
                                           : fmt::format("{}", fmt::join(f.models, ", "))),
              fmt::format("pull it where the service looks: `{}ollama pull {}`",
                          f.want.connect_url() == "http://127.0.0.1:11434"
                              ? std::string()
                              : "OLLAMA_HOST=" + f.want.connect_url() + " ",
                          m));
}

} // namespace netcfg::health::rules
