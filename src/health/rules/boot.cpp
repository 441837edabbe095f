// After the next reboot: the address Ollama binds exists, systemd starts the
// unit at boot, and it tries again when the bind fails (Ollama exits with
// status 1 then).
#include "ollama-netcfg/net/address.hpp"
#include "rules.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <fmt/chrono.h>
#include <fmt/format.h>

namespace netcfg::health::rules {
namespace {

// Whether systemd starts Ollama again after it exited with status 1. An
// unread Restart= (empty) is not a finding.
bool retries_after_failed_bind(const Facts& f) {
    if (f.restart.empty())
        return true;
    const auto& prevent = f.restart_prevent_exit_status;
    const bool prevented = std::find(prevent.begin(), prevent.end(), 1) != prevent.end();
    return (f.restart == "always" || f.restart == "on-failure") && !prevented;
}

// "Restart=on-failure, RestartPreventExitStatus=1"
std::string why_no_retry(const Facts& f) {
    if (f.restart != "always" && f.restart != "on-failure")
        return fmt::format("Restart={}", f.restart);
    return fmt::format("Restart={}, RestartPreventExitStatus= has 1", f.restart);
}

std::string seconds(std::uint64_t usec) {
    return fmt::format("{:g} s", static_cast<double>(usec) / 1e6);
}

} // namespace

void address_not_assigned(Findings& r) {
    const Facts& f = r.f;
    if (!f.address_missing)
        return;
    auto msg = fmt::format("no interface of this host has {}, so Ollama cannot listen on {}",
                           f.want.host, f.want.listen_address());
    if (!f.bind_error.empty())
        msg += fmt::format(" (journal: {})", f.bind_error);
    if (f.bind_failing_since_usec != 0)
        msg += fmt::format(
            "; {} failed bind{} since {:%Y-%m-%d %H:%M:%S %Z}", f.bind_failures,
            f.bind_failures == 1 ? "" : "s",
            fmt::localtime(static_cast<std::time_t>(f.bind_failing_since_usec / 1000000)));
    msg += fmt::format("; {} is {} ({})", f.unit, f.active_state, f.sub_state);
    if (f.n_restarts > 0)
        msg += fmt::format(", restarted {} time{}", f.n_restarts, f.n_restarts == 1 ? "" : "s");
    if (retries_after_failed_bind(f))
        msg += fmt::format(", and tries again every {} (Restart={})", seconds(f.restart_usec),
                           f.restart);
    else
        msg += fmt::format(", and does not try again ({})", why_no_retry(f));
    r.add(Code::address_not_assigned, Severity::critical, msg,
          fmt::format("bring {} up on its interface (whatever manages it: NetworkManager, "
                      "systemd-networkd, Docker, Tailscale, WireGuard) and order {} after it: "
                      "`ollama-netcfg expose {}{}` does for the owners it knows, `--after UNIT` "
                      "names another; or listen on every address: `ollama-netcfg expose {}{}`",
                      f.want.host, f.unit, f.want.host, unit_option(f),
                      net::host_port("0.0.0.0", f.want.port), unit_option(f)));
}

void service_disabled(Findings& r) {
    const Facts& f = r.f;
    static constexpr std::array not_at_boot{"disabled", "enabled-runtime", "linked",
                                            "linked-runtime"};
    if (std::find(not_at_boot.begin(), not_at_boot.end(), f.unit_file_state) == not_at_boot.end())
        return;
    r.add(Code::service_disabled, Severity::warning,
          fmt::format("{} is {}: systemd does not start it at boot, so after the next reboot "
                      "nothing serves {}",
                      f.unit, f.unit_file_state, f.want.listen_address()),
          fmt::format("`systemctl enable {}`", f.unit));
}

void no_retry_at_boot(Findings& r) {
    const Facts& f = r.f;
    if (f.want.wildcard() || f.want.loopback() || f.address_missing || retries_after_failed_bind(f))
        return;
    r.add(Code::no_retry_at_boot, Severity::warning,
          fmt::format("Ollama must bind {}, which its interface may bring up only after {} "
                      "starts at boot; that bind then fails, Ollama exits with status 1 and {} "
                      "does not try again ({})",
                      f.want.host, f.unit, f.unit, why_no_retry(f)),
          fmt::format("let it try again: a drop-in of {} with `[Service]`, `Restart=on-failure`, "
                      "`RestartSec=3`{}; or order it after the unit that brings {} up (After= "
                      "and Wants=)",
                      f.unit,
                      f.restart == "always" || f.restart == "on-failure"
                          ? " and `RestartPreventExitStatus=` (empty)"
                          : "",
                      f.want.host));
}

} // namespace netcfg::health::rules
