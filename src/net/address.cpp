// Addresses, networks and interface names as text, without I/O.
#include "ollama-netcfg/net/address.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <bit>
#include <charconv>
#include <fmt/format.h>
#include <optional>

namespace netcfg::net {

namespace {

// The /N of a CIDR (`total` without one); nullopt when it is not 0..total.
std::optional<int> prefix_length(std::string_view cidr, int total) {
    const auto slash = cidr.find('/');
    if (slash == std::string_view::npos)
        return total;
    int bits = 0;
    auto len = cidr.substr(slash + 1);
    auto [p, ec] = std::from_chars(len.data(), len.data() + len.size(), bits);
    if (ec != std::errc{} || p != len.data() + len.size() || bits < 0 || bits > total)
        return std::nullopt;
    return bits;
}

} // namespace

bool address_in(const std::string& address, const std::string& cidr) {
    auto slash = cidr.find('/');
    std::string net = cidr.substr(0, slash);
    unsigned char a[16] = {}, n[16] = {};
    int family = address.find(':') != std::string::npos ? AF_INET6 : AF_INET;
    if ((net.find(':') != std::string::npos ? AF_INET6 : AF_INET) != family)
        return false;
    if (inet_pton(family, address.c_str(), a) != 1 || inet_pton(family, net.c_str(), n) != 1)
        return false;
    const auto bits = prefix_length(cidr, family == AF_INET ? 32 : 128);
    if (!bits)
        return false;
    for (int i = 0; i < *bits; ++i) {
        int byte = i / 8, bit = 7 - i % 8;
        if (((a[byte] >> bit) & 1) != ((n[byte] >> bit) & 1))
            return false;
    }
    return true;
}

bool network_within(const std::string& inner, const std::string& outer) {
    const auto net = inner.substr(0, inner.find('/'));
    const int total = net.find(':') != std::string::npos ? 128 : 32;
    const auto bits = prefix_length(inner, total);
    const auto outer_bits = prefix_length(outer, total);
    // A network lies within another when it is no wider and its first
    // address is inside.
    return bits && outer_bits && *bits >= *outer_bits && address_in(net, outer);
}

bool valid_cidr(const std::string& cidr) {
    auto net = cidr.substr(0, cidr.find('/'));
    return address_in(net, cidr);
}

bool is_container_bridge(std::string_view name) {
    static constexpr std::array<std::string_view, 8> prefixes = {
        "docker", "br-", "podman", "cni-podman", "lxcbr", "lxdbr", "virbr", "incusbr"};
    for (auto p : prefixes)
        if (name.starts_with(p))
            return true;
    return false;
}

bool is_ipv6(std::string_view address) {
    return address.find(':') != std::string_view::npos;
}

std::string bracketed(std::string_view host) {
    return is_ipv6(host) ? fmt::format("[{}]", host) : std::string(host);
}

std::string host_port(std::string_view host, std::uint16_t port) {
    return fmt::format("{}:{}", bracketed(host), port);
}

std::string url_for(std::string_view host, std::uint16_t port, std::string_view zone,
                    std::string_view path) {
    // Written into one buffer, then one string: status writes one for each
    // of a host's addresses, and a container host has hundreds.
    const bool v6 = is_ipv6(host);
    char port_text[8];
    const auto port_end = std::to_chars(port_text, port_text + sizeof port_text, port).ptr;
    const std::string_view parts[] = {v6 ? "http://[" : "http://",
                                      host,
                                      v6 && !zone.empty() ? "%25" : "",
                                      v6 ? zone : "",
                                      v6 ? "]:" : ":",
                                      {port_text, static_cast<std::size_t>(port_end - port_text)},
                                      path};
    std::size_t size = 0;
    for (auto p : parts)
        size += p.size();
    std::string out(size, '\0');
    char* at = out.data();
    for (auto p : parts)
        at = std::copy(p.begin(), p.end(), at);
    return out;
}

namespace {

// Written into a fixed buffer and copied into the string once: no
// allocation or bounds check per group.
char* put_decimal(char* at, unsigned v) {
    if (v >= 100)
        *at++ = static_cast<char>('0' + v / 100);
    if (v >= 10)
        *at++ = static_cast<char>('0' + v / 10 % 10);
    *at++ = static_cast<char>('0' + v % 10);
    return at;
}

char* put_ipv4(char* at, std::span<const std::uint8_t, 4> b) {
    for (std::size_t i = 0; i < 4; ++i) {
        if (i)
            *at++ = '.';
        at = put_decimal(at, b[i]);
    }
    return at;
}

char* put_hex(char* at, unsigned v) {
    static constexpr char digits[] = "0123456789abcdef";
    // No leading zeros: as many digits as v has significant nibbles, at least one.
    for (int shift = v ? (std::bit_width(v) - 1) / 4 * 4 : 0; shift >= 0; shift -= 4)
        *at++ = digits[(v >> shift) & 0xf];
    return at;
}

} // namespace

std::string format_ipv4(std::span<const std::uint8_t, 4> b) {
    char buf[16];
    return {buf, put_ipv4(buf, b)};
}

std::string format_ipv6(std::span<const std::uint8_t, 16> b) {
    std::array<unsigned, 8> words{};
    for (std::size_t i = 0; i < 8; ++i)
        words[i] = (unsigned{b[2 * i]} << 8) | b[2 * i + 1];
    // The longest run of zero groups (the first of equal ones), if at least
    // two long, becomes "::".
    int best = -1, best_len = 0;
    for (int i = 0; i < 8;) {
        if (words[i] != 0) {
            ++i;
            continue;
        }
        int j = i;
        while (j < 8 && words[j] == 0)
            ++j;
        if (j - i > best_len)
            best = i, best_len = j - i;
        i = j;
    }
    if (best_len < 2)
        best = -1;
    char buf[48];
    char* at = buf;
    for (int i = 0; i < 8; ++i) {
        if (best >= 0 && i >= best && i < best + best_len) {
            if (i == best)
                *at++ = ':';
            continue;
        }
        if (i)
            *at++ = ':';
        // IPv4-compatible (::a.b.c.d) and IPv4-mapped (::ffff:a.b.c.d), as glibc.
        if (i == 6 && best == 0 && (best_len == 6 || (best_len == 5 && words[5] == 0xffff)))
            return {buf, put_ipv4(at, b.subspan<12, 4>())};
        at = put_hex(at, words[i]);
    }
    if (best >= 0 && best + best_len == 8)
        *at++ = ':';
    return {buf, at};
}

std::string IpAddress::text() const {
    if (version == 4)
        return format_ipv4(std::span<const std::uint8_t, 4>(bytes.data(), 4));
    return version == 6 ? format_ipv6(bytes) : std::string();
}

std::optional<IpAddress> parse_ip(std::string_view text) {
    char buf[INET6_ADDRSTRLEN];
    if (text.size() >= sizeof buf)
        return std::nullopt;
    text.copy(buf, text.size());
    buf[text.size()] = '\0';
    IpAddress ip;
    ip.version = is_ipv6(text) ? 6 : 4;
    if (inet_pton(ip.version == 6 ? AF_INET6 : AF_INET, buf, ip.bytes.data()) != 1)
        return std::nullopt;
    return ip;
}

} // namespace netcfg::net
