// Prints a reverse-proxy configuration for the listener in effect (read
// from systemd, as `status` reads it). Read-only; no root needed.
#include "ollama-netcfg/cli/proxy_config.hpp"

#include "ollama-netcfg/cli/inspect.hpp"
#include "ollama-netcfg/report/format.hpp"
#include "ollama-netcfg/report/proxy_config.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace netcfg::cli {
namespace {

struct ProxyArgs {
    std::string server;
    report::ProxyConfigOptions config;
    InspectArgs inspect;
};

int run(const ProxyArgs& a, const GlobalOptions& global) {
    apply_verbosity(global);
    if (a.config.cert.empty() != a.config.key.empty()) {
        print_error(usage_error("--cert and --key go together",
                                "give both (the certificate and its key) for HTTPS, or neither for "
                                "plain HTTP"));
        return static_cast<int>(ExitStatus::usage);
    }
    auto facts = inspect_unit(a.inspect);
    if (!facts) {
        print_error(facts.error());
        return static_cast<int>(facts.error().status);
    }
    auto text = a.server == "nginx" ? report::nginx_config(facts->want, a.config)
                                    : report::caddy_config(facts->want, a.config);
    if (global.json)
        fmt::print("{}\n", nlohmann::json{{"format", report::json_format},
                                          {"server", a.server},
                                          {"listen", facts->want.listen_address()},
                                          {"config", text}}
                               .dump(2));
    else
        fmt::print("{}", text);
    return 0;
}

} // namespace

void register_proxy_config(CLI::App& app, const GlobalOptions& global, int& exit_status) {
    auto a = std::make_shared<ProxyArgs>();
    auto* sub = app.add_subcommand(
        "proxy-config", "Print an nginx or Caddy server block that works with the configured "
                        "listener");
    sub->footer("Examples:\n"
                "  ollama-netcfg proxy-config nginx --server-name ollama.example.org \\\n"
                "      --cert /etc/ssl/ollama.pem --key /etc/ssl/ollama.key\n"
                "  ollama-netcfg proxy-config caddy --server-name ollama.example.org");
    sub->add_option("SERVER", a->server, "nginx or caddy")
        ->required()
        ->check(CLI::IsMember({"nginx", "caddy"}));
    sub->add_option("--server-name", a->config.server_name, "The public name")->required();
    sub->add_option("--cert", a->config.cert, "TLS certificate file");
    sub->add_option("--key", a->config.key, "TLS key file");
    sub->add_option("--unit", a->inspect.unit, "The Ollama service unit")->capture_default_str();
    sub->add_option("--expect", a->inspect.expect,
                    "Use this listener instead of the configured one");
    sub->callback([a, &global, &exit_status] { exit_status = run(*a, global); });
}

} // namespace netcfg::cli
