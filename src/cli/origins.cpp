// `origins add ORIGIN...` / `origins remove ORIGIN...`: the new list of
// OLLAMA_ORIGINS entries (the admin's own kept, in their order, nothing
// twice), planned by change::plan_origins, applied and proven by
// change::apply (a request with each added Origin must be let through),
// and recorded so that `reset --origins` can take out what was added.
// `origins list`: what is in effect, where it is set, what is built in.
#include "ollama-netcfg/cli/origins.hpp"

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/change/origins.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/ollama/origins.hpp"
#include "ollama-netcfg/probe/process.hpp"
#include "ollama-netcfg/report/format.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

namespace netcfg::cli {
namespace {

using report::ChangeReport;

struct OriginsOptions {
    ChangeArgs change;
    std::vector<std::string> origins;
    std::vector<std::string> presets; // --preset NAME
    bool any_site = false;            // --yes-any-site
};

// The origins asked for: the arguments, then each --preset's entries; and
// which preset each of those came from. An unknown preset is bad usage.
struct Asked {
    std::vector<std::string> origins;
    std::map<std::string, std::string> presets;
};

Result<Asked> asked_origins(const OriginsOptions& o) {
    if (o.origins.empty() && o.presets.empty())
        return usage_error("name an ORIGIN or a --preset",
                           "e.g. ollama-netcfg origins add http://192.168.1.50:3000, or "
                           "--preset browser-extensions");
    Asked a{o.origins, {}};
    for (const auto& name : o.presets) {
        const auto* p = ollama::find_origin_preset(name);
        if (!p) {
            std::vector<std::string> names;
            for (const auto& known : ollama::origin_presets())
                names.push_back(known.name);
            return usage_error(fmt::format("--preset {}: no such preset", name),
                               fmt::format("the presets: {}", fmt::join(names, ", ")));
        }
        for (const auto& e : p->entries) {
            a.origins = ollama::with_origins(a.origins, {e});
            a.presets.emplace(e, p->name);
        }
    }
    return a;
}

// --root: the image's managed drop-in gets the entries `change` makes of
// the ones it sets now.
Status origins_offline(
    const OriginsOptions& o, const ChangeScope& t,
    const std::function<std::vector<std::string>(const std::vector<std::string>&)>& change,
    ChangeReport& rep) {
    return change_offline(
        t, o.change.dry_run,
        [&](const config::LayerInput& layer) -> Result<std::vector<change::FileEdit>> {
            const auto current = change::origins_in_effect({layer});
            auto plan =
                change::plan_origins({layer}, t.unit, t.drop_in.string(), change(current), true);
            if (!plan)
                return plan.error();
            rep.origins->before = plan->before;
            rep.origins->after = plan->after;
            return plan->edits;
        },
        rep);
}

// The change from `before` to `entries`, applied and proven; the record
// then holds `added` (what this tool put there that is still there).
Status change_origins(const OriginsOptions& o, const ChangeScope& t, Session& s,
                      const std::vector<std::string>& entries,
                      const std::vector<std::string>& prove, std::vector<std::string> recorded,
                      ChangeReport& rep, Progress* progress) {
    auto plan =
        change::plan_origins(s.origin_layers, t.unit, t.drop_in.string(), entries, t.runtime);
    if (!plan)
        return plan.error();
    rep.origins->before = plan->before;
    rep.origins->after = plan->after;
    const auto hosts = config::resolve(s.layers, ollama::variable);
    auto target = change::target_of(hosts);
    auto previous = target;
    target.origins = plan->target;
    target.origins->prove = prove;
    previous.origins = plan->previous;
    rep.old_value = rep.new_value = hosts.effective;
    set_expected_listen(target.listen, rep);
    if (auto st = follow_links(plan->edits, o.change.dry_run, rep); !st)
        return st;
    if (o.change.dry_run) {
        describe_dry_run(plan->edits, s.state, target, rep);
        return Ok{};
    }
    if (auto st =
            rep.take(change::apply(*s.manager, s.state, plan->edits, target,
                                   {t.unit, s.deadline, o.change.no_rollback, previous, progress}));
        !st)
        return st;
    std::erase_if(recorded, [&](const std::string& e) {
        return std::find(entries.begin(), entries.end(), e) == entries.end();
    });
    return change::record_origins(t.unit, recorded);
}

// What `origins add` and `origins remove` do first: the report's names and
// the validated target; a container is refused (its environment is fixed).
Result<ChangeScope> begin(const OriginsOptions& o, const char* command, ChangeReport& rep) {
    rep.command = command;
    if (!o.change.container.empty())
        return usage_error("a container's OLLAMA_ORIGINS is fixed when it is created",
                           "recreate it with -e OLLAMA_ORIGINS=... (compose: environment:)");
    rep.origins.emplace();
    auto t = read_change_args(o.change);
    if (!t)
        return t.error();
    rep.unit = t->unit;
    rep.drop_in = t->drop_in.string();
    return t;
}

Status add(const OriginsOptions& o, ChangeReport& rep, Progress* progress) {
    auto t = begin(o, "origins add", rep);
    if (!t)
        return t.error();
    auto asked = asked_origins(o);
    if (!asked)
        return asked.error();
    if (auto st = change::check_origin_arguments(
            asked->origins, "origin", "ollama-netcfg origins add http://192.168.1.50:3000",
            o.any_site);
        !st)
        return st;
    if (!o.change.root.empty())
        return origins_offline(
            o, *t,
            [&](const std::vector<std::string>& current) {
                rep.origins->added = change::origins_to_add(asked->origins, current, rep.notes);
                return ollama::with_origins(current, rep.origins->added);
            },
            rep);
    if (auto st = refuse_unless_drop_ins_apply(
            *t, "origins add", {std::nullopt, true, false, asked->origins, {}, false});
        !st)
        return st;
    auto s = open_session(*t, "origins add", o.change.dry_run);
    if (!s)
        return s.error();
    const auto current = change::origins_in_effect(s->origin_layers);
    rep.origins->added = change::origins_to_add(asked->origins, current, rep.notes);
    auto recorded = change::recorded_origins(t->unit);
    if (!recorded)
        return recorded.error();
    auto record = ollama::with_origins(*recorded, rep.origins->added);
    if (auto st = change_origins(o, *t, *s, ollama::with_origins(current, rep.origins->added),
                                 change::proof_origins(asked->origins), record, rep, progress);
        !st || o.change.dry_run)
        return st;
    if (asked->presets.empty())
        return Ok{};
    auto presets = change::recorded_presets(t->unit);
    if (!presets)
        return presets.error();
    for (const auto& e : rep.origins->added)
        if (auto p = asked->presets.find(e); p != asked->presets.end())
            (*presets)[e] = p->second;
    return change::record_presets(t->unit, *presets);
}

Status remove(const OriginsOptions& given, ChangeReport& rep, Progress* progress) {
    auto t = begin(given, "origins remove", rep);
    if (!t)
        return t.error();
    auto asked = asked_origins(given);
    if (!asked)
        return asked.error();
    auto o = given;
    o.origins = asked->origins;
    if (!o.change.root.empty())
        return origins_offline(
            o, *t,
            [&](const std::vector<std::string>& current) {
                rep.origins->removed = o.origins;
                return ollama::without_origins(current, o.origins);
            },
            rep);
    if (auto st = refuse_unless_drop_ins_apply(*t, "origins remove",
                                               {std::nullopt, true, false, {}, o.origins, false});
        !st)
        return st;
    auto s = open_session(*t, "origins remove", o.change.dry_run);
    if (!s)
        return s.error();
    const auto current = change::origins_in_effect(s->origin_layers);
    for (const auto& a : o.origins) {
        if (std::find(current.begin(), current.end(), a) != current.end()) {
            rep.origins->removed.push_back(a);
            continue;
        }
        auto d = ollama::decide_origin(ollama::join_origins(current), a);
        rep.notes.push_back(
            d.allowed && d.builtin
                ? fmt::format("{} is not in OLLAMA_ORIGINS: Ollama's built-in {} allows it, "
                              "and that cannot be removed",
                              a, d.entry)
                : fmt::format("{} is not in OLLAMA_ORIGINS; nothing to remove for it", a));
    }
    auto recorded = change::recorded_origins(t->unit);
    if (!recorded)
        return recorded.error();
    return change_origins(o, *t, *s, ollama::without_origins(current, o.origins), {}, *recorded,
                          rep, progress);
}

// --- origins list ------------------------------------------------------

void register_change(CLI::App& parent, const char* name, const char* what,
                     const GlobalOptions& global, int& exit_status,
                     Status (*run)(const OriginsOptions&, ChangeReport&, Progress*),
                     const char* footer) {
    auto options = std::make_shared<OriginsOptions>();
    auto* sub = parent.add_subcommand(name, what);
    sub->add_option("ORIGIN", options->origins,
                    "A browser origin: SCHEME://HOST[:PORT], a pattern with one *, or *");
    sub->add_option("--preset", options->presets,
                    "The entries a family of clients needs: browser-extensions (Chrome, Edge, "
                    "Firefox, Safari), chrome-extensions, firefox-extensions, safari-extensions; "
                    "repeatable");
    if (std::string_view(name) == "add")
        sub->add_flag("--yes-any-site", options->any_site,
                      "Allow * (every web page on every site may call this server from its "
                      "visitors' browsers)");
    sub->footer(footer);
    add_change_options(*sub, options->change);
    sub->callback([options, run, &global, &exit_status] {
        exit_status = run_change(global, [&](ChangeReport& rep, Progress* progress) {
            return run(*options, rep, progress);
        });
    });
}

} // namespace

void register_origins(CLI::App& app, const GlobalOptions& global, int& exit_status) {
    auto* sub = app.add_subcommand(
        "origins", "Manage OLLAMA_ORIGINS: the web pages (browser origins) that may call Ollama");
    sub->require_subcommand(1);
    sub->footer("Examples:\n"
                "  sudo ollama-netcfg origins add http://192.168.1.50:3000\n"
                "  ollama-netcfg origins list\n"
                "  sudo ollama-netcfg origins remove http://192.168.1.50:3000");
    register_change(*sub, "add", "Let web pages from ORIGIN call Ollama (adds to OLLAMA_ORIGINS)",
                    global, exit_status, add,
                    "Examples:\n"
                    "  sudo ollama-netcfg origins add http://192.168.1.50:3000\n"
                    "  sudo ollama-netcfg origins add 'https://*.example.org' --dry-run\n"
                    "  sudo ollama-netcfg origins add --preset browser-extensions");
    register_change(*sub, "remove", "Take ORIGIN out of OLLAMA_ORIGINS", global, exit_status,
                    remove,
                    "Examples:\n"
                    "  sudo ollama-netcfg origins remove http://192.168.1.50:3000\n"
                    "  sudo ollama-netcfg origins remove --preset browser-extensions\n"
                    "  ollama-netcfg origins remove http://192.168.1.50:3000 --dry-run");
    auto options = std::make_shared<OriginsListOptions>();
    auto* ls = sub->add_subcommand(
        "list", "The origins in effect: OLLAMA_ORIGINS (where it is set, who added each entry) "
                "and Ollama's built-in list");
    ls->add_option("--unit", options->unit, "The Ollama service unit")->capture_default_str();
    ls->footer("Examples:\n"
               "  ollama-netcfg origins list\n"
               "  ollama-netcfg origins list --json\n"
               "  ollama-netcfg origins list --unit ollama-gpu1.service");
    ls->callback([options, &global, &exit_status] {
        apply_verbosity(global);
        exit_status = list_origins(*options, global);
    });
}

} // namespace netcfg::cli
