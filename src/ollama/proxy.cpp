// Go's proxy choice, as golang.org/x/net/http/httpproxy (Config.init,
// useProxy and its matchers) makes it; the comments name Go's steps.
#include "ollama-netcfg/ollama/proxy.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <vector>

namespace netcfg::ollama {
namespace {

// An IP address as Go's net.IP compares it: IPv4 and IPv4-mapped IPv6 are
// the same address.
struct Ip {
    std::array<std::uint8_t, 16> bytes{};
    bool v4 = false;
};

std::optional<Ip> parse_ip(std::string_view text) {
    const std::string s(text);
    Ip ip;
    in_addr a4{};
    if (inet_pton(AF_INET, s.c_str(), &a4) == 1) {
        ip.bytes[10] = ip.bytes[11] = 0xff;
        std::memcpy(ip.bytes.data() + 12, &a4, 4);
        ip.v4 = true;
        return ip;
    }
    if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) != 1)
        return std::nullopt;
    static constexpr std::uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    ip.v4 = std::memcmp(ip.bytes.data(), mapped, 12) == 0;
    return ip;
}

bool loopback(const Ip& ip) {
    if (ip.v4)
        return ip.bytes[12] == 127;
    static constexpr std::array<std::uint8_t, 16> one{0, 0, 0, 0, 0, 0, 0, 0,
                                                      0, 0, 0, 0, 0, 0, 0, 1};
    return ip.bytes == one;
}

// Go keeps an IPv4 network apart from an IPv6 one: an IPv4 network holds
// IPv4 (and IPv4-mapped) addresses only, an IPv6 network the others only.
struct Cidr {
    Ip net;
    int bits = 0; // over the 16 bytes (an IPv4 /8 is 104)
    bool v4 = false;
};

// net.ParseCIDR: an address, '/', a prefix length of its family.
std::optional<Cidr> parse_cidr(std::string_view text) {
    const auto slash = text.find('/');
    if (slash == std::string_view::npos)
        return std::nullopt;
    const auto ip = parse_ip(text.substr(0, slash));
    const auto len = text.substr(slash + 1);
    if (!ip || len.empty() || len.size() > 3 ||
        !std::all_of(len.begin(), len.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return std::nullopt;
    const int n = std::stoi(std::string(len));
    const bool v4_text = text.substr(0, slash).find(':') == std::string_view::npos;
    if (n > (v4_text ? 32 : 128))
        return std::nullopt;
    return Cidr{*ip, v4_text ? n + 96 : n, v4_text};
}

bool contains(const Cidr& c, const Ip& ip) {
    if (c.v4 != ip.v4)
        return false;
    for (int bit = 0; bit < c.bits; ++bit) {
        const int byte = bit / 8, mask = 0x80 >> (bit % 8);
        if ((c.net.bytes[byte] & mask) != (ip.bytes[byte] & mask))
            return false;
    }
    return true;
}

// net.SplitHostPort: "host:port" or "[host]:port"; nullopt when there is no
// port or too many colons.
std::optional<std::pair<std::string, std::string>> split_proxy_host_port(std::string_view s) {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos)
        return std::nullopt;
    std::string_view host = s.substr(0, colon);
    if (!host.empty() && host.front() == '[') {
        if (host.back() != ']')
            return std::nullopt;
        host = host.substr(1, host.size() - 2);
    } else if (host.find(':') != std::string_view::npos) {
        return std::nullopt;
    }
    if (host.find_first_of("[]") != std::string_view::npos)
        return std::nullopt;
    return std::pair{std::string(host), std::string(s.substr(colon + 1))};
}

std::string lower_trimmed(std::string_view s) {
    const auto first = s.find_first_not_of(" \t\n\r\v\f");
    if (first == std::string_view::npos)
        return {};
    s = s.substr(first, s.find_last_not_of(" \t\n\r\v\f") - first + 1);
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// One NO_PROXY entry, as Config.init files it.
struct Entry {
    bool all = false;
    std::optional<Cidr> cidr;
    std::optional<Ip> ip;
    std::string domain; // with a leading dot
    bool match_host = false;
    std::string port; // empty: any
};

std::optional<Entry> parse_entry(const std::string& p) {
    Entry e;
    if (p == "*") {
        e.all = true;
        return e;
    }
    if ((e.cidr = parse_cidr(p)))
        return e;
    std::string host = p;
    if (auto hp = split_proxy_host_port(p)) {
        if (hp->first.empty())
            return std::nullopt; // no host part: Go ignores it
        host = hp->first;
        e.port = hp->second;
    }
    if ((e.ip = parse_ip(host)))
        return e;
    if (host.empty())
        return std::nullopt;
    if (host.starts_with("*."))
        host.erase(0, 1);
    if (host.front() != '.') {
        e.match_host = true;
        host.insert(0, ".");
    }
    e.domain = host;
    return e;
}

bool matches(const Entry& e, const std::string& host, std::string_view port,
             const std::optional<Ip>& ip) {
    if (e.all)
        return true;
    if (e.cidr)
        return ip && contains(*e.cidr, *ip);
    if (e.ip)
        return ip && e.ip->bytes == ip->bytes && (e.port.empty() || e.port == port);
    if (host.ends_with(e.domain) || (e.match_host && host == e.domain.substr(1)))
        return e.port.empty() || e.port == port;
    return false;
}

} // namespace

std::string go_value(const std::optional<std::string>& upper,
                     const std::optional<std::string>& lower) {
    if (upper && !upper->empty())
        return *upper;
    return lower.value_or("");
}

bool go_proxies(std::string_view no_proxy, std::string_view host_in, std::string_view port) {
    if (host_in == "localhost")
        return false;
    const auto ip = parse_ip(host_in);
    if (ip && loopback(*ip))
        return false;
    const auto host = lower_trimmed(host_in);
    std::size_t start = 0;
    while (start <= no_proxy.size()) {
        auto end = no_proxy.find(',', start);
        if (end == std::string_view::npos)
            end = no_proxy.size();
        const auto p = lower_trimmed(no_proxy.substr(start, end - start));
        start = end + 1;
        if (p.empty())
            continue;
        const auto e = parse_entry(p);
        // `*` anywhere matches every host; IP entries are only tried for an
        // IP host, domain entries for every host (Go's two matcher lists).
        if (e && matches(*e, host, port, ip))
            return false;
    }
    return true;
}

std::string redact_proxy(std::string_view url) {
    const auto scheme = url.find("://");
    const auto from = scheme == std::string_view::npos ? 0 : scheme + 3;
    const auto at = url.find('@', from);
    const auto slash = url.find('/', from);
    if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at))
        return std::string(url);
    const auto colon = url.find(':', from);
    if (colon == std::string_view::npos || colon > at)
        return std::string(url);
    return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

} // namespace netcfg::ollama
