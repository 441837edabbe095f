// Applying a change to a unit's files and proving it: write (with backups),
// reload, restart only when the running process needs it, prove, and put
// every file back when the proof does not hold. `expose` and `reset` plan
// the edits; this carries them out.
#pragma once

#include "ollama-netcfg/change/outcome.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/systemd/manager.hpp"
#include "ollama-netcfg/util/progress.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace netcfg::change {

struct FileEdit {
    std::filesystem::path path;
    std::optional<std::string> old_content; // nullopt: the file did not exist
    std::optional<std::string> new_content; // nullopt: remove the file
    bool keep_backup = false;               // copy the old file to backup_dir first
    std::string log_message;                // for the journal
    std::map<std::string, std::string> log_fields;
    mode_t mode = 0644; // 0600 for a file with a secret (pull-proxy set --env-file)

    bool changes() const { return old_content != new_content; }
    // What reports, diffs and --json show of a content: a secret's (mode
    // 0600) only that it is one.
    std::optional<std::string> shown(const std::optional<std::string>& c) const {
        if (!c || mode != 0600)
            return c;
        return std::string("(a secret, mode 0600: not shown)\n");
    }
};

// Where Ollama must listen afterwards, and what the unit's Environment= must
// then read as (they differ only when an EnvironmentFile= sets OLLAMA_HOST).
// For a change of OLLAMA_ORIGINS (`origins`, `expose --allow-origin`):
// what systemd's Environment= and the main process must hold, and the
// origins a request must then be let through with.
struct OriginsTarget {
    std::optional<std::string> environment; // nullopt: unset
    std::optional<std::string> process;
    std::vector<std::string> prove;
};

// Another variable the change sets or takes out (`pull-proxy`: HTTPS_PROXY,
// NO_PROXY): what systemd's Environment= and the main process must hold.
struct VariableTarget {
    std::string name;
    std::optional<std::string> environment; // nullopt: unset
    std::optional<std::string> process;
};

struct Target {
    ollama::HostSetting listen;
    ollama::HostSetting environment;
    std::optional<OriginsTarget> origins; // nullopt: OLLAMA_ORIGINS is not part of the change
    std::vector<VariableTarget> variables;
    // The process must start again even when its environment is already
    // right: what it reads once at start changed (a CA in the trust store).
    bool restart = false;
};

// What the layers, once resolved, make Ollama listen on and Environment= read as.
Target target_of(const config::Resolution& layers);

struct ApplyOptions {
    std::string unit;
    systemd::Deadline deadline;
    bool no_rollback = false;
    Target previous; // what a rollback must bring back, and prove
    Progress* progress = nullptr;
};

inline const std::filesystem::path backup_dir = "/var/backups/ollama-netcfg";

// `before` is the unit's state read before planning. What it did, proved
// and, on failure, why (after putting every file back) is the Outcome.
Outcome apply(systemd::Manager& manager, const systemd::UnitState& before,
              const std::vector<FileEdit>& edits, const Target& target,
              const ApplyOptions& options);

// The backup file name for `path`: its path flattened, plus a UTC time stamp.
std::filesystem::path backup_path(const std::filesystem::path& path, std::time_t now);

} // namespace netcfg::change
