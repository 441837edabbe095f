// Every problem code, defined once: its name (docs/problem-codes.md), the
// severities it is reported with, the rule file and function that find it,
// and one line of meaning. A problem can only be made from a Code, so a code
// that is not in this table cannot be emitted.
#pragma once

#include "ollama-netcfg/health/problems.hpp"

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace netcfg::health {

enum class Code {
    unit_not_found,
    service_inactive,
    address_not_assigned,
    reload_pending,
    stale_environment,
    unexpected_address,
    not_listening,
    port_in_use,
    api_unreachable,
    set_in_main_unit,
    shadowed_drop_in,
    duplicate_setting,
    ignored_assignment,
    runtime_only,
    service_disabled,
    no_retry_at_boot,
    foreign_server,
    address_unreachable,
    containers_cannot_reach,
    firewall_blocks,
    firewall_partial,
    firewall_undecided,
    open_to_internet,
    url_unreachable,
    proxy_auth_required,
    proxy_bypassable,
    credentials_readable,
    origin_refused,
    bad_origins,
    open_to_any_site,
    client_env_stale,
    http_proxy_set,
    no_proxy_missing_listener,
    proxy_spellings_differ,
    pull_proxy_unreachable,
    pull_proxy_refused,
    pull_certificate_untrusted,
    pull_registry_unreachable,
    docker_bypasses_firewall,
    container_not_found,
    not_visible,
    api_slow,
    model_missing,
    check_timed_out,
    check_failed,
};

struct Rule {
    Code code;
    std::string_view name;     // the stable code, as printed
    std::string_view severity; // as docs/problem-codes.md's severity column says it
    std::string_view found_in; // the rule file and function that find it
    std::string_view meaning;  // one line
};

// In docs/problem-codes.md order, which is the order of Code.
std::span<const Rule> catalogue();
std::string_view code_name(Code code);
std::optional<Code> find_code(std::string_view name);

// The one way to make a Problem.
Problem problem(Code code, Severity severity, std::string message, std::string advice);

} // namespace netcfg::health
