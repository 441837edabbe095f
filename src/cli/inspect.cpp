#include "ollama-netcfg/cli/inspect.hpp"

#include "ollama-netcfg/firewall/verdict.hpp"
#include "ollama-netcfg/health/inspect.hpp"
#include "ollama-netcfg/unitfile/names.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace netcfg::cli {

void add_inspect_options(CLI::App& sub, InspectArgs& a) {
    sub.add_option("--unit", a.unit, "The Ollama service unit")->capture_default_str();
    sub.add_option("--drop-in", a.drop_in, "The drop-in file name ollama-netcfg manages")
        ->capture_default_str();
    sub.add_option("--expect", a.expect,
                   "Where Ollama should listen (read as expose reads ADDR); default: the "
                   "configured OLLAMA_HOST");
    sub.add_option("-t,--timeout", a.timeout_seconds, "Seconds to wait for the API answer")
        ->capture_default_str();
    sub.add_option("--from", a.from,
                   "The clients' network (CIDR): the firewall is judged for it, and the "
                   "command that opens it names it");
    sub.add_option("--url", a.urls,
                   "Also GET URL/api/version through whatever stands there (a reverse proxy); "
                   "repeatable");
    sub.add_option("--cacert", a.cacert, "CA bundle for --url over https");
    sub.add_flag("--insecure", a.insecure, "Do not verify TLS certificates for --url");
}

namespace {

Status check_limits(const health::Limits& l) {
    for (const auto& [name, v] :
         {std::pair{"--warning", l.api_warning}, std::pair{"--critical", l.api_critical}})
        if (v && !(*v > 0 && *v <= 3600))
            return usage_error(
                fmt::format("{} must be a number of seconds between 0 and 3600", name),
                "e.g. -w 0.5 -c 2 (the API's response time)");
    if (l.api_warning && l.api_critical && *l.api_warning > *l.api_critical)
        return usage_error(
            fmt::format("--warning {:g} is above --critical {:g}", *l.api_warning, *l.api_critical),
            "the warning threshold comes first, e.g. -w 0.5 -c 2");
    for (const auto& m : l.models)
        if (m.empty() || m.find_first_of(" \t\n,") != std::string::npos)
            return usage_error(fmt::format("--model '{}': not a model name", m),
                               "one name per --model, as `ollama list` shows it, e.g. "
                               "--model llama3:8b");
    return Ok{};
}

} // namespace

Result<health::Facts> inspect_unit(const InspectArgs& a) {
    health::InspectOptions o;
    auto unit = unitfile::normalise_unit_name(a.unit);
    if (!unit)
        return unit.error();
    o.unit = *unit;
    if (auto st = unitfile::check_drop_in_name(a.drop_in); !st)
        return st.error();
    o.managed_drop_in =
        (std::filesystem::path("/etc/systemd/system") / (o.unit + ".d") / a.drop_in).string();
    if (!a.expect.empty()) {
        auto want = ollama::parse_expose_address(a.expect);
        if (!want)
            return want.error();
        o.expect = *want;
    }
    if (!a.from.empty() && !firewall::valid_cidr(a.from))
        return usage_error(fmt::format("--from {}: not an address or network (CIDR)", a.from),
                           "e.g. --from 192.168.1.0/24 or --from 2001:db8::/64");
    for (const auto& u : a.urls)
        if (!u.starts_with("http://") && !u.starts_with("https://"))
            return usage_error(fmt::format("--url {}: not an http:// or https:// URL", u),
                               "give the proxy's base URL, e.g. --url https://ollama.example.org");
    o.from = a.from;
    o.urls = a.urls;
    o.cacert = a.cacert;
    o.insecure = a.insecure;
    if (!(a.timeout_seconds > 0) || a.timeout_seconds > 3600)
        return usage_error("--timeout must be a number of seconds between 0 and 3600",
                           "e.g. --timeout 10");
    o.api_timeout = std::chrono::milliseconds(static_cast<long>(a.timeout_seconds * 1000));
    if (auto st = check_limits(a.limits); !st)
        return st.error();
    o.limits = a.limits;
    auto manager = systemd::Manager::connect();
    if (!manager)
        return manager.error();
    return health::inspect(*manager, o);
}

} // namespace netcfg::cli
