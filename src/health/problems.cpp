// find_problems runs the rules of src/health/rules/ in the order their
// problems are printed; the codes and their meaning are in catalogue.cpp.
#include "ollama-netcfg/health/problems.hpp"

#include "rules/rules.hpp"

#include <algorithm>

namespace netcfg::health {

std::string_view severity_name(Severity s) {
    switch (s) {
    case Severity::ok:
        return "OK";
    case Severity::info:
        return "INFO";
    case Severity::warning:
        return "WARNING";
    case Severity::critical:
        return "CRITICAL";
    case Severity::unknown:
        return "UNKNOWN";
    }
    return "UNKNOWN";
}

int plugin_exit_status(Severity s) {
    switch (s) {
    case Severity::ok:
    case Severity::info:
        return 0;
    case Severity::warning:
        return 1;
    case Severity::critical:
        return 2;
    case Severity::unknown:
        return 3;
    }
    return 3;
}

std::vector<Problem> find_problems(const Facts& f) {
    rules::Findings found{f, {}};
    if (!f.container_check.empty()) {
        rules::container_check(found);
        return found.out;
    }
    if (f.load_state != "loaded") {
        rules::unit_not_found(found);
        return found.out;
    }
    using Step = void (*)(rules::Findings&);
    for (Step rule : {rules::address_not_assigned,
                      rules::service,
                      rules::reload_pending,
                      rules::stale,
                      rules::main_unit,
                      rules::drop_ins,
                      rules::ignored,
                      rules::runtime_only,
                      rules::service_disabled,
                      rules::no_retry_at_boot,
                      rules::foreign_servers,
                      rules::listener,
                      rules::api,
                      rules::api_slow,
                      rules::models,
                      rules::reach,
                      rules::urls,
                      rules::bad_origins,
                      rules::open_to_any_site,
                      rules::origin_refused,
                      rules::containers,
                      rules::client_env,
                      rules::http_proxy_set,
                      rules::no_proxy_missing_listener,
                      rules::proxy_spellings_differ,
                      rules::pull_path,
                      rules::visibility})
        rule(found);
    return found.out;
}

Severity overall(const std::vector<Problem>& problems) {
    Severity worst = Severity::ok;
    for (const auto& p : problems)
        if (p.severity != Severity::info)
            worst = std::max(worst, p.severity);
    // What was found CRITICAL stays so, whatever could not be seen.
    const bool critical = std::any_of(problems.begin(), problems.end(), [](const Problem& p) {
        return p.severity == Severity::critical;
    });
    return critical ? Severity::critical : worst;
}

} // namespace netcfg::health
