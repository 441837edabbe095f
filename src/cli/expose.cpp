// `expose ADDR`: plan the edits that make ADDR the one OLLAMA_HOST in effect
// (set it in the managed drop-in; move it out of the main unit file and other
// drop-ins in /etc, keeping backups), refuse when a layer this tool does not
// edit would still win, then apply and prove (change::apply).
#include "ollama-netcfg/cli/expose.hpp"

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/cli/change.hpp"
#include "ollama-netcfg/config/locate.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"

#include <fmt/format.h>

namespace netcfg::cli {
namespace {

namespace fs = std::filesystem;
using change::FileEdit;
using config::LayerKind;
using report::ExposeReport;

constexpr std::string_view host_var = ollama::variable;

std::string quoted(const std::optional<std::string>& v) {
    return v ? fmt::format("OLLAMA_HOST=\"{}\"", *v) : std::string("OLLAMA_HOST unset");
}

bool editable(const config::LayerInput& l) {
    return (l.kind == LayerKind::unit_file || l.kind == LayerKind::drop_in) &&
           l.path.starts_with("/etc/systemd/system/");
}

// The managed drop-in: keep a value that already listens where asked
// (rewriting it would only restart the service), else set ADDR.
FileEdit managed_edit(const config::LayerInput& layer, const std::string& unit,
                      const std::string& address, const ollama::HostSetting& want) {
    FileEdit e{layer.path, layer.content, layer.content, false, {}, {}};
    const std::string old = layer.content.value_or("");
    auto current = unitfile::effective_value(old, host_var);
    if (current && ollama::read_ollama_host(*current).same_listener(want))
        return e;
    e.new_content = unitfile::set_variable(old, host_var, address).content;
    e.log_message = fmt::format("{}: set OLLAMA_HOST=\"{}\" in {} (was {})", unit, address,
                                layer.path, quoted(current));
    e.log_fields = {{"OLLAMA_NETCFG_UNIT", unit},
                    {"OLLAMA_NETCFG_ACTION", "expose"},
                    {"OLLAMA_NETCFG_OLD", current.value_or("")},
                    {"OLLAMA_NETCFG_NEW", address}};
    return e;
}

// Another file in /etc that sets OLLAMA_HOST: the assignment goes (the rest
// stays), a copy of the file is kept, a drop-in left empty is removed.
FileEdit moved_edit(const config::LayerInput& layer, const std::string& unit) {
    auto edit = unitfile::unset_variable(*layer.content, host_var);
    FileEdit e{layer.path, layer.content, edit.content, true, {}, {}};
    if (layer.kind == LayerKind::drop_in && unitfile::is_effectively_empty(edit.content))
        e.new_content.reset();
    e.log_message = fmt::format("{}: moved {} out of {} into the managed drop-in", unit,
                                quoted(edit.old_value), layer.path);
    e.log_fields = {{"OLLAMA_NETCFG_UNIT", unit},
                    {"OLLAMA_NETCFG_ACTION", "expose-move"},
                    {"OLLAMA_NETCFG_OLD", edit.old_value.value_or("")}};
    return e;
}

struct Plan {
    std::vector<FileEdit> edits;
    change::Target target;
    change::Target previous;
};

Result<Plan> plan_expose(const Session& s, const ChangeTarget& t, const std::string& address,
                         const ollama::HostSetting& want, ExposeReport& rep) {
    Plan plan;
    auto layers = s.layers;
    for (const auto& l : s.layers) {
        if (l.path == t.drop_in.string() && l.kind == LayerKind::drop_in)
            plan.edits.push_back(managed_edit(l, t.unit, address, want));
        else if (editable(l) && l.content &&
                 !unitfile::environment_effect(*l.content, host_var, std::nullopt).assigns)
            continue;
        else if (editable(l) && l.content)
            plan.edits.push_back(moved_edit(l, t.unit));
    }
    for (const auto& e : plan.edits)
        layers = config::with_content(std::move(layers), e.path.string(), e.new_content);

    auto after = config::resolve(layers, host_var);
    const auto& winner = after.winner ? after.layers[*after.winner] : config::Layer{};
    if (!after.winner || winner.path != t.drop_in.string())
        return failure(
            fmt::format("OLLAMA_HOST would still be {} by {} {}, which expose does not edit",
                        after.effective ? "set to \"" + *after.effective + "\"" : "cleared",
                        config::kind_name(winner.kind), winner.path),
            "remove OLLAMA_HOST there (or the empty Environment= line), then run expose again");
    auto before = config::resolve(s.layers, host_var);
    rep.old_value = before.effective;
    plan.previous.listen = ollama::read_ollama_host(before.effective.value_or(""));
    plan.previous.environment = ollama::read_ollama_host(before.environment.value_or(""));
    rep.new_value = after.effective;
    plan.target.listen = want;
    plan.target.environment = ollama::read_ollama_host(after.environment.value_or(""));
    return plan;
}

Status expose(const ExposeOptions& o, ExposeReport& rep) {
    auto want = ollama::parse_expose_address(o.address);
    if (!want)
        return want.error();
    auto target = read_change_args(o.change);
    if (!target)
        return target.error();
    rep.unit = target->unit;
    rep.drop_in = target->drop_in.string();
    rep.new_value = o.address;
    rep.listen = want->listen_address();
    rep.connect_url = want->connect_url();

    auto session = open_session(*target, "expose");
    if (!session)
        return session.error();
    auto plan = plan_expose(*session, *target, o.address, *want, rep);
    if (!plan)
        return plan.error();
    return change::apply(*session->manager, session->state, plan->edits, plan->target,
                         {target->unit, session->deadline, o.change.no_rollback, plan->previous},
                         rep);
}

} // namespace

int run_expose(const ExposeOptions& options, const GlobalOptions& global) {
    apply_verbosity(global);
    ExposeReport rep;
    if (auto st = expose(options, rep); !st)
        rep.error = st.error();
    print_change_report(rep, global);
    return rep.error ? static_cast<int>(rep.error->status) : 0;
}

void register_expose(CLI::App& app, const GlobalOptions& global, int& exit_status) {
    auto options = std::make_shared<ExposeOptions>();
    auto* sub = app.add_subcommand(
        "expose", "Make Ollama listen on ADDR (as OLLAMA_HOST reads it), through a systemd "
                  "drop-in, and prove it");
    sub->add_option("ADDR", options->address,
                    "Where Ollama listens: 0.0.0.0, [::], 192.168.1.10:8080, :11434, ...")
        ->required();
    add_change_options(*sub, options->change);
    sub->callback([options, &global, &exit_status] { exit_status = run_expose(*options, global); });
}

} // namespace netcfg::cli
