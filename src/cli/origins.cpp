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

using report::ExposeReport;
constexpr std::string_view origins_var = ollama::origins_variable;

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

std::vector<std::string> entries_in_effect(const std::vector<config::LayerInput>& layers) {
    return ollama::split_origins(config::resolve(layers, origins_var).effective.value_or(""));
}

// --root: only the managed drop-in inside the image.
Status origins_offline(const ChangeTarget& t, const std::vector<std::string>& entries,
                       ExposeReport& rep) {
    auto content = read_file(t.drop_in);
    if (!content)
        return content.error();
    std::vector<config::LayerInput> layers{
        {config::LayerKind::drop_in, t.drop_in.string(), *content, {}}};
    auto plan = change::plan_origins(layers, t.unit, t.drop_in.string(), entries, true);
    if (!plan)
        return plan.error();
    rep.origins->before = plan->before;
    rep.origins->after = plan->after;
    return write_offline(plan->edits, rep);
}

// The change from `before` to `entries`, applied and proven; the record
// then holds `added` (what this tool put there that is still there).
Status change_origins(const OriginsOptions& o, const ChangeTarget& t, Session& s,
                      const std::vector<std::string>& entries,
                      const std::vector<std::string>& prove, std::vector<std::string> recorded,
                      ExposeReport& rep, Progress* progress) {
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
Result<ChangeTarget> begin(const OriginsOptions& o, const char* command, ExposeReport& rep) {
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

// --root: the entries the image's managed drop-in sets.
Result<std::vector<std::string>> offline_entries(const ChangeTarget& t) {
    auto content = read_file(t.drop_in);
    if (!content)
        return content.error();
    return ollama::split_origins(
        unitfile::effective_value(content->value_or(""), origins_var).value_or(""));
}

Status add(const OriginsOptions& o, ExposeReport& rep, Progress* progress) {
    auto t = begin(o, "origins add", rep);
    if (!t)
        return t.error();
    auto asked = asked_origins(o);
    if (!asked)
        return asked.error();
    if (auto st = check_origin_arguments(asked->origins, "origin",
                                         "ollama-netcfg origins add http://192.168.1.50:3000",
                                         o.any_site);
        !st)
        return st;
    if (!o.change.root.empty()) {
        auto current = offline_entries(*t);
        if (!current)
            return current.error();
        rep.origins->added = origins_to_add(asked->origins, *current, rep.notes);
        return origins_offline(*t, ollama::with_origins(*current, rep.origins->added), rep);
    }
    auto s = open_session(*t, "origins add", o.change.dry_run);
    if (!s)
        return s.error();
    const auto current = entries_in_effect(s->origin_layers);
    rep.origins->added = origins_to_add(asked->origins, current, rep.notes);
    auto recorded = change::recorded_origins(t->unit);
    if (!recorded)
        return recorded.error();
    auto record = ollama::with_origins(*recorded, rep.origins->added);
    if (auto st = change_origins(o, *t, *s, ollama::with_origins(current, rep.origins->added),
                                 proof_origins(asked->origins), record, rep, progress);
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

Status remove(const OriginsOptions& given, ExposeReport& rep, Progress* progress) {
    auto t = begin(given, "origins remove", rep);
    if (!t)
        return t.error();
    auto asked = asked_origins(given);
    if (!asked)
        return asked.error();
    auto o = given;
    o.origins = asked->origins;
    if (!o.change.root.empty()) {
        auto current = offline_entries(*t);
        if (!current)
            return current.error();
        rep.origins->removed = o.origins;
        return origins_offline(*t, ollama::without_origins(*current, o.origins), rep);
    }
    auto s = open_session(*t, "origins remove", o.change.dry_run);
    if (!s)
        return s.error();
    const auto current = entries_in_effect(s->origin_layers);
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

struct ListOptions {
    std::string unit = "ollama.service";
};

int list(const ListOptions& o, const GlobalOptions& g);

void register_change(CLI::App& parent, const char* name, const char* what,
                     const GlobalOptions& global, int& exit_status,
                     Status (*run)(const OriginsOptions&, ExposeReport&, Progress*),
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
        apply_verbosity(global);
        ExposeReport rep;
        Progress progress(!global.quiet);
        if (auto st = run(*options, rep, &progress); !st)
            rep.error = st.error();
        progress.clear();
        print_change_report(rep, global);
        exit_status = rep.error ? static_cast<int>(rep.error->status) : 0;
    });
}

} // namespace

Status check_origin_arguments(const std::vector<std::string>& asked, std::string_view label,
                              std::string_view example, bool any_site) {
    for (const auto& a : asked)
        if (auto why = ollama::refuse_origin_argument(a, any_site))
            return usage_error(fmt::format("{} \"{}\": {}", label, a, *why),
                               fmt::format("e.g. {}", example));
    return Ok{};
}

std::vector<std::string> proof_origins(const std::vector<std::string>& asked) {
    std::vector<std::string> out;
    for (const auto& a : asked)
        out = ollama::with_origins(out, {ollama::proof_origin(a)});
    return out;
}

std::vector<std::string> origins_to_add(const std::vector<std::string>& asked,
                                        const std::vector<std::string>& current,
                                        std::vector<std::string>& notes) {
    std::vector<std::string> out;
    const auto value = ollama::join_origins(current);
    for (const auto& a : asked) {
        if (std::find(current.begin(), current.end(), a) != current.end()) {
            notes.push_back(fmt::format("{} is already in OLLAMA_ORIGINS", a));
            continue;
        }
        auto d = ollama::decide_origin(value, a);
        if (d.allowed && a != "*") {
            notes.push_back(d.builtin
                                ? fmt::format("{} is already allowed by Ollama's defaults "
                                              "({}); nothing to add for it",
                                              a, d.entry)
                                : fmt::format("{} is already allowed by the entry {}", a, d.entry));
            continue;
        }
        if (a == "*")
            notes.push_back("* lets every web page on any site call Ollama from a visitor's "
                            "browser; prefer the origins of your own front ends");
        out = ollama::with_origins(out, {a});
    }
    return out;
}

void merge_edits(std::vector<change::FileEdit>& edits, std::vector<change::FileEdit> more) {
    for (auto& m : more) {
        auto same = std::find_if(edits.begin(), edits.end(),
                                 [&](const change::FileEdit& e) { return e.path == m.path; });
        if (same == edits.end()) {
            edits.push_back(std::move(m));
            continue;
        }
        same->new_content = std::move(m.new_content);
        same->keep_backup = same->keep_backup || m.keep_backup;
        if (!m.log_message.empty())
            same->log_message += "; " + m.log_message;
    }
}

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
    auto options = std::make_shared<ListOptions>();
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
        exit_status = list(*options, global);
    });
}

} // namespace netcfg::cli

namespace netcfg::cli {
namespace {

std::string origins_source(const config::Resolution& r) {
    if (!r.winner)
        return "";
    const auto& w = r.layers[*r.winner];
    return w.path.empty() ? std::string("the manager environment") : w.path;
}

int list(const ListOptions& o, const GlobalOptions& g) {
    auto fail = [&](const Error& e) {
        if (g.json)
            fmt::print("{}\n", nlohmann::json{{"format", report::json_format},
                                              {"command", "origins list"},
                                              {"ok", false},
                                              {"error", {{"message", e.message}, {"hint", e.hint}}}}
                                   .dump(2));
        print_error(e);
        return static_cast<int>(e.status);
    };
    ChangeArgs args;
    args.unit = o.unit;
    args.dry_run = true;
    auto t = read_change_args(args);
    if (!t)
        return fail(t.error());
    auto s = open_session(*t, "origins list", true);
    if (!s)
        return fail(s.error());
    const auto r = config::resolve(s->origin_layers, origins_var);
    const auto entries = ollama::split_origins(r.effective.value_or(""));
    auto recorded = change::recorded_origins(t->unit);
    const auto added = recorded ? *recorded : std::vector<std::string>{};
    auto recorded_presets = change::recorded_presets(t->unit);
    const auto presets =
        recorded_presets ? *recorded_presets : std::map<std::string, std::string>{};
    auto preset_of = [&](const std::string& e) -> std::optional<std::string> {
        auto p = presets.find(e);
        return p == presets.end() ? std::nullopt : std::optional<std::string>(p->second);
    };
    std::optional<std::string> running;
    std::string running_error;
    if (s->state.main_pid != 0) {
        auto v =
            probe::process_environment_value(static_cast<pid_t>(s->state.main_pid), origins_var);
        if (v)
            running = *v;
        else
            running_error = v.error().message;
    }
    const auto panic = ollama::origins_panic(r.effective.value_or(""));
    const bool restart_needed =
        s->state.main_pid != 0 && running_error.empty() && running != r.effective;
    if (g.json) {
        auto list = nlohmann::json::array();
        for (const auto& e : entries)
            list.push_back(
                {{"origin", e},
                 {"added_by_tool", std::find(added.begin(), added.end(), e) != added.end()},
                 {"preset",
                  preset_of(e) ? nlohmann::json(*preset_of(e)) : nlohmann::json(nullptr)}});
        nlohmann::json j{
            {"format", report::json_format},
            {"command", "origins list"},
            {"ok", true},
            {"unit", t->unit},
            {"value", r.effective ? nlohmann::json(*r.effective) : nullptr},
            {"source", r.winner ? nlohmann::json(origins_source(r)) : nullptr},
            {"configured", list},
            {"builtin", ollama::builtin_origins()},
            {"process_value", running ? nlohmann::json(*running) : nullptr},
            {"restart_needed", restart_needed},
            {"panic", panic ? nlohmann::json{{"entry", panic->entry}, {"message", panic->message}}
                            : nlohmann::json(nullptr)}};
        fmt::print("{}\n", j.dump(2));
        return 0;
    }
    if (entries.empty())
        fmt::print("{}: no OLLAMA_ORIGINS; only Ollama's built-in origins are let through\n",
                   t->unit);
    else
        fmt::print("{}: OLLAMA_ORIGINS=\"{}\" from {}\n", t->unit, r.effective.value_or(""),
                   origins_source(r));
    for (const auto& e : entries)
        fmt::print("  {:<40} {}\n", e.empty() ? "(empty entry)" : e,
                   std::find(added.begin(), added.end(), e) == added.end() ? "set by hand"
                   : preset_of(e) ? fmt::format("added by `ollama-netcfg origins add --preset {}`",
                                                *preset_of(e))
                                  : std::string("added by `ollama-netcfg origins add`"));
    if (panic)
        fmt::print("  BAD: Ollama refuses to start with the entry \"{}\": {}\n", panic->entry,
                   panic->message);
    if (restart_needed)
        fmt::print("  note: the running process (PID {}) has {}; it gets this list at its next "
                   "restart\n",
                   s->state.main_pid,
                   running ? fmt::format("OLLAMA_ORIGINS=\"{}\"", *running)
                           : std::string("no OLLAMA_ORIGINS"));
    fmt::print("  built in (always let through): {}\n", fmt::join(ollama::builtin_origins(), " "));
    return 0;
}

} // namespace
} // namespace netcfg::cli
