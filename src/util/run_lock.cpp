#include "ollama-netcfg/util/run_lock.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <thread>

namespace netcfg {

Result<UniqueFd> take_run_lock(const std::string& path,
                               std::chrono::steady_clock::time_point deadline) {
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd)
        return failure(fmt::format("cannot open lock file {}: {}", path, std::strerror(errno)),
                       "run as root; /run/lock must be writable");
    auto delay = std::chrono::milliseconds(5);
    for (;;) {
        if (::flock(fd.get(), LOCK_EX | LOCK_NB) == 0)
            return fd;
        if (errno != EWOULDBLOCK && errno != EINTR)
            return failure(fmt::format("cannot lock {}: {}", path, std::strerror(errno)),
                           "run as root; /run/lock must be writable");
        auto now = std::chrono::steady_clock::now();
        if (now >= deadline)
            return failure(
                fmt::format("another ollama-netcfg run holds {} and did not finish in time", path),
                "wait for it to finish, or give more time with --timeout");
        std::this_thread::sleep_for(
            std::min<std::chrono::steady_clock::duration>(delay, deadline - now));
        delay = std::min(delay * 2, std::chrono::milliseconds(200));
    }
}

} // namespace netcfg
