#include "ollama-netcfg/probe/http.hpp"
#include "ollama-netcfg/probe/sockets.hpp"

#include <arpa/inet.h>
#include <catch2/catch.hpp>

using namespace netcfg::probe;

TEST_CASE("parse_proc_net_tcp finds LISTEN sockets on the port", "[probe][sockets]") {
    const std::string tcp =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        "timeout inode\n"
        "   0: 00000000:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999  "
        "      0 4242 1 0000000000000000 100 0 0 10 0\n"
        "   1: 0100007F:2CAA 0100007F:D431 01 00000000:00000000 00:00000000 00000000   999  "
        "      0 4243 1 0000000000000000 100 0 0 10 0\n"
        "   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999  "
        "      0 4244 1 0000000000000000 100 0 0 10 0\n";
    auto s = parse_proc_net_tcp(tcp, AF_INET, 11434);
    REQUIRE(s.size() == 1);
    CHECK(s[0].address == "0.0.0.0");
    CHECK(s[0].inode == 4242);
    CHECK(s[0].endpoint() == "0.0.0.0:11434");
    auto other = parse_proc_net_tcp(tcp, AF_INET, 8080);
    REQUIRE(other.size() == 1);
    CHECK(other[0].address == "127.0.0.1");
}

TEST_CASE("parse_proc_net_tcp decodes IPv6 addresses", "[probe][sockets]") {
    const std::string tcp6 =
        "  sl  local_address                         remote_address                        st\n"
        "   0: 00000000000000000000000000000000:2CAA 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000     0        0 77 1 0 100 0 0 10 0\n"
        "   1: 00000000000000000000000001000000:2CAA 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000     0        0 78 1 0 100 0 0 10 0\n";
    auto s = parse_proc_net_tcp(tcp6, AF_INET6, 11434);
    REQUIRE(s.size() == 2);
    CHECK(s[0].address == "::");
    CHECK(s[0].endpoint() == "[::]:11434");
    CHECK(s[1].address == "::1");
}

TEST_CASE("listener_covers matches Ollama's listen host", "[probe][sockets]") {
    CHECK(listener_covers("0.0.0.0", "0.0.0.0", {}, false));
    CHECK(listener_covers("::", "0.0.0.0", {}, false));
    CHECK_FALSE(listener_covers("::", "0.0.0.0", {}, true));
    CHECK(listener_covers("::", "", {}, false));
    CHECK(listener_covers("::", "::", {}, false));
    CHECK_FALSE(listener_covers("0.0.0.0", "::", {}, false));
    CHECK_FALSE(listener_covers("127.0.0.1", "0.0.0.0", {}, false));
    CHECK(listener_covers("127.0.0.1", "127.0.0.1", {}, false));
    CHECK_FALSE(listener_covers("0.0.0.0", "127.0.0.1", {}, false));
    CHECK(listener_covers("::1", "localhost", {"::1", "127.0.0.1"}, false));
    CHECK_FALSE(listener_covers("10.0.0.1", "localhost", {"::1", "127.0.0.1"}, false));
}

TEST_CASE("parse_version reads Ollama's /api/version answer", "[probe][http]") {
    CHECK(parse_version(R"({"version":"0.12.6"})") == "0.12.6");
    CHECK_FALSE(parse_version("Ollama is running"));
    CHECK_FALSE(parse_version(R"({"version":12})"));
    CHECK_FALSE(parse_version(""));
}
