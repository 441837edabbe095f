#include "ip_address.hpp"
#include "listen_socket.hpp"
#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/reach/scope.hpp"
#include "ollama-netcfg/report/proxy_config.hpp"

#include "catch.hpp"
#include <fmt/format.h>
#include <sys/socket.h>

using namespace netcfg;

namespace {
std::vector<reach::Interface> host() {
    return {{"lo", testing::ip("127.0.0.1"), 4, true, false, false},
            {"lo", testing::ip("::1"), 6, true, false, false},
            {"eth0", testing::ip("192.168.1.10"), 4, false, false, false},
            {"eth0", testing::ip("2001:db8::10"), 6, false, false, false},
            {"eth0", testing::ip("fe80::1"), 6, false, true, false},
            {"docker0", testing::ip("172.17.0.1"), 4, false, false, true}};
}
std::vector<std::string> names(const std::vector<reach::Interface>& v) {
    std::vector<std::string> out;
    for (const auto& i : v)
        out.push_back(i.address.text());
    return out;
}
ollama::HostSetting at(const char* a) {
    return *ollama::parse_expose_address(a);
}
} // namespace

namespace {
probe::ListenSocket sock(const std::string& address, bool v6only = false) {
    return testing::listen_socket(address, v6only);
}
using Sockets = std::vector<probe::ListenSocket>;
} // namespace

TEST_CASE("covered: which of the host's addresses the listener's socket accepts", "[reach]") {
    // Go's socket for 0.0.0.0, [::] and :11434: dual-stack, every address.
    CHECK(names(reach::covered(Sockets{sock("::")}, host())).size() == 6);
    CHECK(names(reach::covered(Sockets{sock("::", true)}, host())) ==
          std::vector<std::string>{"::1", "2001:db8::10", "fe80::1"});
    CHECK(names(reach::covered(Sockets{sock("0.0.0.0")}, host())) ==
          std::vector<std::string>{"127.0.0.1", "192.168.1.10", "172.17.0.1"});
    CHECK(names(reach::covered(Sockets{sock("192.168.1.10")}, host())) ==
          std::vector<std::string>{"192.168.1.10"});
    CHECK(names(reach::covered(Sockets{sock("127.0.0.1")}, host())) ==
          std::vector<std::string>{"127.0.0.1"});
    CHECK(names(reach::covered(Sockets{sock("127.0.0.1"), sock("::1")}, host())) ==
          std::vector<std::string>{"127.0.0.1", "::1"});
    CHECK(reach::covered(Sockets{}, host()).empty());
}

TEST_CASE("covered_families: the IP versions a listener accepts", "[reach]") {
    CHECK(reach::covered_families(Sockets{sock("::")}) == std::vector<int>{4, 6});
    CHECK(reach::covered_families(Sockets{sock("::", true)}) == std::vector<int>{6});
    CHECK(reach::covered_families(Sockets{sock("0.0.0.0")}) == std::vector<int>{4});
    CHECK(reach::covered_families(Sockets{sock("0.0.0.0"), sock("::", true)}) ==
          std::vector<int>{4, 6});
    CHECK(reach::covered_families(Sockets{sock("2001:db8::1")}) == std::vector<int>{6});
    CHECK(reach::covered_families(Sockets{}).empty());
}

namespace {
reach::FamilyVerdict fv(int family, firewall::Decision d, std::string reason = "r") {
    return {family, {"nftables", d, std::move(reason), "inet filter input"}, {}};
}
} // namespace

TEST_CASE("summarize: one decision for both IP versions", "[reach]") {
    using firewall::Decision;
    CHECK(reach::summarize({}).decision == Decision::undecided);
    CHECK(reach::summarize({fv(4, Decision::drop, "x")}).reason == "x");
    CHECK(reach::summarize({fv(4, Decision::accept), fv(6, Decision::accept)}).decision ==
          Decision::accept);
    CHECK(reach::summarize({fv(4, Decision::drop), fv(6, Decision::drop)}).decision ==
          Decision::drop);
    CHECK(reach::summarize({fv(4, Decision::drop), fv(6, Decision::reject)}).decision ==
          Decision::drop);
    auto partial =
        reach::summarize({fv(4, Decision::drop, "rule 3"), fv(6, Decision::accept, "none")});
    CHECK(partial.decision == Decision::partial);
    CHECK(partial.reason == "IPv4: rule 3; IPv6: none");
    CHECK(reach::summarize({fv(4, Decision::accept), fv(6, Decision::undecided)}).decision ==
          Decision::undecided);
    CHECK(reach::summarize({fv(4, Decision::reject), fv(6, Decision::accept)}).decision ==
          Decision::partial);
    CHECK(firewall::decision_name(Decision::partial) == "partial");
}

TEST_CASE("who_can_connect: one line for the admin", "[reach]") {
    using firewall::Decision;
    CHECK(reach::who_can_connect({}, nullptr, "") == "no one: nothing serves the wanted address");
    CHECK(reach::who_can_connect({4}, nullptr, "") == "this host only (a loopback listener)");
    reach::Firewall fw;
    fw.families = {fv(4, Decision::accept), fv(6, Decision::accept)};
    CHECK_THAT(reach::who_can_connect({4, 6}, &fw, ""),
               Catch::StartsWith("any IPv4 and IPv6 host; Ollama does not authenticate"));
    fw.families = {fv(4, Decision::drop), fv(6, Decision::accept)};
    CHECK_THAT(reach::who_can_connect({4, 6}, &fw, ""),
               Catch::StartsWith("no other IPv4 host (nftables drops it), any IPv6 host;"));
    fw.families = {fv(4, Decision::undecided)};
    CHECK_THAT(reach::who_can_connect({4}, &fw, ""),
               Catch::StartsWith("IPv4 hosts: undecided (nftables rules)"));
    fw.families.clear(); // --from names a version the listener does not accept
    fw.others = {fv(4, Decision::accept)};
    CHECK_THAT(reach::who_can_connect({4}, &fw, "2001:db8::/64"),
               Catch::StartsWith("no host in 2001:db8::/64: the listener does not accept its IP "
                                 "version, any IPv4 host;"));
}

TEST_CASE("who_can_connect with --from judges every source, not only --from's", "[reach]") {
    using firewall::Decision;
    reach::Firewall fw;
    // No firewall: --from restricts nothing, on either version.
    fw.families = {fv(4, Decision::accept)};
    fw.others = {fv(4, Decision::accept, "no input chain"), fv(6, Decision::accept)};
    CHECK_THAT(reach::who_can_connect({4, 6}, &fw, "10.9.0.0/16"),
               Catch::StartsWith("any IPv4 and IPv6 host;"));
    // The restriction is real for IPv4; IPv6 is open to everyone.
    fw.others = {fv(4, Decision::drop), fv(6, Decision::accept)};
    CHECK_THAT(reach::who_can_connect({4, 6}, &fw, "10.9.0.0/16"),
               Catch::StartsWith("IPv4 hosts in 10.9.0.0/16 (nftables drops other IPv4 hosts), "
                                 "any IPv6 host; Ollama does not authenticate"));
    // Restricted on both.
    fw.others = {fv(4, Decision::reject), fv(6, Decision::drop)};
    CHECK_THAT(reach::who_can_connect({4, 6}, &fw, "10.9.0.0/16"),
               Catch::StartsWith("IPv4 hosts in 10.9.0.0/16 (nftables rejects other IPv4 hosts), "
                                 "no other IPv6 host (nftables drops it);"));
    // --from let in, but every other source too.
    fw.others = {fv(4, Decision::accept), fv(6, Decision::drop)};
    CHECK_THAT(reach::who_can_connect({4, 6}, &fw, "10.9.0.0/16"),
               Catch::StartsWith("any IPv4 host, not only 10.9.0.0/16 (nftables accepts every "
                                 "source), no other IPv6 host"));
    // --from not let in yet.
    fw.families = {fv(4, Decision::drop)};
    fw.others = {fv(4, Decision::drop), fv(6, Decision::drop)};
    CHECK_THAT(reach::who_can_connect({4, 6}, &fw, "10.9.0.0/16"),
               Catch::StartsWith("no IPv4 host in 10.9.0.0/16 (nftables drops it; nftables drops "
                                 "other IPv4 hosts), no other IPv6 host"));
    // Rules for other sources that cannot be told apart.
    fw.families = {fv(6, Decision::accept)};
    fw.others = {fv(4, Decision::accept), fv(6, Decision::undecided)};
    CHECK_THAT(reach::who_can_connect({4, 6}, &fw, "2001:db8::/64"),
               Catch::StartsWith("any IPv4 host, IPv6 hosts in 2001:db8::/64 (other IPv6 hosts: "
                                 "undecided (nftables rules))"));
    fw.families = {fv(6, Decision::undecided)};
    CHECK_THAT(reach::who_can_connect({6}, &fw, "2001:db8::/64"),
               Catch::Contains("IPv6 hosts in 2001:db8::/64: undecided (nftables rules; "));
    fw.visible = false;
    fw.why_not = "ufw status needs root";
    CHECK_THAT(reach::who_can_connect({4, 6}, &fw, ""), Catch::Contains("ufw status needs root"));
}

TEST_CASE("client_export: what the local ollama command needs", "[reach]") {
    CHECK(reach::client_export(at("0.0.0.0"), Sockets{sock("::")}).empty());
    CHECK(reach::client_export(at("127.0.0.1"), Sockets{sock("127.0.0.1")}).empty());
    CHECK(reach::client_export(at("0.0.0.0:11435"), Sockets{sock("::")}) ==
          "export OLLAMA_HOST=127.0.0.1:11435");
    CHECK(reach::client_export(at("192.168.1.10"), Sockets{sock("192.168.1.10")}) ==
          "export OLLAMA_HOST=192.168.1.10:11434");
    CHECK(reach::client_export(at("[::1]"), Sockets{sock("::1")}) ==
          "export OLLAMA_HOST=[::1]:11434");
    // [::] with IPV6_V6ONLY does not take 127.0.0.1.
    CHECK(reach::client_export(at("[::]"), Sockets{sock("::", true)}) ==
          "export OLLAMA_HOST=[::1]:11434");
}

TEST_CASE("address_scope follows IANA's special-purpose registries", "[reach][scope]") {
    struct Row {
        const char* address;
        bool global;
        const char* kind;
    };
    const Row rows[] = {
        {"8.8.8.8", true, "global"},
        {"1.1.1.1", true, "global"},
        {"0.0.0.0", false, "\"this network\""},
        {"0.255.255.255", false, "\"this network\""},
        {"9.255.255.255", true, "global"},
        {"10.0.0.0", false, "private (RFC 1918)"},
        {"10.255.255.255", false, "private (RFC 1918)"},
        {"11.0.0.0", true, "global"},
        {"100.63.255.255", true, "global"},
        {"100.64.0.0", false, "shared address space (carrier-grade NAT, RFC 6598)"},
        {"100.127.255.255", false, "shared address space (carrier-grade NAT, RFC 6598)"},
        {"100.128.0.0", true, "global"},
        {"127.0.0.1", false, "loopback"},
        {"127.255.255.254", false, "loopback"},
        {"169.254.1.1", false, "link-local"},
        {"169.255.0.1", true, "global"},
        {"172.15.255.255", true, "global"},
        {"172.16.0.1", false, "private (RFC 1918)"},
        {"172.31.255.255", false, "private (RFC 1918)"},
        {"172.32.0.0", true, "global"},
        {"192.0.0.1", false, "IETF protocol assignments"},
        {"192.0.0.9", true, "global"},
        {"192.0.0.10", true, "global"},
        {"192.0.2.1", false, "documentation (TEST-NET-1)"},
        {"192.0.3.1", true, "global"},
        {"192.31.196.1", true, "global"},
        {"192.88.99.1", false, "deprecated 6to4 relay anycast"},
        {"192.167.255.255", true, "global"},
        {"192.168.1.10", false, "private (RFC 1918)"},
        {"192.169.0.0", true, "global"},
        {"198.17.255.255", true, "global"},
        {"198.18.0.1", false, "benchmarking"},
        {"198.19.255.255", false, "benchmarking"},
        {"198.20.0.0", true, "global"},
        {"198.51.100.7", false, "documentation (TEST-NET-2)"},
        {"203.0.113.9", false, "documentation (TEST-NET-3)"},
        {"203.0.114.0", true, "global"},
        {"223.255.255.255", true, "global"},
        {"224.0.0.1", false, "multicast"},
        {"239.255.255.255", false, "multicast"},
        {"240.0.0.1", false, "reserved"},
        {"255.255.255.254", false, "reserved"},
        {"255.255.255.255", false, "broadcast"},
        {"2606:4700::1111", true, "global"},
        {"2a00:1450::1", true, "global"},
        {"::", false, "unspecified"},
        {"::1", false, "loopback"},
        {"::2", false, "IPv4-compatible (deprecated)"},
        {"::ffff:8.8.8.8", false, "IPv4-mapped"},
        {"64:ff9b::8.8.8.8", true, "global"}, // the well-known NAT64 prefix is global
        {"64:ff9b:1::1", false, "local-use IPv4/IPv6 translation"},
        {"100::1", false, "discard-only"},
        {"100:0:0:1::1", true, "global"},
        {"2001::1", false, "IETF protocol assignments"},
        {"2001:1::1", true, "global"},
        {"2001:1::2", true, "global"},
        {"2001:1::3", false, "IETF protocol assignments"},
        {"2001:3::1", true, "global"},
        {"2001:1ff::1", false, "IETF protocol assignments"},
        {"2001:200::1", true, "global"},
        {"2001:db8::1", false, "documentation"},
        {"2001:db9::1", true, "global"},
        {"2002::1", false, "6to4"},
        {"3fff::1", false, "documentation"},
        {"3fff:1000::1", true, "global"},
        {"5f00::1", false, "segment routing (SRv6) SIDs"},
        {"fbff::1", true, "global"},
        {"fc00::1", false, "unique local (ULA)"},
        {"fd12:3456::1", false, "unique local (ULA)"},
        {"fe80::1", false, "link-local"},
        {"febf::1", false, "link-local"},
        {"fec0::1", false, "site-local (deprecated)"},
        {"ff02::1", false, "multicast"},
        {"not-an-ip", false, "not an address"},
        {"", false, "not an address"},
    };
    for (const auto& r : rows) {
        INFO(r.address);
        auto s = reach::address_scope(r.address);
        CHECK(s.global == r.global);
        CHECK(s.kind == r.kind);
    }
}

TEST_CASE("is_container_bridge knows the runtimes' names", "[reach]") {
    for (const char* n : {"docker0", "br-1a2b3c", "podman0", "cni-podman0", "lxcbr0", "virbr0"})
        CHECK(reach::is_container_bridge(n));
    for (const char* n : {"eth0", "enp3s0", "wlan0", "bond0"})
        CHECK_FALSE(reach::is_container_bridge(n));
}

TEST_CASE("proxy configs send a local Host, stream, and wait long", "[reach]") {
    report::ProxyConfigOptions o{"ollama.example.org", "/c.pem", "/k.pem", {}, {}, {}};
    auto nginx = report::nginx_config(at("127.0.0.1"), o);
    CHECK_THAT(nginx, Catch::Contains("proxy_pass http://127.0.0.1:11434;") &&
                          Catch::Contains("proxy_set_header Host localhost:11434;") &&
                          Catch::Contains("proxy_buffering off;") &&
                          Catch::Contains("proxy_read_timeout 3600s;") &&
                          Catch::Contains("listen 443 ssl;") &&
                          Catch::Contains("ssl_certificate /c.pem;"));
    auto plain = report::nginx_config(at("[::]:8080"), {"n", "", "", {}, {}, {}});
    CHECK_THAT(plain, Catch::Contains("listen 80;") && Catch::Contains("proxy_pass "
                                                                       "http://[::1]:8080;"));
    auto caddy = report::caddy_config(at("0.0.0.0"), o);
    CHECK_THAT(caddy, Catch::Contains("reverse_proxy 127.0.0.1:11434") &&
                          Catch::Contains("header_up Host localhost:11434") &&
                          Catch::Contains("flush_interval -1") &&
                          Catch::Contains("tls /c.pem /k.pem"));
}

TEST_CASE("representatives: one address per interface and IP version is asked", "[reach]") {
    using I = reach::Interface;
    using testing::ip;
    std::vector<I> covered{
        {"lo", ip("127.0.0.1"), 4, true, false, false},          // 0 loopback: never
        {"eth0", ip("fe80::1"), 6, false, true, false},          // 1 link-local: last resort
        {"eth0", ip("192.168.1.10"), 4, false, false, false},    // 2 first IPv4 of eth0
        {"eth0", ip("192.168.1.11"), 4, false, false, false},    // 3
        {"eth0", ip("2001:db8::10"), 6, false, false, false},    // 4 first global IPv6 of eth0
        {"eth0", ip("2001:db8::11"), 6, false, false, false},    // 5
        {"eth1", ip("fd00::1"), 6, false, false, false, true},   // 6 tentative: not asked
        {"eth1", ip("fe80::2"), 6, false, true, false},          // 7 eth1 has only this one
        {"eth2", ip("fd00:2::1"), 6, false, false, false, true}, // 8 only tentative: nothing
    };
    CHECK(reach::representatives(covered) == std::vector<std::size_t>{2, 4, 7});
    CHECK(reach::representatives({}).empty());
    // Hundreds of addresses cost one request per interface and version.
    std::vector<I> many;
    for (int i = 0; i < 1000; ++i)
        many.push_back({"kube-ipvs0",
                        testing::ip(fmt::format("10.96.{}.{}", i / 250, i % 250 + 1)), 4, false,
                        false, false});
    CHECK(reach::representatives(many) == std::vector<std::size_t>{0});
}

TEST_CASE("not_asked counts the addresses each asked one stands for", "[reach]") {
    auto probe = [](const char* iface, const char* addr, int family,
                    std::optional<std::size_t> by) {
        reach::AddressProbe p;
        p.interface = iface;
        p.address = testing::ip(addr);
        p.family = family;
        p.port = 11434;
        p.represented_by = by;
        return p;
    };
    std::vector<reach::AddressProbe> probes{
        probe("eth0", "10.0.0.1", 4, std::nullopt),
        probe("eth0", "10.0.0.2", 4, 0),
        probe("eth0", "10.0.0.3", 4, 0),
        probe("eth0", "fd00::1", 6, std::nullopt),
        probe("eth1", "10.1.0.1", 4, std::nullopt),
    };
    auto n = reach::not_asked(probes);
    REQUIRE(n.size() == 1);
    CHECK(n[0].interface == "eth0");
    CHECK(n[0].family == 4);
    CHECK(n[0].count == 2);
    CHECK(n[0].asked == "10.0.0.1");
    // The words each report uses for them, from the one asked.
    CHECK(reach::skipped_text(probes[1], probes) ==
          "not asked: the same socket serves 10.0.0.1, which was");
    CHECK(reach::detail_text(probes[2], probes) ==
          "not asked (not asked: the same socket serves 10.0.0.1, which was)");
    CHECK(reach::represented_by_url(probes[2], probes) == "http://10.0.0.1:11434/api/version");
    CHECK(reach::skipped_text(probes[0], probes).empty());
    CHECK(reach::represented_by_url(probes[0], probes).empty());
    probes[3].tentative = true;
    CHECK(reach::detail_text(probes[3], probes) ==
          "not asked (tentative: IPv6 duplicate address detection has not finished)");
}

TEST_CASE("a container's address on a bridge, and whether it can connect", "[reach][containers]") {
    reach::Bridge b;
    b.interface = "docker0";
    b.address = "172.17.0.1";
    b.subnet = "172.17.0.0/16";
    CHECK(reach::container_address(b) == "172.17.0.2");
    b.address = "10.0.0.255";
    b.subnet = "10.0.0.0/24"; // the next address is outside: the bridge's own stands in
    CHECK(reach::container_address(b) == "10.0.0.255");
    b.subnet.clear();
    CHECK(reach::container_address(b) == "10.0.1.0");
    CHECK_FALSE(b.can_connect()); // the listener does not cover it
    b.reachable = true;
    CHECK(b.can_connect()); // not judged (loopback listener or not visible): the listener decides
    b.firewall = firewall::Verdict{"ufw", firewall::Decision::drop, "ufw default incoming policy deny", {}};
    CHECK_FALSE(b.can_connect());
    b.firewall->decision = firewall::Decision::accept;
    CHECK(b.can_connect());
}

TEST_CASE("an address's URL is written as curl takes it, the zone only for link-local",
          "[reach]") {
    reach::AddressProbe p;
    p.interface = "eth0";
    p.port = 11434;
    p.address = testing::ip("192.0.2.1");
    CHECK(p.url() == "http://192.0.2.1:11434/api/version");
    p.family = 6;
    p.address = testing::ip("2001:db8::1");
    CHECK(p.url() == "http://[2001:db8::1]:11434/api/version");
    p.address = testing::ip("fe80::1");
    p.link_local = true;
    CHECK(p.url() == "http://[fe80::1%25eth0]:11434/api/version");
    p.port = 1;
    CHECK(p.url() == "http://[fe80::1%25eth0]:1/api/version");
}
