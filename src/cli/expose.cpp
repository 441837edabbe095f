// `expose ADDR`: plan the edits that make ADDR the one OLLAMA_HOST in effect
// (set it in the managed drop-in; move it out of the main unit file and other
// drop-ins in /etc, keeping backups), refuse when a layer this tool does not
// edit would still win, then apply and prove (change::apply).
#include "ollama-netcfg/cli/expose.hpp"

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/change/origins.hpp"
#include "ollama-netcfg/change/plan_variable.hpp"
#include "ollama-netcfg/change/preflight.hpp"
#include "ollama-netcfg/cli/change.hpp"
#include "ollama-netcfg/cli/ordering.hpp"
#include "ollama-netcfg/docker/engine.hpp"
#include "ollama-netcfg/firewall/verdict.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/ollama/origins.hpp"
#include "ollama-netcfg/probe/process.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/probe/sysctl.hpp"
#include "ollama-netcfg/reach/open.hpp"
#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/report/reach_view.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"

#include <fmt/format.h>

namespace netcfg::cli {
namespace {

using change::FileEdit;
using report::ChangeReport;

constexpr std::string_view host_var = ollama::variable;

// --allow-origin: OLLAMA_ORIGINS in the same drop-in, in the same run
// (one restart), proven with a request from each origin.
Status plan_allow_origins(const Session& s, const ChangeScope& t,
                          const std::vector<std::string>& asked, change::HostPlan& plan,
                          ChangeReport& rep) {
    const auto layers = change::with_edits(s.origin_layers, plan.edits);
    const auto current = change::origins_in_effect(layers);
    const auto to_add = change::origins_to_add(asked, current, rep.notes);
    auto o = change::plan_origins(layers, t.unit, t.drop_in.string(),
                                  ollama::with_origins(current, to_add), t.runtime);
    if (!o)
        return o.error();
    change::merge_edits(plan.edits, std::move(o->edits));
    plan.target.origins = o->target;
    plan.target.origins->prove = change::proof_origins(asked);
    plan.previous.origins =
        change::origins_target_of(config::resolve(s.origin_layers, ollama::origins_variable));
    rep.origins = report::OriginsChange{
        ollama::split_origins(plan.previous.origins->process.value_or("")), o->after, to_add, {}};
    return Ok{};
}

constexpr std::string_view bind_capability = "CAP_NET_BIND_SERVICE";

// What would keep Ollama from listening on `want`, checked before any write.
// Skipped when the running service already listens as wanted. Returns
// whether the drop-in must grant CAP_NET_BIND_SERVICE.
Result<bool> preflight(const Session& s, const ollama::HostSetting& want, bool grant,
                       const std::string& unit, ChangeReport& rep) {
    if (s.state.active_state == "active" && s.state.main_pid != 0) {
        auto v = probe::process_environment_value(static_cast<pid_t>(s.state.main_pid), host_var);
        if (v && ollama::read_ollama_host(v->value_or("")).same_listener(want))
            return false;
    }
    std::vector<std::string> resolved;
    if (want.family() == ollama::Family::name)
        resolved = probe::resolve_host(want.host);
    std::vector<std::string> mine;
    for (const auto& i : reach::interfaces())
        mine.push_back(i.address.text());
    if (auto st = change::check_address_is_local(want, resolved, mine); !st)
        return st.error();

    change::LowPortFacts low{want.port,
                             s.state.user,
                             s.state.ambient_capabilities,
                             probe::unprivileged_port_start(),
                             grant,
                             {}};
    if (!probe::can_see_open_files(static_cast<pid_t>(s.state.main_pid))) {
        rep.notes.push_back(fmt::format("not checked without root: whether another process "
                                        "holds port {}",
                                        want.port));
        return change::check_low_port(low);
    }
    auto sockets = probe::find_listeners(want.host, want.port, resolved,
                                         probe::cgroup_pids(s.state.control_group))
                       .sockets;
    auto others = probe::foreign_conflicts(
        sockets, probe::expected_socket(want.host, want.port, resolved, probe::kernel_has_ipv6()),
        true);
    std::vector<change::Holder> foreign;
    std::optional<docker::DockerLook> docker;
    for (const auto& sock : others) {
        pid_t pid = sock.pids.empty() ? 0 : sock.pids.front();
        auto serve = pid ? probe::ollama_serve_process(pid) : std::nullopt;
        change::Holder h{sock.endpoint(),
                         pid,
                         pid ? probe::process_name(pid) : "",
                         serve ? serve->describe() : "",
                         {}};
        if (h.process == "docker-proxy") {
            if (!docker)
                docker = docker::ollama_containers(std::chrono::milliseconds(2000));
            for (const auto& c : docker->containers)
                for (const auto& b : c.bindings)
                    if (c.state == "running" && b.host_port == sock.port)
                        h.container = fmt::format("{} ({}, {})", c.name, c.image, b.text());
        }
        foreign.push_back(std::move(h));
    }
    if (auto st = change::check_port_is_free(want, unit, foreign); !st)
        return st.error();
    return change::check_low_port(low);
}

// --root: ADDR in the image's managed drop-in (and the capability for a
// low port when asked).
Status expose_offline(const ExposeOptions& o, const ChangeScope& t, const ollama::HostSetting& want,
                      ChangeReport& rep) {
    return change_offline(
        t, o.change.dry_run,
        [&](const config::LayerInput& layer) -> Result<std::vector<FileEdit>> {
            auto edit = change::managed_edit(layer, t.unit, o.address, want, rep.notes);
            rep.old_value = unitfile::effective_value(layer.content.value_or(""), host_var);
            if (o.grant_low_port && want.port < 1024)
                edit.new_content = unitfile::add_setting(edit.new_content.value_or(""), "Service",
                                                         "AmbientCapabilities", bind_capability)
                                       .content;
            else if (want.port != 0 && want.port < 1024)
                rep.notes.push_back("port below 1024: unless the service runs as root, add "
                                    "--grant-low-port");
            return std::vector{edit};
        },
        rep);
}

// The advice for a container network the firewall keeps out.
void bridge_notes(const std::vector<reach::Bridge>& bridges, ChangeReport& rep) {
    for (const auto& b : bridges) {
        const bool unsure = b.firewall && b.firewall->decision == firewall::Decision::undecided;
        if (b.reachable && !b.can_connect() && !unsure && !b.open_command_text.empty())
            rep.notes.push_back(fmt::format(
                "to let containers on {} in: sudo {}{}", b.interface, b.open_command_text,
                b.open_command.empty() ? std::string()
                                       : ", or add --open-firewall --for-containers"));
    }
}

// "; the rule lasts until the next reboot unless ...", for a firewall this
// tool does not change.
std::string lasting(const reach::Firewall& fw) {
    auto hint = reach::until_reboot(fw);
    return hint.empty() ? hint : "; " + hint;
}

// --open-firewall was asked, and after it the firewall still drops or
// rejects the clients on an IP version the listener accepts (a firewall
// this tool does not change, such as a bare nftables ruleset): the run
// fails rather than end as if the port were open. The listener stays as
// proven.
Status still_closed(const reach::Firewall& fw, const std::string& from, std::uint16_t port) {
    std::string closed;
    for (const auto& v : fw.families)
        if (v.verdict.decision == firewall::Decision::drop ||
            v.verdict.decision == firewall::Decision::reject)
            closed += fmt::format("{}IPv{} {} by {} ({})", closed.empty() ? "" : ", ", v.family,
                                  firewall::decision_name(v.verdict.decision), v.verdict.backend,
                                  v.verdict.reason);
    if (closed.empty())
        return Ok{};
    return failure(fmt::format("--open-firewall: port {} is still closed to {}: {}; Ollama "
                               "itself listens as asked",
                               port, from.empty() ? "other hosts" : from, closed),
                   fw.open_command_text.empty()
                       ? std::string("open the port in that firewall by hand")
                       : fmt::format("this tool does not change that firewall; run: sudo {}{}",
                                     fw.open_command_text, lasting(fw)));
}

// The firewall for the listener and each container network (opened with
// --open-firewall), and who can connect.
Status judge_reach(reach::FirewallReading& firewall, const ExposeOptions& o,
                   const ollama::HostSetting& want, const std::vector<probe::ListenSocket>& sockets,
                   reach::Survey& seen, const reach::Owner& owner, ChangeReport& rep) {
    const auto families = reach::covered_families(sockets);
    if (want.loopback()) {
        bridge_notes(seen.bridges, rep);
        rep.who_can_connect = reach::who_can_connect(families, nullptr, o.from);
        return Ok{};
    }
    // A run that changed nothing (a post-update script) skips the firewall
    // unless asked about it: it stays a few milliseconds.
    if (!rep.changed && !o.open_firewall && o.from.empty()) {
        bridge_notes(seen.bridges, rep);
        reach::Firewall skipped;
        skipped.visible = false;
        skipped.why_not = "skipped on a run that changed nothing; `ollama-netcfg status` shows it";
        rep.who_can_connect = reach::who_can_connect(families, &skipped, o.from);
        return Ok{};
    }
    auto fw = firewall.judge(want, sockets, o.from, &seen.bridges);
    if (o.open_firewall) {
        auto change = reach::open_firewall(fw, want.port, o.from, owner, false);
        if (!change)
            return change.error();
        add_firewall_change(*change, rep);
        if (o.for_containers) {
            // Read again: the rule just added may let containers in too.
            firewall.changed();
            fw = firewall.judge(want, sockets, o.from, &seen.bridges);
            auto more = reach::open_for_containers(seen.bridges, want.port, owner, false);
            if (!more)
                return more.error();
            add_firewall_change(*more, rep);
        }
        // Read again: what clients get now is the rules as changed.
        firewall.changed();
        fw = firewall.judge(want, sockets, o.from, &seen.bridges);
    }
    bridge_notes(seen.bridges, rep);
    rep.who_can_connect = reach::who_can_connect(families, &fw, o.from);
    rep.firewall = fw;
    if (!fw.visible)
        return Ok{};
    const bool open = fw.verdict.decision == firewall::Decision::accept;
    if (!open && !o.open_firewall && !fw.open_command_text.empty())
        rep.notes.push_back(fmt::format(
            "to let clients in: sudo {}{}", fw.open_command_text,
            fw.open_command.empty() ? lasting(fw) : ", or add --open-firewall [--from CIDR]"));
    if (o.open_firewall)
        return still_closed(fw, o.from, want.port);
    return Ok{};
}

// After the proof: the other addresses the listener covers, containers, the
// firewall per IP version (opened with --open-firewall), who can connect.
// Informational, except that a failed --open-firewall is an error.
Status report_reach(reach::FirewallReading& firewall, const ExposeOptions& o,
                    const ollama::HostSetting& want, const std::string& control_group,
                    const reach::Owner& owner, ChangeReport& rep) {
    const auto sockets = reach::serving_sockets(want, probe::cgroup_pids(control_group));
    set_actual_listen(sockets, rep);
    rep.client_export = reach::client_export(want, sockets);
    auto seen = reach::survey(want, sockets, std::chrono::milliseconds(2000));
    rep.from = o.from;
    auto st = judge_reach(firewall, o, want, sockets, seen, owner, rep);
    rep.addresses = std::move(seen.addresses);
    rep.bridges = std::move(seen.bridges); // with their verdicts, as far as judged
    rep.reach =
        report::change_reach_lines(rep.addresses, rep.bridges, rep.firewall, o.from, want.port);
    return st;
}

Status expose(const ExposeOptions& o, ChangeReport& rep, Progress* progress) {
    auto want = ollama::parse_expose_address(o.address);
    if (!want)
        return want.error();
    if (!o.from.empty() && !net::valid_cidr(o.from))
        return usage_error(fmt::format("--from {}: not an address or network (CIDR)", o.from),
                           "e.g. --from 192.168.1.0/24 or --from 2001:db8::/64");
    if (o.for_containers && !o.open_firewall)
        return usage_error("--for-containers goes with --open-firewall",
                           "e.g. sudo ollama-netcfg expose 0.0.0.0 --open-firewall "
                           "--for-containers");
    if (auto st =
            change::check_origin_arguments(o.allow_origins, "--allow-origin",
                                           "--allow-origin http://192.168.1.50:3000", o.any_site);
        !st)
        return st;
    if (!o.change.container.empty())
        return refuse_container_change(o.change.container, *want);
    auto target = read_change_args(o.change);
    if (!target)
        return target.error();
    rep.unit = target->unit;
    rep.drop_in = target->drop_in.string();
    rep.new_value = o.address;
    set_expected_listen(*want, rep);

    if (!o.change.root.empty() && o.client_env)
        return usage_error("--client-env does not go with --root: it writes this host's "
                           "/etc/profile.d and /etc/environment.d",
                           "run it on the host the image boots as");
    if (!o.change.root.empty() && !o.allow_origins.empty())
        return usage_error("--allow-origin does not go with --root",
                           "run `ollama-netcfg origins add ORIGIN --root DIR` for the image too");
    if (!o.after.empty() && (!o.change.root.empty() || target->runtime))
        return usage_error("--after does not go with --root or --runtime",
                           "the boot order is this host's, in the persistent drop-in");
    if (!o.change.root.empty())
        return expose_offline(o, *target, *want, rep);
    if (auto st = refuse_unless_drop_ins_apply(
            *target, "expose", {*want, false, o.open_firewall, o.allow_origins, {}, false});
        !st)
        return st;

    auto session = open_session(*target, "expose", o.change.dry_run);
    if (!session)
        return session.error();
    auto plan = change::plan_host(session->layers,
                                  {target->unit, target->drop_in.string(), target->runtime},
                                  o.address, *want);
    if (!plan)
        return plan.error();
    rep.notes.insert(rep.notes.end(), plan->notes.begin(), plan->notes.end());
    rep.old_value = plan->old_value;
    rep.new_value = plan->new_value;
    if (!o.allow_origins.empty())
        if (auto st = plan_allow_origins(*session, *target, o.allow_origins, *plan, rep); !st)
            return st;
    if (!target->runtime) {
        auto after = read_after_units(*session->manager, o.after);
        if (!after)
            return after.error();
        if (auto st = plan_ordering(*session->manager, *target, *session, *want, *after,
                                    plan->edits, rep);
            !st)
            return st;
    }
    auto grant = preflight(*session, *want, o.grant_low_port, target->unit, rep);
    if (!grant)
        return grant.error();
    if (*grant)
        for (auto& e : plan->edits)
            if (e.path == target->drop_in)
                e.new_content = unitfile::add_setting(e.new_content.value_or(""), "Service",
                                                      "AmbientCapabilities", bind_capability)
                                    .content;
    const reach::Owner owner{target->unit, target->runtime};
    // One reading of the firewall for the whole run (until it changes it).
    reach::FirewallReading firewall(
        [&m = *session->manager] { return m.is_active("firewalld.service"); });
    std::optional<reach::Firewall> planned;
    if (o.open_firewall && !want->loopback()) {
        // Judged for the socket Go will open, before anything is written:
        // a --from that the firewall would not enforce is refused.
        const std::vector<probe::ListenSocket> expected{
            probe::expected_socket(want->host, want->port, {}, probe::kernel_has_ipv6())};
        planned = firewall.judge(*want, expected, o.from);
        if (auto st = reach::check_from_restricts(*planned, o.from, want->port); !st)
            return st;
    }
    if (auto st = follow_links(plan->edits, o.change.dry_run, rep); !st)
        return st;
    if (o.change.dry_run) {
        describe_dry_run(plan->edits, session->state, plan->target, rep);
        if (planned) {
            auto change = reach::open_firewall(*planned, want->port, o.from, owner, true);
            if (!change)
                return change.error();
            add_firewall_change(*change, rep);
            rep.changed = rep.changed || !change->actions.empty();
        }
        if (o.client_env)
            return apply_client_env(target->unit, *want, session->state.control_group, true, rep);
        return Ok{};
    }
    auto outcome = change::apply(
        *session->manager, session->state, plan->edits, plan->target,
        {target->unit, session->deadline, o.change.no_rollback, plan->previous, progress});
    // What follows is about the service as it runs now (started, if it was not).
    session->state.control_group = outcome.control_group;
    if (auto st = rep.take(std::move(outcome)); !st)
        return st;
    if (auto st = record_ordering(target->unit, rep); !st)
        return st;
    if (rep.origins && !rep.origins->added.empty()) {
        auto recorded = change::recorded_origins(target->unit);
        if (!recorded)
            return recorded.error();
        if (auto st = change::record_origins(target->unit,
                                             ollama::with_origins(*recorded, rep.origins->added));
            !st)
            return st;
    }
    if (auto st = report_reach(firewall, o, *want, session->state.control_group, owner, rep);
        !st || !o.client_env)
        return st;
    return apply_client_env(target->unit, *want, session->state.control_group, false, rep);
}

} // namespace

int run_expose(const ExposeOptions& options, const GlobalOptions& global) {
    return run_change(global, [&](ChangeReport& rep, Progress* progress) {
        return expose(options, rep, progress);
    });
}

void register_expose(CLI::App& app, const GlobalOptions& global, int& exit_status) {
    auto options = std::make_shared<ExposeOptions>();
    auto* sub = app.add_subcommand(
        "expose", "Make Ollama listen on ADDR (as OLLAMA_HOST reads it), through a systemd "
                  "drop-in, and prove it");
    sub->add_option("ADDR", options->address,
                    "Where Ollama listens: 0.0.0.0, [::], 192.168.1.10:8080, :11434, ...")
        ->required();
    sub->footer(
        "Examples:\n"
        "  sudo ollama-netcfg expose 0.0.0.0                 # every IPv4 and IPv6 address\n"
        "  ollama-netcfg expose 192.168.1.10:8080 --dry-run  # see the change first\n"
        "  sudo ollama-netcfg expose 0.0.0.0 --open-firewall --from 192.168.1.0/24");
    add_change_options(*sub, options->change);
    sub->add_flag("--open-firewall", options->open_firewall,
                  "Let clients in: add a persistent rule with ufw or firewalld (reset removes "
                  "it); for plain nftables/iptables, print the rule");
    sub->add_flag("--for-containers", options->for_containers,
                  "With --open-firewall: also let in containers on every current container "
                  "network (docker0, br-..., podman), on the bridge only (reset removes it)");
    sub->add_option("--from", options->from,
                    "The clients' network (CIDR) for --open-firewall and the firewall check");
    sub->add_option("--after", options->after,
                    "Start Ollama at boot after UNIT, which brings ADDR up (After=, Wants=; "
                    "repeatable); without it, the interface's owner where this tool knows it")
        ->type_name("UNIT");
    sub->add_option("--allow-origin", options->allow_origins,
                    "Also let web pages from this origin call Ollama (OLLAMA_ORIGINS; "
                    "repeatable), proven with a request that sends it");
    sub->add_flag("--yes-any-site", options->any_site,
                  "Allow --allow-origin '*' (every web page on every site may call this server "
                  "from its visitors' browsers)");
    sub->add_flag("--client-env", options->client_env,
                  "Also give the ollama command on this host the OLLAMA_HOST it needs, in "
                  "/etc/profile.d and /etc/environment.d (removed when the default works)");
    sub->add_flag("--grant-low-port", options->grant_low_port,
                  "For a port below 1024: grant the service CAP_NET_BIND_SERVICE in the drop-in "
                  "(reset removes it)");
    sub->callback([options, &global, &exit_status] { exit_status = run_expose(*options, global); });
}

} // namespace netcfg::cli
