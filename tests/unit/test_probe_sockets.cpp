#include "catch.hpp"
#include "ip_address.hpp"
#include "listen_socket.hpp"
#include "ollama-netcfg/probe/http.hpp"
#include "ollama-netcfg/probe/sockets.hpp"

#include <arpa/inet.h>

using namespace netcfg::probe;

namespace {
ListenSocket sock(const std::string& address, bool v6only = false) {
    return netcfg::testing::listen_socket(address, v6only);
}
} // namespace

TEST_CASE("a socket shows as ss shows it and says what it covers", "[probe][sockets]") {
    CHECK(sock("::").endpoint() == "*:11434");
    CHECK(sock("::").covers() == "every IPv4 and IPv6 address");
    CHECK(sock("::", true).endpoint() == "[::]:11434");
    CHECK(sock("::", true).covers() == "every IPv6 address, no IPv4 (IPV6_V6ONLY)");
    CHECK(sock("0.0.0.0").endpoint() == "0.0.0.0:11434");
    CHECK(sock("0.0.0.0").covers() == "every IPv4 address, no IPv6");
    CHECK(sock("127.0.0.1").endpoint() == "127.0.0.1:11434");
    CHECK(sock("127.0.0.1").covers() == "127.0.0.1 only");
    CHECK(sock("::1").endpoint() == "[::1]:11434");
    CHECK(sock("fe80::1").endpoint() == "[fe80::1]:11434");
}

TEST_CASE("accepts: which local addresses a socket takes connections on", "[probe][sockets]") {
    const auto dual = sock("::");
    for (const char* a : {"127.0.0.1", "192.0.2.1", "::1", "2001:db8::1", "fe80::1"})
        CHECK(dual.accepts(a));
    CHECK(dual.accepts_family(4));
    CHECK(dual.accepts_family(6));
    const auto v6 = sock("::", true);
    CHECK_FALSE(v6.accepts("192.0.2.1"));
    CHECK(v6.accepts("2001:db8::1"));
    CHECK_FALSE(v6.accepts_family(4));
    const auto v4 = sock("0.0.0.0");
    CHECK(v4.accepts("192.0.2.1"));
    CHECK_FALSE(v4.accepts("::1"));
    CHECK_FALSE(v4.accepts_family(6));
    const auto one = sock("192.0.2.1");
    CHECK(one.accepts("192.0.2.1"));
    CHECK_FALSE(one.accepts("192.0.2.2"));
    CHECK_FALSE(sock("::1").accepts("127.0.0.1"));
    CHECK(sock("::ffff:192.0.2.1").accepts("192.0.2.1")); // an IPv4-mapped bind
    CHECK_FALSE(sock("::ffff:192.0.2.1", true).accepts("192.0.2.1"));
}

TEST_CASE("accepts: an address as the kernel lists it, as its text", "[probe][sockets]") {
    // covered() asks with the kernel's bytes; every pair answers as the text does.
    const char* sockets[] = {"::", "0.0.0.0", "127.0.0.1", "::1", "192.0.2.1",
                             "2001:db8::1", "::ffff:192.0.2.1", "fe80::1"};
    const char* locals[] = {"127.0.0.1", "192.0.2.1", "192.0.2.2", "::1", "2001:db8::1",
                            "2001:db8::2", "fe80::1", "::ffff:192.0.2.1", "0.0.0.0", "::"};
    int compared = 0;
    for (const char* s : sockets)
        for (bool v6only : {false, true})
            for (const char* l : locals) {
                const auto socket = sock(s, v6only);
                INFO(s << (v6only ? " v6only" : "") << " <- " << l);
                CHECK(socket.accepts(netcfg::testing::ip(l)) == socket.accepts(std::string(l)));
                ++compared;
            }
    CHECK(compared == 8 * 2 * 10);
    CHECK(sock("::ffff:192.0.2.1").accepts(netcfg::testing::ip("192.0.2.1")));
    CHECK_FALSE(sock("::ffff:192.0.2.1").accepts(netcfg::testing::ip("192.0.2.2")));
    CHECK_FALSE(sock("192.0.2.1").accepts(netcfg::net::IpAddress{})); // none
}

TEST_CASE("listener_covers: a socket Ollama opens for its listen host", "[probe][sockets]") {
    for (const char* want : {"", "0.0.0.0", "::"}) {
        CHECK(listener_covers(sock("::"), want, {}));
        CHECK(listener_covers(sock("::", true), want, {}));
        CHECK(listener_covers(sock("0.0.0.0"), want, {}));
        CHECK_FALSE(listener_covers(sock("127.0.0.1"), want, {}));
    }
    CHECK(listener_covers(sock("127.0.0.1"), "127.0.0.1", {}));
    CHECK_FALSE(listener_covers(sock("0.0.0.0"), "127.0.0.1", {}));
    CHECK_FALSE(listener_covers(sock("::"), "192.0.2.1", {}));
    CHECK(listener_covers(sock("::1"), "localhost", {"::1", "127.0.0.1"}));
    CHECK_FALSE(listener_covers(sock("10.0.0.1"), "localhost", {"::1", "127.0.0.1"}));
}

TEST_CASE("parse_version reads Ollama's /api/version answer", "[probe][http]") {
    CHECK(parse_version(R"({"version":"0.12.6"})") == "0.12.6");
    CHECK_FALSE(parse_version("Ollama is running"));
    CHECK_FALSE(parse_version(R"({"version":12})"));
    CHECK_FALSE(parse_version(""));
}
