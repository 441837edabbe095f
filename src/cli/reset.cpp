#include "ollama-netcfg/cli/reset.hpp"

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/change/origins.hpp"
#include "ollama-netcfg/change/plan_variable.hpp"
#include "ollama-netcfg/cli/change.hpp"
#include "ollama-netcfg/cli/ordering.hpp"
#include "ollama-netcfg/config/locate.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/ollama/origins.hpp"
#include "ollama-netcfg/reach/open.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace netcfg::cli {
namespace {

using change::FileEdit;
using report::ChangeReport;

constexpr std::string_view host_var = ollama::variable;

// The managed drop-in without OLLAMA_HOST and without the capability
// `expose --grant-low-port` adds; removed when nothing else is left.
FileEdit reset_edit(const config::LayerInput& layer, const std::string& unit) {
    FileEdit e{layer.path, layer.content, layer.content, false, {}, {}};
    if (!layer.content)
        return e;
    auto edit = unitfile::unset_variable(*layer.content, host_var);
    auto cap = unitfile::remove_setting(edit.content, "Service", "AmbientCapabilities",
                                        "CAP_NET_BIND_SERVICE");
    if (!edit.changed && !cap.changed)
        return e;
    e.new_content = cap.content;
    if (unitfile::is_effectively_empty(cap.content))
        e.new_content.reset();
    e.log_message = fmt::format("{}: removed OLLAMA_HOST=\"{}\" from {}", unit,
                                edit.old_value.value_or(""), layer.path);
    e.log_fields = {{"OLLAMA_NETCFG_UNIT", unit},
                    {"OLLAMA_NETCFG_ACTION", "reset"},
                    {"OLLAMA_NETCFG_OLD", edit.old_value.value_or("")},
                    {"OLLAMA_NETCFG_NEW", ""}};
    return e;
}

// The After=/Wants= lines `expose` recorded come out of the managed
// drop-in too (the runtime drop-in has none).
Status reset_ordering(const ChangeScope& t, std::vector<FileEdit>& edits, ChangeReport& rep) {
    for (auto& e : edits) {
        if (e.path != t.drop_in || !e.new_content)
            continue;
        auto content = without_recorded_ordering(t.unit, *e.new_content, rep);
        if (!content)
            return content.error();
        e.new_content = std::move(*content);
        if (unitfile::is_effectively_empty(*e.new_content))
            e.new_content.reset();
    }
    return Ok{};
}

// --origins: the entries `origins add` (or --allow-origin) added come out of
// OLLAMA_ORIGINS; the admin's own stay. Without it, origins are left alone
// and the report says so.
Status plan_reset_origins(const Session& s, const ChangeScope& t, bool reset_origins,
                          std::vector<FileEdit>& edits, change::Target& target,
                          change::Target& previous, ChangeReport& rep) {
    const auto layers = change::with_edits(s.origin_layers, edits);
    const auto current = change::origins_in_effect(layers);
    auto recorded = change::recorded_origins(t.unit);
    if (!recorded)
        return recorded.error();
    if (!reset_origins) {
        if (!current.empty())
            rep.notes.push_back(fmt::format(
                "OLLAMA_ORIGINS=\"{}\" stays: reset leaves origins alone{}",
                ollama::join_origins(current),
                recorded->empty() ? std::string()
                                  : fmt::format("; `reset --origins` also removes the {} that "
                                                "`origins add` added",
                                                fmt::join(*recorded, ", "))));
        return Ok{};
    }
    auto plan = change::plan_origins(layers, t.unit, t.drop_in.string(),
                                     ollama::without_origins(current, *recorded), t.runtime);
    if (!plan)
        return plan.error();
    change::merge_edits(edits, std::move(plan->edits));
    target.origins = plan->target;
    previous.origins =
        change::origins_target_of(config::resolve(s.origin_layers, ollama::origins_variable));
    std::vector<std::string> removed;
    for (const auto& e : *recorded)
        if (std::find(current.begin(), current.end(), e) != current.end())
            removed.push_back(e);
    rep.origins = report::OriginsChange{current, plan->after, {}, removed};
    return Ok{};
}

Status reset(const ChangeArgs& args, bool reset_origins, bool client_env, ChangeReport& rep,
             Progress* progress) {
    rep.command = "reset";
    if (!args.container.empty())
        return refuse_container_change(args.container, ollama::read_ollama_host(""));
    auto target = read_change_args(args);
    if (!target)
        return target.error();
    rep.unit = target->unit;
    rep.drop_in = target->drop_in.string();

    if (!args.root.empty() && client_env)
        return usage_error("--client-env does not go with --root: it writes this host's "
                           "/etc/profile.d and /etc/environment.d",
                           "run it on the host the image boots as");
    if (!args.root.empty() && reset_origins)
        return usage_error("--origins does not go with --root: an image keeps no record of what "
                           "`origins add` added",
                           "run `ollama-netcfg origins remove ORIGIN --root DIR` for each");
    if (!args.root.empty())
        return change_offline(
            *target, args.dry_run,
            [&](const config::LayerInput& layer) -> Result<std::vector<FileEdit>> {
                rep.old_value = unitfile::effective_value(layer.content.value_or(""), host_var);
                set_expected_listen(ollama::read_ollama_host(""), rep);
                return std::vector{reset_edit(layer, rep.unit)};
            },
            rep);
    if (auto st = refuse_unless_drop_ins_apply(*target, "reset",
                                               {std::nullopt, false, false, {}, {}, reset_origins});
        !st)
        return st;
    auto session = open_session(*target, "reset", args.dry_run);
    if (!session)
        return session.error();
    std::vector<FileEdit> edits;
    for (const auto& l : session->layers)
        if (l.kind == config::LayerKind::drop_in && l.path == rep.drop_in)
            edits.push_back(reset_edit(l, target->unit));
    if (!target->runtime)
        if (auto st = reset_ordering(*target, edits, rep); !st)
            return st;
    auto after = config::resolve(change::with_edits(session->layers, edits), host_var);
    auto before = config::resolve(session->layers, host_var);
    rep.old_value = before.effective;
    auto previous = change::target_of(before);
    rep.new_value = after.effective;
    auto t = change::target_of(after);
    set_expected_listen(t.listen, rep);
    if (after.winner && target->runtime) {
        const auto& w = after.layers[*after.winner];
        rep.notes.push_back(fmt::format("back to the persistent setting: {} from {}",
                                        ollama::describe_host(after.effective),
                                        w.path.empty() ? "the manager environment" : w.path));
    } else if (after.winner) {
        const auto& w = after.layers[*after.winner];
        rep.notes.push_back(fmt::format(
            "OLLAMA_HOST=\"{}\" is still set by {} {}, which reset leaves alone; {}",
            after.effective.value_or(""), config::kind_name(w.kind),
            w.path.empty() ? "(manager environment)" : w.path,
            is_runtime_drop_in(w.path, target->unit)
                ? std::string("it is the runtime setting `expose --runtime` made (gone at the "
                              "next reboot): `ollama-netcfg reset --runtime` removes it now")
                : std::string("remove it there for Ollama's default")));
    }
    if (auto st = plan_reset_origins(*session, *target, reset_origins, edits, t, previous, rep);
        !st)
        return st;
    if (auto st = follow_links(edits, args.dry_run, rep); !st)
        return st;
    if (args.dry_run) {
        describe_dry_run(edits, session->state, t, rep);
        auto closed = reach::close_recorded_rules({target->unit, target->runtime}, true);
        if (!closed)
            return closed.error();
        add_firewall_change(*closed, rep);
        rep.changed = rep.changed || !closed->actions.empty();
        if (client_env)
            return apply_client_env(target->unit, t.listen, session->state.control_group, true,
                                    rep);
        return Ok{};
    }
    auto outcome =
        change::apply(*session->manager, session->state, edits, t,
                      {target->unit, session->deadline, args.no_rollback, previous, progress});
    // What follows is about the service as it runs now (started, if it was not).
    session->state.control_group = outcome.control_group;
    if (auto st = rep.take(std::move(outcome)); !st)
        return st;
    if (rep.origins)
        if (auto st = change::record_origins(target->unit, {}); !st)
            return st;
    if (auto st = record_ordering(target->unit, rep); !st)
        return st;
    // Only after the default is proven: a failed reset keeps its firewall rule.
    auto closed = reach::close_recorded_rules({target->unit, target->runtime}, false);
    if (!closed)
        return closed.error();
    add_firewall_change(*closed, rep);
    rep.changed = rep.changed || !closed->actions.empty();
    if (client_env)
        return apply_client_env(target->unit, t.listen, session->state.control_group, false, rep);
    return Ok{};
}

} // namespace

void register_reset(CLI::App& app, const GlobalOptions& global, int& exit_status) {
    auto args = std::make_shared<ChangeArgs>();
    auto* sub = app.add_subcommand(
        "reset", "Remove the OLLAMA_HOST this tool manages (back to 127.0.0.1:11434) and prove it");
    sub->footer("Examples:\n"
                "  sudo ollama-netcfg reset              # back to 127.0.0.1:11434\n"
                "  ollama-netcfg reset --dry-run         # see the change first\n"
                "  sudo ollama-netcfg reset --unit ollama-gpu1.service");
    add_change_options(*sub, *args);
    auto origins = std::make_shared<bool>(false);
    sub->add_flag("--origins", *origins,
                  "Also remove the OLLAMA_ORIGINS entries `origins add` added (the ones set by "
                  "hand stay)");
    auto client_env = std::make_shared<bool>(false);
    sub->add_flag("--client-env", *client_env,
                  "Also bring the local ollama command's OLLAMA_HOST (/etc/profile.d, "
                  "/etc/environment.d) in line: removed when the default works again");
    sub->callback([args, origins, client_env, &global, &exit_status] {
        exit_status = run_change(global, [&](ChangeReport& rep, Progress* progress) {
            return reset(*args, *origins, *client_env, rep, progress);
        });
    });
}

} // namespace netcfg::cli
