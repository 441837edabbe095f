// status's readable report: the unit, the layers, the listener and API, the
// reach view, browsers, containers, who can connect, and the verdict.
#include "ollama-netcfg/change/client_env.hpp"
#include "ollama-netcfg/ollama/origins.hpp"
#include "ollama-netcfg/ollama/proxy.hpp"
#include "ollama-netcfg/report/reach_view.hpp"
#include "ollama-netcfg/report/status_report.hpp"

#include <algorithm>
#include <ctime>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace netcfg::report {
namespace {

using health::Facts;
using health::Problem;
using health::Severity;

std::string shown(const std::optional<std::string>& v) {
    return v ? fmt::format("OLLAMA_HOST=\"{}\"", *v) : std::string("unset");
}

std::string since(std::uint64_t usec) {
    if (usec == 0)
        return {};
    auto t = static_cast<std::time_t>(usec / 1000000);
    return fmt::format(" since {:%Y-%m-%d %H:%M:%S %Z}", fmt::localtime(t));
}

std::string unit_line(const Facts& f) {
    if (f.load_state != "loaded")
        return fmt::format("{}: not loaded ({})\n", f.unit, f.load_state);
    return fmt::format("{}: {} ({}){}; main PID {}; {} restarts\n", f.unit, f.active_state,
                       f.sub_state, since(f.active_since_usec), f.main_pid, f.n_restarts);
}

// What the next boot does: whether systemd starts the unit, the units it
// starts after, and whether it tries again when Ollama exits.
std::string boot_line(const Facts& f) {
    std::vector<std::string> after;
    for (const auto& a : health::starts_after(f))
        after.push_back(a.wanted ? a.unit : a.unit + " (no Wants=)");
    std::string restart = fmt::format("Restart={}", f.restart);
    if (f.restart != "no")
        restart += fmt::format(" every {:g} s", static_cast<double>(f.restart_usec) / 1e6);
    return fmt::format("at boot:           {}; after {}; {}\n", f.unit_file_state,
                       after.empty() ? std::string("no unit of its own")
                                     : fmt::format("{}", fmt::join(after, ", ")),
                       restart);
}

std::string layer_lines(const Facts& f) {
    std::vector<std::pair<std::string, std::string>> rows;
    std::size_t width = 0;
    for (std::size_t i = 0; i < f.layers.layers.size(); ++i) {
        const auto& l = f.layers.layers[i];
        std::string where = l.kind == config::LayerKind::manager ? "manager environment" : l.path;
        if (l.path == f.managed_drop_in)
            where += " [managed]";
        if (l.kind == config::LayerKind::drop_in && l.path.starts_with("/run/"))
            where += " [runtime]";
        std::string what;
        if (!l.read_error.empty())
            what = "not readable";
        else if (!l.exists && l.kind != config::LayerKind::manager)
            what = "(no such file)";
        else if (l.assigns)
            what = fmt::format("\"{}\"", *l.value);
        else
            what = "-";
        if (l.resets)
            what += " (an empty Environment= clears earlier settings)";
        if (f.layers.winner == i)
            what += "  <- in effect";
        width = std::max(width, where.size());
        rows.emplace_back(std::move(where), std::move(what));
    }
    std::string out = "OLLAMA_HOST, layer by layer (later wins):\n";
    for (std::size_t i = 0; i < rows.size(); ++i)
        out += fmt::format("  {:<16} {:<{}}  {}\n", config::kind_name(f.layers.layers[i].kind),
                           rows[i].first, width, rows[i].second);
    return out;
}

std::string socket_lines(const Facts& f) {
    std::string out;
    for (const auto& s : f.sockets) {
        auto who = s.pid ? fmt::format("{} (PID {})", s.process, s.pid) : std::string("?");
        out += fmt::format("  {:<16} {:<24} {}{}\n", s.unit_owned ? f.unit : "other", s.endpoint,
                           who, s.covers_want ? "  <- serves the wanted address" : "");
    }
    return out.empty() ? "  none\n" : out;
}

std::string api_line(const Facts& f) {
    if (!f.api_tried)
        return "not tried (no listener)";
    if (!f.api_error.empty())
        return fmt::format("GET {}: {}", f.api_url, f.api_error);
    if (f.api_status == 200 && f.version)
        return fmt::format("GET {}: HTTP 200, version {} ({:.1f} ms)", f.api_url, *f.version,
                           f.api_seconds * 1000);
    return fmt::format("GET {}: HTTP {}", f.api_url, f.api_status);
}

// The proxy variables Go reads, when the service has any: each spelling,
// from where, and what the running process has if that differs.
std::string proxy_lines(const Facts& f) {
    std::string out;
    for (const auto& v : f.proxy.variables) {
        out += out.empty() ? "outbound proxy:    " : "                   ";
        auto value = [](const std::optional<std::string>& x) {
            return x ? fmt::format("\"{}\"", ollama::redact_proxy(*x)) : std::string("none");
        };
        if (v.in_effect)
            out += fmt::format("{}={} from {}", v.name, value(v.in_effect), v.source);
        else
            out += fmt::format("{} unset", v.name);
        if (f.proxy.process_visible && v.process_value != v.in_effect)
            out += fmt::format(" (the running process has {}: it started before the change)",
                               value(v.process_value));
        out += "\n";
        // Layer by layer: what an earlier file sets is overridden.
        for (const auto& [file, set] : v.layers)
            if (file != v.source)
                out += fmt::format("                     {}={} in {} is overridden\n", v.name,
                                   value(set), file);
    }
    return out;
}

// Browsers: the origins Ollama lets through, and check --origin's answers.
std::string origins_lines(const Facts& f) {
    const auto& o = f.origins;
    const auto entries = ollama::split_origins(o.in_effect.value_or(""));
    std::string out =
        entries.empty()
            ? std::string("browser origins:   only Ollama's built-in ones (no OLLAMA_ORIGINS)\n")
            : fmt::format("browser origins:   OLLAMA_ORIGINS=\"{}\" from {}\n", *o.in_effect,
                          o.source);
    if (o.process_visible && o.process_value != o.in_effect)
        out += fmt::format("  the running process has {} (it started before the change)\n",
                           o.process_value ? "\"" + *o.process_value + "\"" : "none");
    out += "  built in: http(s)://localhost, 127.0.0.1, 0.0.0.0 with any port; app://, file://, "
           "tauri://, vscode-webview://, vscode-file://\n";
    for (const auto& p : f.origin_probes)
        out += fmt::format("  {:<4} Origin {}: {}\n", p.let_through() ? "ok" : "FAIL", p.origin,
                           !p.error.empty() ? p.error
                           : p.allow_origin.empty()
                               ? fmt::format("HTTP {}", p.status)
                               : fmt::format("HTTP {}, Access-Control-Allow-Origin: {}", p.status,
                                             p.allow_origin));
    return out;
}

// Who can open a connection, and what the admin's shell needs.
std::string closing_lines(const Facts& f) {
    if (f.load_state != "loaded")
        return {};
    std::string out = fmt::format("who can connect:   {}\n", who_can_connect(f));
    const auto line = reach::client_export(f.want, f.listener());
    if (!line.empty())
        out += fmt::format("ollama command:    the local `ollama` command needs `{}` in its "
                           "shell\n",
                           line);
    if (f.client_env)
        out += fmt::format("local clients:     {} sets OLLAMA_HOST={} ({})\n",
                           change::client_profile_file, *f.client_env,
                           *f.client_env == change::client_env_wanted(line)
                               ? "new shells find the server"
                               : "stale: see client-env-stale");
    return out;
}

// The Ollama containers: state, what each publishes, its answer.
std::string container_lines(const Facts& f) {
    if (f.containers.empty() && f.docker_error.empty())
        return {};
    std::string out = fmt::format("Ollama containers ({}):\n", f.docker_socket);
    if (!f.docker_error.empty())
        out += fmt::format("  not visible: {}\n", f.docker_error);
    for (const auto& c : f.containers) {
        const auto& k = c.container;
        std::string published;
        for (const auto& b : k.bindings)
            if (published.find(b.text()) == std::string::npos)
                published +=
                    (published.empty() ? "" : ", ") + b.text() + " (" + b.who_can_reach() + ")";
        out += fmt::format("  {} ({}): {}; {}{}\n", k.name, k.image, k.state,
                           published.empty() ? std::string("no published port") : published,
                           c.api_url.empty() ? std::string()
                           : c.version ? fmt::format("; GET {}: version {}", c.api_url, *c.version)
                                       : fmt::format("; GET {}: {}", c.api_url,
                                                     c.api_error.empty()
                                                         ? fmt::format("HTTP {}", c.api_status)
                                                         : c.api_error));
    }
    return out;
}

// The verdict and each problem with its advice: the end of every status text.
std::string verdict_lines(const std::vector<Problem>& problems) {
    std::string out =
        fmt::format("verdict: {}\n", health::severity_name(health::overall(problems)));
    for (const auto& p : problems)
        out += fmt::format("  {:<8} {}: {}\n           advice: {}\n",
                           health::severity_name(p.severity), p.code, p.message, p.advice);
    return out;
}

} // namespace

std::string status_text(const Facts& f, const std::vector<Problem>& problems) {
    if (!f.container_check.empty()) {
        std::string out = fmt::format("container {}:\n", f.container_check);
        return out + container_lines(f) + verdict_lines(problems);
    }
    std::string out = unit_line(f);
    if (f.load_state == "loaded") {
        out += layer_lines(f);
        if (!f.set_by.empty())
            out += fmt::format("set by:            {}\n", f.set_by);
        out += fmt::format("systemd gives:     {}\n",
                           shown(f.set_by.empty() ? f.in_effect : f.systemd_env));
        if (f.process_visible)
            out += fmt::format("main process has:  {}\n", shown(f.process_value));
        else if (f.main_pid)
            out += fmt::format("main process has:  not visible ({})\n", f.process_error);
        out += boot_line(f);
        out += fmt::format("Ollama listens on: {} ({}){}; clients on this host connect to {}\n",
                           f.listen_endpoint(), f.listen_covers(),
                           f.served()       ? ""
                           : f.expect_given ? ", expected (--expect)"
                                            : ", expected",
                           f.want.connect_url());
        out += "listening sockets:\n" + socket_lines(f);
        out += fmt::format("API:               {}\n", api_line(f));
        for (const auto& s : f.foreign_servers)
            out +=
                fmt::format("other ollama serve: {}; {}; {}{}\n", s.process.describe(),
                            s.process.env_visible ? ollama::describe_host(s.process.ollama_host)
                                                  : std::string("environment not visible"),
                            s.endpoints.empty()
                                ? std::string("not listening")
                                : "listening on " + fmt::format("{}", fmt::join(s.endpoints, ", ")),
                            s.answer.empty() ? "" : "; answers: " + s.answer);
        out += reach_lines(f);
        out += origins_lines(f);
        out += proxy_lines(f);
        out += container_lines(f);
        out += closing_lines(f);
    }
    return out + verdict_lines(problems);
}

} // namespace netcfg::report
