// The kernel's process and socket facts, parsed (see proc_text.hpp).
#include "ollama-netcfg/probe/proc_text.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <charconv>
#include <cstring>
#include <linux/if_addr.h>
#include <linux/inet_diag.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <sstream>

namespace netcfg::probe {

std::vector<std::optional<std::string>> environ_values(std::string_view block,
                                                       std::span<const std::string_view> names) {
    std::vector<std::optional<std::string>> values(names.size());
    while (!block.empty()) {
        const auto end = block.find('\0');
        const auto entry = block.substr(0, end);
        if (const auto eq = entry.find('='); eq != std::string_view::npos)
            for (std::size_t i = 0; i < names.size(); ++i)
                if (!values[i] && entry.substr(0, eq) == names[i])
                    values[i] = std::string(entry.substr(eq + 1));
        if (end == std::string_view::npos)
            break;
        block.remove_prefix(end + 1);
    }
    return values;
}

std::optional<std::pair<uid_t, pid_t>> status_uid_parent(std::string_view text) {
    std::istringstream in{std::string(text)};
    std::string line;
    uid_t uid = 0;
    pid_t ppid = 0;
    while (std::getline(in, line)) {
        std::istringstream f(line);
        std::string key;
        f >> key;
        if (key == "Uid:")
            f >> uid;
        else if (key == "PPid:")
            f >> ppid;
    }
    return std::pair{uid, ppid};
}

char stat_state(std::string_view text) {
    const auto close = text.rfind(") ");
    if (close == std::string_view::npos || close + 2 >= text.size())
        return '?';
    return text[close + 2];
}

std::string cgroup_path(std::string_view text) {
    std::istringstream in{std::string(text)};
    std::string line, v1;
    while (std::getline(in, line)) {
        if (line.starts_with("0::"))
            return line.substr(3);
        if (auto at = line.find(":name=systemd:"); at != std::string::npos)
            v1 = line.substr(at + 14);
    }
    return v1;
}

namespace {

constexpr std::string_view listen_state = "0A";

std::uint32_t hex32(std::string_view s) {
    std::uint32_t v = 0;
    std::from_chars(s.data(), s.data() + s.size(), v, 16);
    return v;
}

// The kernel prints each 32-bit word of the address in host order: 8 hex
// digits for IPv4, 32 for IPv6. Anything else is not an address.
std::optional<std::string> decode_address(std::string_view hex, int family) {
    char out[INET6_ADDRSTRLEN] = {};
    if (family == AF_INET) {
        if (hex.size() != 8)
            return std::nullopt;
        in_addr a{};
        a.s_addr = hex32(hex);
        inet_ntop(AF_INET, &a, out, sizeof out);
    } else {
        if (hex.size() != 32)
            return std::nullopt;
        in6_addr a{};
        for (std::size_t w = 0; w < 4; ++w) {
            std::uint32_t word = hex32(hex.substr(w * 8, 8));
            std::memcpy(reinterpret_cast<char*>(&a) + w * 4, &word, 4);
        }
        inet_ntop(AF_INET6, &a, out, sizeof out);
    }
    return std::string(out);
}

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
        auto address = decode_address(std::string_view(local).substr(0, colon), family);
        if (!address)
            continue;
        ListenSocket s;
        s.family = family;
        s.address = std::move(*address);
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
        if (a->rta_type == INET_DIAG_SKV6ONLY && RTA_PAYLOAD(a) >= 1)
            return *static_cast<const std::uint8_t*>(RTA_DATA(a)) != 0;
    return false;
}

} // namespace

DumpStep parse_diag_dump(const void* buffer, std::size_t length, std::uint16_t port,
                         std::vector<ListenSocket>& out) {
    // Walked by hand rather than with NLMSG_OK/NLMSG_NEXT: with a length
    // that is not a multiple of 4 at the end, NLMSG_NEXT's unsigned count
    // wraps and the walk reads past the buffer (found by fuzz_sock_diag).
    const auto* at = static_cast<const char*>(buffer);
    std::size_t left = length;
    while (left >= sizeof(nlmsghdr)) {
        const auto* h = reinterpret_cast<const nlmsghdr*>(at);
        if (h->nlmsg_len < sizeof(nlmsghdr) || h->nlmsg_len > left)
            return DumpStep::error;
        const std::size_t step = std::min<std::size_t>(NLMSG_ALIGN(h->nlmsg_len), left);
        at += step;
        left -= step;
        if (h->nlmsg_type == NLMSG_DONE)
            return DumpStep::done;
        if (h->nlmsg_type == NLMSG_ERROR || h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg)))
            return DumpStep::error;
        const auto* msg = static_cast<const inet_diag_msg*>(NLMSG_DATA(h));
        const std::uint16_t p = ntohs(msg->id.idiag_sport);
        if (port != 0 && p != port)
            continue;
        if (msg->idiag_family != AF_INET && msg->idiag_family != AF_INET6)
            return DumpStep::error;
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
    return DumpStep::more;
}

DumpStep parse_address_dump(const void* buffer, std::size_t length,
                            std::vector<KernelAddress>& out) {
    return walk_dump(static_cast<const char*>(buffer), length, [&](const nlmsghdr& h,
                                                                   const char* at) {
        if (h.nlmsg_type != RTM_NEWADDR || h.nlmsg_len < NLMSG_LENGTH(sizeof(ifaddrmsg)))
            return;
        ifaddrmsg m;
        std::memcpy(&m, at + NLMSG_HDRLEN, sizeof m);
        if (m.ifa_family != AF_INET && m.ifa_family != AF_INET6)
            return;
        auto& a = out.emplace_back(); // filled in place: no record moved for each address
        a.family = m.ifa_family;
        a.index = m.ifa_index;
        a.prefix = m.ifa_prefixlen;
        a.flags = m.ifa_flags;
        const std::size_t size = m.ifa_family == AF_INET ? 4 : 16;
        bool local = false, address = false;
        walk_attributes(at, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof m), h.nlmsg_len,
                        [&](std::uint16_t type, const char* data, std::size_t n) {
                            if ((type == IFA_LOCAL || (type == IFA_ADDRESS && !local)) &&
                                n == size) {
                                std::memcpy(a.bytes.data(), data, size);
                                (type == IFA_LOCAL ? local : address) = true;
                            } else if (type == IFA_FLAGS && n == sizeof(std::uint32_t)) {
                                std::memcpy(&a.flags, data, sizeof a.flags);
                            } else if (type == IFA_LABEL && n > 0) {
                                a.label.assign(data, strnlen(data, n));
                            }
                        });
        if (!local && !address)
            out.pop_back();
    });
}

DumpStep parse_table_dump(const char* buf, std::size_t len, std::vector<NftTable>& tables) {
    constexpr std::uint16_t new_table = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE;
    return walk_dump(buf, len, [&](const nlmsghdr& h, const char* at) {
        if (h.nlmsg_type != new_table || h.nlmsg_len < NLMSG_LENGTH(sizeof(nfgenmsg)))
            return;
        nfgenmsg g;
        std::memcpy(&g, at + NLMSG_HDRLEN, sizeof g);
        NftTable t{g.nfgen_family, {}, 0};
        walk_attributes(at, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof g), h.nlmsg_len,
                        [&](std::uint16_t type, const char* data, std::size_t n) {
                            if (type == NFTA_TABLE_NAME)
                                t.name.assign(data, strnlen(data, n));
                            else if (type == NFTA_TABLE_FLAGS && n == sizeof(std::uint32_t)) {
                                std::uint32_t be;
                                std::memcpy(&be, data, sizeof be);
                                t.flags = ntohl(be);
                            }
                        });
        tables.push_back(std::move(t));
    });
}

} // namespace netcfg::probe
