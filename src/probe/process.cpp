#include "ollama-netcfg/probe/process.hpp"

#include "ollama-netcfg/util/atomic_file.hpp"

#include <array>
#include <cerrno>
#include <dirent.h>
#include <fmt/format.h>
#include <sstream>

namespace netcfg::probe {

Result<std::optional<std::string>> process_environment_value(pid_t pid, std::string_view name) {
    auto path = fmt::format("/proc/{}/environ", pid);
    auto content = read_file(path);
    if (!content)
        return content.error();
    if (!*content)
        return failure(fmt::format("process {} is gone", pid));
    std::optional<std::string> value;
    std::string_view all(**content);
    while (!all.empty()) {
        auto end = all.find('\0');
        auto entry = all.substr(0, end);
        if (entry.size() > name.size() && entry.starts_with(name) && entry[name.size()] == '=')
            value = std::string(entry.substr(name.size() + 1));
        if (end == std::string_view::npos)
            break;
        all.remove_prefix(end + 1);
    }
    return value;
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
