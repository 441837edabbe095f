// Prints a reverse-proxy configuration for the listener in effect (read
// from systemd, as `status` reads it). Read-only; no root needed.
#include "ollama-netcfg/cli/proxy_config.hpp"

#include "ollama-netcfg/cli/inspect.hpp"
#include "ollama-netcfg/health/catalogue.hpp"
#include "ollama-netcfg/health/problems.hpp"
#include "ollama-netcfg/report/format.hpp"
#include "ollama-netcfg/report/proxy_config.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <grp.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <unistd.h>

namespace netcfg::cli {
namespace {

struct ProxyArgs {
    std::string server;
    report::ProxyConfigOptions config;
    InspectArgs inspect;
    std::string api_key_file;    // --api-key-file
    std::string basic_auth_file; // --basic-auth
};

// The listener: --expect as given (no systemd needed: this only prints),
// else the one in effect, read as `status` reads it.
Result<ollama::HostSetting> listener(const ProxyArgs& a) {
    if (!a.inspect.expect.empty())
        return ollama::parse_expose_address(a.inspect.expect);
    auto facts = inspect_unit(a.inspect);
    if (!facts)
        return facts.error();
    return facts->want;
}

// The server's copy of the credentials, next to the admin's file: readable
// by root only (nginx reads its configuration as root; for Caddy, which
// runs as user caddy, group caddy may read it).
Status write_include(const std::string& path, const std::string& content, bool caddy) {
    if (auto st = write_file_atomic(path, content, 0600); !st)
        return st;
    if (caddy)
        if (const struct group* g = getgrnam("caddy"))
            if (chown(path.c_str(), 0, g->gr_gid) == 0)
                chmod(path.c_str(), 0640);
    return Ok{};
}

// --api-key-file / --basic-auth: read and checked before anything is
// written; the keys go only into the include file.
Status prepare_auth(const ProxyArgs& a, report::ProxyConfigOptions& c) {
    if (!a.api_key_file.empty() && !a.basic_auth_file.empty())
        return usage_error("--api-key-file and --basic-auth do not go together",
                           "choose bearer keys (API clients, Open WebUI) or user:password");
    const std::string& source = a.api_key_file.empty() ? a.basic_auth_file : a.api_key_file;
    if (source.empty())
        return Ok{};
    const bool caddy = a.server == "caddy";
    auto path = std::filesystem::absolute(source).string();
    auto text = read_file(path);
    if (!text)
        return text.error();
    if (!*text)
        return usage_error(fmt::format("{}: no such file", path),
                           a.api_key_file.empty() ? "write it with `htpasswd -B -c FILE USER`"
                                                  : "one key per line, e.g. from `openssl rand "
                                                    "-hex 32`");
    c.credentials_file = path;
    if (!a.api_key_file.empty()) {
        auto keys = report::parse_api_keys(**text);
        if (!keys)
            return Error{fmt::format("{}: {}", path, keys.error().message), keys.error().hint,
                         ExitStatus::usage};
        c.auth = report::ProxyAuth::bearer;
        c.include_file = path + (caddy ? ".caddy" : ".nginx-map");
        return write_include(c.include_file,
                             caddy ? report::caddy_key_matcher(*keys, path)
                                   : report::nginx_key_map(*keys, path),
                             caddy);
    }
    auto users = report::parse_htpasswd(**text, caddy);
    if (!users)
        return Error{fmt::format("{}: {}", path, users.error().message), users.error().hint,
                     ExitStatus::usage};
    c.auth = report::ProxyAuth::basic;
    if (!caddy)
        return Ok{}; // nginx reads the htpasswd file itself
    c.include_file = path + ".caddy";
    return write_include(c.include_file, report::caddy_basic_auth(*users, path), true);
}

// The credentials file as kept: who besides root can read or change it.
std::optional<health::Problem> credentials_warning(const ProxyArgs& a,
                                                   const report::ProxyConfigOptions& c) {
    if (c.credentials_file.empty())
        return std::nullopt;
    auto access = credentials_access(
        c.credentials_file, a.server == "nginx" && c.auth == report::ProxyAuth::basic, "www-data");
    if (!access)
        return std::nullopt;
    return health::credentials_readable(*access);
}

// With credentials at the proxy: whether a client can skip it by asking
// Ollama's own port, judged as `check --url` judges it (proxy-bypassable)
// from what really listens (not --expect). What cannot be seen is said.
std::vector<health::Problem> bypass_warnings(const ProxyArgs& a,
                                             const report::ProxyConfigOptions& c) {
    if (c.auth == report::ProxyAuth::none)
        return {};
    const std::string credentials = fmt::format(
        "{} from {}", c.auth == report::ProxyAuth::bearer ? "bearer key" : "user and password",
        c.credentials_file);
    auto args = a.inspect;
    args.expect.clear();
    auto facts = inspect_unit(args);
    const std::string unsure = "could not tell whether clients can skip the proxy by asking "
                               "Ollama's own port";
    if (!facts)
        return {health::problem(health::Code::not_visible, health::Severity::warning,
                                fmt::format("{}: {}", unsure, facts.error().message),
                                facts.error().hint)};
    if (facts->firewall && !facts->firewall->visible)
        return {health::problem(health::Code::not_visible, health::Severity::warning,
                                fmt::format("{}: the firewall was not inspected ({})", unsure,
                                            facts->firewall->why_not),
                                "run proxy-config as root, or `sudo ollama-netcfg check --url "
                                "URL --api-key-file FILE` once the proxy runs")};
    if (auto p = health::proxy_bypass(*facts, credentials))
        return {*p};
    return {};
}

int run(const ProxyArgs& a, const GlobalOptions& global) {
    apply_verbosity(global);
    auto fail = [](const Error& e) {
        print_error(e);
        return static_cast<int>(e.status);
    };
    if (a.config.cert.empty() != a.config.key.empty())
        return fail(usage_error("--cert and --key go together",
                                "give both (the certificate and its key) for HTTPS, or neither for "
                                "plain HTTP"));
    auto want = listener(a);
    if (!want)
        return fail(want.error());
    auto config = a.config;
    if (auto st = prepare_auth(a, config); !st)
        return fail(st.error());
    auto text = a.server == "nginx" ? report::nginx_config(*want, config)
                                    : report::caddy_config(*want, config);
    auto warnings = bypass_warnings(a, config);
    if (auto w = credentials_warning(a, config))
        warnings.insert(warnings.begin(), *w);
    auto warnings_json = nlohmann::json::array();
    for (const auto& w : warnings) {
        warnings_json.push_back({{"code", w.code},
                                 {"severity", health::severity_name(w.severity)},
                                 {"message", w.message},
                                 {"advice", w.advice}});
        if (!global.json)
            fmt::print(stderr, "ollama-netcfg: warning: {}: {}\nollama-netcfg: hint: {}\n", w.code,
                       w.message, w.advice);
    }
    if (global.json)
        fmt::print(
            "{}\n",
            nlohmann::json{{"format", report::json_format},
                           {"server", a.server},
                           {"listen", want->listen_address()},
                           {"credentials_file", config.credentials_file.empty()
                                                    ? nlohmann::json(nullptr)
                                                    : nlohmann::json(config.credentials_file)},
                           {"include_file", config.include_file.empty()
                                                ? nlohmann::json(nullptr)
                                                : nlohmann::json(config.include_file)},
                           {"config", text},
                           {"warnings", warnings_json}}
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
                "  sudo ollama-netcfg proxy-config caddy --server-name ollama.example.org \\\n"
                "      --api-key-file /etc/caddy/ollama.keys\n"
                "  ollama-netcfg proxy-config caddy --server-name ollama.example.org --expect "
                "127.0.0.1:11434");
    sub->add_option("SERVER", a->server, "nginx or caddy")
        ->required()
        ->check(CLI::IsMember({"nginx", "caddy"}));
    sub->add_option("--server-name", a->config.server_name, "The public name")->required();
    sub->add_option("--cert", a->config.cert, "TLS certificate file");
    sub->add_option("--key", a->config.key, "TLS key file");
    sub->add_option("--api-key-file", a->api_key_file,
                    "Let through only requests with `Authorization: Bearer KEY`, KEY one line of "
                    "FILE; writes FILE.nginx-map or FILE.caddy (mode 0600) for the server to "
                    "read, so the block holds no key");
    sub->add_option("--basic-auth", a->basic_auth_file,
                    "Let through only the users of this htpasswd file (bcrypt, `htpasswd -B`, "
                    "for Caddy; Caddy reads a copy of the hashes, FILE.caddy)");
    sub->add_option("--unit", a->inspect.unit, "The Ollama service unit")->capture_default_str();
    sub->add_option("--expect", a->inspect.expect,
                    "Use this listener instead of the configured one");
    sub->callback([a, &global, &exit_status] { exit_status = run(*a, global); });
}

} // namespace netcfg::cli
