#include "ollama-netcfg/util/command.hpp"

#include "ollama-netcfg/util/fd.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace netcfg {
namespace {

// The sbin directories are searched too: a non-root PATH often lacks them.
std::string search_path() {
    const char* p = std::getenv("PATH");
    std::string path = p ? p : "/usr/bin:/bin";
    return path + ":/usr/local/sbin:/usr/sbin:/sbin";
}

std::string find_program(const std::string& name) {
    if (name.find('/') != std::string::npos)
        return name;
    auto path = search_path();
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find(':', start);
        auto dir = path.substr(start, end == std::string::npos ? std::string::npos : end - start);
        auto full = (dir.empty() ? "." : dir) + "/" + name;
        if (access(full.c_str(), X_OK) == 0)
            return full;
        if (end == std::string::npos)
            break;
        start = end + 1;
    }
    return {};
}

} // namespace

bool have_command(const std::string& name) {
    return !find_program(name).empty();
}

std::string shell_words(const std::vector<std::string>& argv) {
    std::string out;
    for (const auto& a : argv) {
        bool plain = !a.empty() &&
                     a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNO"
                                         "PQRSTUVWXYZ0123456789-_./:=,@%+") == std::string::npos;
        std::string word = plain ? a : "'" + a + "'";
        if (!plain)
            for (std::size_t i = 1; i + 1 < word.size(); ++i)
                if (word[i] == '\'') {
                    word.replace(i, 1, "'\\''");
                    i += 3;
                }
        out += (out.empty() ? "" : " ") + word;
    }
    return out;
}

Result<CommandResult> run_command(const std::vector<std::string>& argv,
                                  std::chrono::milliseconds timeout) {
    auto program = find_program(argv.at(0));
    if (program.empty())
        return failure(fmt::format("{} is not installed", argv[0]),
                       "install its package, or check PATH");
    int out_pipe[2], err_pipe[2];
    if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(err_pipe, O_CLOEXEC) != 0)
        return failure(fmt::format("cannot run {}: pipe: {}", argv[0], std::strerror(errno)),
                       "the system is short of file descriptors; run again");
    UniqueFd out_r(out_pipe[0]), out_w(out_pipe[1]), err_r(err_pipe[0]), err_w(err_pipe[1]);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&actions, out_w.get(), 1);
    posix_spawn_file_actions_adddup2(&actions, err_w.get(), 2);
    std::vector<char*> args;
    for (const auto& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    int rc = posix_spawn(&pid, program.c_str(), &actions, nullptr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0)
        return failure(fmt::format("cannot run {}: {}", program, std::strerror(rc)),
                       "check that it is installed and executable");
    out_w.reset();
    err_w.reset();

    CommandResult result;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    bool out_open = true, err_open = true, killed = false;
    while (out_open || err_open) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) {
            kill(pid, SIGKILL);
            killed = true;
            break;
        }
        pollfd fds[2] = {{out_open ? out_r.get() : -1, POLLIN, 0},
                         {err_open ? err_r.get() : -1, POLLIN, 0}};
        if (poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR)
            break;
        char buf[8192];
        for (int i = 0; i < 2; ++i) {
            if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR)))
                continue;
            ssize_t n = read(fds[i].fd, buf, sizeof buf);
            if (n > 0)
                (i == 0 ? result.out : result.err).append(buf, static_cast<std::size_t>(n));
            else
                (i == 0 ? out_open : err_open) = false;
        }
    }
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (killed)
        return failure(
            fmt::format("{} did not finish within {} ms", shell_words(argv), timeout.count()),
            "run it by hand to see where it hangs");
    result.exit_status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return result;
}

} // namespace netcfg
