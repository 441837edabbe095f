#include "ollama-netcfg/util/atomic_file.hpp"

#include "ollama-netcfg/util/fd.hpp"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace netcfg {
namespace {

Error os_error(std::string_view what, const std::filesystem::path& path, int err) {
    std::string hint;
    if (err == EROFS)
        hint = "the file system is read-only; remount it read-write or use a writable /etc";
    else if (err == ENOSPC)
        hint = "the file system is full; free some space and run again";
    else if (err == EACCES || err == EPERM)
        hint = "run as root (sudo)";
    return failure(fmt::format("cannot {} {}: {}", what, path.string(), std::strerror(err)),
                   std::move(hint));
}

std::string random_suffix() {
    unsigned char bytes[6];
    if (getrandom(bytes, sizeof bytes, 0) != static_cast<ssize_t>(sizeof bytes))
        std::memset(bytes, 0, sizeof bytes);
    std::string s;
    for (unsigned char b : bytes)
        s += fmt::format("{:02x}", b);
    return s;
}

Status write_all(int fd, std::string_view data, const std::filesystem::path& path) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return os_error("write", path, errno);
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return Ok{};
}

// Whether only root can change the entries of the directory `fd`.
bool roots_alone(int fd) {
    struct stat st {};
    return ::fstat(fd, &st) == 0 && st.st_uid == 0 && (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

// Opens `dir` one component at a time without following a symbolic link,
// except one in a directory only root can change: a link another user
// planted (say, swapping a directory of theirs on the way for a link to
// /etc) is refused, not followed. Links root put in its own directories
// (/var/run -> /run) are followed, at most 40 as the kernel does.
Result<UniqueFd> open_directory(const std::filesystem::path& dir) {
    std::vector<std::string> todo;
    for (const auto& part : std::filesystem::absolute(dir).relative_path())
        todo.push_back(part.string());
    std::reverse(todo.begin(), todo.end()); // a stack: the next component last
    UniqueFd fd(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    std::filesystem::path at = "/";
    for (int links = 0; fd && !todo.empty();) {
        const auto name = std::move(todo.back());
        todo.pop_back();
        if (name.empty() || name == ".")
            continue;
        UniqueFd next(
            ::openat(fd.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
        if (next) {
            fd = std::move(next);
            at = name == ".." ? at.parent_path() : at / name;
            continue;
        }
        const int err = errno;
        struct stat st {};
        if ((err != ELOOP && err != ENOTDIR) ||
            ::fstatat(fd.get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0 ||
            !S_ISLNK(st.st_mode))
            return os_error("open directory", dir, err);
        if (!roots_alone(fd.get()) || ++links > 40)
            return failure(fmt::format("cannot open directory {}: {} is a symbolic link in {}, "
                                       "which a user other than root can change; it is not "
                                       "followed",
                                       dir.string(), (at / name).string(), at.string()),
                           fmt::format("give the path the link leads to, or make {} root's "
                                       "alone (chown root, chmod go-w)",
                                       at.string()));
        char target[PATH_MAX];
        const auto n = ::readlinkat(fd.get(), name.c_str(), target, sizeof target - 1);
        if (n < 0)
            return os_error("read the link", at / name, errno);
        const std::filesystem::path to(std::string(target, static_cast<std::size_t>(n)));
        std::vector<std::string> parts;
        for (const auto& part : to.relative_path())
            parts.push_back(part.string());
        todo.insert(todo.end(), parts.rbegin(), parts.rend());
        if (to.is_absolute()) {
            fd.reset(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
            at = "/";
        }
    }
    if (!fd)
        return os_error("open directory", dir, errno);
    return fd;
}

} // namespace

Result<std::optional<std::string>> read_file(const std::filesystem::path& path) {
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) {
        if (errno == ENOENT)
            return std::optional<std::string>{};
        return os_error("read", path, errno);
    }
    std::string out;
    char buf[8192];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            return os_error("read", path, errno);
        }
        if (n == 0)
            break;
        out.append(buf, static_cast<std::size_t>(n));
    }
    return std::optional<std::string>(std::move(out));
}

Status ensure_directory(const std::filesystem::path& dir, mode_t mode) {
    if (::mkdir(dir.c_str(), mode) == 0 || errno == EEXIST) {
        struct stat st {};
        if (::stat(dir.c_str(), &st) != 0)
            return os_error("stat", dir, errno);
        if (!S_ISDIR(st.st_mode))
            return failure(fmt::format("{} exists and is not a directory", dir.string()),
                           "move it away, then run again");
        return Ok{};
    }
    return os_error("create directory", dir, errno);
}

Status write_file_atomic(const std::filesystem::path& path, std::string_view content, mode_t mode) {
    auto dir = open_directory(path.parent_path());
    if (!dir)
        return dir.error();
    const std::string name = path.filename().string();

    std::string tmp;
    UniqueFd fd;
    for (int attempt = 0; attempt < 16 && !fd; ++attempt) {
        tmp = fmt::format(".#{}{}", name, random_suffix());
        fd.reset(::openat(dir->get(), tmp.c_str(),
                          O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode));
        if (!fd && errno != EEXIST)
            return os_error("create temporary file in", path.parent_path(), errno);
    }
    if (!fd)
        return failure(fmt::format("cannot create a temporary file in {}: names in use",
                                   path.parent_path().string()),
                       "remove the stale temporary files (.*.tmp) there, then run again");

    auto fail = [&](Error e) -> Status {
        ::unlinkat(dir->get(), tmp.c_str(), 0);
        return e;
    };
    if (::fchmod(fd.get(), mode) != 0)
        return fail(os_error("set mode of", path, errno));
    if (auto st = write_all(fd.get(), content, path); !st)
        return fail(st.error());
    if (::fsync(fd.get()) != 0)
        return fail(os_error("fsync", path, errno));
    fd.reset();
    if (::renameat(dir->get(), tmp.c_str(), dir->get(), name.c_str()) != 0)
        return fail(os_error("rename into place", path, errno));
    if (::fsync(dir->get()) != 0)
        return os_error("fsync directory of", path, errno);
    return Ok{};
}

Status remove_file_durable(const std::filesystem::path& path) {
    if (::unlink(path.c_str()) != 0 && errno != ENOENT)
        return os_error("remove", path, errno);
    auto dir = open_directory(path.parent_path());
    if (!dir)
        return dir.error();
    if (::fsync(dir->get()) != 0)
        return os_error("fsync directory of", path, errno);
    return Ok{};
}

void remove_stale_temp_files(const std::filesystem::path& path) {
    const std::string prefix = ".#" + path.filename().string();
    std::error_code ec;
    for (const auto& e : std::filesystem::directory_iterator(path.parent_path(), ec)) {
        auto name = e.path().filename().string();
        if (name.size() > prefix.size() && name.starts_with(prefix))
            std::filesystem::remove(e.path(), ec);
    }
}

} // namespace netcfg
