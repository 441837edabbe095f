// Edits through symbolic links: followed only along a path root alone can
// change (see links.hpp).
#include "ollama-netcfg/change/links.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

namespace netcfg::change {

std::optional<std::string> why_not_roots(const std::vector<PathEntry>& entries) {
    for (const auto& e : entries) {
        if (e.owner != 0)
            return fmt::format("{} is owned by uid {}, not root", e.path, e.owner);
        if (e.mode & (S_IWGRP | S_IWOTH))
            return fmt::format("{} is writable by {} (mode {:04o})", e.path,
                               (e.mode & S_IWOTH) ? "every user" : "its group", e.mode & 07777);
    }
    return std::nullopt;
}

namespace {

// lstat of every component of `resolved` (which has no links left), from /.
Result<std::vector<PathEntry>> entries_of(const std::filesystem::path& resolved) {
    std::vector<PathEntry> out;
    std::filesystem::path at;
    for (const auto& part : resolved) {
        at /= part;
        struct stat st {};
        if (::lstat(at.c_str(), &st) != 0)
            return failure(fmt::format("cannot look at {}: {}", at.string(),
                                       std::error_code(errno, std::generic_category()).message()),
                           "check the path the symbolic link leads to");
        out.push_back({at.string(), st.st_uid, st.st_mode});
    }
    return out;
}

Status follow(FileEdit& e, bool dry_run, std::vector<std::string>& notes) {
    std::error_code ec;
    const auto target = std::filesystem::read_symlink(e.path, ec);
    if (!e.new_content) {
        notes.push_back(fmt::format("{} is a symbolic link to {}; the link {} removed and {} "
                                    "stays as it was",
                                    e.path.string(), target.string(), dry_run ? "would be" : "is",
                                    target.string()));
        return Ok{};
    }
    const auto resolved = std::filesystem::canonical(e.path, ec);
    if (ec)
        return failure(fmt::format("{} is a symbolic link to {}, which does not lead to a file "
                                   "({})",
                                   e.path.string(), target.string(), ec.message()),
                       "remove the link or make it lead to the file it is meant for, then run "
                       "again");
    auto entries = entries_of(resolved);
    if (!entries)
        return entries.error();
    if (auto why = why_not_roots(*entries))
        return failure(
            fmt::format("{} is a symbolic link to {}, and {}: root does not write through a "
                        "path another user can change (it could be made to lead anywhere)",
                        e.path.string(), resolved.string(), *why),
            fmt::format("make every directory on the way to {} and the file itself root's and "
                        "writable by root only, or replace the link with a copy of the file "
                        "(`cp --remove-destination {} {}`), then run again",
                        resolved.string(), resolved.string(), e.path.string()));
    notes.push_back(fmt::format("{} is a symbolic link to {}; the change {} written there, and "
                                "the link stays",
                                e.path.string(), resolved.string(), dry_run ? "would be" : "is"));
    e.path = resolved;
    return Ok{};
}

} // namespace

Status follow_links(std::vector<FileEdit>& edits, bool dry_run, std::vector<std::string>& notes) {
    for (auto& e : edits) {
        std::error_code ec;
        if (!e.changes() || !std::filesystem::is_symlink(e.path, ec))
            continue;
        if (auto st = follow(e, dry_run, notes); !st)
            return st;
    }
    return Ok{};
}

} // namespace netcfg::change
