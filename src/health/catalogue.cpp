// The table of problem codes. Adding a code: a Code value, a row here in the
// same place, a row in docs/problem-codes.md, and the rule that finds it in
// src/health/rules/. test_health_catalogue checks the three agree.
#include "ollama-netcfg/health/catalogue.hpp"

#include <array>
#include <stdexcept>

namespace netcfg::health {
namespace {

constexpr std::array rules{
    Rule{Code::unit_not_found, "unit-not-found", "CRITICAL", "rules/unit.cpp unit_not_found",
         "systemd has not loaded the unit"},
    Rule{Code::service_inactive, "service-inactive", "CRITICAL", "rules/unit.cpp service",
         "the unit (or the checked container) is not running"},
    Rule{Code::address_not_assigned, "address-not-assigned", "CRITICAL",
         "rules/boot.cpp address_not_assigned",
         "the IP address Ollama must bind is on no interface of this host"},
    Rule{Code::reload_pending, "reload-pending", "WARNING", "rules/unit.cpp reload_pending",
         "unit files changed on disk and systemd has not reloaded them"},
    Rule{Code::stale_environment, "stale-environment", "WARNING", "rules/unit.cpp stale",
         "the running process has an OLLAMA_HOST the next restart changes"},
    Rule{Code::unexpected_address, "unexpected-address", "CRITICAL",
         "rules/listener.cpp listener, rules/containers.cpp container_check",
         "the server listens, but not on the expected address"},
    Rule{Code::not_listening, "not-listening", "CRITICAL",
         "rules/listener.cpp listener, rules/containers.cpp container_check",
         "nothing listens on the expected address"},
    Rule{Code::port_in_use, "port-in-use", "CRITICAL", "rules/listener.cpp listener",
         "a process outside the unit holds the expected address"},
    Rule{Code::api_unreachable, "api-unreachable", "CRITICAL",
         "rules/listener.cpp api, rules/containers.cpp container_check",
         "GET /api/version does not give a version answer"},
    Rule{Code::set_in_main_unit, "set-in-main-unit",
         "WARNING when it is the value in effect, else INFO", "rules/layers.cpp main_unit",
         "OLLAMA_HOST is set in the main unit file"},
    Rule{Code::shadowed_drop_in, "shadowed-drop-in", "WARNING", "rules/layers.cpp drop_ins",
         "a later layer overrides the managed drop-in"},
    Rule{Code::duplicate_setting, "duplicate-setting", "WARNING", "rules/layers.cpp drop_ins",
         "more than one drop-in sets OLLAMA_HOST"},
    Rule{Code::ignored_assignment, "ignored-assignment", "WARNING", "rules/layers.cpp ignored",
         "systemd ignores an Environment= word meant to set OLLAMA_HOST"},
    Rule{Code::runtime_only, "runtime-only", "WARNING", "rules/layers.cpp runtime_only",
         "the value in effect comes from /run and is gone after a reboot"},
    Rule{Code::service_disabled, "service-disabled", "WARNING", "rules/boot.cpp service_disabled",
         "the unit is not enabled: after the next reboot nothing serves"},
    Rule{Code::no_retry_at_boot, "no-retry-at-boot", "WARNING", "rules/boot.cpp no_retry_at_boot",
         "a specific address, and the unit does not restart after a failed bind"},
    Rule{Code::foreign_server, "foreign-server",
         "WARNING, CRITICAL when it holds the address the service needs",
         "rules/listener.cpp foreign_servers", "an `ollama serve` runs outside the unit"},
    Rule{Code::address_unreachable, "address-unreachable", "WARNING", "rules/reach.cpp reach",
         "a covered address of this host does not answer"},
    Rule{Code::containers_cannot_reach, "containers-cannot-reach", "INFO or WARNING",
         "rules/reach.cpp reach, rules/reach.cpp containers_blocked",
         "containers on a bridge cannot reach Ollama"},
    Rule{Code::firewall_blocks, "firewall-blocks", "CRITICAL", "rules/reach.cpp firewall_verdicts",
         "the firewall blocks every IP version the listener covers"},
    Rule{Code::firewall_partial, "firewall-partial", "WARNING", "rules/reach.cpp firewall_verdicts",
         "the firewall blocks one IP version and lets the other in"},
    Rule{Code::firewall_undecided, "firewall-undecided", "INFO",
         "rules/reach.cpp firewall_verdicts", "the firewall's decision depends on what is unknown"},
    Rule{Code::open_to_internet, "open-to-internet", "WARNING", "rules/reach.cpp open_to_internet",
         "a globally routable address takes connections from any source"},
    Rule{Code::url_unreachable, "url-unreachable", "CRITICAL", "rules/proxy.cpp urls",
         "a --url does not give Ollama's version answer"},
    Rule{Code::proxy_auth_required, "proxy-auth-required", "CRITICAL", "rules/proxy.cpp urls",
         "a --url answers 401"},
    Rule{Code::proxy_bypassable, "proxy-bypassable", "CRITICAL, WARNING",
         "rules/proxy.cpp proxy_bypass", "other hosts can skip the proxy's credentials"},
    Rule{Code::credentials_readable, "credentials-readable", "WARNING",
         "rules/proxy.cpp credentials_readable",
         "the proxy's key or password file can be read by users who should not"},
    Rule{Code::origin_refused, "origin-refused", "CRITICAL", "rules/origins.cpp origin_refused",
         "a web page's Origin is not let through"},
    Rule{Code::bad_origins, "bad-origins", "CRITICAL", "rules/origins.cpp bad_origins",
         "OLLAMA_ORIGINS makes Ollama panic at start-up"},
    Rule{Code::open_to_any_site, "open-to-any-site", "WARNING",
         "rules/origins.cpp open_to_any_site", "OLLAMA_ORIGINS has *"},
    Rule{Code::client_env_stale, "client-env-stale", "WARNING", "rules/origins.cpp client_env",
         "the local clients' OLLAMA_HOST no longer finds the server"},
    Rule{Code::http_proxy_set, "http-proxy-set", "WARNING", "rules/outbound.cpp http_proxy_set",
         "HTTP_PROXY is in the service's environment"},
    Rule{Code::no_proxy_missing_listener, "no-proxy-missing-listener", "WARNING",
         "rules/outbound.cpp no_proxy_missing_listener",
         "NO_PROXY does not cover the address a client with the service's environment uses"},
    Rule{Code::proxy_spellings_differ, "proxy-spellings-differ", "WARNING",
         "rules/outbound.cpp proxy_spellings_differ",
         "the upper- and lower-case spelling of a proxy variable differ"},
    Rule{Code::pull_proxy_unreachable, "pull-proxy-unreachable", "CRITICAL",
         "rules/outbound.cpp pull_path_problem",
         "check --pull-path: the proxy takes no connection"},
    Rule{Code::pull_proxy_refused, "pull-proxy-refused", "CRITICAL",
         "rules/outbound.cpp pull_path_problem",
         "check --pull-path: the proxy refuses CONNECT to the registry or its blob host"},
    Rule{Code::pull_certificate_untrusted, "pull-certificate-untrusted", "CRITICAL",
         "rules/outbound.cpp pull_path_problem",
         "check --pull-path: a certificate on the path is not in the trust store"},
    Rule{Code::pull_registry_unreachable, "pull-registry-unreachable", "CRITICAL",
         "rules/outbound.cpp pull_path_problem",
         "check --pull-path: the registry or its blob host does not answer as it should"},
    Rule{Code::docker_bypasses_firewall, "docker-bypasses-firewall", "WARNING or CRITICAL",
         "rules/containers.cpp docker_bypass",
         "a container publishes Ollama on every address, past INPUT"},
    Rule{Code::container_not_found, "container-not-found",
         "CRITICAL (UNKNOWN when the API cannot be asked)", "rules/containers.cpp container_check",
         "check --container names no Ollama container"},
    Rule{Code::not_visible, "not-visible", "INFO (UNKNOWN in `check`)",
         "rules/common.cpp not_visible, cli/proxy_config.cpp bypass_warnings",
         "a part could not be seen without root"},
    Rule{Code::api_slow, "api-slow", "WARNING or CRITICAL",
         "rules/listener.cpp api_slow, rules/containers.cpp container_check",
         "the API answered slower than -w/-c allow"},
    Rule{Code::model_missing, "model-missing", "CRITICAL", "rules/listener.cpp models",
         "a --model is not on the server"},
    Rule{Code::check_timed_out, "check-timed-out", "CRITICAL", "cli/check.cpp arm_timeout",
         "the whole check did not finish in time"},
    Rule{Code::check_failed, "check-failed", "UNKNOWN", "cli/check.cpp run_check",
         "check could not look at all"},
};

} // namespace

std::span<const Rule> catalogue() {
    return rules;
}

std::string_view code_name(Code code) {
    const auto i = static_cast<std::size_t>(code);
    if (i >= rules.size() || rules[i].code != code)
        throw std::logic_error("problem code table out of order");
    return rules[i].name;
}

std::optional<Code> find_code(std::string_view name) {
    for (const auto& r : rules)
        if (r.name == name)
            return r.code;
    return std::nullopt;
}

Problem problem(Code code, Severity severity, std::string message, std::string advice) {
    return {std::string(code_name(code)), severity, std::move(message), std::move(advice)};
}

const std::vector<std::string>& known_problem_codes() {
    static const std::vector<std::string> codes = [] {
        std::vector<std::string> out;
        for (const auto& r : rules)
            out.emplace_back(r.name);
        return out;
    }();
    return codes;
}

} // namespace netcfg::health
