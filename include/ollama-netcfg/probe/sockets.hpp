// Listening TCP sockets and the processes that hold them.
#pragma once

#include <cstdint>
#include <string>
#include <sys/types.h>
#include <vector>

namespace netcfg::probe {

struct ListenSocket {
    int family = 0;      // AF_INET or AF_INET6
    std::string address; // "0.0.0.0", "::", "127.0.0.1", ...
    std::uint16_t port = 0;
    std::uint64_t inode = 0;
    std::vector<pid_t> pids; // holders found among the processes searched

    std::string endpoint() const; // "0.0.0.0:11434", "[::]:11434"
};

// Parses the text of /proc/net/tcp or /proc/net/tcp6: LISTEN sockets on `port`
// (on any port when `port` is 0).
std::vector<ListenSocket> parse_proc_net_tcp(const std::string& text, int family,
                                             std::uint16_t port);

// LISTEN sockets on `port` (0: any) in this network namespace.
std::vector<ListenSocket> listening_sockets(std::uint16_t port);

// Fills ListenSocket::pids from the open files of `pids` (all processes when
// `pids` is empty).
void find_holders(std::vector<ListenSocket>& sockets, const std::vector<pid_t>& pids);

} // namespace netcfg::probe

namespace netcfg::probe {

// Whether a socket listening on `socket_address` accepts connections meant
// for Ollama's listen host `want_host` ("" = every address). `resolved` holds
// the addresses of `want_host` when it is a name. A socket on :: also serves
// IPv4 (dual stack) unless net.ipv6.bindv6only is set; Go listens that way
// for wildcard hosts.
bool listener_covers(const std::string& socket_address, const std::string& want_host,
                     const std::vector<std::string>& resolved, bool bindv6only);

// Whether a LISTEN socket on `socket_address` (same port) makes Ollama's
// bind for `want_host` fail: same family and either side a wildcard or the
// same address, or across families a dual-stack :: on one side.
bool bind_conflicts(const std::string& socket_address, const std::string& want_host,
                    const std::vector<std::string>& resolved, bool bindv6only);

// Of `sockets` (whose holders in the unit are already filled in), those on
// `port` that no process of the unit holds and that would make Ollama's bind
// for `want_host` fail. Their holders are looked up among all processes when
// `find_owners` (it needs root to see other users' processes).
std::vector<ListenSocket> foreign_conflicts(const std::vector<ListenSocket>& sockets,
                                            std::uint16_t port, const std::string& want_host,
                                            const std::vector<std::string>& resolved,
                                            bool bindv6only, bool find_owners);

// The addresses a host name resolves to, as text.
std::vector<std::string> resolve_host(const std::string& name);

// net.ipv6.bindv6only, false when unreadable.
bool ipv6_bindv6only();

} // namespace netcfg::probe
