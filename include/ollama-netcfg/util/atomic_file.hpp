// Files that are either wholly old or wholly new, whatever happens.
#pragma once

#include "ollama-netcfg/util/result.hpp"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>

namespace netcfg {

// The file's bytes, or nullopt when it does not exist.
Result<std::optional<std::string>> read_file(const std::filesystem::path& path);

// Creates `dir` (one level) with `mode` when missing.
Status ensure_directory(const std::filesystem::path& dir, mode_t mode = 0755);

// Writes through a temp file in the same directory (created with O_EXCL and
// O_NOFOLLOW, so a planted symlink is never followed), fsyncs it, sets
// `mode`, renames it over `path` and fsyncs the directory.
Status write_file_atomic(const std::filesystem::path& path, std::string_view content,
                         mode_t mode = 0644);

// Removes temporary files a killed write_file_atomic() for `path` left in
// its directory (".#NAME" followed by random characters). Call it only
// while holding the run lock, when no other write can be in progress.
void remove_stale_temp_files(const std::filesystem::path& path);

// Removes `path` (missing is fine) and fsyncs its directory.
Status remove_file_durable(const std::filesystem::path& path);

} // namespace netcfg
