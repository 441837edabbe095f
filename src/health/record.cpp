#include "ollama-netcfg/health/record.hpp"

#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/fd.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

namespace netcfg::health {
namespace {

// Owned by root and writable by nobody else.
bool root_only(const struct stat& st) {
    return st.st_uid == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

} // namespace

Status save_check_record(nlohmann::json check_json, double now) {
    if (geteuid() != 0)
        return failure("check --record needs root: the record stands for what only root sees",
                       "run it as root (the packaged ollama-netcfg-check.service does)");
    const auto dir = std::filesystem::path(check_record_path).parent_path();
    if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
        return failure(fmt::format("cannot create {}: {}", dir.string(), std::strerror(errno)),
                       "/run must be writable by root; see `findmnt /run`");
    chmod(dir.c_str(), 0755); // readable by the agents whatever the umask was
    check_json["recorded_at"] = now;
    return write_file_atomic(check_record_path, check_json.dump(2) + "\n", 0644);
}

std::optional<RecordedCheck> load_check_record() {
    struct stat dir {};
    const auto parent = std::filesystem::path(check_record_path).parent_path();
    if (lstat(parent.c_str(), &dir) != 0 || !S_ISDIR(dir.st_mode) || !root_only(dir))
        return std::nullopt;
    UniqueFd fd(open(check_record_path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
    struct stat st {};
    if (!fd || fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode) || !root_only(st) ||
        st.st_size > (1 << 20))
        return std::nullopt;
    std::string text(static_cast<std::size_t>(st.st_size), '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        auto n = read(fd.get(), text.data() + got, text.size() - got);
        if (n <= 0)
            break;
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return parse_check_record(text);
}

} // namespace netcfg::health
