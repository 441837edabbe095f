// The service itself: loaded, running, reloaded, with the environment systemd gives it.
#include "rules.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace netcfg::health {

Wording unit_not_loaded(const std::string& unit, const std::string& load_state) {
    const std::string status = fmt::format("see `systemctl status {}`", unit);
    if (load_state == "not-found")
        return {fmt::format("there is no unit {}: systemd has no unit file of that name", unit),
                "is Ollama installed as a service (`systemctl list-unit-files 'ollama*'`)? "
                "Name its unit with --unit"};
    if (load_state == "masked")
        return {fmt::format("{} is masked (its unit file is a link to /dev/null), so systemd "
                            "will not start it",
                            unit),
                fmt::format("`systemctl unmask {}` if it should run", unit)};
    if (load_state == "bad-setting")
        return {
            fmt::format("{} has a setting systemd cannot use, so systemd did not load it", unit),
            status + " and fix the unit file"};
    if (load_state == "error")
        return {fmt::format("systemd could not load the unit file of {}", unit),
                status + " and `journalctl -b -u " + unit + "`"};
    return {fmt::format("systemd has not loaded {} (its load state is \"{}\")", unit,
                        load_state.empty() ? "unknown" : load_state),
            status};
}

namespace rules {

void unit_not_found(Findings& r) {
    auto said = unit_not_loaded(r.f.unit, r.f.load_state);
    r.add(Code::unit_not_found, Severity::critical, said.message, said.advice);
}

void service(Findings& r) {
    const Facts& f = r.f;
    if (f.active_state == "active" || f.address_missing)
        return; // address-not-assigned names the cause
    auto state = fmt::format("{} is {} ({})", f.unit, f.active_state, f.sub_state);
    if (!f.result.empty() && f.result != "success")
        state += fmt::format(", result {}", f.result);
    if (f.n_restarts > 0)
        state += fmt::format(", restarted {} time{}", f.n_restarts, f.n_restarts == 1 ? "" : "s");
    r.add(
        Code::service_inactive, Severity::critical, state,
        fmt::format("see `journalctl -u {}`; start it with `systemctl start {}`", f.unit, f.unit));
}

void reload_pending(Findings& r) {
    const Facts& f = r.f;
    if (!f.need_daemon_reload)
        return;
    auto msg =
        fmt::format("{}'s unit files changed on disk and systemd has not reloaded them", f.unit);
    auto disk = f.layers.environment;
    if (!same(disk, f.systemd_env))
        msg += fmt::format(" (on disk {}, loaded {})", ollama::describe_host(disk),
                           ollama::describe_host(f.systemd_env));
    r.add(Code::reload_pending, Severity::warning, msg,
          fmt::format("run `systemctl daemon-reload` and restart {}, or `{}`, which does both",
                      f.unit, expose_hint(f)));
}

void stale(Findings& r) {
    const Facts& f = r.f;
    if (f.active_state != "active" || !f.process_visible || same(f.process_value, f.in_effect))
        return;
    r.add(Code::stale_environment, Severity::warning,
          fmt::format("main PID {} runs with {}, but systemd now gives {} (listening on {} "
                      "after the next restart)",
                      f.main_pid, ollama::describe_host(f.process_value),
                      ollama::describe_host(f.in_effect), listen_of(f.in_effect, f.kernel_ipv6)),
          fmt::format("restart it (`systemctl restart {}`) or run `{}`", f.unit, expose_hint(f)));
}

void visibility(Findings& r) {
    const Facts& f = r.f;
    if (f.active_state == "active" && !f.process_visible && !f.process_gone)
        not_visible(
            r, fmt::format("cannot read the environment of main PID {} ({}); stale-environment "
                           "was not checked",
                           f.main_pid, f.process_error));
    if (!f.owners_visible)
        not_visible(r, "cannot see which processes hold the listening sockets; sockets on the port "
                       "were taken as the unit's");
    for (const auto& l : f.layers.layers)
        if (!l.read_error.empty())
            not_visible(r, fmt::format("cannot read {}", l.read_error));
}

} // namespace rules
} // namespace netcfg::health
