#include "ollama-netcfg/cli/inspect.hpp"

#include "ollama-netcfg/health/inspect.hpp"
#include "ollama-netcfg/unitfile/names.hpp"

#include <filesystem>

namespace netcfg::cli {

void add_inspect_options(CLI::App& sub, InspectArgs& a) {
    sub.add_option("--unit", a.unit, "The Ollama service unit")->capture_default_str();
    sub.add_option("--drop-in", a.drop_in, "The drop-in file name ollama-netcfg manages")
        ->capture_default_str();
    sub.add_option("--expect", a.expect,
                   "Where Ollama should listen (read as expose reads ADDR); default: the "
                   "configured OLLAMA_HOST");
    sub.add_option("--timeout", a.timeout_seconds, "Seconds to wait for the API answer")
        ->capture_default_str();
}

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
    if (!(a.timeout_seconds > 0) || a.timeout_seconds > 3600)
        return usage_error("--timeout must be a number of seconds between 0 and 3600");
    o.api_timeout = std::chrono::milliseconds(static_cast<long>(a.timeout_seconds * 1000));
    auto manager = systemd::Manager::connect();
    if (!manager)
        return manager.error();
    return health::inspect(*manager, o);
}

} // namespace netcfg::cli
