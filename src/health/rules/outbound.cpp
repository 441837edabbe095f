// The proxy variables in the service's environment (Go's
// http.ProxyFromEnvironment): what pulls, and what a client given that
// environment, do with them. Judged on what a process started now gets.
#include "ollama-netcfg/net/address.hpp"
#include "rules.hpp"

#include <fmt/format.h>

namespace netcfg::health::rules {
namespace {

// The spelling Go takes for `v` (upper case unless empty), or nullptr.
const ProxySeen* taken(const ProxyFacts& p, const ollama::ProxyVariable& v) {
    const auto* upper = p.find(v.upper);
    if (upper && upper->in_effect && !upper->in_effect->empty())
        return upper;
    const auto* lower = p.find(v.lower);
    return lower && lower->in_effect && !lower->in_effect->empty() ? lower : nullptr;
}

std::string shown(const ProxySeen& v) {
    return fmt::format("{}={} (from {})", v.name, ollama::redact_proxy(v.in_effect.value_or("")),
                       v.source);
}

constexpr const auto& https_var = ollama::proxy_variables[0];
constexpr const auto& http_var = ollama::proxy_variables[1];
constexpr const auto& no_var = ollama::proxy_variables[2];

} // namespace

// HTTP_PROXY: pulls are HTTPS and never use it; what uses it is plain HTTP,
// which is what the `ollama` command speaks to the server.
void http_proxy_set(Findings& r) {
    const auto* v = taken(r.f.proxy, http_var);
    if (!v)
        return;
    r.add(Code::http_proxy_set, Severity::warning,
          fmt::format("{} is in {}'s environment: Ollama pulls over HTTPS and uses HTTPS_PROXY "
                      "for that; HTTP_PROXY only sends plain-HTTP requests to the proxy, such as "
                      "those of an `ollama` command run with this environment (Ollama's FAQ "
                      "advises against it)",
                      shown(*v), r.f.unit),
          fmt::format("take {} out of {} (keep HTTPS_PROXY), then `sudo systemctl daemon-reload "
                      "&& sudo systemctl restart {}`",
                      v->name, v->source, r.f.unit));
}

// A client given the service's environment connects to OLLAMA_HOST as it
// is written (0.0.0.0 included, which is not loopback to Go): unless
// NO_PROXY covers that host, Go hands the request to the proxy.
void no_proxy_missing_listener(Findings& r) {
    const Facts& f = r.f;
    const auto& setting = f.want;
    const auto& var = setting.scheme == "https" ? https_var : http_var;
    const auto* proxy = taken(f.proxy, var);
    if (!proxy)
        return;
    const auto no_proxy = f.proxy.go_value(no_var);
    const auto port = std::to_string(setting.port);
    if (!ollama::go_proxies(no_proxy, setting.host, port))
        return;
    const auto* no = taken(f.proxy, no_var);
    const auto host = setting.host.empty() ? std::string("\"\"") : setting.host;
    r.add(Code::no_proxy_missing_listener, Severity::warning,
          fmt::format("a client run with {}'s environment sends its requests for {}://{} to the "
                      "proxy ({}): {} does not cover {}",
                      f.unit, setting.scheme, net::host_port(setting.host, setting.port),
                      shown(*proxy),
                      no ? fmt::format("{}=\"{}\" (from {})", no->name, no_proxy, no->source)
                         : std::string("NO_PROXY is not set and"),
                      host),
          fmt::format("add {} to NO_PROXY beside localhost,127.0.0.1,::1{}", host,
                      var.upper == http_var.upper ? ", or take HTTP_PROXY out" : ""));
}

// HTTPS_PROXY and https_proxy (and the others) set to different values: Go
// takes one, curl and other programs given the environment may take the
// other.
void proxy_spellings_differ(Findings& r) {
    for (const auto& v : ollama::proxy_variables) {
        const auto* upper = r.f.proxy.find(v.upper);
        const auto* lower = r.f.proxy.find(v.lower);
        if (!upper || !lower || !upper->in_effect || !lower->in_effect ||
            *upper->in_effect == *lower->in_effect)
            continue;
        const auto* go = upper->in_effect->empty() ? lower : upper;
        r.add(
            Code::proxy_spellings_differ, Severity::warning,
            fmt::format("{} and {} differ: Ollama (Go) uses {}, other programs run with this "
                        "environment (curl, Python) may use the other",
                        shown(*upper), shown(*lower), go->name),
            fmt::format("set {} and {} to the same value, or keep one of them", v.upper, v.lower));
    }
}

// check --pull-path: the first step of the path that failed.
void pull_path(Findings& r) {
    if (auto p = pull_path_problem(r.f.pull_path))
        r.out.push_back(std::move(*p));
}

} // namespace netcfg::health::rules

namespace netcfg::health {

std::optional<Problem> pull_path_problem(const std::vector<probe::PathStep>& steps) {
    using probe::PathFailure;
    for (const auto& s : steps) {
        const auto via = ollama::redact_proxy(s.via);
        switch (s.failure) {
        case PathFailure::none:
            continue;
        case PathFailure::proxy_unreachable:
            return problem(Code::pull_proxy_unreachable, Severity::critical,
                           fmt::format("pulls go through the proxy {}, which does not accept "
                                       "connections: {}",
                                       via, s.detail),
                           "check the proxy's address and port, and that this host may reach "
                           "it; sudo ollama-netcfg pull-proxy set URL names another");
        case PathFailure::proxy_refused:
            return problem(Code::pull_proxy_refused, Severity::critical,
                           fmt::format("the proxy {} refused CONNECT {}:443 (HTTP {}): {}", via,
                                       s.host, s.connect_code, s.detail),
                           fmt::format("ask the proxy's admins to allow {}{}", s.host,
                                       steps.front().host == s.host
                                           ? std::string(" and the host its blobs redirect to")
                                           : fmt::format(" (the blob host {} redirects to) "
                                                         "beside {}",
                                                         steps.front().host, steps.front().host)));
        case PathFailure::certificate_untrusted:
            return problem(
                Code::pull_certificate_untrusted, Severity::critical,
                fmt::format("the certificate {} presented{} is issued by \"{}\", which this "
                            "host's trust store ({}) does not have, so Ollama (Go) refuses it{}",
                            s.host, s.via.empty() ? "" : " through " + via,
                            s.issuer.empty() ? "?" : s.issuer, s.bundle,
                            s.via.empty() ? "" : ": the proxy inspects TLS"),
                s.via.empty() ? std::string("install the issuing CA into the system trust store "
                                            "and restart the service")
                              : fmt::format("install the proxy's CA: sudo ollama-netcfg "
                                            "pull-proxy set {} --ca-file FILE (Ollama reads the "
                                            "trust store at start)",
                                            via));
        case PathFailure::registry_unreachable:
            return problem(Code::pull_registry_unreachable, Severity::critical,
                           fmt::format("a pull would fail: {}", s.detail),
                           s.via.empty() ? "if this host reaches the Internet only through a "
                                           "proxy: sudo ollama-netcfg pull-proxy set "
                                           "http://PROXY:PORT"
                                         : "ask the proxy's admins why; the registry itself "
                                           "may be down");
        }
    }
    return std::nullopt;
}

} // namespace netcfg::health
