// `pull-proxy show`: the proxy variables a process of the unit started now
// gets (each spelling, its file; a password as ***), and what Go takes.
#include "ollama-netcfg/cli/change.hpp"
#include "ollama-netcfg/cli/pull_proxy.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/config/locate.hpp"
#include "ollama-netcfg/ollama/proxy.hpp"
#include "ollama-netcfg/report/format.hpp"

#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

namespace netcfg::cli {

int show_pull_proxy(const std::string& unit, const GlobalOptions& g) {
    ChangeArgs args;
    args.unit = unit;
    args.dry_run = true;
    auto t = read_change_args(args);
    auto s = t ? open_session(*t, "pull-proxy show", true) : Result<Session>(t.error());
    if (!s) {
        if (g.json)
            fmt::print("{}\n",
                       nlohmann::json{
                           {"format", report::json_format},
                           {"command", "pull-proxy show"},
                           {"ok", false},
                           {"error", {{"message", s.error().message}, {"hint", s.error().hint}}}}
                           .dump(2));
        print_error(s.error());
        return static_cast<int>(s.error().status);
    }
    auto variables = nlohmann::json::array();
    std::string text;
    std::map<std::string, std::optional<std::string>> values;
    for (const auto& v : ollama::proxy_variables)
        for (const auto name : {v.upper, v.lower}) {
            const auto r =
                config::resolve(config::for_variable(s->layers, s->manager_env, name), name);
            values[std::string(name)] = r.effective;
            if (!r.effective)
                continue;
            const auto& w = r.layers[*r.winner];
            const auto source = w.path.empty() ? std::string("the manager environment") : w.path;
            const auto value = ollama::redact_proxy(*r.effective);
            text += fmt::format("  {}=\"{}\" from {}\n", name, value, source);
            variables.push_back({{"name", name}, {"value", value}, {"source", source}});
        }
    auto go = [&](const ollama::ProxyVariable& v) {
        return ollama::go_value(values[std::string(v.upper)], values[std::string(v.lower)]);
    };
    const auto https = go(ollama::proxy_variables[0]);
    if (g.json) {
        auto opt = [](const std::string& v) {
            return v.empty() ? nlohmann::json(nullptr) : nlohmann::json(ollama::redact_proxy(v));
        };
        fmt::print("{}\n", nlohmann::json{{"format", report::json_format},
                                          {"command", "pull-proxy show"},
                                          {"ok", true},
                                          {"unit", t->unit},
                                          {"https_proxy", opt(https)},
                                          {"http_proxy", opt(go(ollama::proxy_variables[1]))},
                                          {"no_proxy", opt(go(ollama::proxy_variables[2]))},
                                          {"variables", variables}}
                               .dump(2));
        return 0;
    }
    fmt::print("{}: {}\n{}", t->unit,
               https.empty() ? std::string("pulls go directly to the registry (no HTTPS_PROXY)")
                             : fmt::format("pulls go through {}", ollama::redact_proxy(https)),
               text);
    return 0;
}

} // namespace netcfg::cli
