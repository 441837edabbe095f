#include "ollama-netcfg/reach/scope.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cstdint>
#include <cstring>
#include <string>

namespace netcfg::reach {
namespace {

struct Range {
    std::string_view cidr;
    std::string_view kind;
};

// IANA's IPv4 Special-Purpose Address Registry, the ranges that are not
// globally reachable, plus multicast and the reserved 240/4. The few
// registry entries inside these that are globally reachable come first.
constexpr std::array<Range, 3> v4_global_exceptions{{
    {"192.0.0.9/32", "global"},  // Port Control Protocol anycast
    {"192.0.0.10/32", "global"}, // TURN anycast
    {"192.31.196.0/24", "global"},
}};
constexpr std::array<Range, 16> v4_special{{
    {"0.0.0.0/8", "\"this network\""},
    {"10.0.0.0/8", "private (RFC 1918)"},
    {"100.64.0.0/10", "shared address space (carrier-grade NAT, RFC 6598)"},
    {"127.0.0.0/8", "loopback"},
    {"169.254.0.0/16", "link-local"},
    {"172.16.0.0/12", "private (RFC 1918)"},
    {"192.0.0.0/24", "IETF protocol assignments"},
    {"192.0.2.0/24", "documentation (TEST-NET-1)"},
    {"192.88.99.0/24", "deprecated 6to4 relay anycast"},
    {"192.168.0.0/16", "private (RFC 1918)"},
    {"198.18.0.0/15", "benchmarking"},
    {"198.51.100.0/24", "documentation (TEST-NET-2)"},
    {"203.0.113.0/24", "documentation (TEST-NET-3)"},
    {"224.0.0.0/4", "multicast"},
    {"255.255.255.255/32", "broadcast"},
    {"240.0.0.0/4", "reserved"},
}};

// IANA's IPv6 Special-Purpose Address Registry (not globally reachable),
// plus link-local, site-local and multicast.
constexpr std::array<Range, 3> v6_global_exceptions{{
    {"2001:1::1/128", "global"}, // Port Control Protocol anycast
    {"2001:1::2/128", "global"}, // TURN anycast
    {"2001:3::/32", "global"},   // AMT
}};
constexpr std::array<Range, 15> v6_special{{
    {"::/128", "unspecified"},
    {"::1/128", "loopback"},
    {"64:ff9b:1::/48", "local-use IPv4/IPv6 translation"},
    {"100::/64", "discard-only"},
    {"2001::/23", "IETF protocol assignments"},
    {"2001:db8::/32", "documentation"},
    {"2002::/16", "6to4"},
    {"3fff::/20", "documentation"},
    {"5f00::/16", "segment routing (SRv6) SIDs"},
    {"fc00::/7", "unique local (ULA)"},
    {"fe80::/10", "link-local"},
    {"fec0::/10", "site-local (deprecated)"},
    {"ff00::/8", "multicast"},
    {"::/96", "IPv4-compatible (deprecated)"},
    {"::ffff:0:0/96", "IPv4-mapped"},
}};

// A range parsed once: `check` asks for every address of the host, and a
// container host has hundreds.
struct Net {
    unsigned char bytes[16] = {};
    int prefix = 0;
    const Range* range = nullptr;
    // The first 32 bits, masked to the prefix: one comparison decides most
    // ranges (all of IPv4's) and rejects nearly every other.
    std::uint32_t head = 0, head_mask = 0;
};

std::uint32_t first_word(const unsigned char* a) {
    return std::uint32_t{a[0]} << 24 | std::uint32_t{a[1]} << 16 | std::uint32_t{a[2]} << 8 | a[3];
}

bool contains(const Net& n, std::uint32_t head, const unsigned char* a) {
    if ((head & n.head_mask) != n.head)
        return false;
    if (n.prefix <= 32)
        return true;
    const int whole = n.prefix / 8, bits = n.prefix % 8;
    for (int i = 4; i < whole; ++i)
        if (n.bytes[i] != a[i])
            return false;
    if (bits == 0)
        return true;
    const auto mask = static_cast<unsigned char>(0xff << (8 - bits));
    return (n.bytes[whole] & mask) == (a[whole] & mask);
}

template <std::size_t N> std::array<Net, N> parse(const std::array<Range, N>& ranges, int af) {
    std::array<Net, N> out{};
    for (std::size_t i = 0; i < N; ++i) {
        const std::string cidr(ranges[i].cidr);
        const auto slash = cidr.find('/');
        inet_pton(af, cidr.substr(0, slash).c_str(), out[i].bytes);
        out[i].prefix = std::stoi(cidr.substr(slash + 1));
        out[i].range = &ranges[i];
        const int p = std::min(out[i].prefix, 32);
        out[i].head_mask = p == 0 ? 0 : ~std::uint32_t{0} << (32 - p);
        out[i].head = first_word(out[i].bytes) & out[i].head_mask;
    }
    return out;
}

template <std::size_t N> const Range* find(const std::array<Net, N>& nets, const unsigned char* a) {
    const auto head = first_word(a);
    for (const auto& n : nets)
        if (contains(n, head, a))
            return n.range;
    return nullptr;
}

} // namespace

AddressScope address_scope(const std::string& address) {
    const bool is_v6 = address.find(':') != std::string::npos;
    unsigned char a[16] = {};
    if (inet_pton(is_v6 ? AF_INET6 : AF_INET, address.c_str(), a) != 1)
        return {false, "not an address"};
    return address_scope(is_v6 ? 6 : 4, a);
}

AddressScope address_scope(int family, const unsigned char* a) {
    static const auto v4_exceptions = parse(v4_global_exceptions, AF_INET);
    static const auto v4 = parse(v4_special, AF_INET);
    static const auto v6_exceptions = parse(v6_global_exceptions, AF_INET6);
    static const auto v6 = parse(v6_special, AF_INET6);
    const bool is_v6 = family == 6;
    if (is_v6 ? find(v6_exceptions, a) : find(v4_exceptions, a))
        return {true, "global"};
    if (const Range* r = is_v6 ? find(v6, a) : find(v4, a))
        return {false, r->kind};
    return {true, "global"};
}

} // namespace netcfg::reach
