#include "ollama-netcfg/cli/inspect.hpp"

#include "ollama-netcfg/change/origins.hpp"
#include "ollama-netcfg/change/pull_proxy.hpp"
#include "ollama-netcfg/firewall/verdict.hpp"
#include "ollama-netcfg/health/inspect.hpp"
#include "ollama-netcfg/ollama/origins.hpp"
#include "ollama-netcfg/unitfile/names.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <grp.h>
#include <sys/stat.h>

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
    sub.add_option("--container", a.container,
                   "Check this Ollama container (Docker or podman) instead of the unit: its "
                   "state, what it publishes, its API through the published port");
    sub.add_option("--origin", a.origins,
                   "Also send GET /api/version with this Origin, as a web page from there "
                   "does (and with the first one, --url); repeatable");
    sub.add_option("--api-key-file", a.api_key_file,
                   "For --url: send the bearer key in FILE (its first line) as `Authorization: "
                   "Bearer KEY`");
    sub.add_option("--basic-auth-file", a.basic_auth_file,
                   "For --url: send the user:password in FILE (its first line) with HTTP basic "
                   "authentication");
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

// The first line of a credentials file that is not empty or a comment.
// Its content never reaches a command line, a message or the JSON.
Result<std::string> first_secret_line(const std::string& option, const std::string& path) {
    auto content = read_file(path);
    if (!content)
        return usage_error(fmt::format("{} {}: {}", option, path, content.error().message),
                           "give a file readable by this user, one credential per line");
    if (!*content)
        return usage_error(fmt::format("{} {}: no such file", option, path),
                           "give the file the proxy's key or password came from");
    std::string_view rest = **content;
    while (!rest.empty()) {
        auto nl = rest.find('\n');
        auto line = rest.substr(0, nl);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ' || line.back() == '\t'))
            line.remove_suffix(1);
        while (!line.empty() && (line.front() == ' ' || line.front() == '\t'))
            line.remove_prefix(1);
        if (!line.empty() && line.front() != '#')
            return std::string(line);
    }
    return usage_error(fmt::format("{} {}: the file holds no credential", option, path),
                       "one per line; lines starting with # are comments");
}

Status read_credentials(const InspectArgs& a, health::InspectOptions& o) {
    if (!a.api_key_file.empty() && !a.basic_auth_file.empty())
        return usage_error("--api-key-file and --basic-auth-file do not go together",
                           "give the one the proxy asks for");
    if ((!a.api_key_file.empty() || !a.basic_auth_file.empty()) && a.urls.empty())
        return usage_error("credentials are for --url: Ollama itself has no authentication",
                           "add --url https://your-proxy");
    if (!a.api_key_file.empty()) {
        auto key = first_secret_line("--api-key-file", a.api_key_file);
        if (!key)
            return key.error();
        o.authorization = "Bearer " + *key;
        o.credentials = fmt::format("bearer key from {}", a.api_key_file);
    }
    if (!a.basic_auth_file.empty()) {
        auto pair = first_secret_line("--basic-auth-file", a.basic_auth_file);
        if (!pair)
            return pair.error();
        if (pair->find(':') == std::string::npos)
            return usage_error(fmt::format("--basic-auth-file {}: the line is not user:password",
                                           a.basic_auth_file),
                               "write it as user:password (not the htpasswd hash)");
        o.basic_auth = *pair;
        o.credentials = fmt::format("user and password from {}", a.basic_auth_file);
    }
    return Ok{};
}

} // namespace

std::optional<health::CredentialsAccess>
credentials_access(const std::string& path, bool read_by_server, const std::string& server_group) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0)
        return std::nullopt;
    health::CredentialsAccess access;
    access.path = std::filesystem::absolute(path).string();
    access.mode = st.st_mode & 07777;
    const auto* g = ::getgrgid(st.st_gid);
    access.group = g ? g->gr_name : std::to_string(st.st_gid);
    // Reading the file takes search permission on every directory above it.
    for (auto dir = std::filesystem::path(access.path).parent_path();; dir = dir.parent_path()) {
        struct stat d {};
        if (::stat(dir.c_str(), &d) == 0 && !(d.st_mode & S_IXOTH))
            access.others_reach = false;
        if (dir == dir.root_path() || dir.empty())
            break;
    }
    access.read_by_server = read_by_server;
    access.server_group = server_group;
    return access;
}

namespace {

// The credentials files check is given, and the includes proxy-config wrote
// from a key file (nginx's master reads its map as root; Caddy's workers
// read theirs as group caddy).
std::vector<health::CredentialsAccess> credential_files(const InspectArgs& a) {
    std::vector<health::CredentialsAccess> out;
    auto add = [&](const std::string& path, bool by_server, const std::string& group) {
        if (auto access = credentials_access(path, by_server, group))
            out.push_back(*access);
    };
    if (!a.api_key_file.empty()) {
        add(a.api_key_file, false, "");
        add(a.api_key_file + ".nginx-map", false, "");
        add(a.api_key_file + ".caddy", true, "caddy");
    }
    if (!a.basic_auth_file.empty())
        add(a.basic_auth_file, false, "");
    return out;
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
    if (!a.from.empty() && !net::valid_cidr(a.from))
        return usage_error(fmt::format("--from {}: not an address or network (CIDR)", a.from),
                           "e.g. --from 192.168.1.0/24 or --from 2001:db8::/64");
    for (const auto& u : a.urls)
        if (!u.starts_with("http://") && !u.starts_with("https://"))
            return usage_error(fmt::format("--url {}: not an http:// or https:// URL", u),
                               "give the proxy's base URL, e.g. --url https://ollama.example.org");
    for (const auto& origin : a.origins)
        // `null` is what some clients send: asked as such, never added.
        if (auto why = ollama::refuse_origin_argument(origin, true);
            (why && origin != "null") || origin == "*")
            return usage_error(fmt::format("--origin \"{}\": {}", origin,
                                           why ? *why : "a browser sends one origin, not *"),
                               "the origin of the web page, e.g. --origin "
                               "http://192.168.1.50:3000");
    if (auto st = read_credentials(a, o); !st)
        return st.error();
    o.origins = a.origins;
    o.container = a.container;
    if (auto recorded = change::recorded_origins(o.unit))
        o.origins_added = *recorded;
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
    o.pull_path = a.pull_path;
    o.registry = a.registry;
    if (auto st = change::check_registry(a.registry); !st)
        return st.error();
    auto manager = systemd::Manager::connect(systemd::Route::bus_first);
    if (!manager)
        return manager.error();
    auto facts = health::inspect(*manager, o);
    if (facts)
        facts->credential_files = credential_files(a);
    return facts;
}

} // namespace netcfg::cli
