#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/report/proxy_config.hpp"

#include <catch2/catch.hpp>

using namespace netcfg;

namespace {
std::vector<reach::Interface> host() {
    return {{"lo", "127.0.0.1", 4, true, false, false},
            {"lo", "::1", 6, true, false, false},
            {"eth0", "192.168.1.10", 4, false, false, false},
            {"eth0", "2001:db8::10", 6, false, false, false},
            {"eth0", "fe80::1", 6, false, true, false},
            {"docker0", "172.17.0.1", 4, false, false, true}};
}
std::vector<std::string> names(const std::vector<reach::Interface>& v) {
    std::vector<std::string> out;
    for (const auto& i : v)
        out.push_back(i.address);
    return out;
}
ollama::HostSetting at(const char* a) {
    return *ollama::parse_expose_address(a);
}
} // namespace

TEST_CASE("covered: which of the host's addresses a listener accepts", "[reach]") {
    CHECK(names(reach::covered(at("0.0.0.0"), host(), false)) ==
          std::vector<std::string>{"127.0.0.1", "192.168.1.10", "172.17.0.1"});
    CHECK(names(reach::covered(at("[::]"), host(), false)).size() == 6);
    CHECK(names(reach::covered(at("[::]"), host(), true)) ==
          std::vector<std::string>{"::1", "2001:db8::10", "fe80::1"});
    CHECK(names(reach::covered(at(":11434"), host(), false)).size() == 6);
    CHECK(names(reach::covered(at("192.168.1.10"), host(), false)) ==
          std::vector<std::string>{"192.168.1.10"});
    CHECK(reach::covered(at("127.0.0.1"), host(), false).size() == 1);
}

TEST_CASE("is_container_bridge knows the runtimes' names", "[reach]") {
    for (const char* n : {"docker0", "br-1a2b3c", "podman0", "cni-podman0", "lxcbr0", "virbr0"})
        CHECK(reach::is_container_bridge(n));
    for (const char* n : {"eth0", "enp3s0", "wlan0", "bond0"})
        CHECK_FALSE(reach::is_container_bridge(n));
}

TEST_CASE("proxy configs send a local Host, stream, and wait long", "[reach]") {
    report::ProxyConfigOptions o{"ollama.example.org", "/c.pem", "/k.pem"};
    auto nginx = report::nginx_config(at("127.0.0.1"), o);
    CHECK_THAT(nginx, Catch::Contains("proxy_pass http://127.0.0.1:11434;") &&
                          Catch::Contains("proxy_set_header Host localhost:11434;") &&
                          Catch::Contains("proxy_buffering off;") &&
                          Catch::Contains("proxy_read_timeout 3600s;") &&
                          Catch::Contains("listen 443 ssl;") &&
                          Catch::Contains("ssl_certificate /c.pem;"));
    auto plain = report::nginx_config(at("[::]:8080"), {"n", "", ""});
    CHECK_THAT(plain, Catch::Contains("listen 80;") && Catch::Contains("proxy_pass "
                                                                       "http://[::1]:8080;"));
    auto caddy = report::caddy_config(at("0.0.0.0"), o);
    CHECK_THAT(caddy, Catch::Contains("reverse_proxy 127.0.0.1:11434") &&
                          Catch::Contains("header_up Host localhost:11434") &&
                          Catch::Contains("flush_interval -1") &&
                          Catch::Contains("tls /c.pem /k.pem"));
}
