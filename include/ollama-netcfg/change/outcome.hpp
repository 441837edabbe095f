// What carrying out a change did and proved: apply()'s own result, which
// the commands put into their report.
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <optional>
#include <string>
#include <vector>

namespace netcfg::change {

struct Proof {
    std::string name; // systemd, process, listener, api
    bool ok = false;
    std::string detail; // one line: what was seen
    bool final = false; // a failure that waiting will not change (e.g. an HTTP error answer)
};

// One file changed (or, with --dry-run, to be changed): its whole contents
// before and after, for configuration management's diff mode.
struct FileChange {
    std::string path;
    std::optional<std::string> before; // nullopt: the file did not exist
    std::optional<std::string> after;  // nullopt: the file is removed
};

struct Outcome {
    bool changed = false;             // anything written, reloaded or restarted
    std::vector<FileChange> files;    // the files written, in order
    std::vector<std::string> actions; // "wrote ...", "reloaded ...", ...
    std::vector<std::string> backups; // copies kept of files edited besides the drop-in
    std::vector<Proof> proofs;
    std::vector<std::string> journal; // the unit's last lines, on failure
    bool rolled_back = false;         // a failure put every file back and the old state is proven
    std::string control_group; // the unit's cgroup after the change (it has one once started)
    std::optional<Error> error;

    bool proven() const {
        if (proofs.empty())
            return false;
        for (const auto& p : proofs)
            if (!p.ok)
                return false;
        return true;
    }
};

} // namespace netcfg::change
