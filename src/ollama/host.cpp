#include "ollama-netcfg/ollama/host.hpp"

#include "go_text.hpp"
#include "ollama-netcfg/net/address.hpp"

#include <arpa/inet.h>
#include <array>
#include <charconv>
#include <fmt/format.h>
#include <optional>

namespace netcfg::ollama {
namespace {

// Go's net.ParseIP followed by IP.String(): the canonical text of an IP
// literal, or nothing when it is not one. IPv4-mapped IPv6 prints as IPv4.
std::optional<std::string> canonical_ip(std::string_view text) {
    std::string s(text);
    std::array<unsigned char, 16> buf{};
    std::array<char, INET6_ADDRSTRLEN> out{};
    if (inet_pton(AF_INET, s.c_str(), buf.data()) == 1) {
        inet_ntop(AF_INET, buf.data(), out.data(), out.size());
        return std::string(out.data());
    }
    if (s.find(':') != std::string::npos && inet_pton(AF_INET6, s.c_str(), buf.data()) == 1) {
        static constexpr unsigned char mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::equal(std::begin(mapped), std::end(mapped), buf.begin())) {
            inet_ntop(AF_INET, buf.data() + 12, out.data(), out.size());
            return std::string(out.data());
        }
        inet_ntop(AF_INET6, buf.data(), out.data(), out.size());
        return std::string(out.data());
    }
    return std::nullopt;
}

struct HostPort {
    std::string_view host;
    std::string_view port;
};

// Go's net.SplitHostPort. Returns the reason on failure.
Result<HostPort> split_host_port(std::string_view hp) {
    auto i = hp.rfind(':');
    if (i == std::string_view::npos)
        return failure("missing port in address");
    std::size_t j = 0, k = 0;
    std::string_view host;
    if (!hp.empty() && hp[0] == '[') {
        auto end = hp.find(']');
        if (end == std::string_view::npos)
            return failure("missing ']' in address");
        if (end + 1 == hp.size())
            return failure("missing port in address");
        if (end + 1 != i)
            return failure(hp[end + 1] == ':' ? "too many colons in address"
                                              : "missing port in address");
        host = hp.substr(1, end - 1);
        j = 1;
        k = end + 1;
    } else {
        host = hp.substr(0, i);
        if (host.find(':') != std::string_view::npos)
            return failure("too many colons in address");
    }
    if (hp.substr(j).find('[') != std::string_view::npos)
        return failure("unexpected '[' in address");
    if (hp.substr(k).find(']') != std::string_view::npos)
        return failure("unexpected ']' in address");
    return HostPort{host, hp.substr(i + 1)};
}

// Go's strconv.ParseInt(s, 10, 32) then Ollama's 0..65535 range check.
std::optional<std::uint16_t> ollama_port(std::string_view s) {
    std::string_view digits = s;
    bool negative = false;
    if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
        negative = digits[0] == '-';
        digits.remove_prefix(1);
    }
    if (digits.empty())
        return std::nullopt;
    long long n = 0;
    auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
    if (ec != std::errc{} || ptr != digits.data() + digits.size())
        return std::nullopt;
    if (negative)
        n = -n;
    if (n < 0 || n > 65535)
        return std::nullopt;
    return static_cast<std::uint16_t>(n);
}

std::string normalise_host(std::string_view host) {
    if (auto ip = canonical_ip(host))
        return *ip;
    return std::string(host);
}

bool is_hostname(std::string_view s) {
    if (s.empty() || s.size() > 253)
        return false;
    std::size_t label = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i == s.size() || s[i] == '.') {
            if (label == 0 || label > 63 || s[i - 1] == '-' || s[i - label] == '-')
                return false;
            label = 0;
            continue;
        }
        char c = s[i];
        bool ok =
            (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
        if (!ok)
            return false;
        ++label;
    }
    return true;
}

bool looks_numeric(std::string_view s) {
    return s.find_first_not_of("0123456789.") == std::string_view::npos;
}

} // namespace

Family HostSetting::family() const {
    if (host.empty())
        return Family::any;
    char buf[16];
    if (inet_pton(AF_INET, host.c_str(), buf) == 1)
        return Family::ipv4;
    if (inet_pton(AF_INET6, host.c_str(), buf) == 1)
        return Family::ipv6;
    return Family::name;
}

std::string HostSetting::listen_address() const {
    if (family() == Family::ipv6)
        return fmt::format("[{}]:{}", host, port);
    return fmt::format("{}:{}", host, port);
}

std::string HostSetting::connect_host() const {
    if (host.empty() || host == "0.0.0.0")
        return "127.0.0.1";
    if (host == "::")
        return "::1";
    return host;
}

std::string HostSetting::connect_url() const {
    // `ollama serve` speaks plain HTTP whatever scheme OLLAMA_HOST names.
    return "http://" + net::host_port(connect_host(), port);
}

bool HostSetting::same_listener(const HostSetting& other) const {
    return port == other.port && normalise_host(host) == normalise_host(other.host);
}

HostSetting read_ollama_host(std::string_view raw) {
    auto s = trim(trim(trim(raw, space_chars), "\"'"), space_chars);

    HostSetting out;
    out.scheme = "http";
    std::uint16_t default_for_scheme = default_port;
    std::string_view hostport = s;
    if (auto cut = s.find("://"); cut != std::string_view::npos) {
        out.scheme = std::string(s.substr(0, cut));
        hostport = s.substr(cut + 3);
        if (out.scheme == "http")
            default_for_scheme = 80;
        else if (out.scheme == "https")
            default_for_scheme = 443;
    } else if (s == "ollama.com") {
        out.scheme = "https";
        hostport = "ollama.com:443";
    }
    hostport = hostport.substr(0, hostport.find('/'));

    std::string_view port_text;
    if (auto split = split_host_port(hostport)) {
        out.host = normalise_host(split->host);
        port_text = split->port;
    } else {
        auto bare = trim(hostport, "[]");
        if (auto ip = canonical_ip(bare))
            out.host = *ip;
        else if (!hostport.empty())
            out.host = std::string(hostport);
        else
            out.host = "127.0.0.1";
    }
    out.port = ollama_port(port_text).value_or(default_for_scheme);
    return out;
}

namespace {

Status check_characters(std::string_view addr) {
    for (unsigned char c : addr) {
        if (c < 0x20 || c == 0x7f)
            return usage_error(
                fmt::format("address contains a control character (byte 0x{:02x})", c),
                "give the address alone, e.g. 0.0.0.0 or 192.168.1.10:8080");
        if (c == ' ')
            return usage_error("address contains a space",
                               "give the address alone, e.g. 0.0.0.0 or 192.168.1.10:8080");
        if (c == '"' || c == '\'')
            return usage_error("address contains a quote",
                               "give the bare address; the tool does the quoting for systemd");
        if (c == '%')
            return usage_error("address contains '%'",
                               "systemd specifiers and IPv6 zone indices are not supported");
        if (c == '\\')
            return usage_error("address contains a backslash",
                               "give the address alone, e.g. 0.0.0.0 or 192.168.1.10:8080");
        if (c >= 0x80)
            return usage_error("address contains a non-ASCII character",
                               "typographic quotes or a pasted character? give the address "
                               "alone, e.g. 0.0.0.0 or 192.168.1.10:8080");
    }
    return Ok{};
}

Status check_port(std::string_view port, std::string_view addr) {
    if (port.empty())
        return usage_error(fmt::format("'{}' has an empty port", addr),
                           "Ollama would silently use its default port; give a port or none");
    if (port.find_first_not_of("0123456789") != std::string_view::npos)
        return usage_error(fmt::format("port '{}' is not a decimal number", port),
                           "Ollama would silently fall back to its default port");
    auto n = ollama_port(port);
    if (!n)
        return usage_error(fmt::format("port {} is out of range 1..65535", port),
                           "Ollama would silently fall back to its default port");
    if (*n == 0)
        return usage_error("port 0 makes Ollama listen on a random port",
                           "give a fixed port, e.g. 11434");
    return Ok{};
}

Status check_host(std::string_view host, bool bracketed) {
    if (bracketed) {
        if (host.find(':') == std::string_view::npos || !canonical_ip(host))
            return usage_error(fmt::format("'[{}]' is not an IPv6 address", host),
                               "brackets are only for IPv6 addresses, e.g. [::]:11434");
        return Ok{};
    }
    if (host.empty() || canonical_ip(host))
        return Ok{};
    if (host.find(':') != std::string_view::npos)
        return usage_error(fmt::format("'{}' is not a valid IPv6 address", host),
                           "write an IPv6 address with a port as [ADDRESS]:PORT");
    if (looks_numeric(host))
        return usage_error(fmt::format("'{}' is not a valid IPv4 address", host),
                           "an IPv4 address is four numbers from 0 to 255, e.g. 192.168.1.10");
    if (!is_hostname(host))
        return usage_error(fmt::format("'{}' is not a valid host name", host),
                           "give an IP address, or a name of letters, digits, '-' and '.'");
    return Ok{};
}

} // namespace

Result<HostSetting> parse_expose_address(std::string_view addr) {
    if (addr.empty())
        return usage_error("address is empty",
                           "give e.g. 0.0.0.0 (every IPv4 and IPv6 address) or 127.0.0.1");
    if (auto st = check_characters(addr); !st)
        return st.error();

    std::string_view rest = addr;
    bool has_scheme = false;
    if (auto cut = rest.find("://"); cut != std::string_view::npos) {
        auto scheme = rest.substr(0, cut);
        if (scheme != "http" && scheme != "https")
            return usage_error(fmt::format("unknown scheme '{}'", scheme),
                               "Ollama serves plain HTTP; give the address without a scheme");
        has_scheme = true;
        rest = rest.substr(cut + 3);
    } else if (rest == "ollama.com") {
        return usage_error("'ollama.com' means the remote service https://ollama.com:443 to "
                           "Ollama, not a local address",
                           "give an address of this host, e.g. 0.0.0.0 or 127.0.0.1");
    }
    if (auto slash = rest.find('/'); slash != std::string_view::npos) {
        if (slash + 1 != rest.size())
            return usage_error(fmt::format("'{}' has a path", addr),
                               "Ollama ignores paths in OLLAMA_HOST; give host and port only");
        rest = rest.substr(0, slash);
    }
    if (rest.empty())
        return usage_error(fmt::format("'{}' has no host", addr),
                           "give it, e.g. http://0.0.0.0:11434, or the port alone, as :11434");

    auto split = split_host_port(rest);
    if (split) {
        bool bracketed = rest.front() == '[';
        if (auto st = check_port(split->port, addr); !st)
            return st.error();
        if (auto st = check_host(split->host, bracketed); !st)
            return st.error();
    } else if (split.error().message == "missing port in address") {
        if (has_scheme)
            return usage_error(
                fmt::format("'{}' has no port, so Ollama would listen on the scheme's "
                            "default port ({}), not on {}",
                            addr, addr.starts_with("https") ? 443 : 80, default_port),
                "give the port, e.g. http://0.0.0.0:11434, or leave out the scheme");
        bool bracketed = rest.front() == '[';
        if (bracketed && rest.back() != ']')
            return usage_error(fmt::format("'{}' is not a valid address", addr),
                               "write an IPv6 address with a port as [ADDRESS]:PORT");
        auto host = bracketed ? rest.substr(1, rest.size() - 2) : rest;
        if (auto st = check_host(host, bracketed); !st)
            return st.error();
        if (host.empty())
            return usage_error(fmt::format("'{}' has no host", addr),
                               "give an address, e.g. [::] or 0.0.0.0");
    } else if (!canonical_ip(rest)) {
        return usage_error(
            fmt::format("'{}' is not a valid address: {}", addr, split.error().message),
            "write an IPv6 address with a port as [ADDRESS]:PORT");
    }
    return read_ollama_host(addr);
}

bool HostSetting::wildcard() const {
    return host.empty() || host == "0.0.0.0" || host == "::";
}

bool HostSetting::loopback() const {
    return host.starts_with("127.") || host == "::1" || host == "localhost";
}

std::string describe_host(const std::optional<std::string>& value) {
    return value ? fmt::format("OLLAMA_HOST=\"{}\"", *value) : std::string("OLLAMA_HOST unset");
}

} // namespace netcfg::ollama
