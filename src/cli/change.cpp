#include "ollama-netcfg/cli/change.hpp"

#include "ollama-netcfg/change/client_env.hpp"
#include "ollama-netcfg/change/elsewhere.hpp"
#include "ollama-netcfg/change/links.hpp"
#include "ollama-netcfg/change/origins.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/config/locate.hpp"
#include "ollama-netcfg/docker/engine.hpp"
#include "ollama-netcfg/health/problems.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/ollama/origins.hpp"
#include "ollama-netcfg/ollama/proxy.hpp"
#include "ollama-netcfg/probe/process.hpp"
#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/report/change_report.hpp"
#include "ollama-netcfg/unitfile/names.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/run_lock.hpp"

#include <fmt/format.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

namespace netcfg::cli {

void add_change_options(CLI::App& sub, ChangeArgs& a) {
    sub.add_option("--unit", a.unit, "The Ollama service unit")->capture_default_str();
    sub.add_option("--drop-in", a.drop_in, "The drop-in file name in <unit>.d/")
        ->capture_default_str();
    sub.add_option("--timeout", a.timeout_seconds,
                   "Seconds to wait for the lock, the restart and the proof")
        ->capture_default_str();
    sub.add_flag("--no-rollback", a.no_rollback,
                 "Keep the new setting even when it does not come up");
    sub.add_flag("--dry-run", a.dry_run,
                 "Print the diff of every file that would change and what would follow; change "
                 "nothing (works without root)");
    sub.add_option("--root", a.root,
                   "Edit the drop-in inside the image tree DIR (no bus, no restart, no proof)");
    sub.add_option("--container", a.container,
                   "An Ollama container instead of the unit: its ports and environment are "
                   "fixed at creation, so this prints the docker run / compose lines to "
                   "recreate it, and exits 1");
    sub.add_flag("--runtime", a.runtime,
                 fmt::format("Use a drop-in in /run/systemd/system/<unit>.d/ ({} unless "
                             "--drop-in is given): it holds until the next reboot, and the "
                             "persistent configuration is untouched",
                             runtime_drop_in));
}

Status refuse_container_change(const std::string& name, const ollama::HostSetting& want) {
    auto look = docker::ollama_containers(std::chrono::milliseconds(3000));
    if (!look.error.empty())
        return failure(fmt::format("cannot look for container {}: {}", name, look.error),
                       "run as root (or as a member of the docker group)");
    for (const auto& c : look.containers)
        if (c.name == name || c.id.starts_with(name))
            return failure(fmt::format("container {} cannot be changed in place", c.name),
                           docker::recreate_advice(c, want));
    return failure(
        fmt::format("there is no Ollama container {}{}", name,
                    look.socket.empty() ? " (no Docker or podman API on this host)" : ""),
        "`docker ps -a` lists the containers");
}

namespace {

bool exists(const char* path) {
    std::error_code ec;
    return std::filesystem::exists(path, ec);
}

// The unit is the ollama snap's: named so, or no ollama.service unit file
// exists in systemd's directories and snapd made the snap's unit.
bool is_snap(const ChangeScope& t) {
    if (change::is_ollama_snap_unit(t.unit))
        return true;
    if (t.unit != ChangeArgs{}.unit ||
        !exists(("/etc/systemd/system/" + std::string(change::snap_unit)).c_str()))
        return false;
    for (const auto& dir : config::system_unit_dirs())
        if (exists((dir + "/" + t.unit).c_str()))
            return false;
    return true;
}

} // namespace

Status refuse_unless_drop_ins_apply(const ChangeScope& t, std::string_view command,
                                    const ElsewhereAsk& ask) {
    const bool nixos = exists("/etc/NIXOS");
    const bool snap = !nixos && is_snap(t);
    if (!nixos && !snap)
        return Ok{};
    const std::string unit =
        snap && !change::is_ollama_snap_unit(t.unit) ? std::string(change::snap_unit) : t.unit;
    const bool origins_asked =
        !ask.add_origins.empty() || !ask.remove_origins.empty() || ask.clear_origins;
    change::Elsewhere want{ask.listen, ask.keep_listen, ask.open_firewall, std::nullopt};
    if (ask.keep_listen || origins_asked) {
        // What is in effect now, read without root: the host for the NixOS
        // block, the entries the new origins go with.
        ChangeScope now = t;
        now.unit = unit;
        if (auto session = open_session(now, command, true)) {
            if (ask.keep_listen)
                want.listen = ollama::read_ollama_host(
                    config::resolve(session->layers, ollama::variable).effective.value_or(""));
            auto current = change::origins_in_effect(session->origin_layers);
            // The snap's launcher sets them in the process only.
            if (snap && session->state.main_pid > 0)
                if (auto v = probe::process_environment_value(
                        static_cast<pid_t>(session->state.main_pid), "OLLAMA_ORIGINS");
                    v && *v)
                    current = ollama::split_origins(**v);
            if (origins_asked)
                want.origins =
                    ask.clear_origins
                        ? std::vector<std::string>{}
                        : ollama::without_origins(ollama::with_origins(current, ask.add_origins),
                                                  ask.remove_origins);
        }
    }
    if (snap)
        return failure(
            fmt::format("Ollama runs as a snap here ({}): its launcher sets OLLAMA_HOST and "
                        "OLLAMA_ORIGINS from the snap's configuration on every start, so a "
                        "drop-in would be overridden; `{}` changed nothing",
                        unit, command),
            fmt::format("set it in the snap's configuration instead:\n{}",
                        change::snap_commands(want)));
    return failure(fmt::format("this is NixOS: {} is built from the NixOS configuration (its unit "
                               "files are links into the read-only store, and nixos-rebuild "
                               "replaces them), so `{}` changed nothing",
                               t.unit, command),
                   fmt::format("set it in /etc/nixos/configuration.nix, then run `sudo "
                               "nixos-rebuild switch`:\n{}",
                               change::nixos_configuration(want)));
}

Result<ChangeScope> read_change_args(const ChangeArgs& a) {
    ChangeScope t;
    auto unit = unitfile::normalise_unit_name(a.unit);
    if (!unit)
        return unit.error();
    t.unit = *unit;
    if (auto st = unitfile::check_drop_in_name(a.drop_in); !st)
        return st.error();
    if (!(a.timeout_seconds > 0) || a.timeout_seconds > 86400)
        return usage_error("--timeout must be a number of seconds between 0 and 86400",
                           "e.g. --timeout 120");
    t.timeout = std::chrono::duration<double>(a.timeout_seconds);
    std::filesystem::path base = "/etc/systemd/system";
    std::string name = a.drop_in;
    if (a.runtime) {
        if (!a.root.empty())
            return usage_error("--runtime and --root do not go together: an image has no "
                               "running system",
                               "drop --runtime to edit the image's persistent drop-in");
        base = "/run/systemd/system";
        if (name == ChangeArgs{}.drop_in)
            name = runtime_drop_in;
        t.runtime = true;
    }
    if (!a.root.empty()) {
        std::filesystem::path root(a.root);
        if (!root.is_absolute())
            root = std::filesystem::absolute(root);
        std::error_code ec;
        if (!std::filesystem::is_directory(root, ec))
            return usage_error(
                fmt::format("--root {}: not a directory", a.root),
                "give the root directory of the image or container tree, e.g. --root "
                "/mnt/image");
        base = root / "etc/systemd/system";
    }
    t.drop_in = base / (t.unit + ".d") / name;
    return t;
}

Result<Session> open_session(const ChangeScope& t, std::string_view command, bool dry_run) {
    if (geteuid() != 0 && !dry_run)
        return failure(fmt::format("{} changes a systemd unit and must run as root", command),
                       fmt::format("run it with sudo: sudo ollama-netcfg {} ...; --dry-run "
                                   "shows what it would do without root",
                                   command));
    if (sd_booted() <= 0)
        return failure("systemd is not running on this machine (PID 1 is not systemd)",
                       "to edit an image or a container tree offline, use --root DIR");
    Session s;
    s.deadline =
        systemd::Clock::now() + std::chrono::duration_cast<systemd::Clock::duration>(t.timeout);
    if (!dry_run) {
        auto lock = take_run_lock(default_lock_path, s.deadline);
        if (!lock)
            return lock.error();
        s.lock = std::move(*lock);
    }
    auto manager = systemd::Manager::connect();
    if (!manager)
        return manager.error();
    s.manager.emplace(std::move(*manager));
    auto state = s.manager->unit_state(t.unit);
    if (!state)
        return state.error();
    if (state->load_state != "loaded") {
        auto said = health::unit_not_loaded(t.unit, state->load_state);
        return failure(said.message, said.advice);
    }
    s.state = std::move(*state);
    auto env = s.manager->environment();
    if (!env)
        return env.error();
    s.layers = config::read_layers(s.state, *env, t.drop_in.string(), ollama::variable);
    s.origin_layers = config::for_variable(s.layers, *env, ollama::origins_variable);
    s.manager_env = *env;
    for (const auto& l : s.layers)
        if (!l.read_error.empty())
            return failure(l.read_error, "it must be readable by root; check its permissions");
    return s;
}

Status follow_links(std::vector<change::FileEdit>& edits, bool dry_run, report::ChangeReport& rep) {
    std::vector<std::string> notes;
    auto st = change::follow_links(edits, dry_run, notes);
    for (auto& n : notes)
        rep.notes.push_back(std::move(n));
    return st;
}

namespace {

// Why the running process would be restarted for the change's other
// variables (or the trust store), if it would.
std::optional<std::string> variables_differ(const systemd::UnitState& state,
                                            const change::Target& target) {
    if (target.restart)
        return "Ollama reads the trust store at start";
    for (const auto& v : target.variables) {
        auto have = probe::process_environment_value(static_cast<pid_t>(state.main_pid), v.name);
        if (!have)
            return fmt::format("main PID {}'s {} is not visible: {}", state.main_pid, v.name,
                               have.error().message);
        if (*have != v.process)
            return fmt::format("main PID {} has {}", state.main_pid,
                               *have
                                   ? fmt::format("{}=\"{}\"", v.name, ollama::redact_proxy(**have))
                                   : "no " + v.name);
    }
    return std::nullopt;
}

} // namespace

void describe_dry_run(const std::vector<change::FileEdit>& edits, const systemd::UnitState& state,
                      const change::Target& target, report::ChangeReport& rep) {
    rep.dry_run = true;
    bool writes = false;
    for (const auto& e : edits) {
        if (!e.changes())
            continue;
        writes = true;
        rep.record_file(e.path.string(), e.shown(e.old_content), e.shown(e.new_content));
        if (e.keep_backup && e.old_content)
            rep.actions.push_back(fmt::format("would keep a copy of {} in {}", e.path.string(),
                                              change::backup_dir.string()));
        rep.actions.push_back(
            fmt::format("would {} {}", e.new_content ? "write" : "remove", e.path.string()));
    }
    if (writes || state.need_daemon_reload)
        rep.actions.push_back("would reload systemd");
    if (state.active_state != "active") {
        rep.actions.push_back(
            fmt::format("would restart {} (it is {})", state.name, state.active_state));
    } else if (state.main_pid != 0) {
        auto v =
            probe::process_environment_value(static_cast<pid_t>(state.main_pid), ollama::variable);
        if (!v)
            rep.actions.push_back(fmt::format(
                "would restart {} unless main PID {} already has the setting (not visible: {})",
                state.name, state.main_pid, v.error().message));
        else if (!ollama::read_ollama_host(v->value_or("")).same_listener(target.listen))
            rep.actions.push_back(fmt::format("would restart {} (main PID {} has {})", state.name,
                                              state.main_pid, ollama::describe_host(*v)));
        else if (auto o = probe::process_environment_value(static_cast<pid_t>(state.main_pid),
                                                           ollama::origins_variable);
                 target.origins && o && *o != target.origins->process)
            rep.actions.push_back(
                fmt::format("would restart {} (main PID {} has {})", state.name, state.main_pid,
                            *o ? fmt::format("OLLAMA_ORIGINS=\"{}\"", **o) : "no OLLAMA_ORIGINS"));
        else if (auto why = variables_differ(state, target))
            rep.actions.push_back(fmt::format("would restart {} ({})", state.name, *why));
    }
    // What a real run would report as `changed`.
    rep.changed = !rep.actions.empty();
    if (rep.actions.empty())
        rep.actions.push_back("nothing to do");
    rep.actions.push_back(
        fmt::format("would prove: {} listening on {}, GET {}/api/version{}", state.name,
                    target.listen.listen_address(), target.listen.connect_url(),
                    target.origins && !target.origins->prove.empty()
                        ? fmt::format(" with Origin {}", fmt::join(target.origins->prove, ", "))
                        : std::string()));
}

namespace {

Status write_offline(const std::vector<change::FileEdit>& edits, report::ChangeReport& rep) {
    rep.offline = true;
    for (const auto& e : edits) {
        if (!e.changes())
            continue;
        rep.record_file(e.path.string(), e.shown(e.old_content), e.shown(e.new_content));
        if (!e.new_content) {
            if (auto st = remove_file_durable(e.path); !st)
                return st;
            rep.actions.push_back(fmt::format("removed {}", e.path.string()));
            continue;
        }
        std::error_code ec;
        std::filesystem::create_directories(e.path.parent_path(), ec);
        if (ec)
            return failure(
                fmt::format("cannot create {}: {}", e.path.parent_path().string(), ec.message()),
                "check that its file system is writable (a read-only /etc?)");
        if (auto st = write_file_atomic(e.path, *e.new_content, 0644); !st)
            return st;
        rep.changed = true;
        rep.actions.push_back(fmt::format("wrote {}", e.path.string()));
    }
    if (rep.actions.empty())
        rep.actions.push_back("nothing to do: the image already has this setting");
    rep.actions.push_back("offline (--root): no reload, no restart, no proof; the setting takes "
                          "effect when the image boots");
    return Ok{};
}

} // namespace

Status change_offline(const ChangeScope& t, bool dry_run, const OfflineEdit& edit,
                      report::ChangeReport& rep) {
    auto content = read_file(t.drop_in);
    if (!content)
        return content.error();
    auto edits = edit({config::LayerKind::drop_in, t.drop_in.string(), *content, {}});
    if (!edits)
        return edits.error();
    if (!dry_run)
        return write_offline(*edits, rep);
    rep.dry_run = true;
    for (const auto& e : *edits) {
        rep.record_file(e.path.string(), e.shown(e.old_content), e.shown(e.new_content));
        rep.changed = rep.changed || e.changes();
    }
    return Ok{};
}

void set_expected_listen(const ollama::HostSetting& want, report::ChangeReport& rep) {
    std::vector<std::string> resolved;
    if (want.family() == ollama::Family::name)
        resolved = probe::resolve_host(want.host);
    auto s = probe::expected_socket(want.host, want.port, resolved, probe::kernel_has_ipv6());
    rep.listen = s.endpoint();
    rep.listen_covers = s.covers();
    rep.listen_address = want.listen_address();
    rep.connect_url = want.connect_url();
}

void set_actual_listen(const std::vector<probe::ListenSocket>& sockets, report::ChangeReport& rep) {
    if (sockets.empty())
        return;
    rep.listen.clear();
    rep.listen_covers.clear();
    for (const auto& s : sockets) {
        rep.listen += (rep.listen.empty() ? "" : ", ") + s.endpoint();
        rep.listen_covers += (rep.listen_covers.empty() ? "" : "; ") + s.covers();
    }
}

Status apply_client_env(const std::string& unit, const ollama::HostSetting& want,
                        const std::string& control_group, bool dry_run, report::ChangeReport& rep) {
    auto sockets = dry_run ? std::vector<probe::ListenSocket>{}
                           : reach::serving_sockets(want, probe::cgroup_pids(control_group));
    if (sockets.empty())
        sockets = {probe::expected_socket(want.host, want.port, {}, probe::kernel_has_ipv6())};
    const auto value = change::client_env_wanted(reach::client_export(want, sockets));
    auto done = change::set_client_env(unit, value, dry_run);
    if (!done)
        return done.error();
    if (done->empty())
        rep.notes.push_back(value.empty()
                                ? std::string("--client-env: the local ollama command's default "
                                              "works; no file of ours sets OLLAMA_HOST")
                                : fmt::format("--client-env: {} already sets OLLAMA_HOST={}",
                                              change::client_profile_file, value));
    rep.actions.insert(rep.actions.end(), done->begin(), done->end());
    rep.changed = rep.changed || !done->empty();
    return Ok{};
}

void add_firewall_change(const reach::FirewallChange& change, report::ChangeReport& rep) {
    rep.actions.insert(rep.actions.end(), change.actions.begin(), change.actions.end());
    rep.notes.insert(rep.notes.end(), change.notes.begin(), change.notes.end());
}

void print_change_report(const report::ChangeReport& rep, const GlobalOptions& g) {
    if (g.json) {
        fmt::print("{}\n", report::to_json(rep).dump(2));
    } else if (!g.quiet && !rep.unit.empty() && (rep.error ? !rep.proofs.empty() : true)) {
        fmt::print("{}", report::to_text(rep));
    }
    if (rep.error) {
        print_error(*rep.error);
        for (const auto& line : rep.journal)
            fmt::print(stderr, "  journal: {}\n", line);
    }
}

int run_change(const GlobalOptions& global, const ChangeRun& run) {
    apply_verbosity(global);
    report::ChangeReport rep;
    Progress progress(!global.quiet);
    if (auto st = run(rep, &progress); !st)
        rep.error = st.error();
    progress.clear();
    print_change_report(rep, global);
    return rep.error ? static_cast<int>(rep.error->status) : 0;
}

} // namespace netcfg::cli
