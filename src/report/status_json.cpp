// The --json object of status and check (format 1, docs/json.md), and the
// short one of a check that could not look.
#include "ollama-netcfg/change/client_env.hpp"
#include "ollama-netcfg/health/catalogue.hpp"
#include "ollama-netcfg/ollama/models.hpp"
#include "ollama-netcfg/ollama/origins.hpp"
#include "ollama-netcfg/ollama/proxy.hpp"
#include "ollama-netcfg/report/reach_view.hpp"
#include "ollama-netcfg/report/status_report.hpp"

#include <sys/socket.h>

namespace netcfg::report {
namespace {

using health::Facts;
using health::Problem;
using health::Severity;

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

// Each layer that sets a proxy variable, in order: its file and value.
nlohmann::json layers_json(const std::vector<std::pair<std::string, std::string>>& layers) {
    auto out = nlohmann::json::array();
    for (const auto& [file, value] : layers)
        out.push_back({{"source", file}, {"value", ollama::redact_proxy(value)}});
    return out;
}

// What Go takes for each proxy variable in a process started now (redacted),
// and every spelling set, from where, and what the running process has.
nlohmann::json proxy_json(const Facts& f) {
    const auto& p = f.proxy;
    auto opt = [](const std::optional<std::string>& v) {
        return v ? nlohmann::json(ollama::redact_proxy(*v)) : nlohmann::json(nullptr);
    };
    auto taken = [&](const ollama::ProxyVariable& v) {
        const auto value = p.go_value(v);
        return value.empty() ? nlohmann::json(nullptr)
                             : nlohmann::json(ollama::redact_proxy(value));
    };
    auto variables = nlohmann::json::array();
    for (const auto& v : p.variables)
        variables.push_back(
            {{"name", v.name},
             {"value", opt(v.in_effect)},
             {"source", v.source.empty() ? nlohmann::json(nullptr) : nlohmann::json(v.source)},
             {"process", p.process_visible ? opt(v.process_value) : nlohmann::json(nullptr)},
             {"layers", layers_json(v.layers)}});
    return {{"https_proxy", taken(ollama::proxy_variables[0])},
            {"http_proxy", taken(ollama::proxy_variables[1])},
            {"no_proxy", taken(ollama::proxy_variables[2])},
            {"variables", variables}};
}

} // namespace

nlohmann::json pull_path_json(const std::vector<probe::PathStep>& steps) {
    static constexpr const char* failures[] = {nullptr, "proxy-unreachable", "proxy-refused",
                                               "certificate-untrusted", "registry-unreachable"};
    auto out = nlohmann::json::array();
    for (const auto& s : steps) {
        const auto* failure = failures[static_cast<int>(s.failure)];
        out.push_back(
            {{"host", s.host},
             {"via", s.via.empty() ? nlohmann::json(nullptr)
                                   : nlohmann::json(ollama::redact_proxy(s.via))},
             {"ok", s.ok()},
             {"failure", failure ? nlohmann::json(failure) : nlohmann::json(nullptr)},
             {"detail", s.detail},
             {"connect_status", s.connect_code},
             {"issuer", s.issuer.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.issuer)}});
    }
    return out;
}

namespace {

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
             {"ollama_host",
              k.ollama_host ? nlohmann::json(*k.ollama_host) : nlohmann::json(nullptr)},
             {"bindings", bindings},
             {"api",
              {{"url", c.api_url},
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

// What the next boot does (status_text's "at boot:" line).
nlohmann::json boot_json(const Facts& f) {
    auto after = nlohmann::json::array();
    for (const auto& a : health::starts_after(f))
        after.push_back({{"unit", a.unit}, {"wanted", a.wanted}});
    return {{"unit_file_state", f.unit_file_state},
            {"after", after},
            {"restart", f.restart},
            {"restart_sec", static_cast<double>(f.restart_usec) / 1e6}};
}

} // namespace

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
    j["boot"] = boot_json(f);
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
    j["set_by"] = f.set_by.empty() ? nlohmann::json("systemd") : nlohmann::json("snap");
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
    j["addresses"] = addresses_json(f.addresses);
    j["bridges"] = bridges_json(f.bridges);
    j["firewall"] = firewall_json(f.firewall, f.from);
    j["firewall_openings"] = openings_view_json(f.openings);
    auto urls = nlohmann::json::array();
    for (const auto& u : f.urls)
        urls.push_back(
            {{"url", u.url},
             {"http_status", u.status},
             {"error", u.error},
             {"version", opt(u.version)},
             {"ollama_refuses_host", u.refused_host},
             {"ollama_refuses_origin", u.refused_origin},
             {"origin", u.origin.empty() ? nlohmann::json(nullptr) : nlohmann::json(u.origin)},
             {"credentials",
              u.credentials.empty() ? nlohmann::json(nullptr) : nlohmann::json(u.credentials)},
             {"www_authenticate", u.www_authenticate}});
    j["urls"] = urls;
    if (f.load_state == "loaded")
        j["origins"] = origins_json(f);
    else
        j["origins"] = nullptr;
    j["proxy_environment"] = f.load_state == "loaded" ? proxy_json(f) : nlohmann::json(nullptr);
    j["pull_path"] = f.pull_path_tried ? pull_path_json(f.pull_path) : nlohmann::json(nullptr);
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

nlohmann::json unknown_json(const std::string& unit, const Error& why, double seconds) {
    return {{"format", json_format},
            {"status", "UNKNOWN"},
            {"exit_status", 3},
            {"unit", unit},
            {"problems",
             nlohmann::json::array({{{"code", health::code_name(health::Code::check_failed)},
                                     {"severity", "UNKNOWN"},
                                     {"message", why.message},
                                     {"advice", why.hint}}})},
            {"time_seconds", seconds}};
}

} // namespace netcfg::report
