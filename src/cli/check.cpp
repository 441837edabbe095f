// `check` for cron, timers and monitoring: read-only, one line (or one JSON
// object), and the exit status of a monitoring plugin. Anything that keeps
// it from looking, bad usage included, is UNKNOWN (3). Under systemd (stdout
// is the journal) it also leaves one structured journal entry.
#include "ollama-netcfg/cli/check.hpp"

#include "ollama-netcfg/cli/inspect.hpp"
#include "ollama-netcfg/health/problems.hpp"
#include "ollama-netcfg/report/prometheus.hpp"
#include "ollama-netcfg/report/status_report.hpp"
#include "ollama-netcfg/systemd/journal.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <chrono>
#include <fmt/format.h>

namespace netcfg::cli {
namespace {

struct CheckArgs {
    InspectArgs inspect;
    std::string prometheus; // --prometheus FILE
};

double wall_clock_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

void journal_entry(const std::string& line, const std::string& unit, health::Severity worst,
                   const std::vector<health::Problem>& problems) {
    std::string codes;
    for (const auto& p : problems)
        codes += (codes.empty() ? "" : " ") + p.code;
    int priority = worst == health::Severity::ok ? 6 : worst == health::Severity::warning ? 4 : 3;
    systemd::log_change(line,
                        {{"OLLAMA_NETCFG_UNIT", unit},
                         {"OLLAMA_NETCFG_ACTION", "check"},
                         {"OLLAMA_NETCFG_STATUS", std::string(health::severity_name(worst))},
                         {"OLLAMA_NETCFG_PROBLEMS", codes}},
                        priority);
}

int run_check(const CheckArgs& args, const GlobalOptions& global) {
    apply_verbosity(global);
    auto start = std::chrono::steady_clock::now();
    auto facts = inspect_unit(args.inspect);
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    const bool to_journal = systemd::stdout_is_journal();

    std::vector<health::Problem> problems;
    health::Severity worst = health::Severity::unknown;
    std::string line;
    if (!facts) {
        const auto& e = facts.error();
        problems.push_back({"check-failed", health::Severity::unknown, e.message, e.hint});
        line = report::plugin_unknown_line(e.message, took.count());
        if (global.json)
            fmt::print("{}\n",
                       report::unknown_json(args.inspect.unit, e, took.count()).dump(2));
        else
            fmt::print("{}\n", line);
        if (!e.hint.empty() && !global.quiet)
            fmt::print(stderr, "ollama-netcfg: hint: {}\n", e.hint);
    } else {
        problems = health::find_problems(*facts);
        worst = health::overall(problems);
        line = report::plugin_line(*facts, problems, took.count());
        if (global.json)
            fmt::print("{}\n", report::status_json(*facts, problems, took.count()).dump(2));
        else
            fmt::print("{}\n", line);
    }
    if (to_journal)
        journal_entry(line, facts ? facts->unit : args.inspect.unit, worst, problems);
    if (!args.prometheus.empty()) {
        auto text = report::prometheus_text(facts ? facts->unit : args.inspect.unit,
                                            facts ? &*facts : nullptr, problems, took.count(),
                                            wall_clock_now());
        if (auto st = write_file_atomic(args.prometheus, text, 0644); !st) {
            print_error(st.error());
            return check_unknown_status;
        }
    }
    return health::plugin_exit_status(worst);
}

} // namespace

void register_check(CLI::App& app, const GlobalOptions& global, int& exit_status) {
    auto args = std::make_shared<CheckArgs>();
    auto* sub = app.add_subcommand(
        "check", "Monitoring-plugin check: exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN");
    sub->footer("Examples:\n"
                "  ollama-netcfg check --expect 0.0.0.0\n"
                "  ollama-netcfg check --url https://ollama.example.org --cacert /etc/ssl/ca.pem\n"
                "  ollama-netcfg check --prometheus /var/lib/prometheus/node-exporter/ollama.prom");
    add_inspect_options(*sub, args->inspect);
    sub->add_option("--prometheus", args->prometheus,
                    "Also write the result to FILE in node_exporter's textfile-collector format "
                    "(atomically)");
    sub->callback([args, &global, &exit_status] { exit_status = run_check(*args, global); });
}

} // namespace netcfg::cli
