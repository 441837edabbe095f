// Listening TCP sockets on this host and the processes that hold them
// (sock_diag, /proc); the socket type and its pure rules are
// probe/listener.hpp.
#pragma once

#include "ollama-netcfg/probe/listener.hpp"
#include "ollama-netcfg/probe/proc_text.hpp"

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace netcfg::probe {

// LISTEN sockets on `port` (0: any) in this network namespace.
std::vector<ListenSocket> listening_sockets(std::uint16_t port);

// Fills ListenSocket::pids from the open files of `pids` only (none when
// `pids` is empty: a unit without processes holds nothing).
void find_holders(std::vector<ListenSocket>& sockets, const std::vector<pid_t>& pids);

// The same, searching every process (root sees them all).
void find_any_holders(std::vector<ListenSocket>& sockets);

// The one way to find the listener: the LISTEN sockets on `port` (with
// `every_port`, on every port), those held by `unit_pids` with their holders
// found, and among them the ones that accept connections for `host`
// (`resolved`: its addresses when it is a name) — what Ollama listens on.
struct Listeners {
    std::vector<ListenSocket> sockets;
    std::vector<ListenSocket> serving;
};
Listeners find_listeners(const std::string& host, std::uint16_t port,
                         const std::vector<std::string>& resolved,
                         const std::vector<pid_t>& unit_pids, bool every_port = false);

// Whether this kernel has IPv6 (an AF_INET6 socket can be made): Go opens a
// dual-stack socket for a wildcard only then.
bool kernel_has_ipv6();

// The addresses a host name resolves to, as text.
std::vector<std::string> resolve_host(const std::string& name);

} // namespace netcfg::probe
