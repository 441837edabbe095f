// ollama-netcfg: expose Ollama's systemd service on the network, and prove it.
#include "ollama-netcfg/cli/check.hpp"
#include "ollama-netcfg/cli/common.hpp"
#include "ollama-netcfg/cli/expose.hpp"
#include "ollama-netcfg/cli/origins.hpp"
#include "ollama-netcfg/cli/proxy_config.hpp"
#include "ollama-netcfg/cli/pull_proxy.hpp"
#include "ollama-netcfg/cli/reset.hpp"
#include "ollama-netcfg/cli/status.hpp"
#include "ollama-netcfg/cli/suggest.hpp"
#include "ollama-netcfg/probe/http.hpp"

#include <CLI/Version.hpp>
#include <algorithm>
#include <array>
#include <curl/curl.h>
#include <exception>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <spdlog/version.h>

namespace netcfg::cli {

void print_error(const Error& e) {
    fmt::print(stderr, "ollama-netcfg: {}\n", e.message);
    if (!e.hint.empty())
        fmt::print(stderr, "ollama-netcfg: hint: {}\n", e.hint);
}

} // namespace netcfg::cli

namespace netcfg::cli {

bool is_check_command(int argc, char** argv) {
    for (int i = 1; i < argc; ++i)
        if (argv[i][0] != '-')
            return std::string_view(argv[i]) == "check";
    return false;
}

void apply_verbosity(const GlobalOptions& global) {
    spdlog::set_level(global.verbose >= 2   ? spdlog::level::trace
                      : global.verbose == 1 ? spdlog::level::debug
                      : global.quiet        ? spdlog::level::err
                                            : spdlog::level::warn);
}

namespace {

// What bug reports need: this version and what it was built and runs with.
std::string version_text() {
    return fmt::format(
        "ollama-netcfg {}\n"
        "built with: libsystemd {}, libcurl {}, CLI11 {}, fmt {}.{}.{}, spdlog {}.{}.{}, "
        "nlohmann-json {}.{}.{}\n"
        "running with: {}",
        OLLAMA_NETCFG_VERSION, OLLAMA_NETCFG_LIBSYSTEMD_VERSION, LIBCURL_VERSION, CLI11_VERSION,
        FMT_VERSION / 10000, FMT_VERSION / 100 % 100, FMT_VERSION % 100, SPDLOG_VER_MAJOR,
        SPDLOG_VER_MINOR, SPDLOG_VER_PATCH, NLOHMANN_JSON_VERSION_MAJOR,
        NLOHMANN_JSON_VERSION_MINOR, NLOHMANN_JSON_VERSION_PATCH, probe::curl_version_text());
}

// The commands, one line each: what `ollama-netcfg` alone prints.
std::string command_list(CLI::App& app) {
    std::string out = "usage: ollama-netcfg [--json] [-q] [-v] COMMAND [ARGS...]\n\ncommands:\n";
    for (const auto* sub : app.get_subcommands({}))
        out += fmt::format("  {:<14} {}\n", sub->get_name(), sub->get_description());
    return out + "\nRun 'ollama-netcfg COMMAND --help' for a command's options and examples, "
                 "'man ollama-netcfg' for all of it.\n";
}

// Before CLI11 parses: no command at all, or one that does not exist,
// answered as git and systemctl answer (exit 2). nullopt: parse on.
std::optional<int> missing_or_unknown_command(CLI::App& app, int argc, char** argv) {
    std::vector<std::string> names;
    for (const auto* sub : app.get_subcommands({}))
        names.push_back(sub->get_name());
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        if (a == "-h" || a == "--help" || a == "--version")
            return std::nullopt;
        if (a.starts_with("-")) {
            // The global options are flags; CLI11 judges any other option.
            static constexpr std::array<std::string_view, 5> global{"--json", "-q", "--quiet", "-v",
                                                                    "--verbose"};
            if (std::find(global.begin(), global.end(), a) == global.end() &&
                a.find_first_not_of('v', 1) != std::string_view::npos)
                return std::nullopt;
            continue;
        }
        if (std::find(names.begin(), names.end(), a) != names.end())
            return std::nullopt;
        auto guess = closest_name(a, names);
        fmt::print(stderr, "ollama-netcfg: unknown command '{}'{}\n", a,
                   guess ? fmt::format(" (did you mean '{}'?)", *guess) : std::string());
        fmt::print(stderr,
                   "ollama-netcfg: hint: the commands are {}; see 'ollama-netcfg "
                   "--help'\n",
                   fmt::join(names, ", "));
        return static_cast<int>(ExitStatus::usage);
    }
    fmt::print(stderr, "ollama-netcfg: no command given\n\n{}", command_list(app));
    return static_cast<int>(ExitStatus::usage);
}

// What each option's value is, as the man page and the README name it, in
// every command's --help (CLI11 would say TEXT or FLOAT).
void name_values(CLI::App& app) {
    static const std::map<std::string, std::string> names{
        {"unit", "NAME"},
        {"drop-in", "FILE"},
        {"timeout", "SECONDS"},
        {"root", "DIR"},
        {"container", "NAME"},
        {"from", "CIDR"},
        {"allow-origin", "ORIGIN"},
        {"expect", "ADDR"},
        {"url", "URL"},
        {"cacert", "FILE"},
        {"origin", "ORIGIN"},
        {"api-key-file", "FILE"},
        {"basic-auth-file", "FILE"},
        {"preset", "NAME"},
        {"server-name", "NAME"},
        {"cert", "FILE"},
        {"key", "FILE"},
        {"basic-auth", "FILE"},
        {"warning", "SECONDS"},
        {"critical", "SECONDS"},
        {"model", "NAME"},
        {"max-age", "SECONDS"},
        {"prometheus", "FILE"},
    };
    for (auto* opt : app.get_options()) {
        if (opt->get_positional()) {
            opt->type_name(""); // its name says what it is
            continue;
        }
        if (opt->get_type_size() == 0 || opt->get_lnames().empty())
            continue;
        if (auto it = names.find(opt->get_lnames().front()); it != names.end())
            opt->type_name(it->second);
    }
    for (auto* sub : app.get_subcommands([](CLI::App*) { return true; }))
        name_values(*sub);
}

} // namespace

} // namespace netcfg::cli

int main(int argc, char** argv) {
    using namespace netcfg;
    CLI::App app{"Expose Ollama's systemd service on the network, correctly and verifiably.",
                 "ollama-netcfg"};
    app.require_subcommand(1);
    app.fallthrough();
    // Computed only when asked: it loads libcurl to say which one runs.
    app.set_version_flag("--version", std::function<std::string()>(cli::version_text));
    app.footer("Run 'ollama-netcfg COMMAND --help' for a command's options and examples, "
               "'man ollama-netcfg' for all of it.");

    cli::GlobalOptions global;
    app.add_flag("--json", global.json, "Print one JSON object on stdout instead of text");
    app.add_flag("-q,--quiet", global.quiet, "Print only errors");
    app.add_flag("-v,--verbose", global.verbose, "More diagnostics on stderr (repeatable)");

    auto logger = spdlog::stderr_color_mt("ollama-netcfg");
    logger->set_pattern("ollama-netcfg: %l: %v");
    spdlog::set_default_logger(logger);

    int exit_status = 0;
    cli::register_expose(app, global, exit_status);
    cli::register_reset(app, global, exit_status);
    cli::register_origins(app, global, exit_status);
    cli::register_pull_proxy(app, global, exit_status);
    cli::register_status(app, global, exit_status);
    cli::register_check(app, global, exit_status);
    cli::register_proxy_config(app, global, exit_status);
    cli::name_values(app);

    // CLI11's own usage errors, said as the tool's other errors are, with where
    // to look next.
    app.failure_message([&app](const CLI::App*, const CLI::Error& e) {
        std::string command;
        for (const auto* sub : app.get_subcommands())
            command = sub->get_name() + " ";
        return fmt::format("ollama-netcfg: {}\nollama-netcfg: hint: see 'ollama-netcfg {}--help'\n",
                           e.what(), command);
    });
    if (auto status = cli::missing_or_unknown_command(app, argc, argv))
        return *status;
    try {
        app.parse(argc, argv);
    } catch (const CLI::Success& e) { // --help, --version
        // A monitoring plugin answers anything but a verdict with UNKNOWN.
        const int status = app.exit(e);
        return cli::is_check_command(argc, argv) ? cli::check_unknown_status : status;
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        // A monitoring system reads any other status as a verdict on Ollama.
        return cli::is_check_command(argc, argv) ? cli::check_unknown_status
                                                 : static_cast<int>(ExitStatus::usage);
    } catch (const std::exception& e) {
        fmt::print(stderr, "ollama-netcfg: internal error: {}\n", e.what());
        return static_cast<int>(ExitStatus::failure);
    }
    return exit_status;
}
