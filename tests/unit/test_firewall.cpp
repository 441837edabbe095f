#include "catch.hpp"
#include "ollama-netcfg/firewall/verdict.hpp"

using namespace netcfg::firewall;
using namespace netcfg::net; // the CIDR and interface-name helpers
using nlohmann::json;

namespace {

// The shape `nft -j list ruleset` prints.
json ruleset(const std::string& policy, std::vector<json> rules, std::vector<json> more = {}) {
    json items = json::array();
    items.push_back({{"metainfo", {{"json_schema_version", 1}}}});
    items.push_back({{"table", {{"family", "inet"}, {"name", "filter"}, {"handle", 1}}}});
    items.push_back({{"chain",
                      {{"family", "inet"},
                       {"table", "filter"},
                       {"name", "input"},
                       {"handle", 1},
                       {"type", "filter"},
                       {"hook", "input"},
                       {"prio", 0},
                       {"policy", policy}}}});
    int handle = 2;
    for (auto& r : rules)
        items.push_back({{"rule",
                          {{"family", "inet"},
                           {"table", "filter"},
                           {"chain", r.value("chain", "input")},
                           {"handle", handle++},
                           {"expr", r["expr"]}}}});
    for (auto& m : more)
        items.push_back(m);
    return {{"nftables", items}};
}

json match(json left, json right, const std::string& op = "==") {
    return {{"match", {{"op", op}, {"left", left}, {"right", right}}}};
}
json dport() {
    return {{"payload", {{"protocol", "tcp"}, {"field", "dport"}}}};
}
json saddr() {
    return {{"payload", {{"protocol", "ip"}, {"field", "saddr"}}}};
}
json meta(const char* k) {
    return {{"meta", {{"key", k}}}};
}
json ct_state() {
    return {{"ct", {{"key", "state"}}}};
}
json verdict(const char* v) {
    return {{v, nullptr}};
}
json rule(std::vector<json> expr) {
    return {{"expr", expr}};
}

const json common_head[] = {
    rule({match(meta("iifname"), "lo"), verdict("accept")}),
    rule({match(ct_state(), json::array({"established", "related"}), "in"), verdict("accept")}),
};

Packet from(std::optional<std::string> src, std::uint16_t port = 11434) {
    return Packet{4, port, std::move(src), std::nullopt, {}};
}

} // namespace

TEST_CASE("nft: policy decides when no rule matches", "[firewall]") {
    auto v = evaluate_nft(ruleset("drop", {common_head[0], common_head[1],
                                           rule({match(dport(), 22), verdict("accept")})}),
                          from(std::nullopt));
    CHECK(v.decision == Decision::drop);
    CHECK(v.reason == "policy drop of chain inet filter input");
    CHECK(v.chain == "inet filter input");
    CHECK(evaluate_nft(ruleset("accept", {}), from(std::nullopt)).decision == Decision::accept);
}

TEST_CASE("nft: a port rule decides; sets and ranges match", "[firewall]") {
    auto v = evaluate_nft(
        ruleset("accept", {rule({match(dport(), 11434), json{{"counter", {}}}, verdict("drop")})}),
        from(std::nullopt));
    CHECK(v.decision == Decision::drop);
    CHECK_THAT(v.reason, Catch::Contains("rule handle 2 in chain inet filter input"));
    v = evaluate_nft(ruleset("drop", {rule({match(dport(), json{{"set", json::array({22, 11434})}}),
                                            verdict("accept")})}),
                     from(std::nullopt));
    CHECK(v.decision == Decision::accept);
    v = evaluate_nft(ruleset("drop", {rule({match(dport(), json{{"range", {11000, 12000}}}),
                                            verdict("reject")})}),
                     from(std::nullopt));
    CHECK(v.decision == Decision::reject);
    v = evaluate_nft(ruleset("drop", {rule({match(dport(), 11434, "!="), verdict("accept")})}),
                     from(std::nullopt));
    CHECK(v.decision == Decision::drop);
}

TEST_CASE("nft: a source rule decides only when the source is known", "[firewall]") {
    auto rs = ruleset("drop",
                      {rule({match(saddr(), json{{"prefix", {{"addr", "192.0.2.0"}, {"len", 24}}}}),
                             match(dport(), 11434), verdict("accept")})});
    CHECK(evaluate_nft(rs, from("192.0.2.11")).decision == Decision::accept);
    CHECK(evaluate_nft(rs, from("198.51.100.7")).decision == Decision::drop);
    auto unknown = evaluate_nft(rs, from(std::nullopt));
    CHECK(unknown.decision == Decision::undecided);
    CHECK_THAT(unknown.reason, Catch::Contains("source address"));
    // IPv6 packets skip ip saddr rules.
    CHECK(evaluate_nft(rs, Packet{6, 11434, std::nullopt, std::nullopt, {}}).decision ==
          Decision::drop);
}

TEST_CASE("nft: a host outside --from skips the rules for sources inside it", "[firewall]") {
    auto outside = [](const char* net) {
        Packet p = from(std::nullopt);
        p.outside = net;
        return p;
    };
    auto rs = ruleset("drop",
                      {rule({match(saddr(), json{{"prefix", {{"addr", "192.0.2.0"}, {"len", 24}}}}),
                             match(dport(), 11434), verdict("accept")})});
    // The rule's network lies within --from: a host outside it is dropped.
    CHECK(evaluate_nft(rs, outside("192.0.2.0/24")).decision == Decision::drop);
    CHECK(evaluate_nft(rs, outside("192.0.0.0/16")).decision == Decision::drop);
    // A wider rule may let in hosts outside a narrower --from: not known.
    CHECK(evaluate_nft(rs, outside("192.0.2.0/25")).decision == Decision::undecided);
    CHECK(evaluate_nft(rs, outside("198.51.100.0/24")).decision == Decision::undecided);
    // One address, a set of them, and `!=`.
    auto one = ruleset(
        "drop", {rule({match(saddr(), "192.0.2.11"), match(dport(), 11434), verdict("accept")})});
    CHECK(evaluate_nft(one, outside("192.0.2.11/32")).decision == Decision::drop);
    CHECK(evaluate_nft(one, outside("192.0.2.11")).decision == Decision::drop);
    auto set = ruleset(
        "drop", {rule({match(saddr(), json{{"set", json::array({"192.0.2.11", "192.0.2.12"})}}),
                       match(dport(), 11434), verdict("accept")})});
    CHECK(evaluate_nft(set, outside("192.0.2.0/24")).decision == Decision::drop);
    CHECK(evaluate_nft(set, outside("192.0.2.11/32")).decision == Decision::undecided);
    auto not_in =
        ruleset("accept",
                {rule({match(saddr(), json{{"prefix", {{"addr", "192.0.2.0"}, {"len", 24}}}}, "!="),
                       match(dport(), 11434), verdict("drop")})});
    CHECK(evaluate_nft(not_in, outside("192.0.2.0/24")).decision == Decision::drop);
    // A named set is not resolved against --from.
    auto named =
        ruleset("drop", {rule({match(saddr(), "@lan"), match(dport(), 11434), verdict("accept")})});
    CHECK(evaluate_nft(named, outside("192.0.2.0/24")).decision == Decision::undecided);
}

TEST_CASE("nft: jumps, returns, named sets and unknown matches", "[firewall]") {
    json jump = rule({match(meta("l4proto"), "tcp"), json{{"jump", {{"target", "svc"}}}}});
    json in_svc = {{"chain", "svc"},
                   {"expr", json::array({match(dport(), "@ports"), verdict("accept")})}};
    json svc_chain = {{"chain", {{"family", "inet"}, {"table", "filter"}, {"name", "svc"}}}};
    json set = {{"set",
                 {{"family", "inet"},
                  {"table", "filter"},
                  {"name", "ports"},
                  {"elem", json::array({22, 11434})}}}};
    auto v = evaluate_nft(ruleset("drop", {jump, in_svc}, {svc_chain, set}), from(std::nullopt));
    CHECK(v.decision == Decision::accept);
    CHECK_THAT(v.reason, Catch::Contains("chain inet filter svc"));
    // An interface other than lo, and an xt match, are unknown.
    v = evaluate_nft(ruleset("drop", {rule({match(meta("iifname"), "eth0"), verdict("accept")})}),
                     from(std::nullopt));
    CHECK(v.decision == Decision::undecided);
    CHECK_THAT(v.reason, Catch::Contains("input interface"));
    v = evaluate_nft(
        ruleset("accept",
                {rule({json{{"xt", {{"type", "match"}, {"name", "addrtype"}}}}, verdict("drop")})}),
        from(std::nullopt));
    CHECK(v.decision == Decision::undecided);
    // ct state new matches; established alone does not.
    v = evaluate_nft(ruleset("accept", {rule({match(ct_state(), "new"), verdict("drop")})}),
                     from(std::nullopt));
    CHECK(v.decision == Decision::drop);
}

TEST_CASE("nft: firewalld's shape (goto into the zone, ct status, final reject)", "[firewall]") {
    json zones_chain = {{"chain", {{"family", "inet"}, {"table", "filter"}, {"name", "zones"}}}};
    json pub_chain = {{"chain", {{"family", "inet"}, {"table", "filter"}, {"name", "pub"}}}};
    json ct_status = {{"ct", {{"key", "status"}}}};
    auto rs = ruleset(
        "accept",
        {rule({match(ct_state(), json{{"set", json::array({"established", "related"})}}, "in"),
               verdict("accept")}),
         rule({match(ct_status, "dnat", "in"), verdict("accept")}),
         rule({match(meta("iifname"), "lo"), verdict("accept")}),
         rule({json{{"jump", {{"target", "zones"}}}}}),
         rule({json{{"reject", {{"type", "icmpx"}}}}}),
         {{"chain", "zones"}, {"expr", json::array({json{{"goto", {{"target", "pub"}}}}})}},
         {{"chain", "pub"}, {"expr", json::array({match(dport(), 22), verdict("accept")})}},
         {{"chain", "pub"},
          {"expr",
           json::array({match(saddr(), json{{"prefix", {{"addr", "192.0.2.0"}, {"len", 24}}}}),
                        match(dport(), 11434),
                        match(ct_state(), json{{"set", json::array({"new", "untracked"})}}, "in"),
                        verdict("accept")})}}},
        {zones_chain, pub_chain});
    CHECK(evaluate_nft(rs, from("198.51.100.1")).decision == Decision::reject);
    auto v = evaluate_nft(rs, from("192.0.2.11"));
    CHECK(v.decision == Decision::accept);
    CHECK_THAT(v.reason, Catch::Contains("chain inet filter pub"));
}

TEST_CASE("nft: every input base chain must accept, in priority order", "[firewall]") {
    auto rs = ruleset("accept", {});
    rs["nftables"].push_back({{"chain",
                               {{"family", "ip"},
                                {"table", "other"},
                                {"name", "in2"},
                                {"type", "filter"},
                                {"hook", "input"},
                                {"prio", 10},
                                {"policy", "drop"}}}});
    auto v = evaluate_nft(rs, from(std::nullopt));
    CHECK(v.decision == Decision::drop);
    CHECK(v.chain == "ip other in2");
    // An ip (IPv4) table does not see IPv6.
    CHECK(evaluate_nft(rs, Packet{6, 11434, std::nullopt, std::nullopt, {}}).decision ==
          Decision::accept);
}

TEST_CASE("ufw: first matching user rule, then the default policy", "[firewall]") {
    const std::string status = "Status: active\n"
                               "Logging: on (low)\n"
                               "Default: deny (incoming), allow (outgoing), disabled (routed)\n"
                               "New profiles: skip\n\n"
                               "To                         Action      From\n"
                               "--                         ------      ----\n"
                               "22/tcp                     ALLOW IN    Anywhere\n"
                               "11434/tcp                  ALLOW IN    192.0.2.0/28               "
                               "# ollama-netcfg\n"
                               "11000:12000/tcp            REJECT IN   Anywhere\n"
                               "22/tcp (v6)                ALLOW IN    Anywhere (v6)\n";
    auto v = evaluate_ufw(status, from("192.0.2.11"));
    CHECK(v.decision == Decision::accept);
    CHECK_THAT(v.reason, Catch::Contains("ollama-netcfg"));
    v = evaluate_ufw(status, from("192.0.2.200"));
    CHECK(v.decision == Decision::reject);
    v = evaluate_ufw(status, from(std::nullopt));
    CHECK(v.decision == Decision::undecided);
    v = evaluate_ufw(status, from("192.0.2.11", 8080));
    CHECK(v.decision == Decision::drop);
    CHECK(v.reason == "ufw default incoming policy deny");
    v = evaluate_ufw(status, Packet{6, 11434, std::nullopt, std::nullopt, {}});
    CHECK(v.decision == Decision::drop);
    // A host outside the rule's network (--from 192.0.2.0/24 holds 192.0.2.0/28).
    Packet outside = from(std::nullopt);
    outside.outside = "192.0.2.0/24";
    CHECK(evaluate_ufw(status, outside).decision == Decision::reject);
    outside.outside = "192.0.2.0/30";
    CHECK(evaluate_ufw(status, outside).decision == Decision::undecided);
    auto allow_all = evaluate_ufw("Default: allow (incoming), allow (outgoing)\n\nTo Action From\n"
                                  "--  ------  ----\n",
                                  from(std::nullopt));
    CHECK(allow_all.decision == Decision::accept);
}

TEST_CASE("ufw: IPv6 rules, with and without the (v6) mark", "[firewall]") {
    const std::string status = "Status: active\n"
                               "Default: deny (incoming), allow (outgoing), disabled (routed)\n\n"
                               "To                         Action      From\n"
                               "--                         ------      ----\n"
                               "11434/tcp                  ALLOW IN    192.0.2.11\n"
                               "11434/tcp                  ALLOW IN    2001:db8::11\n"
                               "2001:db8::1 8080/tcp       ALLOW IN    Anywhere\n"
                               "11000:12000/tcp (v6)       REJECT IN   Anywhere (v6)\n";
    auto v6 = [](std::optional<std::string> s, std::uint16_t port = 11434) {
        return Packet{6, port, std::move(s), std::nullopt, {}};
    };
    CHECK(evaluate_ufw(status, v6("2001:db8::11")).decision == Decision::accept);
    CHECK_THAT(evaluate_ufw(status, v6("2001:db8::11")).reason, Catch::Contains("2001:db8::11"));
    CHECK(evaluate_ufw(status, v6("2001:db8::12")).decision == Decision::reject);
    CHECK(evaluate_ufw(status, v6("2001:db8::12", 8080)).decision == Decision::accept);
    CHECK(evaluate_ufw(status, v6("2001:db8::12", 9000)).decision == Decision::drop);
    // The IPv6 rules never decide for IPv4, and the reverse.
    CHECK(evaluate_ufw(status, from("192.0.2.11")).decision == Decision::accept);
    CHECK(evaluate_ufw(status, from("192.0.2.12")).decision == Decision::drop);
    CHECK(evaluate_ufw(status, from("192.0.2.12", 8080)).decision == Decision::drop);
}

TEST_CASE("network_within: one network inside another", "[firewall]") {
    CHECK(network_within("192.0.2.11", "192.0.2.0/24"));
    CHECK(network_within("192.0.2.0/28", "192.0.2.0/24"));
    CHECK(network_within("192.0.2.0/24", "192.0.2.0/24"));
    CHECK_FALSE(network_within("192.0.2.0/23", "192.0.2.0/24"));
    CHECK_FALSE(network_within("198.51.100.0/28", "192.0.2.0/24"));
    CHECK(network_within("2001:db8::11/128", "2001:db8::/64"));
    CHECK_FALSE(network_within("2001:db8::/48", "2001:db8::/64"));
    CHECK_FALSE(network_within("192.0.2.1", "2001:db8::/64"));
    CHECK_FALSE(network_within("lo", "192.0.2.0/24"));
    CHECK_FALSE(network_within("192.0.2.0/99", "192.0.2.0/24"));
}

TEST_CASE("address_in, valid_cidr and the open commands", "[firewall]") {
    CHECK(address_in("192.0.2.11", "192.0.2.0/24"));
    CHECK_FALSE(address_in("192.0.3.1", "192.0.2.0/24"));
    CHECK(address_in("2001:db8::5", "2001:db8::/32"));
    CHECK_FALSE(address_in("192.0.2.1", "2001:db8::/32"));
    CHECK(address_in("192.0.2.1", "192.0.2.1"));
    CHECK(valid_cidr("10.0.0.0/8"));
    CHECK_FALSE(valid_cidr("10.0.0.0/33"));
    CHECK_FALSE(valid_cidr("nonsense"));
    CHECK(ufw_allow(11434, "192.0.2.0/24") ==
          std::vector<std::string>{"ufw", "allow", "proto", "tcp", "from", "192.0.2.0/24", "to",
                                   "any", "port", "11434", "comment", "ollama-netcfg"});
    CHECK(firewalld_allow(11434, "") ==
          std::vector<std::string>{"firewall-cmd", "--permanent", "--add-port=11434/tcp"});
    CHECK_THAT(firewalld_allow(11434, "192.0.2.0/24").back(),
               Catch::Contains("source address=\"192.0.2.0/24\""));
    CHECK(nft_allow("inet filter input", 11434, "192.0.2.0/24") ==
          "nft insert rule inet filter input ip saddr 192.0.2.0/24 tcp dport 11434 accept");
    CHECK(nft_allow("ip6 filter input", 11434, "2001:db8::/64") ==
          "nft insert rule ip6 filter input ip6 saddr 2001:db8::/64 tcp dport 11434 accept");
    // iptables' own chains (iptables-nft): the iptables command, whose rule
    // iptables-save writes back as it was given.
    CHECK(nft_allow("ip filter INPUT", 11434, "") ==
          "iptables -I INPUT -p tcp --dport 11434 -j ACCEPT");
    CHECK(nft_allow("ip6 filter INPUT", 11434, "2001:db8::/64") ==
          "ip6tables -I INPUT -p tcp -s 2001:db8::/64 --dport 11434 -j ACCEPT");
    CHECK(nft_allow_in_on("ip filter INPUT", "docker0", 11434) ==
          "iptables -I INPUT -i docker0 -p tcp --dport 11434 -j ACCEPT");
    // A table that is only named filter is nft's own.
    CHECK(nft_allow("ip filter input", 11434, "") ==
          "nft insert rule ip filter input tcp dport 11434 accept");
    CHECK(valid_cidr("2001:db8::/64"));
    CHECK(valid_cidr("2001:db8::11"));
    CHECK_FALSE(valid_cidr("2001:db8::/129"));
    CHECK_THAT(firewalld_allow(11434, "2001:db8::/64").back(),
               Catch::Contains("rule family=\"ipv6\" source address=\"2001:db8::/64\""));
}

TEST_CASE("nft: meta nfproto and ip6 tables pick one IP version", "[firewall]") {
    auto rs = ruleset(
        "accept", {rule({match(meta("nfproto"), "ipv6"), match(dport(), 11434), verdict("drop")})});
    CHECK(evaluate_nft(rs, from(std::nullopt)).decision == Decision::accept);
    CHECK(evaluate_nft(rs, Packet{6, 11434, std::nullopt, std::nullopt, {}}).decision ==
          Decision::drop);
    auto v4only = ruleset(
        "accept", {rule({match(meta("nfproto"), "ipv4"), match(dport(), 11434), verdict("drop")})});
    CHECK(evaluate_nft(v4only, from(std::nullopt)).decision == Decision::drop);
    CHECK(evaluate_nft(v4only, Packet{6, 11434, std::nullopt, std::nullopt, {}}).decision ==
          Decision::accept);
    auto ip6 = ruleset("accept", {});
    ip6["nftables"].push_back({{"chain",
                                {{"family", "ip6"},
                                 {"table", "t"},
                                 {"name", "input"},
                                 {"type", "filter"},
                                 {"hook", "input"},
                                 {"prio", 0},
                                 {"policy", "drop"}}}});
    CHECK(evaluate_nft(ip6, from(std::nullopt)).decision == Decision::accept);
    auto v = evaluate_nft(ip6, Packet{6, 11434, std::nullopt, std::nullopt, {}});
    CHECK(v.decision == Decision::drop);
    CHECK(v.chain == "ip6 t input");
    // ip6 saddr rules decide for IPv6 sources only.
    json saddr6 = {{"payload", {{"protocol", "ip6"}, {"field", "saddr"}}}};
    auto src = ruleset(
        "drop", {rule({match(saddr6, json{{"prefix", {{"addr", "2001:db8::"}, {"len", 64}}}}),
                       verdict("accept")})});
    CHECK(evaluate_nft(src, Packet{6, 11434, "2001:db8::11", std::nullopt, {}}).decision ==
          Decision::accept);
    CHECK(evaluate_nft(src, Packet{6, 11434, "2001:db9::11", std::nullopt, {}}).decision ==
          Decision::drop);
    CHECK(evaluate_nft(src, from("192.0.2.11")).decision == Decision::drop);
}

TEST_CASE("containers: the input interface decides when it is known", "[firewall][containers]") {
    const Packet container{4, 11434, std::string("172.17.0.2"), std::string("docker0"), {}};
    // iifname "docker0" tcp dport 11434 accept, policy drop.
    auto doc = ruleset("drop", {rule({match(meta("iifname"), "docker0"), match(dport(), 11434),
                                      verdict("accept")})});
    CHECK(evaluate_nft(doc, container).decision == Decision::accept);
    Packet other_bridge = container;
    other_bridge.iif = "br-1234";
    CHECK(evaluate_nft(doc, other_bridge).decision == Decision::drop);
    // Another host never comes in on a container bridge: the rule does not
    // make its verdict undecided.
    CHECK(evaluate_nft(doc, from("192.0.2.11")).decision == Decision::drop);
    // Other interface names stay unknown for another host.
    auto eth = ruleset("drop", {rule({match(meta("iifname"), "eth0"), verdict("accept")})});
    CHECK(evaluate_nft(eth, from("192.0.2.11")).decision == Decision::undecided);
    CHECK(evaluate_nft(eth, container).decision == Decision::drop);
    // A name ending in `*` matches every name it starts (the kernel compares
    // the bytes before it; found by the kernel reader's comparison).
    auto bridges = ruleset("drop", {rule({match(meta("iifname"), "br-*"), match(dport(), 11434),
                                          verdict("accept")})});
    CHECK(evaluate_nft(bridges, other_bridge).decision == Decision::accept);
    CHECK(evaluate_nft(bridges, container).decision == Decision::drop);
    CHECK(evaluate_nft(bridges, from("192.0.2.11")).decision == Decision::undecided);
}

TEST_CASE("nft: a port compared by order", "[firewall]") {
    // tcp dport < 1024 accept; tcp dport >= 11000 tcp dport <= 11999 drop; policy accept.
    auto doc = ruleset("accept", {rule({match(dport(), 1024, "<"), verdict("accept")}),
                                  rule({match(dport(), 11000, ">="), match(dport(), 11999, "<="),
                                        verdict("drop")})});
    auto at = [&](std::uint16_t port) { return evaluate_nft(doc, Packet{4, port, {}, {}, {}}); };
    CHECK(at(80).reason == "rule handle 2 in chain inet filter input (accept)");
    CHECK(at(11434).decision == Decision::drop);
    CHECK(at(12000).reason == "policy accept of chain inet filter input");
    CHECK(at(1024).reason == "policy accept of chain inet filter input");
    // An order of what is not a number is not read: undecided, not a guess.
    auto odd = ruleset("accept", {rule({match(saddr(), "10.0.0.0", "<"), verdict("drop")})});
    CHECK(evaluate_nft(odd, Packet{4, 11434, std::string("9.0.0.1"), {}, {}}).decision ==
          Decision::undecided);
}

TEST_CASE("ufw: rules `in on IFACE` for container bridges", "[firewall][containers]") {
    const std::string status = "Status: active\n"
                               "Default: deny (incoming), allow (outgoing), deny (routed)\n\n"
                               "To                         Action      From\n"
                               "--                         ------      ----\n"
                               "11434/tcp on docker0       ALLOW IN    Anywhere                   "
                               "# ollama-netcfg containers\n"
                               "11434/tcp (v6) on docker0  ALLOW IN    Anywhere (v6)\n"
                               "22/tcp on eth0             ALLOW IN    Anywhere\n";
    const Packet container{4, 11434, std::string("172.17.0.2"), std::string("docker0"), {}};
    auto v = evaluate_ufw(status, container);
    CHECK(v.decision == Decision::accept);
    CHECK_THAT(v.reason, Catch::Contains("on docker0"));
    Packet br = container;
    br.iif = "br-5f2a";
    v = evaluate_ufw(status, br);
    CHECK(v.decision == Decision::drop);
    CHECK_THAT(v.reason, Catch::Contains("default incoming policy deny"));
    // Another host: the docker0 rule does not apply; the default decides.
    CHECK(evaluate_ufw(status, from("192.0.2.11")).decision == Decision::drop);
    // A rule on a non-bridge interface is unknown for another host.
    CHECK(evaluate_ufw(status, from("192.0.2.11", 22)).decision == Decision::undecided);
    CHECK(ufw_allow_in_on("docker0", 11434) ==
          std::vector<std::string>{"ufw", "allow", "in", "on", "docker0", "proto", "tcp", "to",
                                   "any", "port", "11434", "comment", "ollama-netcfg containers"});
    CHECK(nft_allow_in_on("inet filter input", "docker0", 11434) ==
          "nft insert rule inet filter input iifname \"docker0\" tcp dport 11434 accept");
    CHECK(is_container_bridge("docker0"));
    CHECK(is_container_bridge("br-5f2a1b"));
    CHECK_FALSE(is_container_bridge("eth0"));
}

TEST_CASE("ufw: a To column longer than its width is followed by one space",
          "[firewall][containers]") {
    const std::string status = "Status: active\n"
                               "Default: deny (incoming), allow (outgoing), deny (routed)\n\n"
                               "To                         Action      From\n"
                               "--                         ------      ----\n"
                               "11434/tcp on br-148328e94581 ALLOW IN    Anywhere                 "
                               "  # ollama-netcfg containers\n"
                               "11434/tcp (v6) on br-148328e94581 ALLOW IN    Anywhere (v6)\n";
    auto v = evaluate_ufw(
        status, Packet{4, 11434, std::string("172.30.0.2"), std::string("br-148328e94581"), {}});
    CHECK(v.decision == Decision::accept);
    CHECK_THAT(v.reason, Catch::Contains("br-148328e94581"));
    CHECK(evaluate_ufw(status,
                       Packet{6, 11434, std::string("fd00::2"), std::string("br-148328e94581"), {}})
              .decision == Decision::accept);
}

TEST_CASE("a rule printed for nftables or iptables says what keeps it after a reboot",
          "[firewall]") {
    using netcfg::firewall::until_reboot;
    CHECK(until_reboot({}).empty());
    CHECK(until_reboot({""}).empty());
    CHECK(until_reboot({"inet filter input"}) ==
          "the rule lasts until the next reboot unless it is also in /etc/nftables.conf, which "
          "nftables.service loads at boot");
    CHECK(until_reboot({"ip filter INPUT", "ip6 filter INPUT"}) ==
          "the rule lasts until the next reboot unless saved where netfilter-persistent loads "
          "it at boot: `iptables-save > /etc/iptables/rules.v4` and `ip6tables-save > "
          "/etc/iptables/rules.v6`");
    CHECK(until_reboot({"ip filter INPUT", "ip6 f in"}) ==
          "the rule lasts until the next reboot unless saved where netfilter-persistent loads "
          "it at boot: `iptables-save > /etc/iptables/rules.v4`; an nft rule lasts until the "
          "next reboot unless it is also in /etc/nftables.conf, which nftables.service loads "
          "at boot");
}

// Found by fuzz_nft_json: a number beyond long's range was converted
// anyway (undefined behaviour). It matches no port now.
TEST_CASE("nft: a port number out of every range matches nothing", "[firewall][fuzz]") {
    auto v = evaluate_nft(ruleset("drop", {rule({match(dport(), 7.7e120), verdict("accept")})}),
                          from(std::nullopt));
    CHECK(v.decision == Decision::drop);
}

TEST_CASE("nft: a dormant table's chains filter nothing", "[firewall]") {
    // nft writes one flag as a string and several as an array.
    auto with_flags = [](json flags) {
        auto r = ruleset("drop", {rule({match(dport(), 11434), verdict("drop")})});
        r["nftables"][1]["table"]["flags"] = std::move(flags);
        return r;
    };
    for (const json& flags : {json("dormant"), json::array({"dormant", "owner"})}) {
        INFO(flags.dump());
        auto v = evaluate_nft(with_flags(flags), from("192.0.2.7"));
        CHECK(v.decision == Decision::accept);
        CHECK(v.reason == "no input chain filters it");
        CHECK(v.chain.empty());
    }
    // Any other flag, or none: the table's chains run.
    for (const json& flags : {json("owner"), json::array({"owner"}), json::array()}) {
        INFO(flags.dump());
        auto v = evaluate_nft(with_flags(flags), from("192.0.2.7"));
        CHECK(v.decision == Decision::drop);
        CHECK(v.chain == "inet filter input");
    }
}
