#include "catch.hpp"
#include "ollama-netcfg/net/address.hpp"

#include <arpa/inet.h>
#include <array>
#include <random>

using namespace netcfg::net;

TEST_CASE("host:port brackets IPv6 and only IPv6", "[net]") {
    CHECK(host_port("192.0.2.1", 11434) == "192.0.2.1:11434");
    CHECK(host_port("2001:db8::1", 11434) == "[2001:db8::1]:11434");
    CHECK(host_port("::", 80) == "[::]:80");
    CHECK(host_port("ollama.example.org", 11434) == "ollama.example.org:11434");
    CHECK(host_port("", 11434) == ":11434");
    CHECK(bracketed("fe80::1%eth0") == "[fe80::1%eth0]");
    CHECK(bracketed("127.0.0.1") == "127.0.0.1");
    CHECK(is_ipv6("::1"));
    CHECK(!is_ipv6("localhost"));
}

namespace {

std::string ntop(int family, const std::uint8_t* bytes) {
    char buf[INET6_ADDRSTRLEN] = {};
    inet_ntop(family, bytes, buf, sizeof buf);
    return buf;
}

} // namespace

TEST_CASE("addresses are written as inet_ntop writes them", "[net]") {
    std::mt19937 random(11434);
    std::array<std::uint8_t, 16> a{};
    // Every pattern of zero and non-zero groups (where "::" goes and which
    // run wins), with small, large and 0xffff groups, and the embedded IPv4
    // forms glibc writes (::a.b.c.d, ::ffff:a.b.c.d).
    std::size_t compared = 0;
    for (unsigned zeros = 0; zeros < 256; ++zeros)
        for (unsigned value : {1u, 0xffffu, 0x0a0bu, 0u}) {
            for (std::size_t g = 0; g < 8; ++g) {
                unsigned w = (zeros >> g) & 1 ? 0 : (value ? value : random() & 0xffff);
                a[2 * g] = static_cast<std::uint8_t>(w >> 8);
                a[2 * g + 1] = static_cast<std::uint8_t>(w);
            }
            CHECK(format_ipv6(a) == ntop(AF_INET6, a.data()));
            ++compared;
        }
    for (int i = 0; i < 20000; ++i) {
        for (auto& byte : a)
            byte = static_cast<std::uint8_t>(random() % 3 == 0 ? 0 : random());
        if (i % 4 == 0) // the mapped and compatible prefixes
            a = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, static_cast<std::uint8_t>(i % 8 ? 0xff : 0),
                 static_cast<std::uint8_t>(i % 8 ? 0xff : 0), a[12], a[13], a[14], a[15]};
        REQUIRE(format_ipv6(a) == ntop(AF_INET6, a.data()));
        std::array<std::uint8_t, 4> v4{a[12], a[13], a[14], a[15]};
        REQUIRE(format_ipv4(v4) == ntop(AF_INET, v4.data()));
        ++compared;
    }
    CHECK(compared == 1024 + 20000);
    CHECK(format_ipv6(std::array<std::uint8_t, 16>{}) == "::");
    CHECK(format_ipv4(std::array<std::uint8_t, 4>{255, 255, 255, 255}) == "255.255.255.255");
}

TEST_CASE("IpAddress: bytes from inet_pton's text, and back as inet_ntop writes it", "[net]") {
    for (const char* t : {"0.0.0.0", "127.0.0.1", "192.0.2.1", "255.255.255.255", "::", "::1",
                          "2001:db8::1", "fe80::1", "::ffff:192.0.2.1", "2001:db8:0:1:2:3:4:5"}) {
        INFO(t);
        auto a = parse_ip(t);
        REQUIRE(a);
        CHECK(a->version == (std::string_view(t).find(':') == std::string_view::npos ? 4 : 6));
        CHECK(a->text() == t);
    }
    auto v4 = parse_ip("192.0.2.1");
    CHECK(v4->bytes == std::array<std::uint8_t, 16>{192, 0, 2, 1});
    CHECK(parse_ip("2001:db8:0::1") == parse_ip("2001:db8::1")); // one address, two spellings
    CHECK(parse_ip("2001:DB8::1")->text() == "2001:db8::1");
    CHECK(parse_ip("192.0.2.1") != parse_ip("::ffff:192.0.2.1"));
    for (const char* bad : {"", "localhost", "192.0.2", "192.0.2.1/24", "fe80::1%eth0", "[::1]",
                            "1.2.3.256", "::g", "0000:0000:0000:0000:0000:0000:0000:0000:0"})
        CHECK_FALSE(parse_ip(bad));
    CHECK(IpAddress{}.text().empty());
}
