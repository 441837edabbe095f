// `check` for cron, timers and monitoring: read-only, one line (or one JSON
// object), and the exit status of a monitoring plugin. Anything that keeps
// it from looking, bad usage included, is UNKNOWN (3). Under systemd (stdout
// is the journal) it also leaves one structured journal entry.
#include "ollama-netcfg/cli/check.hpp"

#include "ollama-netcfg/cli/inspect.hpp"
#include "ollama-netcfg/health/catalogue.hpp"
#include "ollama-netcfg/health/partial.hpp"
#include "ollama-netcfg/health/problems.hpp"
#include "ollama-netcfg/health/record.hpp"
#include "ollama-netcfg/report/prometheus.hpp"
#include "ollama-netcfg/report/status_report.hpp"
#include "ollama-netcfg/systemd/journal.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <chrono>
#include <csignal>
#include <fmt/format.h>
#include <string>
#include <sys/time.h>
#include <unistd.h>

namespace netcfg::cli {
namespace {

double wall_clock_now() {
    return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

struct CheckArgs {
    InspectArgs inspect;
    std::string prometheus; // --prometheus FILE
    bool record = false;    // --record: leave the result for unprivileged checks
    double max_age = health::default_record_max_age; // --max-age: how old a record may be
    bool accept_partial = false;                     // --accept-partial
};

// Without root, what could not be seen is filled in from the root check's
// record while fresh, or made UNKNOWN (health::settle).
health::PartialView settle(const CheckArgs& args, const health::Facts& facts,
                           std::vector<health::Problem> problems) {
    std::optional<health::RecordedCheck> record;
    if (geteuid() != 0 && args.inspect.container.empty())
        record = health::load_check_record();
    return health::settle(std::move(problems), record, facts.unit, wall_clock_now(), args.max_age,
                          args.accept_partial);
}

void journal_entry(const std::string& line, const std::string& unit, health::Severity worst,
                   const std::vector<health::Problem>& problems) {
    std::string codes;
    for (const auto& p : problems)
        codes += (codes.empty() ? "" : " ") + p.code;
    int priority = worst == health::Severity::ok ? 6 : worst == health::Severity::warning ? 4 : 3;
    systemd::log_entry(line,
                       {{"OLLAMA_NETCFG_UNIT", unit},
                        {"OLLAMA_NETCFG_ACTION", "check"},
                        {"OLLAMA_NETCFG_STATUS", std::string(health::severity_name(worst))},
                        {"OLLAMA_NETCFG_PROBLEMS", codes}},
                       priority);
}

// What the timer prints when it fires, made before it is armed: a signal
// handler may only write(2) and _exit(2).
std::string timed_out_answer;

extern "C" void on_check_timeout(int) {
    [[maybe_unused]] auto n =
        write(STDOUT_FILENO, timed_out_answer.data(), timed_out_answer.size());
    _exit(health::plugin_exit_status(health::Severity::critical));
}

// As monitoring plugins do: a check that runs past its time ends CRITICAL
// (check-timed-out), never UNKNOWN, and never hangs the scheduler. The API
// request itself gives up at --timeout; this is the net for everything
// else (a stuck bus, a slow firewall tool), one second later.
void arm_timeout(const CheckArgs& args, const GlobalOptions& global) {
    const double limit = args.inspect.timeout_seconds + 1;
    const auto why = fmt::format("the check did not finish within {:g} s", limit);
    if (global.json) {
        // The shape of a check that could not look, with this code and verdict.
        auto j = report::unknown_json(
            args.inspect.unit, failure(why, "run `ollama-netcfg status -v` to see where it waits"),
            limit);
        j["status"] = j["problems"][0]["severity"] = "CRITICAL";
        j["problems"][0]["code"] = health::code_name(health::Code::check_timed_out);
        j["exit_status"] = health::plugin_exit_status(health::Severity::critical);
        timed_out_answer = j.dump(2) + "\n";
    } else {
        timed_out_answer =
            fmt::format("OLLAMA-NETCFG CRITICAL - {}: {} | time={:.3f}s;;;0\n",
                        health::code_name(health::Code::check_timed_out), why, limit);
    }
    struct sigaction sa {};
    sa.sa_handler = on_check_timeout;
    sigaction(SIGALRM, &sa, nullptr);
    itimerval t{};
    t.it_value.tv_sec = static_cast<time_t>(limit);
    t.it_value.tv_usec =
        static_cast<suseconds_t>((limit - static_cast<double>(t.it_value.tv_sec)) * 1e6);
    setitimer(ITIMER_REAL, &t, nullptr);
}

void disarm_timeout() {
    itimerval off{};
    setitimer(ITIMER_REAL, &off, nullptr);
}

int run_check(const CheckArgs& args, const GlobalOptions& global) {
    apply_verbosity(global);
    if (!args.prometheus.empty() && !args.prometheus.ends_with(".prom"))
        fmt::print(stderr,
                   "ollama-netcfg: warning: --prometheus {}: node_exporter's textfile collector "
                   "reads only files ending in .prom; it will not see this one\n",
                   args.prometheus);
    arm_timeout(args, global);
    auto start = std::chrono::steady_clock::now();
    auto facts = inspect_unit(args.inspect);
    disarm_timeout(); // it looked in time: the answer is its own
    std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
    const bool to_journal = systemd::stdout_is_journal();

    std::vector<health::Problem> problems;
    health::Severity worst = health::Severity::unknown;
    std::string line;
    if (!facts) {
        const auto& e = facts.error();
        problems.push_back(health::problem(health::Code::check_failed, health::Severity::unknown,
                                           e.message, e.hint));
        line = report::plugin_unknown_line(e.message, took.count());
        if (global.json)
            fmt::print("{}\n", report::unknown_json(args.inspect.unit, e, took.count()).dump(2));
        else
            fmt::print("{}\n", line);
        if (!e.hint.empty() && !global.quiet)
            fmt::print(stderr, "ollama-netcfg: hint: {}\n", e.hint);
    } else {
        auto view = settle(args, *facts, health::find_problems(*facts));
        problems = std::move(view.problems);
        worst = health::overall(problems);
        line = report::plugin_line(*facts, problems, took.count(), view.note);
        // The JSON object only when printed or recorded: the plugin line is
        // what most runs of `check` need.
        nlohmann::json j;
        if (global.json || args.record) {
            j = report::status_json(*facts, problems, took.count());
            j["partial"] = view.partial;
            j["root_check"] = view.record_age ? nlohmann::json{{"path", health::check_record_path},
                                                               {"age_seconds", *view.record_age}}
                                              : nlohmann::json(nullptr);
        }
        if (global.json)
            fmt::print("{}\n", j.dump(2));
        else
            fmt::print("{}\n", line);
        if (args.record)
            if (auto st = health::save_check_record(j, wall_clock_now()); !st) {
                print_error(st.error());
                return check_unknown_status;
            }
    }
    if (to_journal)
        journal_entry(line, facts ? facts->unit : args.inspect.unit, worst, problems);
    if (!args.prometheus.empty()) {
        // With --container the series are the container's: unit="container:NAME".
        const auto unit = !args.inspect.container.empty() ? "container:" + args.inspect.container
                          : facts                         ? facts->unit
                                                          : args.inspect.unit;
        auto text = report::prometheus_text(unit, facts ? &*facts : nullptr, problems, took.count(),
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
                "  ollama-netcfg check --expect 0.0.0.0 -w 0.5 -c 2 --model llama3:8b\n"
                "  ollama-netcfg check --url https://ollama.example.org --cacert /etc/ssl/ca.pem\n"
                "  ollama-netcfg check --prometheus /var/lib/prometheus/node-exporter/ollama.prom");
    add_inspect_options(*sub, args->inspect);
    sub->add_option("-w,--warning", args->inspect.limits.api_warning,
                    "WARNING when the API takes longer than this many seconds to answer");
    sub->add_option("-c,--critical", args->inspect.limits.api_critical,
                    "CRITICAL when the API takes longer than this many seconds to answer");
    sub->add_option("--model", args->inspect.limits.models,
                    "CRITICAL unless the server has this model (GET /api/tags); repeatable");
    sub->add_flag("--pull-path", args->inspect.pull_path,
                  "Also try the path a pull takes (leaves this host): the registry's manifest "
                  "and a blob on the host it redirects to, through the service's proxy, "
                  "verified against the CA bundle Ollama reads");
    sub->add_option("--registry", args->inspect.registry,
                    "The registry --pull-path asks (a mirror)")
        ->type_name("HOST")
        ->capture_default_str();
    sub->add_flag("--record", args->record,
                  "Root only: also leave the result in /run/ollama-netcfg/check.json, where a "
                  "check without root reads what it cannot see (the packaged timer does this)");
    sub->add_option("--max-age", args->max_age,
                    "Without root: use the root check's record only if it is at most this many "
                    "seconds old")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    sub->add_flag("--accept-partial", args->accept_partial,
                  "Without root and without a fresh record: judge only what this user can see "
                  "instead of UNKNOWN (the line says what was not seen)");
    sub->add_option("--prometheus", args->prometheus,
                    "Also write the result to FILE in node_exporter's textfile-collector format "
                    "(atomically)");
    sub->callback([args, &global, &exit_status] { exit_status = run_check(*args, global); });
}

} // namespace netcfg::cli
