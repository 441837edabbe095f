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
#include "ollama-netcfg/change/record.hpp"
#include "ollama-netcfg/change/trust_store.hpp"
#include "ollama-netcfg/cli/change.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/config/locate.hpp"
#include "ollama-netcfg/health/problems.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/ollama/proxy.hpp"
#include "ollama-netcfg/probe/pull_path.hpp"
#include "ollama-netcfg/report/format.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <iostream>
#include <map>
#include <nlohmann/json.hpp>

namespace netcfg::cli {
namespace {

using report::ChangeReport;

struct PullProxyOptions {
    ChangeArgs change;
    std::string url;
    std::vector<std::string> no_proxy; // --no-proxy LIST, repeatable
    std::string registry = "registry.ollama.ai";
    std::string ca_file;   // --ca-file: a TLS-inspecting proxy's CA, for the trust store
    bool env_file = false; // --env-file: HTTPS_PROXY in a root-only file (a URL with a password)
};

// What `set --ca-file` and `unset` do to the trust store: the CA to put
// there (nullopt: take this tool's out), when there is anything to do.
struct CaAsk {
    bool touch = false;
    std::optional<change::CaFile> ca;
};

// The trust store's change, before the unit's: a CA Ollama must read at
// start makes the restart needed. A dry run only says what would happen.
Result<std::optional<change::CaChange>> change_trust_store(const CaAsk& ask,
                                                           const change::TrustStore& store,
                                                           bool dry_run, change::Target& target,
                                                           ChangeReport& rep) {
    auto now = read_file(store.file());
    if (!now)
        return now.error();
    const std::optional<std::string> want =
        ask.ca ? std::optional<std::string>(ask.ca->content) : std::nullopt;
    if (*now == want)
        return std::optional<change::CaChange>{};
    target.restart = true;
    rep.pull_proxy->ca_file = store.file().string();
    const auto update = fmt::format("{}", fmt::join(store.update, " "));
    const auto what =
        ask.ca ? fmt::format("the proxy's CA{} as {} ({})",
                             ask.ca->subject.empty() ? "" : " (" + ask.ca->subject + ")",
                             store.file().string(), update)
               : fmt::format("{} from the trust store ({})", store.file().string(), update);
    if (dry_run) {
        rep.notes.push_back(fmt::format("would {} {}; Ollama reads the trust store at start, so "
                                        "it would restart",
                                        ask.ca ? "install" : "remove", what));
        return std::optional<change::CaChange>{};
    }
    auto c = change::put_ca(store, want);
    if (!c)
        return c.error();
    rep.actions.push_back(fmt::format("{} {}; Ollama reads the trust store at start",
                                      ask.ca ? "installed" : "removed", what));
    return std::optional<change::CaChange>{*c};
}

// After `set`: the path a pull takes, with what the process now has; the
// first failing step is the error (the setting stays: the proxy's allow
// list or CA is what is missing, not the setting).
Status prove_path(const PullProxyOptions& o, const std::vector<change::VariableTarget>& vars,
                  const std::string& user, ChangeReport& rep) {
    probe::PullPathOptions p;
    p.https_proxy = vars[0].process.value_or("");
    p.no_proxy = vars[1].process.value_or("");
    p.registry = o.registry;
    rep.pull_proxy->path = probe::try_pull_path_as(p, user);
    if (auto problem = health::pull_path_problem(rep.pull_proxy->path))
        return failure(fmt::format("{} (problem {})", problem->message, problem->code),
                       problem->advice);
    return Ok{};
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
    // NO_PROXY as it is, not as the files read after HTTPS_PROXY's edits.
    const auto no_before = config::resolve(no_layers, change::no_proxy_var);
    plan.previous = {first->previous,
                     {second->previous.name, no_before.environment, no_before.effective}};
    rep.pull_proxy->https_before = first->previous.process;
    rep.pull_proxy->https_after = first->target.process;
    rep.pull_proxy->no_proxy_before = plan.previous[1].process;
    rep.pull_proxy->no_proxy_after = second->target.process;
    return plan;
}

// --env-file: the URL goes into the root-only file, which the managed
// drop-in names; without it, a file an earlier --env-file wrote goes, with
// its EnvironmentFile= line. `file_edit` was planned first (the layers the
// plan saw have it); the drop-in's line continues from the plan's edit.
void add_env_file(ProxyPlan& plan, const change::FileEdit& file_edit,
                  const std::vector<config::LayerInput>& layers, const ChangeScope& t,
                  const std::optional<std::string>& https,
                  const std::vector<config::LayerInput>& before, ChangeReport& rep) {
    const bool on = file_edit.new_content.has_value();
    if (!on && !file_edit.old_content)
        return;
    const auto managed = t.drop_in.string();
    std::optional<std::string> old, content;
    for (const auto& l : layers)
        if (l.kind == config::LayerKind::drop_in && l.path == managed)
            old = content = l.content;
    for (const auto& e : plan.edits)
        if (e.path == managed)
            content = e.new_content;
    change::merge_edits(plan.edits,
                        {change::env_file_line_edit(managed, old, content, t.unit, on)});
    plan.edits.insert(plan.edits.begin(), file_edit);
    // What a process had before, with the file as it was.
    const auto was = config::resolve(before, change::https_proxy_var);
    plan.previous[0] = {std::string(change::https_proxy_var), was.environment, was.effective};
    rep.pull_proxy->https_before = was.effective;
    if (on) {
        plan.target[0].process = https;
        rep.pull_proxy->https_after = https;
    }
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
                    const CaAsk& ca_ask, ChangeReport& rep, Progress* progress) {
    if (!o.change.root.empty()) {
        if (o.env_file)
            return usage_error("--env-file writes into this host's /etc, not an image's",
                               "without --root, or a URL without a password");
        if (ca_ask.ca)
            return usage_error("--ca-file installs into this host's trust store, not an image's",
                               "put the CA into the image's trust store as its distribution "
                               "documents, and run pull-proxy set --root without --ca-file");
        return offline(o, t, https, extra, rep);
    }
    std::optional<change::TrustStore> store;
    if (ca_ask.touch) {
        auto found = change::find_trust_store();
        if (!found)
            return found.error();
        store = *found;
    }
    auto s = open_session(t, rep.command, o.change.dry_run);
    if (!s)
        return s.error();
    const auto env_file_now = read_file(change::proxy_env_file(t.unit));
    if (!env_file_now)
        return env_file_now.error();
    const auto file_edit =
        change::env_file_edit(t.unit, *env_file_now, https && o.env_file ? https : std::nullopt);
    const auto https_before =
        config::for_variable(s->layers, s->manager_env, change::https_proxy_var);
    const auto https_layers = change::with_edits(https_before, {file_edit});
    const auto no_layers = config::for_variable(s->layers, s->manager_env, change::no_proxy_var);
    const auto hosts = config::resolve(s->layers, ollama::variable);
    auto target = change::target_of(hosts);
    std::optional<std::string> no;
    if (https)
        no = change::no_proxy_value(
            target.listen, config::resolve(no_layers, change::no_proxy_var).effective.value_or(""),
            extra);
    auto plan = plan_both(https_layers, no_layers, t, o.env_file ? std::nullopt : https, no, rep);
    if (!plan)
        return plan.error();
    add_env_file(*plan, file_edit, https_layers, t, https, https_before, rep);
    auto previous = target;
    target.variables = plan->target;
    previous.variables = plan->previous;
    rep.old_value = rep.new_value = hosts.effective;
    set_expected_listen(target.listen, rep);
    std::optional<change::CaChange> ca_change;
    if (store) {
        auto c = change_trust_store(ca_ask, *store, o.change.dry_run, target, rep);
        if (!c)
            return c.error();
        ca_change = *c;
    }
    if (auto st = follow_links(plan->edits, o.change.dry_run, rep); !st)
        return st;
    if (o.change.dry_run) {
        describe_dry_run(plan->edits, s->state, target, rep);
        return Ok{};
    }
    auto st =
        rep.take(change::apply(*s->manager, s->state, plan->edits, target,
                               {t.unit, s->deadline, o.change.no_rollback, previous, progress}));
    if (!st && ca_change && rep.rolled_back) {
        if (auto back = change::put_ca(*store, ca_change->before); back)
            rep.actions.push_back("put the trust store back as it was");
        else
            rep.actions.push_back("putting the trust store back FAILED: " + back.error().message);
    }
    if (!st)
        return st;
    if (ca_change) {
        const std::vector<std::string> recorded =
            ca_ask.ca ? std::vector{store->file().string()} : std::vector<std::string>{};
        if (auto r = change::record_list(change::pull_proxy_record, t.unit, recorded); !r)
            return r;
    }
    if (!https)
        return Ok{};
    return prove_path(o, plan->target, s->state.user, rep);
}

// URL `-`: the first line of stdin, so that a password is neither on the
// command line (every local user's `ps`, the journal's _CMDLINE) nor in it.
Result<std::string> proxy_url(const std::string& given) {
    if (given != "-")
        return given;
    std::string line;
    std::getline(std::cin, line);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' '))
        line.pop_back();
    if (line.empty())
        return usage_error("URL -: nothing on stdin",
                           "e.g. sudo ollama-netcfg pull-proxy set - --env-file < proxy-url");
    return line;
}

Status set(const PullProxyOptions& given, ChangeReport& rep, Progress* progress) {
    auto t = begin(given, "pull-proxy set", rep);
    if (!t)
        return t.error();
    auto url = proxy_url(given.url);
    if (!url)
        return url.error();
    auto o = given;
    o.url = *url;
    if (auto st = change::check_proxy_url(o.url, o.env_file); !st)
        return st;
    auto extra = change::check_no_proxy(o.no_proxy);
    if (!extra)
        return extra.error();
    if (auto st = change::check_registry(o.registry); !st)
        return st;
    CaAsk ca;
    if (!o.ca_file.empty()) {
        auto file = change::read_ca_file(o.ca_file);
        if (!file)
            return file.error();
        ca = {true, *file};
    }
    return change_proxy(o, *t, o.url, *extra, ca, rep, progress);
}

Status unset(const PullProxyOptions& o, ChangeReport& rep, Progress* progress) {
    auto t = begin(o, "pull-proxy unset", rep);
    if (!t)
        return t.error();
    // The CA `set --ca-file` installed goes too.
    CaAsk ca;
    if (o.change.root.empty()) {
        auto recorded = change::recorded_list(change::pull_proxy_record, t->unit,
                                              "remove or fix it; it lists the CA files "
                                              "pull-proxy set --ca-file installed");
        if (!recorded)
            return recorded.error();
        ca.touch = !recorded->empty();
    }
    return change_proxy(o, *t, std::nullopt, {}, ca, rep, progress);
}

void register_change(CLI::App& parent, const char* name, const char* what,
                     const GlobalOptions& global, int& exit_status,
                     Status (*run)(const PullProxyOptions&, ChangeReport&, Progress*),
                     const char* footer) {
    auto options = std::make_shared<PullProxyOptions>();
    auto* sub = parent.add_subcommand(name, what);
    if (std::string_view(name) == "set") {
        sub->add_option("URL", options->url,
                        "The proxy: http://HOST:PORT or https://HOST:PORT; - reads it from "
                        "stdin (a URL with a password needs --env-file)")
            ->required();
        sub->add_option("--no-proxy", options->no_proxy,
                        "Hosts asked directly, comma-separated (domains, .domain, IP "
                        "addresses, CIDRs), besides localhost, loopback and Ollama's own "
                        "address; repeatable")
            ->type_name("LIST");
        sub->add_flag("--env-file", options->env_file,
                      "Keep HTTPS_PROXY (a URL with a user and password) in "
                      "/etc/ollama-netcfg/pull-proxy-UNIT.env, mode 0600, which the drop-in "
                      "names with EnvironmentFile=, not in the world-readable drop-in");
        sub->add_option("--ca-file", options->ca_file,
                        "The CA certificate (PEM) of a proxy that inspects TLS: installed into "
                        "the system trust store, which Ollama reads at start (so it restarts)")
            ->type_name("FILE");
        sub->add_option("--registry", options->registry,
                        "The registry the pull path is tried with afterwards (a mirror)")
            ->type_name("HOST")
            ->capture_default_str();
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
        exit_status = show_pull_proxy(*unit, global);
    });
}

} // namespace netcfg::cli
