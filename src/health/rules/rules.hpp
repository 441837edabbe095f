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

struct Found {
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
void not_visible(Found& r, std::string what, std::string advice = "run as root to see it");

// rules/unit.cpp
void unit_not_found(Found& r);
void service(Found& r);
void reload_pending(Found& r);
void stale(Found& r);
void visibility(Found& r);
// rules/layers.cpp
void main_unit(Found& r);
void drop_ins(Found& r);
void ignored(Found& r);
void runtime_only(Found& r);
// rules/listener.cpp
void foreign_servers(Found& r);
void listener(Found& r);
void api(Found& r);
void api_slow(Found& r);
void models(Found& r);
// The one wording of api-slow, for the unit's API and a container's.
void api_slow_for(Found& r, const std::string& url, double seconds, std::string advice);
// rules/reach.cpp
void reach(Found& r);
// rules/proxy.cpp
void urls(Found& r);
// rules/origins.cpp
void origins(Found& r);
void client_env(Found& r);
// rules/containers.cpp
void containers(Found& r);
void container_check(Found& r);

} // namespace netcfg::health::rules
