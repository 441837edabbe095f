// ollama-netcfg: expose Ollama's systemd service on the network, and prove it.
#include "ollama-netcfg/cli/check.hpp"
#include "ollama-netcfg/cli/common.hpp"
#include "ollama-netcfg/cli/expose.hpp"
#include "ollama-netcfg/cli/proxy_config.hpp"
#include "ollama-netcfg/cli/reset.hpp"
#include "ollama-netcfg/cli/status.hpp"

#include <exception>
#include <fmt/format.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

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

} // namespace netcfg::cli

int main(int argc, char** argv) {
    using namespace netcfg;
    CLI::App app{"Expose Ollama's systemd service on the network, correctly and verifiably.",
                 "ollama-netcfg"};
    app.require_subcommand(1);
    app.fallthrough();
    app.set_version_flag("--version", OLLAMA_NETCFG_VERSION);

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
    cli::register_status(app, global, exit_status);
    cli::register_check(app, global, exit_status);
    cli::register_proxy_config(app, global, exit_status);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::Success& e) {
        return app.exit(e);
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
