// Planning OLLAMA_HOST (`expose`): the managed drop-in gets ADDR (kept when
// its value already listens there: rewriting it would only restart the
// service), the main unit file and other drop-ins in /etc give up theirs
// (copies kept), words systemd ignores go, and the plan is refused when a
// layer this tool does not edit would still win. Pure.
#include "ollama-netcfg/change/plan_host.hpp"

#include "ollama-netcfg/change/plan_variable.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"

#include <fmt/format.h>

namespace netcfg::change {

bool is_runtime_drop_in(const std::string& path, const std::string& unit) {
    return path == (std::filesystem::path("/run/systemd/system") / (unit + ".d") / runtime_drop_in)
                       .string();
}

namespace {

using config::LayerKind;
constexpr std::string_view host_var = ollama::variable;

// The files a persistent expose takes OLLAMA_HOST out of: the unit file
// and drop-ins in /etc, and the runtime drop-in `expose --runtime` wrote
// (the admin now wants it for good). `--runtime` edits only its own file.
bool editable(const config::LayerInput& l, const HostScope& t) {
    if (t.runtime || (l.kind != LayerKind::unit_file && l.kind != LayerKind::drop_in))
        return false;
    return l.path.starts_with("/etc/systemd/system/") || is_runtime_drop_in(l.path, t.unit);
}

// The managed drop-in: keep a value that already listens where asked
// (rewriting it would only restart the service), else set ADDR.
// Words systemd ignores that try to set OLLAMA_HOST (typographic quotes...)
// go from every file expose edits; the admin is told which.
std::string without_ignored(const config::LayerInput& layer, std::vector<std::string>& notes) {
    const std::string content = layer.content.value_or("");
    for (const auto& w : unitfile::ignored_assignments(content, host_var))
        notes.push_back(fmt::format("removed `{}` from {} line {}, which systemd ignored ({})",
                                    w.word, layer.path, w.line_number, w.why));
    return unitfile::remove_ignored(content, host_var).content;
}

} // namespace

FileEdit managed_edit(const config::LayerInput& layer, const std::string& unit,
                      const std::string& address, const ollama::HostSetting& want,
                      std::vector<std::string>& notes) {
    FileEdit e{layer.path, layer.content, layer.content, false, {}, {}};
    const std::string old = without_ignored(layer, notes);
    auto current = unitfile::effective_value(old, host_var);
    if (current && ollama::read_ollama_host(*current).same_listener(want)) {
        if (old != layer.content.value_or(""))
            e.new_content = old;
        return e;
    }
    e.new_content = unitfile::set_variable(old, host_var, address).content;
    e.log_message = fmt::format("{}: set OLLAMA_HOST=\"{}\" in {} (was {})", unit, address,
                                layer.path, ollama::describe_host(current));
    e.log_fields = {{"OLLAMA_NETCFG_UNIT", unit},
                    {"OLLAMA_NETCFG_ACTION", "expose"},
                    {"OLLAMA_NETCFG_OLD", current.value_or("")},
                    {"OLLAMA_NETCFG_NEW", address}};
    return e;
}

namespace {

// Another file in /etc that sets OLLAMA_HOST: the assignment goes (the rest
// stays), a copy of the file is kept, a drop-in left empty is removed.
FileEdit moved_edit(const config::LayerInput& layer, const std::string& unit,
                    std::vector<std::string>& notes) {
    auto edit = unitfile::unset_variable(without_ignored(layer, notes), host_var);
    const bool keep_copy = !layer.path.starts_with("/run/"); // /run is gone at reboot anyway
    FileEdit e{layer.path, layer.content, edit.content, keep_copy, {}, {}};
    if (layer.kind == LayerKind::drop_in && unitfile::is_effectively_empty(edit.content))
        e.new_content.reset();
    e.log_message = edit.old_value
                        ? fmt::format("{}: moved {} out of {} into the managed drop-in", unit,
                                      ollama::describe_host(edit.old_value), layer.path)
                        : fmt::format("{}: removed OLLAMA_HOST words that systemd ignores from {}",
                                      unit, layer.path);
    e.log_fields = {{"OLLAMA_NETCFG_UNIT", unit},
                    {"OLLAMA_NETCFG_ACTION", "expose-move"},
                    {"OLLAMA_NETCFG_OLD", edit.old_value.value_or("")}};
    return e;
}

} // namespace

Result<HostPlan> plan_host(const std::vector<config::LayerInput>& read, const HostScope& t,
                           const std::string& address, const ollama::HostSetting& want) {
    HostPlan plan;
    auto& notes = plan.notes;
    VariableChange change;
    change.variable = host_var;
    change.managed = t.drop_in;
    change.always_move = true; // one setting left, in the managed drop-in
    change.set = [&](const config::LayerInput& l) {
        return std::vector{managed_edit(l, t.unit, address, want, notes)};
    };
    change.move = [&](const config::LayerInput& l) -> std::optional<FileEdit> {
        if (!editable(l, t) || !l.content ||
            (!unitfile::environment_effect(*l.content, host_var, std::nullopt).assigns &&
             unitfile::ignored_assignments(*l.content, host_var).empty()))
            return std::nullopt;
        return moved_edit(l, t.unit, notes);
    };
    change.holds = [&](const config::Resolution& after) {
        return after.winner && after.layers[*after.winner].path == t.drop_in;
    };
    change.refuse = [](const config::Resolution& after) {
        const auto& winner = after.winner ? after.layers[*after.winner] : config::Layer{};
        return failure(
            fmt::format("OLLAMA_HOST would still be {} by {} {}, which expose does not edit",
                        after.effective ? "set to \"" + *after.effective + "\"" : "cleared",
                        config::kind_name(winner.kind), winner.path),
            winner.path.starts_with("/run/")
                ? std::string("that file is in /run and goes at the next reboot; remove "
                              "OLLAMA_HOST there, then run expose again")
                : std::string("remove OLLAMA_HOST there (or the empty Environment= line), then "
                              "run expose again"));
    };
    auto planned = plan_variable(read, change);
    if (!planned)
        return planned.error();
    plan.edits = std::move(planned->edits);
    plan.old_value = planned->before.effective;
    plan.previous = target_of(planned->before);
    plan.new_value = planned->after.effective;
    plan.target = target_of(planned->after);
    plan.target.listen = want; // the same listener, in the form the admin gave
    return plan;
}

} // namespace netcfg::change
