// A listening TCP socket as this tool reasons about it, and the pure rules
// over it (src/probe/listener.cpp): what it covers, the socket Go opens for
// an OLLAMA_HOST, Linux's bind conflicts. Finding the sockets and their
// holders is probe/sockets.hpp's.
#pragma once

#include "ollama-netcfg/net/address.hpp"

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace netcfg::probe {

struct ListenSocket {
    int family = 0;      // AF_INET or AF_INET6
    std::string address; // "0.0.0.0", "::", "127.0.0.1", ...
    std::uint16_t port = 0;
    // AF_INET6: the socket's IPV6_V6ONLY, as sock_diag reports it. Without
    // it, a socket on :: is dual-stack: it also accepts every IPv4 address.
    bool v6only = false;
    std::uint64_t inode = 0;
    std::vector<pid_t> pids; // holders found among the processes searched

    bool wildcard() const;   // on 0.0.0.0 or ::
    bool dual_stack() const; // on :: without IPV6_V6ONLY
    // As ss(8) shows it: "*:11434" (dual-stack), "[::]:11434", "0.0.0.0:11434".
    std::string endpoint() const;
    // In words: "every IPv4 and IPv6 address", "every IPv6 address only", ...
    std::string covers() const;
    // Whether it accepts a connection to the local `address` (IPv4 or IPv6 text).
    bool accepts(const std::string& address) const;
    // The same for an address as the kernel lists it (no text written).
    bool accepts(const net::IpAddress& address) const;
    // Whether it accepts connections over IPv4 (4) or IPv6 (6) at all.
    bool accepts_family(int ip_version) const;
};

// The socket Go's net.Listen("tcp", ...) opens for Ollama's listen host
// `want_host` on `port`: a wildcard ("", 0.0.0.0, ::) is one dual-stack
// socket on :: (IPV6_V6ONLY=0 whatever net.ipv6.bindv6only says), or
// 0.0.0.0 on a kernel without IPv6; a literal address is that address; a
// name its first resolved address (`resolved`; empty: unknown).
ListenSocket expected_socket(const std::string& want_host, std::uint16_t port,
                             const std::vector<std::string>& resolved, bool kernel_ipv6);

// Whether a LISTEN socket is one Ollama opens for `want_host`: any wildcard
// socket for a wildcard host, otherwise the address itself (or one of a
// name's `resolved` addresses). What it covers is the socket's to say.
bool listener_covers(const ListenSocket& socket, const std::string& want_host,
                     const std::vector<std::string>& resolved);

// Whether a LISTEN socket `held` (same port) makes the bind of `wanted`
// fail, by Linux's rules: same family and either side a wildcard or the
// same address; across families, a dual-stack :: on either side.
bool bind_conflicts(const ListenSocket& held, const ListenSocket& wanted);

// Of `sockets` (whose holders in the unit are already filled in), those on
// the port of `wanted` that no process of the unit holds and that would make
// its bind fail. Their holders are looked up among all processes when
// `find_owners` (it needs root to see other users' processes).
std::vector<ListenSocket> foreign_conflicts(const std::vector<ListenSocket>& sockets,
                                            const ListenSocket& wanted, bool find_owners);

} // namespace netcfg::probe
