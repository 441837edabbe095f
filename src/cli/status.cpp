// `status` prints the whole picture. It exits 0 when it could look (the
// verdict is in the report; `check` is the command whose exit status is the
// verdict) and 1 when it could not.
#include "ollama-netcfg/cli/status.hpp"

#include "ollama-netcfg/cli/inspect.hpp"
#include "ollama-netcfg/health/problems.hpp"
#include "ollama-netcfg/report/status_report.hpp"

#include <fmt/format.h>

namespace netcfg::cli {
namespace {

int run_status(const InspectArgs& args, const GlobalOptions& global) {
    apply_verbosity(global);
    auto start = std::chrono::steady_clock::now();
    auto facts = inspect_unit(args);
    if (!facts) {
        // --json promises one object, also when it could not look.
        if (global.json) {
            std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
            fmt::print("{}\n",
                       report::unknown_json(args.unit, facts.error(), took.count()).dump(2));
        }
        print_error(facts.error());
        return static_cast<int>(facts.error().status);
    }
    auto problems = health::find_problems(*facts);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    if (global.json)
        fmt::print("{}\n", report::status_json(*facts, problems, took.count()).dump(2));
    else if (!global.quiet)
        fmt::print("{}", report::status_text(*facts, problems));
    return 0;
}

} // namespace

void register_status(CLI::App& app, const GlobalOptions& global, int& exit_status) {
    auto args = std::make_shared<InspectArgs>();
    auto* sub = app.add_subcommand(
        "status", "Show where OLLAMA_HOST is set, what runs, listens and answers, and problems");
    sub->footer(
        "Examples:\n"
        "  ollama-netcfg status\n"
        "  ollama-netcfg status --from 192.168.1.0/24   # judge the firewall for that network\n"
        "  ollama-netcfg status --json | jq .problems");
    add_inspect_options(*sub, *args);
    sub->callback([args, &global, &exit_status] { exit_status = run_status(*args, global); });
}

} // namespace netcfg::cli
