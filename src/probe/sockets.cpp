#include "ollama-netcfg/probe/sockets.hpp"

#include "ollama-netcfg/probe/netlink.hpp"
#include "ollama-netcfg/probe/proc_text.hpp"
#include "ollama-netcfg/probe/process.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/fd.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <dirent.h>
#include <fmt/format.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <memory>
#include <netinet/in.h>
#include <optional>
#include <sys/socket.h>
#include <unistd.h>

namespace netcfg::probe {
namespace {

// LISTEN sockets from the kernel's sock_diag netlink interface, as ss(8)
// asks for them. /proc/net/tcp walks every hash bucket and takes
// milliseconds on a big host; this asks for the LISTEN state only.
std::optional<std::vector<ListenSocket>> netlink_listening(int family, std::uint16_t port) {
    inet_diag_req_v2 req{};
    req.sdiag_family = static_cast<std::uint8_t>(family);
    req.sdiag_protocol = IPPROTO_TCP;
    req.idiag_states = 1U << 10; // TCP_LISTEN
    std::vector<ListenSocket> out;
    if (!netlink_dump(
            NETLINK_SOCK_DIAG, SOCK_DIAG_BY_FAMILY, req,
            [&](const char* buf, std::size_t n) { return parse_diag_dump(buf, n, port, out); }))
        return std::nullopt;
    return out;
}

bool bindv6only_default() {
    auto v = read_file("/proc/sys/net/ipv6/bindv6only");
    return v && *v && !(*v)->empty() && (**v)[0] == '1';
}

std::vector<ListenSocket> proc_listening(std::uint16_t port) {
    std::vector<ListenSocket> out;
    for (auto [path, family] :
         {std::pair{"/proc/net/tcp", AF_INET}, {"/proc/net/tcp6", AF_INET6}}) {
        auto text = read_file(path);
        if (!text || !*text)
            continue;
        auto found = parse_proc_net_tcp(**text, family, port);
        // /proc/net/tcp6 does not show IPV6_V6ONLY: a socket that did not
        // set it has net.ipv6.bindv6only's default. Only this fallback guesses.
        for (auto& sock : found)
            sock.v6only = family == AF_INET6 && bindv6only_default();
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

} // namespace

std::vector<ListenSocket> listening_sockets(std::uint16_t port) {
    auto v4 = netlink_listening(AF_INET, port);
    auto v6 = netlink_listening(AF_INET6, port);
    if (!v4 || !v6)
        return proc_listening(port); // sock_diag unavailable (old kernel, seccomp)
    v4->insert(v4->end(), v6->begin(), v6->end());
    return std::move(*v4);
}

void find_any_holders(std::vector<ListenSocket>& sockets) {
    if (!sockets.empty())
        find_holders(sockets, all_pids());
}

void find_holders(std::vector<ListenSocket>& sockets, const std::vector<pid_t>& pids) {
    if (sockets.empty())
        return;
    for (pid_t pid : pids) {
        auto dir = fmt::format("/proc/{}/fd", pid);
        UniqueDir d(opendir(dir.c_str()));
        if (!d)
            continue;
        while (auto* e = readdir(d.get())) {
            char target[64];
            auto link = fmt::format("{}/{}", dir, e->d_name);
            ssize_t n = readlink(link.c_str(), target, sizeof target - 1);
            if (n <= 0)
                continue;
            std::string_view t(target, static_cast<std::size_t>(n));
            if (!t.starts_with("socket:["))
                continue;
            std::uint64_t inode = 0;
            std::from_chars(t.data() + 8, t.data() + t.size() - 1, inode);
            for (auto& s : sockets)
                if (s.inode == inode && (s.pids.empty() || s.pids.back() != pid))
                    s.pids.push_back(pid);
        }
    }
}

} // namespace netcfg::probe

#include <algorithm>
#include <netdb.h>

namespace netcfg::probe {

std::vector<ListenSocket> foreign_conflicts(const std::vector<ListenSocket>& sockets,
                                            const ListenSocket& wanted, bool find_owners) {
    std::vector<ListenSocket> out;
    for (const auto& s : sockets)
        if (s.port == wanted.port && s.pids.empty() && bind_conflicts(s, wanted))
            out.push_back(s);
    if (find_owners)
        find_any_holders(out);
    return out;
}

std::vector<std::string> resolve_host(const std::string& name) {
    std::vector<std::string> out;
    addrinfo hints{};
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* res = nullptr;
    if (getaddrinfo(name.c_str(), nullptr, &hints, &res) != 0)
        return out;
    for (auto* p = res; p; p = p->ai_next) {
        char buf[INET6_ADDRSTRLEN] = {};
        const void* a =
            p->ai_family == AF_INET
                ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr)
                : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr);
        if (inet_ntop(p->ai_family, a, buf, sizeof buf))
            out.emplace_back(buf);
    }
    freeaddrinfo(res);
    return out;
}

bool kernel_has_ipv6() {
    UniqueFd fd(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
    return static_cast<bool>(fd);
}

Listeners find_listeners(const std::string& host, std::uint16_t port,
                         const std::vector<std::string>& resolved,
                         const std::vector<pid_t>& unit_pids, bool every_port) {
    Listeners out;
    out.sockets = listening_sockets(every_port ? 0 : port);
    find_holders(out.sockets, unit_pids);
    for (const auto& s : out.sockets)
        if (!s.pids.empty() && s.port == port && listener_covers(s, host, resolved))
            out.serving.push_back(s);
    return out;
}

} // namespace netcfg::probe
