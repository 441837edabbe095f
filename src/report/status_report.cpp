#include "ollama-netcfg/report/status_report.hpp"
#include "ollama-netcfg/health/catalogue.hpp"

#include "ollama-netcfg/change/client_env.hpp"

#include "ollama-netcfg/ollama/origins.hpp"

#include "ollama-netcfg/ollama/models.hpp"

#include <algorithm>
#include <ctime>
#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/socket.h>

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

// What a container on a bridge gets, from the listener and the firewall.
// "ufw: port 11434 from 192.0.2.0/24, for ollama.service (persistent)"
std::string opening_text(const reach::Opening& o) {
    std::string owners;
    for (const auto& w : o.owners)
        owners += fmt::format("{}{} ({})", owners.empty() ? "" : ", ",
                              w.unit.empty() ? "any unit" : w.unit, w.layer());
    return fmt::format("{}: port {} {}, for {}", o.backend, o.port,
                       !o.interface.empty() ? "in on " + o.interface
                       : o.from.empty()     ? std::string("from any host")
                                            : "from " + o.from,
                       owners);
}

std::string bridge_line(const reach::Bridge& b, std::uint16_t port) {
    if (!b.reachable)
        return fmt::format("containers on {} cannot reach it (it does not listen on {})\n",
                           b.interface, b.gateway);
    if (b.firewall && b.firewall->decision != firewall::Decision::accept)
        return fmt::format("containers on {} {} reach it at http://{}:{}: {}: new connections "
                           "from {} {} ({})\n",
                           b.interface,
                           b.firewall->decision == firewall::Decision::undecided ? "may not"
                                                                                 : "cannot",
                           b.gateway, port, b.firewall->backend, b.interface,
                           firewall::decision_name(b.firewall->decision), b.firewall->reason);
    return fmt::format("containers on {} reach it at http://{}:{} (host.docker.internal with "
                       "host-gateway){}\n",
                       b.interface, b.gateway, port,
                       b.firewall ? fmt::format("; {}: {}", b.firewall->backend, b.firewall->reason)
                                  : std::string());
}

std::string reach_lines(const Facts& f) {
    if (!f.reach_checked)
        return {};
    std::string out = "reachable at:\n";
    for (const auto& a : f.addresses)
        if (a.represented_by.empty())
            out += fmt::format("  {:<4} IPv{} {:<12} {}: {}\n",
                               a.ok                ? "ok"
                               : a.skipped.empty() ? "FAIL"
                                                   : "--",
                               a.family, a.interface, a.url, a.detail);
    for (const auto& n : reach::not_asked(f.addresses))
        out += fmt::format("  {:<4} IPv{} {:<12} and {} more address{} on the same socket as {}, "
                           "not asked (--json lists them)\n",
                           "--", n.family, n.interface, n.count, n.count == 1 ? "" : "es", n.asked);
    if (f.addresses.empty())
        out += "  loopback only\n";
    for (const auto& b : f.bridges)
        out += bridge_line(b, f.want.port);
    if (f.firewall) {
        const auto& fw = *f.firewall;
        if (!fw.visible)
            out += fmt::format("firewall:          not inspected ({})\n", fw.why_not);
        for (const auto& v : fw.families)
            out += fmt::format("firewall IPv{}:     {}: new connections from {} to port {} {} "
                               "({})\n",
                               v.family, v.verdict.backend, f.from.empty() ? "other hosts" : f.from,
                               f.want.port, firewall::decision_name(v.verdict.decision),
                               v.verdict.reason);
    }
    for (const auto& o : f.openings)
        out += fmt::format("firewall opening:  {}\n", opening_text(o));
    for (const auto& u : f.urls)
        out += fmt::format("URL:               GET {}: {}\n", u.url,
                           !u.error.empty() ? u.error
                           : u.version      ? fmt::format("HTTP 200, version {}", *u.version)
                                            : fmt::format("HTTP {}", u.status));
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

nlohmann::json origins_json(const Facts& f) {
    const auto& o = f.origins;
    auto probes = nlohmann::json::array();
    for (const auto& p : f.origin_probes)
        probes.push_back({{"origin", p.origin},
                          {"url", p.url},
                          {"http_status", p.status},
                          {"error", p.error},
                          {"allow_origin", p.allow_origin},
                          {"let_through", p.let_through()}});
    auto opt = [](const std::optional<std::string>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    return {{"in_effect", opt(o.in_effect)},
            {"source", o.source.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.source)},
            {"configured", ollama::split_origins(o.in_effect.value_or(""))},
            {"added_by_tool", o.added},
            {"process", o.process_visible ? opt(o.process_value) : nlohmann::json(nullptr)},
            {"builtin", ollama::builtin_origins()},
            {"probes", probes}};
}

// Who can open a connection.
std::string who_can_connect(const Facts& f) {
    return reach::who_can_connect(reach::covered_families(f.serving()),
                                  f.firewall ? &*f.firewall : nullptr, f.from);
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

// firewall.ipv4 / firewall.ipv6: "not-covered" when the listener does not
// accept that IP version, "not-judged" when --from names the other one.
nlohmann::json family_json(const reach::Firewall& fw, int version) {
    const auto* v = fw.visible ? fw.family(version) : nullptr;
    const std::string none;
    return {{"decision", family_decision(fw, version)},
            {"backend", v ? v->verdict.backend : none},
            {"reason", v             ? v->verdict.reason
                       : !fw.visible ? fw.why_not
                                     : none},
            {"open_command", v ? v->open_command_text : none}};
}

nlohmann::json opt(const std::optional<std::string>& v) {
    return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
}

nlohmann::json problems_json(const std::vector<Problem>& problems) {
    auto out = nlohmann::json::array();
    for (const auto& p : problems)
        out.push_back({{"code", p.code},
                       {"severity", std::string(health::severity_name(p.severity))},
                       {"message", p.message},
                       {"advice", p.advice}});
    return out;
}

// Monitoring-plugin perfdata: label=value[UOM];warn;crit;min;max.
std::string perfdata(const Facts* f, std::size_t problems, double seconds) {
    auto out = fmt::format("time={:.3f}s;;;0 problems={};;;0", seconds, problems);
    if (!f)
        return out;
    auto limit = [](const std::optional<double>& v) {
        return v ? fmt::format("{:g}", *v) : std::string();
    };
    if (f->api_tried && f->api_error.empty())
        out += fmt::format(" api_time={:.3f}s;{};{};0;{:g}", f->api_seconds,
                           limit(f->limits.api_warning), limit(f->limits.api_critical),
                           f->api_timeout_seconds);
    if (f->models_tried && f->models_error.empty())
        out += fmt::format(" models={};;;0", f->models.size());
    return out;
}

} // namespace

std::string family_decision(const reach::Firewall& fw, int version) {
    if (const auto* v = fw.visible ? fw.family(version) : nullptr)
        return std::string(firewall::decision_name(v->verdict.decision));
    const bool covered = std::any_of(fw.any_source.begin(), fw.any_source.end(),
                                     [&](const auto& a) { return a.family == version; });
    return !fw.visible ? "undecided" : covered ? "not-judged" : "not-covered";
}

namespace {

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
                published += (published.empty() ? "" : ", ") + b.text() + " (" +
                             b.who_can_reach() + ")";
        out += fmt::format("  {} ({}): {}; {}{}\n", k.name, k.image, k.state,
                           published.empty() ? std::string("no published port") : published,
                           c.api_url.empty() ? std::string()
                           : c.version      ? fmt::format("; GET {}: version {}", c.api_url, *c.version)
                                            : fmt::format("; GET {}: {}", c.api_url,
                                                          c.api_error.empty()
                                                              ? fmt::format("HTTP {}", c.api_status)
                                                              : c.api_error));
    }
    return out;
}

nlohmann::json containers_json(const Facts& f) {
    auto out = nlohmann::json::array();
    for (const auto& c : f.containers) {
        const auto& k = c.container;
        auto bindings = nlohmann::json::array();
        for (const auto& b : k.bindings)
            bindings.push_back({{"host_ip", b.host_ip},
                                {"host_port", b.host_port},
                                {"container_port", b.container_port},
                                {"all_addresses", b.all_addresses()},
                                {"who_can_reach", b.who_can_reach()}});
        out.push_back(
            {{"id", k.id},
             {"name", k.name},
             {"image", k.image},
             {"state", k.state},
             {"ollama_host", k.ollama_host ? nlohmann::json(*k.ollama_host) : nlohmann::json(nullptr)},
             {"bindings", bindings},
             {"api", {{"url", c.api_url},
                      {"http_status", c.api_status},
                      {"error", c.api_error},
                      {"version", c.version ? nlohmann::json(*c.version) : nlohmann::json(nullptr)},
                      {"seconds", c.api_seconds}}},
             {"input_firewall",
              c.input_verdict
                  ? nlohmann::json{{"backend", c.input_verdict->backend},
                                   {"decision", firewall::decision_name(c.input_verdict->decision)},
                                   {"reason", c.input_verdict->reason}}
                  : nlohmann::json(nullptr)}});
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
        out += fmt::format("systemd gives:     {}\n", shown(f.in_effect));
        if (f.process_visible)
            out += fmt::format("main process has:  {}\n", shown(f.process_value));
        else if (f.main_pid)
            out += fmt::format("main process has:  not visible ({})\n", f.process_error);
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
                            s.process.env_visible ? ollama::describe_value(s.process.ollama_host)
                                                  : std::string("environment not visible"),
                            s.endpoints.empty()
                                ? std::string("not listening")
                                : "listening on " + fmt::format("{}", fmt::join(s.endpoints, ", ")),
                            s.answer.empty() ? "" : "; answers: " + s.answer);
        out += reach_lines(f);
        out += origins_lines(f);
        out += container_lines(f);
        out += closing_lines(f);
    }
    return out + verdict_lines(problems);
}

nlohmann::json status_json(const Facts& f, const std::vector<Problem>& problems, double seconds) {
    auto worst = health::overall(problems);
    nlohmann::json j;
    j["format"] = json_format;
    j["status"] = std::string(health::severity_name(worst));
    j["exit_status"] = health::plugin_exit_status(worst);
    j["unit"] = f.unit;
    j["load_state"] = f.load_state;
    j["active_state"] = f.active_state;
    j["sub_state"] = f.sub_state;
    j["result"] = f.result;
    j["main_pid"] = f.main_pid;
    j["restarts"] = f.n_restarts;
    j["active_since_usec"] = f.active_since_usec;
    j["need_daemon_reload"] = f.need_daemon_reload;
    j["managed_drop_in"] = f.managed_drop_in;
    auto layers = nlohmann::json::array();
    for (std::size_t i = 0; i < f.layers.layers.size(); ++i) {
        const auto& l = f.layers.layers[i];
        layers.push_back({{"kind", std::string(config::kind_name(l.kind))},
                          {"path", l.path},
                          {"exists", l.exists},
                          {"readable", l.read_error.empty()},
                          {"value", l.assigns ? opt(l.value) : nlohmann::json(nullptr)},
                          {"resets", l.resets},
                          {"in_effect", f.layers.winner == i}});
    }
    j["layers"] = layers;
    j["systemd_environment"] = opt(f.systemd_env);
    j["in_effect"] = opt(f.in_effect);
    j["process"] = f.process_visible
                       ? nlohmann::json{{"visible", true}, {"value", opt(f.process_value)}}
                       : nlohmann::json{{"visible", false}, {"error", f.process_error}};
    j["listen"] = f.listen_endpoint();
    j["listen_covers"] = f.listen_covers();
    j["listen_address"] = f.want.listen_address();
    j["listening"] = f.served();
    j["connect_url"] = f.want.connect_url();
    j["expected_from"] = f.expect_given ? "--expect" : "configuration";
    auto sockets = nlohmann::json::array();
    for (const auto& s : f.sockets)
        sockets.push_back({{"endpoint", s.endpoint},
                           {"family", s.socket.family == AF_INET6 ? 6 : 4},
                           {"dual_stack", s.socket.dual_stack()},
                           {"covers", s.socket.covers()},
                           {"pid", s.pid},
                           {"process", s.process},
                           {"unit", s.unit_owned},
                           {"serves_wanted_address", s.covers_want}});
    j["sockets"] = sockets;
    auto foreign = nlohmann::json::array();
    for (const auto& s : f.foreign_servers)
        foreign.push_back({{"pid", s.process.pid},
                           {"user", s.process.user},
                           {"ppid", s.process.ppid},
                           {"parent", s.process.parent},
                           {"cgroup", s.process.cgroup},
                           {"ollama_host", s.process.env_visible ? opt(s.process.ollama_host)
                                                                 : nlohmann::json(nullptr)},
                           {"environment_visible", s.process.env_visible},
                           {"endpoints", s.endpoints},
                           {"holds_wanted_address", s.holds_wanted},
                           {"answers", s.answers},
                           {"answer", s.answer}});
    j["foreign_servers"] = foreign;
    j["api"] = {{"tried", f.api_tried}, {"url", f.api_url},          {"http_status", f.api_status},
                {"error", f.api_error}, {"version", opt(f.version)}, {"seconds", f.api_seconds}};
    if (f.models_tried)
        j["models"] = {{"wanted", f.limits.models},
                       {"listed", f.models},
                       {"missing", f.models_error.empty() ? nlohmann::json(ollama::missing_models(
                                                                f.limits.models, f.models))
                                                          : nlohmann::json(nullptr)},
                       {"error", f.models_error}};
    else
        j["models"] = nullptr;
    auto addresses = nlohmann::json::array();
    for (const auto& a : f.addresses)
        addresses.push_back(
            {{"represented_by", a.represented_by.empty() ? nlohmann::json(nullptr)
                                                         : nlohmann::json(a.represented_by)},
             {"interface", a.interface},
             {"address", a.address},
             {"family", a.family},
             {"link_local", a.link_local},
             {"url", a.url},
             {"ok", a.ok},
             {"skipped", a.skipped},
             {"detail", a.detail}});
    j["addresses"] = addresses;
    auto bridges = nlohmann::json::array();
    for (const auto& b : f.bridges)
        bridges.push_back(
            {{"interface", b.interface},
             {"address", b.address},
             {"gateway", b.gateway},
             {"subnet", b.subnet},
             {"reachable", b.reachable},
             {"firewall", b.firewall ? nlohmann::json{{"backend", b.firewall->backend},
                                                      {"decision", firewall::decision_name(
                                                                       b.firewall->decision)},
                                                      {"reason", b.firewall->reason}}
                                     : nlohmann::json(nullptr)},
             {"can_connect", b.can_connect()},
             {"open_command", b.open_command_text}});
    j["bridges"] = bridges;
    if (f.firewall) {
        const auto& fw = *f.firewall;
        j["firewall"] = {{"visible", fw.visible},
                         {"why_not", fw.why_not},
                         {"backend", fw.verdict.backend},
                         {"decision", std::string(firewall::decision_name(fw.verdict.decision))},
                         {"reason", fw.verdict.reason},
                         {"from", f.from},
                         {"open_command", fw.open_command_text},
                         {"ipv4", family_json(fw, 4)},
                         {"ipv6", family_json(fw, 6)}};
    } else {
        j["firewall"] = nullptr;
    }
    auto openings = nlohmann::json::array();
    for (const auto& o : f.openings) {
        auto owners = nlohmann::json::array();
        for (const auto& w : o.owners)
            owners.push_back({{"unit", w.unit.empty() ? nlohmann::json(nullptr) : nlohmann::json(w.unit)},
                              {"layer", w.layer()}});
        openings.push_back({{"backend", o.backend},
                            {"port", o.port},
                            {"from", o.from.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.from)},
                            {"interface", o.interface.empty() ? nlohmann::json(nullptr)
                                                              : nlohmann::json(o.interface)},
                            {"owners", owners}});
    }
    j["firewall_openings"] = openings;
    auto urls = nlohmann::json::array();
    for (const auto& u : f.urls)
        urls.push_back({{"url", u.url},
                        {"http_status", u.status},
                        {"error", u.error},
                        {"version", opt(u.version)},
                        {"ollama_refuses_host", u.refused_host},
                        {"ollama_refuses_origin", u.refused_origin},
                        {"origin", u.origin.empty() ? nlohmann::json(nullptr) : nlohmann::json(u.origin)},
                        {"credentials", u.credentials.empty() ? nlohmann::json(nullptr)
                                                              : nlohmann::json(u.credentials)},
                        {"www_authenticate", u.www_authenticate}});
    j["urls"] = urls;
    if (f.load_state == "loaded")
        j["origins"] = origins_json(f);
    else
        j["origins"] = nullptr;
    j["containers"] = containers_json(f);
    j["container"] =
        f.container_check.empty() ? nlohmann::json(nullptr) : nlohmann::json(f.container_check);
    if (f.load_state == "loaded") {
        j["who_can_connect"] = who_can_connect(f);
        auto line = reach::client_export(f.want, f.listener());
        j["client_export"] = line.empty() ? nlohmann::json(nullptr) : nlohmann::json(line);
        j["client_env"] =
            f.client_env
                ? nlohmann::json{{"file", change::client_profile_file},
                                 {"value", *f.client_env},
                                 {"matches", *f.client_env == change::client_env_wanted(line)}}
                : nlohmann::json(nullptr);
    }
    j["problems"] = problems_json(problems);
    j["time_seconds"] = seconds;
    return j;
}

std::string plugin_line(const Facts& f, const std::vector<Problem>& problems, double seconds,
                        const std::string& note) {
    auto worst = health::overall(problems);
    std::string text;
    if (worst == Severity::ok && !f.container_check.empty()) {
        text = fmt::format("container {}: Ollama {} answers at {}", f.container_check,
                           f.version.value_or("?"), f.api_url);
    } else if (worst == Severity::ok) {
        text = fmt::format("{} listens on {}", f.unit, f.listen_endpoint());
        if (f.version)
            text += fmt::format(", Ollama {} answers at {}", *f.version, f.want.connect_url());
    } else {
        for (const auto& p : problems)
            if (p.severity != Severity::info)
                text += fmt::format("{}{}: {}", text.empty() ? "" : "; ", p.code, p.message);
    }
    if (!note.empty())
        text += "; " + note;
    std::replace(text.begin(), text.end(), '|', '/'); // '|' starts perfdata
    auto counted = std::count_if(problems.begin(), problems.end(),
                                 [](const Problem& p) { return p.severity != Severity::info; });
    return fmt::format("OLLAMA-NETCFG {} - {} | {}", health::severity_name(worst), text,
                       perfdata(&f, static_cast<std::size_t>(counted), seconds));
}

std::string plugin_unknown_line(const std::string& why, double seconds) {
    auto text = why;
    std::replace(text.begin(), text.end(), '|', '/');
    return fmt::format("OLLAMA-NETCFG UNKNOWN - {} | {}", text, perfdata(nullptr, 0, seconds));
}

nlohmann::json unknown_json(const std::string& unit, const Error& why, double seconds) {
    return {{"format", json_format},
            {"status", "UNKNOWN"},
            {"exit_status", 3},
            {"unit", unit},
            {"problems", nlohmann::json::array({{{"code", health::code_name(health::Code::check_failed)},
                                                 {"severity", "UNKNOWN"},
                                                 {"message", why.message},
                                                 {"advice", why.hint}}})},
            {"time_seconds", seconds}};
}

} // namespace netcfg::report
