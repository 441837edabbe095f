#include "ollama-netcfg/probe/process.hpp"

#include "ollama-netcfg/probe/proc_text.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/fd.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <csignal>
#include <dirent.h>
#include <fmt/format.h>
#include <memory>
#include <pwd.h>
#include <span>
#include <sstream>
#include <thread>

using namespace std::string_view_literals;

namespace netcfg::probe {
namespace {

// "Uid:\t1000\t..." and "PPid:\t800" from /proc/PID/status.
std::optional<std::pair<uid_t, pid_t>> uid_and_parent(pid_t pid) {
    auto text = read_file(fmt::format("/proc/{}/status", pid));
    if (!text || !*text)
        return std::nullopt;
    return status_uid_parent(**text);
}

std::string cgroup_of(pid_t pid) {
    auto text = read_file(fmt::format("/proc/{}/cgroup", pid));
    if (!text || !*text)
        return {};
    return cgroup_path(**text);
}

std::string user_name(uid_t uid) {
    std::vector<char> buf(4096);
    passwd pw{};
    passwd* found = nullptr;
    if (getpwuid_r(uid, &pw, buf.data(), buf.size(), &found) == 0 && found)
        return found->pw_name;
    return std::to_string(uid);
}

} // namespace

std::vector<pid_t> all_pids() {
    std::vector<pid_t> pids;
    UniqueDir d(opendir("/proc"));
    if (!d)
        return pids;
    while (auto* e = readdir(d.get())) {
        pid_t pid = 0;
        auto name = std::string_view(e->d_name);
        auto [p, ec] = std::from_chars(name.data(), name.data() + name.size(), pid);
        if (ec == std::errc{} && p == name.data() + name.size())
            pids.push_back(pid);
    }
    return pids;
}

std::string ServeProcess::describe() const {
    return fmt::format("PID {}, user {}, parent {} (PID {}), cgroup {}", pid, user, parent, ppid,
                       cgroup.empty() ? "?" : cgroup);
}

std::optional<ServeProcess> ollama_serve_process(pid_t pid) {
    auto comm = read_file(fmt::format("/proc/{}/comm", pid));
    if (!comm || !*comm || **comm != "ollama\n")
        return std::nullopt;
    auto cmdline = read_file(fmt::format("/proc/{}/cmdline", pid));
    if (!cmdline || !*cmdline)
        return std::nullopt;
    std::string_view args(**cmdline);
    auto first = args.find('\0');
    if (first == std::string_view::npos || args.substr(first + 1).substr(0, 6) != "serve\0"sv)
        return std::nullopt;
    ServeProcess p;
    p.pid = pid;
    if (auto ids = uid_and_parent(pid)) {
        p.uid = ids->first;
        p.ppid = ids->second;
    }
    p.user = user_name(p.uid);
    p.parent = p.ppid ? process_name(p.ppid) : std::string("?");
    p.cgroup = cgroup_of(pid);
    auto env = process_environment_value(pid, "OLLAMA_HOST");
    p.env_visible = static_cast<bool>(env);
    if (env)
        p.ollama_host = *env;
    return p;
}

std::vector<ServeProcess> foreign_ollama_serves(const std::vector<pid_t>& unit_pids) {
    std::vector<ServeProcess> out;
    for (pid_t pid : all_pids()) {
        if (std::find(unit_pids.begin(), unit_pids.end(), pid) != unit_pids.end())
            continue;
        if (auto p = ollama_serve_process(pid))
            out.push_back(std::move(*p));
    }
    return out;
}

bool has_exited(pid_t pid) {
    if (::kill(pid, 0) != 0 && errno == ESRCH)
        return true;
    // Unreadable (hidepid= hides other users' processes): not known to
    // have exited.
    auto stat = read_file(fmt::format("/proc/{}/stat", pid));
    if (!stat || !*stat)
        return false;
    const char state = stat_state(**stat);
    return state == 'Z' || state == 'X';
}

bool has_executed_its_command(pid_t pid) {
    // systemd names the process it forks for a unit "(NAME)" until that
    // process executes the unit's command; meanwhile it is systemd's own
    // code (since systemd 255 the systemd-executor binary), with systemd's
    // environment, not the unit's. A restart job ends before that exec.
    auto comm = process_name(pid);
    return !(comm.size() > 2 && comm.front() == '(' && comm.back() == ')');
}

Result<std::vector<std::optional<std::string>>>
process_environment_values(pid_t pid, std::span<const std::string_view> names) {
    // Bounded back-off: the exec follows the fork within milliseconds.
    auto delay = std::chrono::milliseconds(1);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (!has_executed_its_command(pid)) {
        if (std::chrono::steady_clock::now() >= deadline)
            return failure(fmt::format("process {} has not started its command yet (systemd is "
                                       "still setting it up)",
                                       pid),
                           "run again in a moment");
        std::this_thread::sleep_for(delay);
        delay = std::min(delay * 2, std::chrono::milliseconds(50));
    }
    auto path = fmt::format("/proc/{}/environ", pid);
    auto content = read_file(path);
    if (!content)
        return content.error();
    if (!*content)
        return failure(fmt::format("process {} is gone", pid), "it exited meanwhile; run again");
    return environ_values(**content, names);
}

Result<std::optional<std::string>> process_environment_value(pid_t pid, std::string_view name) {
    auto values = process_environment_values(pid, std::span(&name, 1));
    if (!values)
        return values.error();
    return std::move(values->front());
}

bool can_see_open_files(pid_t pid) {
    if (pid == 0)
        return true;
    DIR* d = opendir(fmt::format("/proc/{}/fd", pid).c_str());
    if (d) {
        closedir(d);
        return true;
    }
    return errno != EACCES && errno != EPERM;
}

std::string process_name(pid_t pid) {
    auto content = read_file(fmt::format("/proc/{}/comm", pid));
    if (!content || !*content)
        return "?";
    auto s = **content;
    while (!s.empty() && s.back() == '\n')
        s.pop_back();
    return s;
}

std::vector<pid_t> cgroup_pids(const std::string& control_group) {
    std::vector<pid_t> pids;
    if (control_group.empty())
        return pids;
    static constexpr std::array<const char*, 3> roots = {"/sys/fs/cgroup", "/sys/fs/cgroup/unified",
                                                         "/sys/fs/cgroup/systemd"};
    for (const char* root : roots) {
        auto content = read_file(fmt::format("{}{}/cgroup.procs", root, control_group));
        if (!content || !*content)
            continue;
        std::istringstream in(**content);
        pid_t pid;
        while (in >> pid)
            pids.push_back(pid);
        if (!pids.empty())
            break;
    }
    return pids;
}

} // namespace netcfg::probe
