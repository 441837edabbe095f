// What the kernel hands out about processes and sockets, read as text or
// bytes: /proc/PID/environ, /proc/PID/status, /proc/PID/cgroup,
// /proc/net/tcp{,6} and a sock_diag dump. Pure: the files and the socket
// are read in process.cpp and sockets.cpp; fuzz_proc and fuzz_sock_diag
// call these directly.
#pragma once

#include "ollama-netcfg/probe/listener.hpp"
#include "ollama-netcfg/util/netlink_walk.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace netcfg::probe {

// The values of `names` in an environment block (NUL-separated NAME=VALUE
// entries), in the order given; nullopt when unset. As Go reads its own
// environment (syscall.copyenv): a name is what precedes the first `=`, and
// of entries with the same name the first one counts.
std::vector<std::optional<std::string>> environ_values(std::string_view block,
                                                       std::span<const std::string_view> names);

// "Uid:" (the real uid) and "PPid:" from /proc/PID/status.
std::optional<std::pair<uid_t, pid_t>> status_uid_parent(std::string_view text);

// The state letter of /proc/PID/stat (after the command in parentheses,
// which may itself hold ") "): 'R', 'S', ..., 'Z' for a zombie, 'X' dead;
// '?' when the text is not that.
char stat_state(std::string_view text);

// The unified hierarchy's path ("0::/system.slice/ollama.service") from
// /proc/PID/cgroup, else the v1 name=systemd one; empty when neither.
std::string cgroup_path(std::string_view text);

// LISTEN sockets on `port` (any when 0) in the text of /proc/net/tcp or
// /proc/net/tcp6; lines that are not what the kernel writes are skipped.
std::vector<ListenSocket> parse_proc_net_tcp(const std::string& text, int family,
                                             std::uint16_t port);

// One buffer of a sock_diag dump (inet_diag_msg messages): the LISTEN
// sockets on `port` (any when 0) appended to `out`. `more`: read the next
// buffer; `done`: the dump ended; `error`: the kernel answered an error, or
// a message is cut short (util/netlink_walk.hpp).
using netcfg::DumpStep;
DumpStep parse_diag_dump(const void* buffer, std::size_t length, std::uint16_t port,
                         std::vector<ListenSocket>& out);

// One address of an RTM_GETADDR dump, as the kernel hands it out.
struct KernelAddress {
    int family = 0;     // AF_INET or AF_INET6
    unsigned index = 0; // the interface's index
    int prefix = 0;
    std::uint32_t flags = 0; // IFA_F_*: IFA_FLAGS when given, else the message's 8 bits
    // IFA_LOCAL when given (on a point-to-point link IFA_ADDRESS is the
    // peer), else IFA_ADDRESS: as getifaddrs takes it. Network byte order;
    // IPv4 in the first four bytes.
    std::array<std::uint8_t, 16> bytes{};
    std::string label; // IFA_LABEL (IPv4: the interface's or an alias's name); may be empty
};

// One buffer of an RTM_GETADDR dump: its IPv4 and IPv6 addresses appended
// to `out`; a message without an address is skipped.
DumpStep parse_address_dump(const void* buffer, std::size_t length,
                            std::vector<KernelAddress>& out);

// An nftables table: its family (NFPROTO_*: 1 inet, 2 ip, 10 ip6, ...),
// name and flags (NFT_TABLE_F_*).
struct NftTable {
    int family = 0;
    std::string name;
    std::uint32_t flags = 0;
    // `flags dormant`: the kernel runs none of its chains.
    bool dormant() const { return (flags & 1U) != 0; } // NFT_TABLE_F_DORMANT
};

// One buffer of an nfnetlink NFT_MSG_GETTABLE dump (probe/nftables.hpp asks
// for it): the tables in it appended to `tables`.
DumpStep parse_table_dump(const char* buf, std::size_t len, std::vector<NftTable>& tables);

} // namespace netcfg::probe
