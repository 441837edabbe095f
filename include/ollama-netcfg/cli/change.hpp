// What `expose` and `reset` share: their options, the checks before any
// change, the lock, the look at the unit's layers, and the report.
#pragma once

#include "ollama-netcfg/cli/common.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/report/expose_report.hpp"
#include "ollama-netcfg/systemd/manager.hpp"
#include "ollama-netcfg/util/fd.hpp"

#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace netcfg::cli {

struct ChangeArgs {
    std::string unit = "ollama.service";
    std::string drop_in = "override.conf";
    double timeout_seconds = 60;
    bool no_rollback = false;
};

void add_change_options(CLI::App& sub, ChangeArgs& args);

// The validated names: refused with exit 2 before anything is touched.
struct ChangeTarget {
    std::string unit;
    std::filesystem::path drop_in;
    std::chrono::duration<double> timeout{};
};
Result<ChangeTarget> read_change_args(const ChangeArgs& args);

// A run holding the lock, with the unit loaded and its layers read.
struct Session {
    UniqueFd lock;
    std::optional<systemd::Manager> manager;
    systemd::UnitState state;
    std::vector<config::LayerInput> layers;
    systemd::Deadline deadline;
};
Result<Session> open_session(const ChangeTarget& target, std::string_view command);

void print_change_report(const report::ExposeReport& rep, const GlobalOptions& global);

} // namespace netcfg::cli
