// `pull-proxy set URL`: HTTPS_PROXY (the proxy Ollama pulls through) and
// NO_PROXY (localhost, loopback and the address Ollama listens on always
// in it, with the admin's own), planned by change/pull_proxy, applied and
// proven by change::apply (systemd and the process must have both; a
// restart only when the process lacks them). `unset` takes both out of the
// managed drop-in. `show` says what a process started now gets.
#include "ollama-netcfg/cli/pull_proxy.hpp"

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/change/origins.hpp"
#include "ollama-netcfg/change/plan_variable.hpp"
#include "ollama-netcfg/change/pull_proxy.hpp"
#include "ollama-netcfg/cli/change.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/config/locate.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/ollama/proxy.hpp"
#include "ollama-netcfg/report/format.hpp"

#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

namespace netcfg::cli {
namespace {

using report::ChangeReport;

struct PullProxyOptions {
    ChangeArgs change;
    std::string url;
    std::vector<std::string> no_proxy; // --no-proxy LIST, repeatable
};

// What the layers (read for OLLAMA_HOST) make of one more variable.
std::vector<config::LayerInput> layers_for(const std::vector<config::LayerInput>& layers,
                                           const std::vector<std::string>& env,
                                           std::string_view name) {
    return config::for_variable(layers, env, name);
}

// Both variables planned: NO_PROXY from the files as HTTPS_PROXY's edits
// leave them. nullopt values take the managed drop-in's assignments out.
struct ProxyPlan {
    std::vector<change::FileEdit> edits;
    std::vector<change::VariableTarget> target, previous;
};

Result<ProxyPlan> plan_both(const std::vector<config::LayerInput>& https_layers,
                            const std::vector<config::LayerInput>& no_layers, const ChangeScope& t,
                            const std::optional<std::string>& https,
                            const std::optional<std::string>& no_proxy, ChangeReport& rep) {
    const auto managed = t.drop_in.string();
    auto first = change::plan_setting(https_layers, t.unit, managed, change::https_proxy_var, https,
                                      t.runtime);
    if (!first)
        return first.error();
    auto second = change::plan_setting(change::with_edits(no_layers, first->edits), t.unit, managed,
                                       change::no_proxy_var, no_proxy, t.runtime);
    if (!second)
        return second.error();
    ProxyPlan plan;
    plan.edits = std::move(first->edits);
    change::merge_edits(plan.edits, std::move(second->edits));
    plan.target = {first->target, second->target};
    plan.previous = {first->previous,
                     {second->previous.name,
                      config::resolve(no_layers, change::no_proxy_var).environment,
                      config::resolve(no_layers, change::no_proxy_var).effective}};
    rep.pull_proxy->https_before = first->previous.environment;
    rep.pull_proxy->https_after = first->target.environment;
    rep.pull_proxy->no_proxy_before = plan.previous[1].environment;
    rep.pull_proxy->no_proxy_after = second->target.environment;
    return plan;
}

Result<ChangeScope> begin(const PullProxyOptions& o, const char* command, ChangeReport& rep) {
    rep.command = command;
    rep.pull_proxy.emplace();
    if (!o.change.container.empty())
        return usage_error("a container's environment is fixed when it is created",
                           "recreate it with -e HTTPS_PROXY=... -e NO_PROXY=... (compose: "
                           "environment:)");
    auto t = read_change_args(o.change);
    if (!t)
        return t.error();
    rep.unit = t->unit;
    rep.drop_in = t->drop_in.string();
    return t;
}

// --root: the image's managed drop-in only.
Status offline(const PullProxyOptions& o, const ChangeScope& t,
               const std::optional<std::string>& https, const std::vector<std::string>& extra,
               ChangeReport& rep) {
    return change_offline(
        t, o.change.dry_run,
        [&](const config::LayerInput& layer) -> Result<std::vector<change::FileEdit>> {
            const auto listen =
                change::target_of(config::resolve({layer}, ollama::variable)).listen;
            std::optional<std::string> no;
            if (https)
                no = change::no_proxy_value(
                    listen, config::resolve({layer}, change::no_proxy_var).effective.value_or(""),
                    extra);
            auto plan = plan_both({layer}, {layer}, t, https, no, rep);
            if (!plan)
                return plan.error();
            return plan->edits;
        },
        rep);
}

// The change from what is in effect to `https` and its NO_PROXY, applied
// and proven.
Status change_proxy(const PullProxyOptions& o, const ChangeScope& t,
                    const std::optional<std::string>& https, const std::vector<std::string>& extra,
                    ChangeReport& rep, Progress* progress) {
    if (!o.change.root.empty())
        return offline(o, t, https, extra, rep);
    auto s = open_session(t, rep.command, o.change.dry_run);
    if (!s)
        return s.error();
    const auto https_layers = layers_for(s->layers, s->manager_env, change::https_proxy_var);
    const auto no_layers = layers_for(s->layers, s->manager_env, change::no_proxy_var);
    const auto hosts = config::resolve(s->layers, ollama::variable);
    auto target = change::target_of(hosts);
    std::optional<std::string> no;
    if (https)
        no = change::no_proxy_value(
            target.listen, config::resolve(no_layers, change::no_proxy_var).effective.value_or(""),
            extra);
    auto plan = plan_both(https_layers, no_layers, t, https, no, rep);
    if (!plan)
        return plan.error();
    auto previous = target;
    target.variables = plan->target;
    previous.variables = plan->previous;
    rep.old_value = rep.new_value = hosts.effective;
    set_expected_listen(target.listen, rep);
    if (o.change.dry_run) {
        describe_dry_run(plan->edits, s->state, target, rep);
        return Ok{};
    }
    note_replaced_links(plan->edits, false, rep);
    return rep.take(change::apply(*s->manager, s->state, plan->edits, target,
                                  {t.unit, s->deadline, o.change.no_rollback, previous, progress}));
}

Status set(const PullProxyOptions& o, ChangeReport& rep, Progress* progress) {
    auto t = begin(o, "pull-proxy set", rep);
    if (!t)
        return t.error();
    if (auto st = change::check_proxy_url(o.url); !st)
        return st;
    auto extra = change::check_no_proxy(o.no_proxy);
    if (!extra)
        return extra.error();
    return change_proxy(o, *t, o.url, *extra, rep, progress);
}

Status unset(const PullProxyOptions& o, ChangeReport& rep, Progress* progress) {
    auto t = begin(o, "pull-proxy unset", rep);
    if (!t)
        return t.error();
    return change_proxy(o, *t, std::nullopt, {}, rep, progress);
}

// --- pull-proxy show -----------------------------------------------------

int show(const std::string& unit, const GlobalOptions& g) {
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
            const auto r = config::resolve(layers_for(s->layers, s->manager_env, name), name);
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

void register_change(CLI::App& parent, const char* name, const char* what,
                     const GlobalOptions& global, int& exit_status,
                     Status (*run)(const PullProxyOptions&, ChangeReport&, Progress*),
                     const char* footer) {
    auto options = std::make_shared<PullProxyOptions>();
    auto* sub = parent.add_subcommand(name, what);
    if (std::string_view(name) == "set") {
        sub->add_option("URL", options->url,
                        "The proxy: http://HOST:PORT or https://HOST:PORT, no credentials")
            ->required();
        sub->add_option("--no-proxy", options->no_proxy,
                        "Hosts asked directly, comma-separated (domains, .domain, IP "
                        "addresses, CIDRs), besides localhost, loopback and Ollama's own "
                        "address; repeatable")
            ->type_name("LIST");
    }
    sub->footer(footer);
    add_change_options(*sub, options->change);
    sub->callback([options, run, &global, &exit_status] {
        exit_status = run_change(global, [&](ChangeReport& rep, Progress* progress) {
            return run(*options, rep, progress);
        });
    });
}

} // namespace

void register_pull_proxy(CLI::App& app, const GlobalOptions& global, int& exit_status) {
    auto* sub = app.add_subcommand(
        "pull-proxy", "Manage the proxy Ollama pulls models through (HTTPS_PROXY, NO_PROXY)");
    sub->require_subcommand(1);
    sub->footer("Examples:\n"
                "  sudo ollama-netcfg pull-proxy set http://proxy.example.org:3128\n"
                "  ollama-netcfg pull-proxy show\n"
                "  sudo ollama-netcfg pull-proxy unset");
    register_change(*sub, "set",
                    "Pull through the proxy at URL (HTTPS_PROXY) and ask localhost, loopback and "
                    "Ollama's own address directly (NO_PROXY)",
                    global, exit_status, set,
                    "Examples:\n"
                    "  sudo ollama-netcfg pull-proxy set http://proxy.example.org:3128\n"
                    "  sudo ollama-netcfg pull-proxy set http://10.0.0.8:3128 --no-proxy "
                    ".corp.example.org\n"
                    "  ollama-netcfg pull-proxy set http://10.0.0.8:3128 --dry-run");
    register_change(*sub, "unset", "Take HTTPS_PROXY and NO_PROXY out of the managed drop-in",
                    global, exit_status, unset,
                    "Examples:\n"
                    "  sudo ollama-netcfg pull-proxy unset\n"
                    "  ollama-netcfg pull-proxy unset --dry-run");
    auto unit = std::make_shared<std::string>("ollama.service");
    auto* sh = sub->add_subcommand(
        "show", "The proxy variables a process of the unit started now gets, and from where");
    sh->add_option("--unit", *unit, "The Ollama service unit")->capture_default_str();
    sh->footer("Examples:\n"
               "  ollama-netcfg pull-proxy show\n"
               "  ollama-netcfg pull-proxy show --json");
    sh->callback([unit, &global, &exit_status] {
        apply_verbosity(global);
        exit_status = show(*unit, global);
    });
}

} // namespace netcfg::cli
