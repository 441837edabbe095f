// The pure side of listening sockets: what one covers, how ss shows it,
// what Go opens for an OLLAMA_HOST, and Linux's bind conflicts.
#include "ollama-netcfg/probe/listener.hpp"

#include "ollama-netcfg/net/address.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <sys/socket.h>

namespace netcfg::probe {

bool ListenSocket::wildcard() const {
    return address == "0.0.0.0" || address == "::";
}

bool ListenSocket::dual_stack() const {
    return family == AF_INET6 && address == "::" && !v6only;
}

std::string ListenSocket::endpoint() const {
    if (dual_stack())
        return fmt::format("*:{}", port);
    return net::host_port(address, port);
}

std::string ListenSocket::covers() const {
    if (dual_stack())
        return "every IPv4 and IPv6 address";
    if (address == "::")
        return "every IPv6 address, no IPv4 (IPV6_V6ONLY)";
    if (address == "0.0.0.0")
        return "every IPv4 address, no IPv6";
    return fmt::format("{} only", address);
}

namespace {

// "::ffff:192.0.2.1" for "192.0.2.1": how a dual-stack socket sees IPv4.
std::string v4_mapped(const std::string& v4) {
    return "::ffff:" + v4;
}

} // namespace

bool ListenSocket::accepts(const std::string& local) const {
    const bool v6 = local.find(':') != std::string::npos;
    if (family == AF_INET)
        return !v6 && (address == "0.0.0.0" || address == local);
    if (v6)
        return address == "::" || address == local;
    return dual_stack() || (!v6only && address == v4_mapped(local));
}

bool ListenSocket::accepts(const net::IpAddress& local) const {
    // Asked once for each of a host's addresses: the wildcards are told
    // apart without parsing, and compared as views (no strlen each time).
    const std::string_view own = address;
    const bool v6 = local.version == 6;
    if (family == AF_INET)
        return !v6 && (own == "0.0.0.0" || net::parse_ip(own) == local);
    if (v6)
        return own == "::" || net::parse_ip(own) == local;
    if (dual_stack())
        return true;
    if (v6only)
        return false;
    net::IpAddress mapped{6, {}}; // ::ffff:a.b.c.d
    mapped.bytes[10] = mapped.bytes[11] = 0xff;
    std::copy_n(local.bytes.begin(), 4, mapped.bytes.begin() + 12);
    return net::parse_ip(address) == mapped;
}

bool ListenSocket::accepts_family(int ip_version) const {
    if (family == AF_INET)
        return ip_version == 4;
    if (ip_version == 6)
        return true;
    return dual_stack() || (!v6only && address.starts_with("::ffff:"));
}

namespace {

bool is_ip_literal(const std::string& host) {
    return host.find(':') != std::string::npos ||
           (!host.empty() && host.find_first_not_of("0123456789.") == std::string::npos);
}

bool wildcard_host(const std::string& h) {
    return h.empty() || h == "0.0.0.0" || h == "::";
}

} // namespace

ListenSocket expected_socket(const std::string& want_host, std::uint16_t port,
                             const std::vector<std::string>& resolved, bool kernel_ipv6) {
    ListenSocket s;
    s.port = port;
    if (wildcard_host(want_host)) {
        s.family = kernel_ipv6 ? AF_INET6 : AF_INET;
        s.address = kernel_ipv6 ? "::" : "0.0.0.0";
        return s;
    }
    s.address = is_ip_literal(want_host) ? want_host
                : resolved.empty()       ? std::string()
                                         : resolved.front();
    s.family = s.address.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    return s;
}

bool listener_covers(const ListenSocket& socket, const std::string& want_host,
                     const std::vector<std::string>& resolved) {
    if (wildcard_host(want_host))
        return socket.wildcard();
    if (socket.address == want_host)
        return true;
    return std::find(resolved.begin(), resolved.end(), socket.address) != resolved.end();
}

bool bind_conflicts(const ListenSocket& held, const ListenSocket& wanted) {
    if (held.address.empty() || wanted.address.empty())
        return false; // a name that does not resolve binds nothing
    if (held.family == wanted.family)
        return held.wildcard() || wanted.wildcard() || held.address == wanted.address;
    return held.dual_stack() || wanted.dual_stack();
}

} // namespace netcfg::probe
