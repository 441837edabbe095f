#include "catch.hpp"
#include "ollama-netcfg/firewall/iptables.hpp"
#include "source_file.hpp"

using namespace netcfg::firewall;

namespace {

// `iptables -S` and `ip6tables -S` of a ufw host (ufw 0.36.2, iptables
// 1.8.9 nf_tables: deny incoming, 22/tcp allowed) with three rules ufw did
// not write: one inserted in front of ufw's jumps, one appended to each
// family's INPUT after them.
std::string fixture(const std::string& name) {
    return source_file("tests/fixtures/iptables/" + name);
}

Packet tcp(int family, std::uint16_t port, std::optional<std::string> from = std::nullopt) {
    return {family, port, std::move(from), std::nullopt, std::nullopt};
}

const Verdict policy_deny{"ufw", Decision::drop, "ufw default incoming policy deny", {}};

} // namespace

TEST_CASE("iptables -S on a ufw host: ufw loaded, and the rules beside its jumps",
          "[firewall][iptables]") {
    const auto v4 = read_iptables_input(fixture("ufw-with-rules-beside.v4"), false);
    CHECK(v4.ufw_loaded);
    REQUIRE(v4.before.size() == 1);
    CHECK(v4.before[0] ==
          "-A INPUT -p tcp -m multiport --dports 22 -m comment --comment \"f2b like\" -j DROP");
    REQUIRE(v4.after.size() == 1);
    CHECK(v4.after[0] == "-A INPUT -p tcp -m tcp --dport 11434 -j ACCEPT");
    const auto v6 = read_iptables_input(fixture("ufw-with-rules-beside.v6"), true);
    CHECK(v6.ufw_loaded);
    CHECK(v6.before.empty());
    REQUIRE(v6.after.size() == 1);
    // ip6tables' text read as iptables': ufw's chains are ufw6-*, not loaded.
    CHECK_FALSE(read_iptables_input(fixture("ufw-with-rules-beside.v6"), false).ufw_loaded);
    CHECK_FALSE(read_iptables_input("-P INPUT ACCEPT\n-P FORWARD ACCEPT\n", false).ufw_loaded);
}

TEST_CASE("a rule beside ufw's is judged for a new TCP connection", "[firewall][iptables]") {
    // Another port, another protocol, an established connection, loopback: no match.
    CHECK_FALSE(evaluate_iptables_rule("-A INPUT -p tcp -m multiport --dports 22,80 -j DROP",
                                       tcp(4, 11434)));
    CHECK_FALSE(evaluate_iptables_rule("-A INPUT -p udp -m udp --dport 11434 -j DROP",
                                       tcp(4, 11434)));
    CHECK_FALSE(evaluate_iptables_rule(
        "-A INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT", tcp(4, 11434)));
    CHECK_FALSE(evaluate_iptables_rule("-A INPUT -i lo -j ACCEPT", tcp(4, 11434)));
    CHECK_FALSE(evaluate_iptables_rule("-A INPUT -p tcp --dport 11434 -j LOG", tcp(4, 11434)));
    // A match that decides.
    auto v = evaluate_iptables_rule("-A INPUT -p tcp -m tcp --dport 11434 -j ACCEPT", tcp(4, 11434));
    REQUIRE(v);
    CHECK(v->decision == Decision::accept);
    CHECK(v->reason == "iptables' INPUT rule `-A INPUT -p tcp -m tcp --dport 11434 -j ACCEPT`, "
                       "which ufw did not write");
    v = evaluate_iptables_rule("-A INPUT -p tcp -m multiport --dports 11000:12000 -j REJECT "
                               "--reject-with tcp-reset",
                               tcp(4, 11434));
    REQUIRE(v);
    CHECK(v->decision == Decision::reject);
    v = evaluate_iptables_rule("-A INPUT ! -p udp -m conntrack --ctstate NEW -j DROP", tcp(4, 1));
    REQUIRE(v);
    CHECK(v->decision == Decision::drop);
    CHECK_FALSE(evaluate_iptables_rule("-A INPUT -p tcp ! --dport 11434 -j DROP", tcp(4, 11434)));
    // The source: known with --from, else unknown, unless the rule's network
    // lies inside the --from a client is known to be outside of.
    const std::string by_source = "-A INPUT -s 192.0.2.0/24 -p tcp -j ACCEPT";
    CHECK(evaluate_iptables_rule(by_source, tcp(4, 11434, "192.0.2.7"))->decision ==
          Decision::accept);
    CHECK_FALSE(evaluate_iptables_rule(by_source, tcp(4, 11434, "198.51.100.7")));
    v = evaluate_iptables_rule(by_source, tcp(4, 11434));
    REQUIRE(v);
    CHECK(v->decision == Decision::undecided);
    CHECK(v->reason.ends_with("would accept it depending on the source address"));
    Packet outside = tcp(4, 11434);
    outside.outside = "192.0.2.0/24";
    CHECK_FALSE(evaluate_iptables_rule(by_source, outside));
    // What this tool does not read, or a chain it does not follow: undecided.
    v = evaluate_iptables_rule("-A INPUT -p tcp -m recent --update --seconds 60 -j DROP",
                               tcp(4, 11434));
    REQUIRE(v);
    CHECK(v->decision == Decision::undecided);
    CHECK(v->reason.ends_with("would drop it depending on iptables' --update"));
    v = evaluate_iptables_rule("-A INPUT -p tcp -j f2b-sshd", tcp(4, 11434));
    REQUIRE(v);
    CHECK(v->decision == Decision::undecided);
    CHECK(v->reason.ends_with("jumps to f2b-sshd, which this tool does not follow"));
    // A container's connection comes in on its bridge.
    Packet container{4, 11434, "172.17.0.2", "docker0", std::nullopt};
    CHECK(evaluate_iptables_rule("-A INPUT -i docker0 -j DROP", container)->decision ==
          Decision::drop);
    CHECK(evaluate_iptables_rule("-A INPUT -i docker+ -j DROP", container)->decision ==
          Decision::drop);
    CHECK_FALSE(evaluate_iptables_rule("-A INPUT -i docker0 -j DROP", tcp(4, 11434)));
    CHECK(evaluate_iptables_rule("-A INPUT -i eth0 -j DROP", tcp(4, 11434))->decision ==
          Decision::undecided);
}

TEST_CASE("rules beside ufw: in front decide first, after only past ufw's deny policy",
          "[firewall][iptables]") {
    const auto v4 = read_iptables_input(fixture("ufw-with-rules-beside.v4"), false);
    // Port 11434: ufw's policy denies it, then the appended ACCEPT lets it in.
    auto v = with_rules_beside_ufw(v4, policy_deny, tcp(4, 11434));
    CHECK(v.decision == Decision::accept);
    CHECK(v.backend == "ufw");
    // An explicit ufw rule ends the packet in ufw's chains.
    const Verdict ufw_rule{"ufw", Decision::drop, "ufw rule `11434/tcp DENY IN Anywhere`", {}};
    CHECK(with_rules_beside_ufw(v4, ufw_rule, tcp(4, 11434)).reason == ufw_rule.reason);
    // Port 22: ufw allows it, but the rule in front drops it first.
    const Verdict ufw_allow{"ufw", Decision::accept, "ufw rule `22/tcp ALLOW IN Anywhere`", {}};
    v = with_rules_beside_ufw(v4, ufw_allow, tcp(4, 22));
    CHECK(v.decision == Decision::drop);
    CHECK(v.reason.find("f2b like") != std::string::npos);
    // Nothing beside matches: ufw's verdict.
    CHECK(with_rules_beside_ufw(v4, policy_deny, tcp(4, 8080)).reason == policy_deny.reason);
    const auto v6 = read_iptables_input(fixture("ufw-with-rules-beside.v6"), true);
    CHECK(with_rules_beside_ufw(v6, policy_deny, tcp(6, 11434, "2001:db8::12")).decision ==
          Decision::accept);
    CHECK(with_rules_beside_ufw(v6, policy_deny, tcp(6, 11434)).decision == Decision::undecided);
}
