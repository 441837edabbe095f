// What the rule files share: the facts, the problems found so far, the
// helpers more than one theme words its advice with, and each theme's
// entry points, which find_problems (src/health/problems.cpp) runs in order.
// Each rule says only what it finds; none calls another.
#pragma once

#include "ollama-netcfg/health/catalogue.hpp"
#include "ollama-netcfg/health/facts.hpp"

#include <optional>
#include <string>
#include <vector>

namespace netcfg::health::rules {

struct Findings {
    const Facts& f;
    std::vector<Problem> out;
    void add(Code code, Severity s, std::string message, std::string advice) {
        out.push_back(problem(code, s, std::move(message), std::move(advice)));
    }
};

// Helpers (rules/common.cpp).
std::string listen_of(const std::optional<std::string>& v, bool kernel_ipv6);
bool same(const std::optional<std::string>& a, const std::optional<std::string>& b);
std::string expose_hint(const Facts& f);
std::string unit_option(const Facts& f); // " --unit NAME" unless ollama.service
bool runtime_wins(const Facts& f);
bool blocked(firewall::Decision d);
// The one wording of not-visible: what was not seen, and how to see it.
void not_visible(Findings& r, std::string what, std::string advice = "run as root to see it");

// rules/boot.cpp
void address_not_assigned(Findings& r);
void service_disabled(Findings& r);
void no_retry_at_boot(Findings& r);

// rules/unit.cpp
void unit_not_found(Findings& r);
void service(Findings& r);
void reload_pending(Findings& r);
void stale(Findings& r);
void visibility(Findings& r);
// rules/layers.cpp
void main_unit(Findings& r);
void drop_ins(Findings& r);
void ignored(Findings& r);
void runtime_only(Findings& r);
// rules/listener.cpp
void foreign_servers(Findings& r);
void listener(Findings& r);
void api(Findings& r);
void api_slow(Findings& r);
void models(Findings& r);
// The one wording of api-slow, for the unit's API and a container's.
void api_slow_for(Findings& r, const std::string& url, double seconds, std::string advice);
// rules/reach.cpp
void reach(Findings& r);
// rules/proxy.cpp
void urls(Findings& r);
// rules/origins.cpp
void bad_origins(Findings& r);
void open_to_any_site(Findings& r);
void origin_refused(Findings& r);
void client_env(Findings& r);
// rules/outbound.cpp
void http_proxy_set(Findings& r);
void no_proxy_missing_listener(Findings& r);
void proxy_spellings_differ(Findings& r);
void pull_path(Findings& r);
// rules/containers.cpp
void containers(Findings& r);
void container_check(Findings& r);

} // namespace netcfg::health::rules
