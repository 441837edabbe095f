#include "catch.hpp"
#include "ollama-netcfg/net/address.hpp"

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
