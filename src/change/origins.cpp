#include "ollama-netcfg/change/origins.hpp"

#include "ollama-netcfg/change/plan_variable.hpp"
#include "ollama-netcfg/ollama/origins.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"

#include <fmt/format.h>

namespace netcfg::change {
namespace {

using config::LayerKind;
constexpr std::string_view var = ollama::origins_variable;

std::vector<std::string> entries_of(const config::Resolution& r) {
    return ollama::split_origins(r.effective.value_or(""));
}

bool movable(const config::LayerInput& l, const std::string& managed) {
    return l.path != managed && l.content &&
           (l.kind == LayerKind::unit_file || l.kind == LayerKind::drop_in) &&
           l.path.starts_with("/etc/systemd/system/") &&
           unitfile::environment_effect(*l.content, var, std::nullopt).assigns;
}

FileEdit managed_edit(const config::LayerInput& l, const std::string& unit,
                      const std::optional<std::string>& value, const std::string& old) {
    const std::string content = l.content.value_or("");
    FileEdit e{l.path, l.content, l.content, false, {}, {}};
    auto edit = value ? unitfile::set_variable(content, var, *value)
                      : unitfile::unset_variable(content, var);
    if (!edit.changed)
        return e;
    e.new_content = edit.content;
    if (!value && unitfile::is_effectively_empty(edit.content))
        e.new_content.reset();
    e.log_message =
        value ? fmt::format("{}: set OLLAMA_ORIGINS=\"{}\" in {} (was \"{}\")", unit, *value,
                            l.path, old)
              : fmt::format("{}: removed OLLAMA_ORIGINS from {} (was \"{}\")", unit, l.path, old);
    e.log_fields = {{"OLLAMA_NETCFG_UNIT", unit},
                    {"OLLAMA_NETCFG_ACTION", "origins"},
                    {"OLLAMA_NETCFG_OLD", old},
                    {"OLLAMA_NETCFG_NEW", value.value_or("")}};
    return e;
}

FileEdit moved_edit(const config::LayerInput& l, const std::string& unit) {
    auto edit = unitfile::unset_variable(*l.content, var);
    FileEdit e{l.path, l.content, edit.content, true, {}, {}};
    if (l.kind == LayerKind::drop_in && unitfile::is_effectively_empty(edit.content))
        e.new_content.reset();
    e.log_message = fmt::format("{}: moved OLLAMA_ORIGINS=\"{}\" out of {} into the managed "
                                "drop-in",
                                unit, edit.old_value.value_or(""), l.path);
    e.log_fields = {{"OLLAMA_NETCFG_UNIT", unit},
                    {"OLLAMA_NETCFG_ACTION", "origins-move"},
                    {"OLLAMA_NETCFG_OLD", edit.old_value.value_or("")}};
    return e;
}

} // namespace

std::vector<std::string> origins_in_effect(const std::vector<config::LayerInput>& layers) {
    return entries_of(config::resolve(layers, var));
}

OriginsTarget origins_target_of(const config::Resolution& r) {
    return {r.environment, r.effective, {}};
}

Result<OriginsPlan> plan_origins(const std::vector<config::LayerInput>& layers,
                                 const std::string& unit, const std::string& managed,
                                 const std::vector<std::string>& entries, bool only_managed) {
    const auto old = config::resolve(layers, var).effective.value_or("");
    VariableChange change;
    change.variable = var;
    change.managed = managed;
    // The smallest edit first: no assignment at all when the list is empty.
    change.set = [&](const config::LayerInput& l) {
        if (!entries.empty())
            return std::vector{managed_edit(l, unit, ollama::join_origins(entries), old)};
        return std::vector{managed_edit(l, unit, std::nullopt, old),
                           managed_edit(l, unit, std::string(), old)};
    };
    change.move = [&](const config::LayerInput& l) -> std::optional<FileEdit> {
        if (only_managed || !movable(l, managed))
            return std::nullopt;
        return moved_edit(l, unit);
    };
    change.holds = [&](const config::Resolution& after) { return entries_of(after) == entries; };
    change.refuse = [](const config::Resolution& after) {
        const auto& w = after.winner ? after.layers[*after.winner] : config::Layer{};
        return failure(
            fmt::format("OLLAMA_ORIGINS would still be \"{}\" from {} {}, which this tool does "
                        "not edit",
                        after.effective.value_or(""), config::kind_name(w.kind),
                        w.path.empty() ? "(the manager environment)" : w.path),
            "change or remove OLLAMA_ORIGINS there, then run the command again");
    };
    auto planned = plan_variable(layers, change);
    if (!planned)
        return planned.error();
    OriginsPlan plan;
    plan.edits = std::move(planned->edits);
    plan.before = entries_of(planned->before);
    plan.previous = origins_target_of(planned->before);
    plan.after = entries;
    plan.target = origins_target_of(planned->after);
    return plan;
}

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

void merge_edits(std::vector<FileEdit>& edits, std::vector<FileEdit> more) {
    for (auto& m : more) {
        auto same = std::find_if(edits.begin(), edits.end(),
                                 [&](const FileEdit& e) { return e.path == m.path; });
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

} // namespace netcfg::change
