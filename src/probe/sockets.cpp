#include "ollama-netcfg/probe/sockets.hpp"

#include "ollama-netcfg/probe/process.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/fd.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <dirent.h>
#include <fmt/format.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <memory>
#include <netinet/in.h>
#include <optional>
#include <sstream>
#include <sys/socket.h>
#include <unistd.h>

namespace netcfg::probe {
namespace {

constexpr std::string_view listen_state = "0A";

std::uint32_t hex32(std::string_view s) {
    std::uint32_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v, 16);
    return v;
}

// The kernel prints each 32-bit word of the address in host order.
std::string decode_address(std::string_view hex, int family) {
    char out[INET6_ADDRSTRLEN] = {};
    if (family == AF_INET) {
        in_addr a{};
        a.s_addr = hex32(hex.substr(0, 8));
        inet_ntop(AF_INET, &a, out, sizeof out);
    } else {
        in6_addr a{};
        for (int w = 0; w < 4; ++w) {
            std::uint32_t word = hex32(hex.substr(static_cast<std::size_t>(w) * 8, 8));
            std::memcpy(reinterpret_cast<char*>(&a) + w * 4, &word, 4);
        }
        inet_ntop(AF_INET6, &a, out, sizeof out);
    }
    return out;
}

struct DirClose {
    void operator()(DIR* d) const { closedir(d); }
};

} // namespace

std::vector<ListenSocket> parse_proc_net_tcp(const std::string& text, int family,
                                             std::uint16_t port) {
    std::vector<ListenSocket> out;
    std::istringstream in(text);
    std::string line;
    std::getline(in, line); // header
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string sl, local, remote, state, queues, timer, retr, uid, timeout, inode;
        if (!(f >> sl >> local >> remote >> state >> queues >> timer >> retr >> uid >> timeout >>
              inode))
            continue;
        if (state != listen_state)
            continue;
        auto colon = local.find(':');
        if (colon == std::string::npos)
            continue;
        auto p = static_cast<std::uint16_t>(hex32(std::string_view(local).substr(colon + 1)));
        if (port != 0 && p != port)
            continue;
        ListenSocket s;
        s.family = family;
        s.address = decode_address(std::string_view(local).substr(0, colon), family);
        s.port = p;
        std::from_chars(inode.data(), inode.data() + inode.size(), s.inode);
        out.push_back(std::move(s));
    }
    return out;
}

namespace {

// INET_DIAG_SKV6ONLY, which the kernel adds for every AF_INET6 socket.
bool v6only_attribute(const nlmsghdr* h) {
    const auto* msg = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
    auto len = static_cast<int>(h->nlmsg_len - NLMSG_LENGTH(sizeof *msg));
    for (auto* a = reinterpret_cast<const rtattr*>(msg + 1); RTA_OK(a, len); a = RTA_NEXT(a, len))
        if (a->rta_type == INET_DIAG_SKV6ONLY)
            return *static_cast<const std::uint8_t*>(RTA_DATA(a)) != 0;
    return false;
}

// LISTEN sockets from the kernel's sock_diag netlink interface, as ss(8)
// asks for them. /proc/net/tcp walks every hash bucket and takes
// milliseconds on a big host; this asks for the LISTEN state only.
std::optional<std::vector<ListenSocket>> netlink_listening(int family, std::uint16_t port) {
    UniqueFd fd(::socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
    if (!fd)
        return std::nullopt;
    struct {
        nlmsghdr nlh;
        inet_diag_req_v2 req;
    } request{};
    request.nlh.nlmsg_len = sizeof request;
    request.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
    request.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.req.sdiag_family = static_cast<std::uint8_t>(family);
    request.req.sdiag_protocol = IPPROTO_TCP;
    request.req.idiag_states = 1U << 10; // TCP_LISTEN
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd.get(), &request, sizeof request, 0, reinterpret_cast<sockaddr*>(&kernel),
                 sizeof kernel) < 0)
        return std::nullopt;

    std::vector<ListenSocket> out;
    alignas(nlmsghdr) char buf[32768];
    for (;;) {
        ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n < 0)
            return std::nullopt;
        auto len = static_cast<unsigned>(n);
        for (auto* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
            if (h->nlmsg_type == NLMSG_DONE)
                return out;
            if (h->nlmsg_type == NLMSG_ERROR)
                return std::nullopt;
            const auto* msg = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
            const std::uint16_t p = ntohs(msg->id.idiag_sport);
            if (port != 0 && p != port)
                continue;
            ListenSocket sock;
            sock.family = msg->idiag_family;
            char text[INET6_ADDRSTRLEN] = {};
            inet_ntop(msg->idiag_family, msg->id.idiag_src, text, sizeof text);
            sock.address = text;
            sock.port = p;
            sock.inode = msg->idiag_inode;
            sock.v6only = v6only_attribute(h);
            out.push_back(std::move(sock));
        }
    }
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
        std::unique_ptr<DIR, DirClose> d(opendir(dir.c_str()));
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
