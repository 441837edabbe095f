// The reach view expose prints after its proof (report/reach_view).
#include "catch.hpp"
#include "ip_address.hpp"
#include "ollama-netcfg/report/reach_view.hpp"

using namespace netcfg;

namespace {

reach::AddressProbe address(std::string iface, std::string addr, int family, bool ok,
                            std::string detail, bool tentative = false,
                            std::optional<std::size_t> represented_by = std::nullopt) {
    reach::AddressProbe a;
    a.interface = std::move(iface);
    a.address = testing::ip(addr);
    a.family = family;
    a.port = 11434;
    a.ok = ok;
    a.detail = std::move(detail);
    a.tentative = tentative;
    a.represented_by = represented_by;
    return a;
}

} // namespace

TEST_CASE("expose's reach lines: addresses, bridges and the firewall per IP version",
          "[report][reach]") {
    std::vector<reach::AddressProbe> addresses{
        address("eth0", "192.0.2.1", 4, true, "HTTP 200, version 0.12.6"),
        address("eth0", "192.0.2.2", 4, false, "", false, 0),
        address("eth0", "2001:db8::1", 6, false, "connection refused"),
        address("eth1", "2001:db8:1::1", 6, false, "", true)};
    reach::Bridge open{
        "docker0", "172.17.0.1", "172.17.0.0/16", "172.17.0.1", true, std::nullopt, {}, {}};
    open.firewall = firewall::Verdict{"ufw", firewall::Decision::accept, "rule 1", {}};
    reach::Bridge shut = open;
    shut.interface = "br-1";
    shut.firewall = firewall::Verdict{"ufw", firewall::Decision::drop, "default deny", {}};
    reach::Bridge away{"br-2", "172.18.0.1", "172.18.0.0/16", "172.18.0.1", false, std::nullopt, {},
                       {}};
    reach::Firewall fw;
    fw.families = {{4, {"ufw", firewall::Decision::drop, "default deny", {}}, {}},
                   {6, {"ufw", firewall::Decision::undecided, "an iifname match", {}}, {}}};
    const auto lines =
        report::change_reach_lines(addresses, {open, shut, away}, fw, "192.0.2.0/24", 11434);
    CHECK(lines == std::vector<std::string>{
                       "ok   address   http://192.0.2.1:11434/api/version (eth0, IPv4): HTTP 200, "
                       "version 0.12.6",
                       "FAIL address   http://[2001:db8::1]:11434/api/version (eth0, IPv6): "
                       "connection refused",
                       "--   address   http://[2001:db8:1::1]:11434/api/version (eth1, IPv6): not "
                       "asked (tentative: IPv6 duplicate address detection has not finished)",
                       "--   address   and 1 more IPv4 address on eth0, on the same socket as "
                       "192.0.2.1: not asked",
                       "ok   container containers on docker0 reach it at http://172.17.0.1:11434 "
                       "(ufw: rule 1)",
                       "FAIL container containers on br-1 cannot reach http://172.17.0.1:11434 "
                       "(ufw: default deny)",
                       "--   container containers on br-2 cannot reach it (it does not listen on "
                       "172.18.0.1)",
                       "FAIL firewall  IPv4: ufw: new connections from 192.0.2.0/24 to port 11434 "
                       "dropped (default deny)",
                       "??   firewall  IPv6: ufw: new connections from 192.0.2.0/24 to port 11434 "
                       "undecided (an iifname match)"});
    // Not judged: no firewall line; not readable: one line saying why.
    CHECK(report::change_reach_lines({}, {}, std::nullopt, "", 11434).empty());
    reach::Firewall unseen;
    unseen.visible = false;
    unseen.why_not = "ufw status needs root";
    CHECK(report::change_reach_lines({}, {}, unseen, "", 11434) ==
          std::vector<std::string>{"--   firewall  not inspected: ufw status needs root"});
}
