// What `expose` and `reset` share: their options, the checks before any
// change, the lock, the look at the unit's layers, and the report.
#pragma once

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/change/plan_host.hpp"
#include "ollama-netcfg/cli/common.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/reach/open.hpp"
#include "ollama-netcfg/report/change_report.hpp"
#include "ollama-netcfg/systemd/manager.hpp"
#include "ollama-netcfg/util/fd.hpp"
#include "ollama-netcfg/util/progress.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace netcfg::cli {

struct ChangeArgs {
    std::string unit = "ollama.service";
    std::string drop_in = "override.conf";
    double timeout_seconds = 60;
    bool no_rollback = false;
    bool dry_run = false;
    std::string root;      // --root DIR: edit an image tree offline
    bool runtime = false;  // --runtime: the drop-in goes to /run, until the next reboot
    std::string container; // --container NAME: refused, with the lines that would do it
};

// `expose ADDR --container NAME` / `reset --container NAME`: a running
// container's ports and environment are fixed at creation, so nothing is
// changed; the error (exit 1) carries the `docker run -p`/compose lines
// that give `want`.
Status refuse_container_change(const std::string& name, const ollama::HostSetting& want);

using change::is_runtime_drop_in;
using change::runtime_drop_in;

void add_change_options(CLI::App& sub, ChangeArgs& args);

// The validated names: refused with exit 2 before anything is touched.
struct ChangeScope {
    std::string unit;
    std::filesystem::path drop_in; // under --root when given; in /run with --runtime
    bool runtime = false;
    std::chrono::duration<double> timeout{};
};
Result<ChangeScope> read_change_args(const ChangeArgs& args);

// Where a drop-in is the wrong tool, before anything is touched: on NixOS
// (/etc/NIXOS: the unit is built from `services.ollama`) and for the ollama
// snap (its launcher sets OLLAMA_HOST from the snap's configuration), the
// command is refused with the settings that do what it was asked instead.
// `listen` nullopt: back to the default, unless `keep_listen` (only the
// origins change). The origins advised are the entries in effect (read
// without root) with those asked added or removed.
struct ElsewhereAsk {
    std::optional<ollama::HostSetting> listen;
    bool keep_listen = false;
    bool open_firewall = false;
    std::vector<std::string> add_origins, remove_origins;
    bool clear_origins = false;
};
Status refuse_unless_drop_ins_apply(const ChangeScope& target, std::string_view command,
                                    const ElsewhereAsk& ask);

// A run holding the lock, with the unit loaded and its layers read.
struct Session {
    UniqueFd lock;
    std::optional<systemd::Manager> manager;
    systemd::UnitState state;
    std::vector<config::LayerInput> layers;        // read for OLLAMA_HOST
    std::vector<config::LayerInput> origin_layers; // the same files, for OLLAMA_ORIGINS
    std::vector<std::string> manager_env;          // for the same files read for another variable
    systemd::Deadline deadline;
};
// Without `dry_run`: root, and the run lock. With it: neither, and nothing
// will be written.
Result<Session> open_session(const ChangeScope& target, std::string_view command, bool dry_run);

// --dry-run: the diffs of `edits` and what would follow (reload, restart),
// judged from the unit's state and its main process's environment.
// A file to edit that is a symbolic link: written where it points when
// root alone can change that path, else the run is refused
// (change::follow_links); the report's notes say which.
Status follow_links(std::vector<change::FileEdit>& edits, bool dry_run, report::ChangeReport& rep);

void describe_dry_run(const std::vector<change::FileEdit>& edits, const systemd::UnitState& state,
                      const change::Target& target, report::ChangeReport& rep);

// --root, for every command that changes the unit: the managed drop-in
// inside the image is the only file edited (an image has no bus, and
// nothing runs there to prove). `edit` plans it from the drop-in as read
// (LayerKind::drop_in; no content when it does not exist); with --dry-run
// the diff is shown and nothing is written, else the image gets it
// (directories created).
using OfflineEdit =
    std::function<Result<std::vector<change::FileEdit>>(const config::LayerInput& drop_in)>;
Status change_offline(const ChangeScope& target, bool dry_run, const OfflineEdit& edit,
                      report::ChangeReport& rep);

// The listener `want` makes, before anything runs: the socket Go will open
// (rep.listen as ss shows it, what it covers) and net.Listen's argument.
void set_expected_listen(const ollama::HostSetting& want, report::ChangeReport& rep);

// After the proof: the sockets that serve `want` replace the expectation.
void set_actual_listen(const std::vector<probe::ListenSocket>& sockets, report::ChangeReport& rep);

// --client-env: the OLLAMA_HOST the local `ollama` command needs for the
// listener serving `want` (the unit's sockets; in a dry run the one Go will
// open) goes into /etc/profile.d and /etc/environment.d, or out of them when
// the default works. What was done goes into rep.actions.
Status apply_client_env(const std::string& unit, const ollama::HostSetting& want,
                        const std::string& control_group, bool dry_run, report::ChangeReport& rep);

// What a firewall change did (or would do), into the report's actions and
// notes.
void add_firewall_change(const reach::FirewallChange& change, report::ChangeReport& rep);

void print_change_report(const report::ChangeReport& rep, const GlobalOptions& global);

// How every changing command runs: `run` fills the report (with a progress
// line on a terminal), the report is printed once (text or JSON), and the
// exit status is the error's, else 0.
using ChangeRun = std::function<Status(report::ChangeReport& rep, Progress* progress)>;
int run_change(const GlobalOptions& global, const ChangeRun& run);

} // namespace netcfg::cli
