// A file to edit that is a symbolic link (admins keep configuration in one
// directory and link it into /etc/systemd/system/UNIT.d): written where it
// points when root alone can change every directory on the way there and
// the file itself, refused otherwise, since a user who can change that path
// could make root write wherever the link then leads.
#pragma once

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace netcfg::change {

// One component of a resolved path, as lstat saw it.
struct PathEntry {
    std::string path;
    uid_t owner = 0;
    mode_t mode = 0;
};

// Why a path cannot be trusted to stay root's: the first entry not owned by
// root, or writable by its group or by others; nullopt when every one is
// root's alone.
std::optional<std::string> why_not_roots(const std::vector<PathEntry>& entries);

// Each edit of a symbolic link: its path becomes the file the link leads to
// (when root's alone), or the run is refused. A link whose file is removed
// is removed itself; what it pointed to stays. `notes` gets one line per
// link, said as a dry run would (`dry_run`) or as done.
Status follow_links(std::vector<FileEdit>& edits, bool dry_run, std::vector<std::string>& notes);

} // namespace netcfg::change
