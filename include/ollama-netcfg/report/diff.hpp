// Unified diffs of the files `--dry-run` would change (as `diff -u` prints
// them), so an admin sees every byte before it is written.
#pragma once

#include <optional>
#include <string>

namespace netcfg::report {

// nullopt stands for a file that does not exist (before) or is removed
// (after); its side is shown as /dev/null.
std::string unified_diff(const std::string& path, const std::optional<std::string>& before,
                         const std::optional<std::string>& after, std::size_t context = 3);

} // namespace netcfg::report
