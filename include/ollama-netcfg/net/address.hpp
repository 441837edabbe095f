// Addresses, networks and interface names as text: pure helpers every
// layer may use (src/net/address.cpp).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace netcfg::net {

// Whether `address` lies in `cidr` ("192.0.2.0/24", "2001:db8::/32", or one
// address). False for anything unparsable.
bool address_in(const std::string& address, const std::string& cidr);

// Whether every address of `inner` (a CIDR or one address) lies in `outer`.
bool network_within(const std::string& inner, const std::string& outer);

// Whether `cidr` is an IPv4 or IPv6 address with an optional /prefix.
bool valid_cidr(const std::string& cidr);

// Whether an interface name is a bridge container runtimes create (docker0,
// br-..., podman..., ...): a client on another host never comes in on one.
bool is_container_bridge(std::string_view name);

// Whether an address (or host) is written as IPv6 (it has a colon).
bool is_ipv6(std::string_view address);
// An IPv6 address in brackets, as URLs and host:port take it; else as given.
std::string bracketed(std::string_view host);
// "192.0.2.1:11434", "[2001:db8::1]:11434".
std::string host_port(std::string_view host, std::uint16_t port);

// "http://[fe80::1%25eth0]:11434/api/version", as curl takes it (`zone`
// empty but for a link-local IPv6 address): status writes one for each of
// a host's addresses.
std::string url_for(std::string_view host, std::uint16_t port, std::string_view zone,
                    std::string_view path);

// An address in network byte order, written as glibc's inet_ntop writes it
// (RFC 5952's shortest form, with its embedded IPv4 forms), without the
// sprintf per group: a host with a thousand addresses writes each on every
// `check`.
std::string format_ipv4(std::span<const std::uint8_t, 4> bytes);
std::string format_ipv6(std::span<const std::uint8_t, 16> bytes);

// An IP address as the kernel hands it out: a host's addresses are judged
// and compared by their bytes, and written as text only where a report
// prints one (`check` on a host with a thousand prints none of them).
struct IpAddress {
    int version = 0; // 4 or 6; 0: none
    // Network byte order; IPv4 in the first four bytes, the rest zero.
    std::array<std::uint8_t, 16> bytes{};
    // As inet_ntop writes it; empty for none.
    std::string text() const;
    bool operator==(const IpAddress&) const = default;
};

// "192.0.2.1" or "2001:db8::1", as inet_pton reads them; nullopt for
// anything else (a name, a zone, a prefix).
std::optional<IpAddress> parse_ip(std::string_view text);

} // namespace netcfg::net
