// `check` for cron and monitoring: read-only, one line (or one JSON object),
// and the exit status of a monitoring plugin. Anything that keeps it from
// looking, bad usage included, is UNKNOWN (3).
#include "ollama-netcfg/cli/check.hpp"

#include "ollama-netcfg/cli/inspect.hpp"
#include "ollama-netcfg/health/problems.hpp"
#include "ollama-netcfg/report/status_report.hpp"

#include <fmt/format.h>

namespace netcfg::cli {
namespace {

int run_check(const InspectArgs& args, const GlobalOptions& global) {
    apply_verbosity(global);
    auto start = std::chrono::steady_clock::now();
    auto facts = inspect_unit(args);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (!facts) {
        const auto& e = facts.error();
        if (global.json)
            fmt::print("{}\n", report::unknown_json(args.unit, e.message, took.count()).dump(2));
        else
            fmt::print("{}\n", report::plugin_unknown_line(e.message, took.count()));
        if (!e.hint.empty() && !global.quiet)
            fmt::print(stderr, "ollama-netcfg: hint: {}\n", e.hint);
        return check_unknown_status;
    }
    auto problems = health::find_problems(*facts);
    if (global.json)
        fmt::print("{}\n", report::status_json(*facts, problems, took.count()).dump(2));
    else
        fmt::print("{}\n", report::plugin_line(*facts, problems, took.count()));
    return health::plugin_exit_status(health::overall(problems));
}

} // namespace

void register_check(CLI::App& app, const GlobalOptions& global, int& exit_status) {
    auto args = std::make_shared<InspectArgs>();
    auto* sub = app.add_subcommand(
        "check", "Monitoring-plugin check: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN");
    add_inspect_options(*sub, *args);
    sub->callback([args, &global, &exit_status] { exit_status = run_check(*args, global); });
}

} // namespace netcfg::cli
