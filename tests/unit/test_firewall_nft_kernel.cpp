#include "catch.hpp"
#include "ollama-netcfg/firewall/nft_kernel.hpp"
#include "source_file.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <linux/netlink.h>
#include <map>
#include <vector>

using namespace netcfg::firewall;

namespace {

// tests/fixtures/nft-kernel: each NAME.nft loaded into a kernel, and what
// the kernel and nft said about it then (`capture` there): NAME.chains and
// NAME.rules (the dumps the tool reads), NAME.json (`nft -j list ruleset`).
struct Fixture {
    std::string chains, rules, json;
};

Fixture fixture(const std::string& name) {
    const std::string dir = "tests/fixtures/nft-kernel/" + name;
    return {source_file(dir + ".chains"), source_file(dir + ".rules"), source_file(dir + ".json")};
}

// Every packet the tool asks about, and more: both IP versions, the port
// and others, sources unknown, known (inside and outside the fixtures'
// networks) and known to lie outside a network, the input interface
// unknown or given (a container bridge, another name).
std::vector<Packet> packets() {
    std::vector<Packet> out;
    for (int family : {4, 6})
        for (int port : {11434, 22, 8080, 11000, 11500, 80, 11435}) {
            std::vector<std::optional<std::string>> sources{std::nullopt};
            for (const char* s : family == 4 ? std::vector<const char*>{"10.0.0.1", "192.168.1.5",
                                                                        "10.1.2.3", "10.9.9.9"}
                                             : std::vector<const char*>{"fd00::1", "fd00::5",
                                                                        "2001:db8::1"})
                sources.emplace_back(s);
            for (const auto& s : sources)
                for (std::optional<std::string> iif :
                     {std::optional<std::string>{}, std::optional<std::string>{"docker0"},
                      std::optional<std::string>{"eth0"}})
                    out.push_back({family, static_cast<std::uint16_t>(port), s, iif, std::nullopt});
            out.push_back({family, static_cast<std::uint16_t>(port), std::nullopt, std::nullopt,
                           family == 4 ? "10.0.0.0/8" : "fd00::/8"});
        }
    return out;
}

std::string describe(const Packet& p) {
    return "IPv" + std::to_string(p.family) + " port " + std::to_string(p.dport) + " from " +
           p.saddr.value_or("?") + " on " + p.iif.value_or("?") + " outside " +
           p.outside.value_or("-");
}

struct Tally {
    int decided = 0, handed_over = 0;
    int handed_over_outside = 0; // of them, packets from outside a --from network
};

// The kernel reader against nft's JSON reader on one ruleset: wherever it
// decides, it says what NftRuleset says, word for word.
Tally compare(const std::string& name, const NftRuleset::TableFilter& skip = {}) {
    const auto f = fixture(name);
    auto json = NftRuleset::parse(f.json);
    auto kernel = NftKernelRuleset::parse(f.chains, f.rules);
    REQUIRE(json);
    REQUIRE(kernel);
    Tally t;
    for (const auto& p : packets()) {
        const auto k = kernel->evaluate(p, skip);
        if (!k.verdict) {
            CHECK_FALSE(k.why_not.empty());
            ++t.handed_over;
            t.handed_over_outside += p.outside ? 1 : 0;
            continue;
        }
        ++t.decided;
        const auto j = json->evaluate(p, skip);
        INFO(name << ": " << describe(p));
        CHECK(decision_name(k.verdict->decision) == decision_name(j.decision));
        CHECK(k.verdict->reason == j.reason);
        CHECK(k.verdict->chain == j.chain);
        CHECK(k.verdict->backend == j.backend);
    }
    return t;
}

Packet tcp(int family, std::uint16_t port, std::optional<std::string> from = std::nullopt,
           std::optional<std::string> iif = std::nullopt) {
    return {family, port, std::move(from), std::move(iif), std::nullopt};
}

Verdict verdict_for(const std::string& name, const Packet& p) {
    const auto f = fixture(name);
    auto kernel = NftKernelRuleset::parse(f.chains, f.rules);
    REQUIRE(kernel);
    auto k = kernel->evaluate(p);
    INFO(k.why_not);
    REQUIRE(k.verdict);
    return *k.verdict;
}

} // namespace

TEST_CASE("the kernel's dumps decide as nft's JSON does, or hand over", "[firewall][nft-kernel]") {
    // Rulesets whose every packet the kernel reader decides.
    for (const char* name : {"plain-server", "debian-default", "many-sources", "jumps",
                             "ip-and-ip6-tables", "reject-and-ranges", "iptables-nft",
                             "interfaces", "source-restricted"}) {
        const auto t = compare(name);
        INFO(name);
        CHECK(t.decided == static_cast<int>(packets().size()) - t.handed_over);
        CHECK(t.decided > 0);
    }
    // The same with ufw's tables left out, as beside ufw.
    const auto skip_ip_filter = [](std::string_view family, std::string_view table) {
        return (family == "ip" || family == "ip6") && table == "filter";
    };
    CHECK(compare("iptables-nft", skip_ip_filter).decided > 0);
}

TEST_CASE("the kernel reader decides the common rulesets without nft", "[firewall][nft-kernel]") {
    // Every packet but those from a source known to lie outside a --from
    // network (NftRuleset's to judge: it reads prefixes as networks).
    for (const char* name : {"plain-server", "debian-default", "many-sources", "jumps",
                             "ip-and-ip6-tables", "reject-and-ranges", "iptables-nft",
                             "interfaces", "source-restricted"}) {
        INFO(name);
        const auto t = compare(name);
        CHECK(t.handed_over == t.handed_over_outside);
    }
    CHECK(compare("plain-server").handed_over == 0);
}

TEST_CASE("what the kernel reader hands over to nft", "[firewall][nft-kernel]") {
    // A set lookup, a limit, a fib expression: reached, they hand over.
    for (const char* name : {"sets", "statements", "fib"}) {
        const auto f = fixture(name);
        auto kernel = NftKernelRuleset::parse(f.chains, f.rules);
        REQUIRE(kernel);
        const auto k = kernel->evaluate(tcp(4, 11434));
        INFO(name);
        CHECK_FALSE(k.verdict);
        CHECK_THAT(k.why_not, Catch::Contains("rule handle"));
        compare(name);
    }
    // Not reached (tcp dport 22 decides first): decided.
    CHECK(verdict_for("statements", tcp(4, 22)).reason ==
          "rule handle 2 in chain inet filter input (accept)");
}

TEST_CASE("the kernel reader's verdicts, spelled out", "[firewall][nft-kernel]") {
    CHECK(verdict_for("plain-server", tcp(4, 11434)).decision == Decision::accept);
    CHECK(verdict_for("plain-server", tcp(6, 8080)).reason ==
          "policy drop of chain inet filter input");
    const auto lan = verdict_for("source-restricted", tcp(4, 11434));
    CHECK(lan.decision == Decision::undecided);
    CHECK_THAT(lan.reason, Catch::Contains("depending on the source address"));
    CHECK(verdict_for("source-restricted", tcp(4, 11434, "192.168.7.7")).decision ==
          Decision::accept);
    CHECK(verdict_for("source-restricted", tcp(4, 11434, "10.1.2.3")).decision == Decision::drop);
    CHECK(verdict_for("interfaces", tcp(4, 11434, std::nullopt, "docker0")).decision ==
          Decision::accept);
    CHECK(verdict_for("ip-and-ip6-tables", tcp(4, 11434)).decision == Decision::drop);
    CHECK(verdict_for("ip-and-ip6-tables", tcp(6, 11434)).decision == Decision::reject);
    CHECK(verdict_for("jumps", tcp(4, 11434, "10.9.9.9")).decision == Decision::drop);
    CHECK(verdict_for("jumps", tcp(4, 11434)).decision == Decision::undecided);
    CHECK(verdict_for("reject-and-ranges", tcp(4, 11000)).decision == Decision::drop);
    CHECK(verdict_for("reject-and-ranges", tcp(4, 11500)).decision == Decision::reject);
}

namespace {

// The dump's messages, to change one: offsets of each nlmsghdr.
std::vector<std::size_t> messages(const std::string& dump) {
    std::vector<std::size_t> at;
    for (std::size_t i = 0; i + sizeof(nlmsghdr) <= dump.size();) {
        nlmsghdr h;
        std::memcpy(&h, dump.data() + i, sizeof h);
        at.push_back(i);
        if (h.nlmsg_type == NLMSG_DONE || h.nlmsg_len < sizeof h)
            break;
        i += NLMSG_ALIGN(h.nlmsg_len);
    }
    return at;
}

} // namespace

TEST_CASE("a dump that is not whole, or of two generations, is not read",
          "[firewall][nft-kernel]") {
    const auto f = fixture("plain-server");
    REQUIRE(NftKernelRuleset::parse(f.chains, f.rules));
    const auto rule_at = messages(f.rules);
    REQUIRE(rule_at.size() > 2);
    // Cut before NLMSG_DONE.
    CHECK_FALSE(NftKernelRuleset::parse(f.chains, f.rules.substr(0, rule_at.back())));
    // Cut inside a message.
    CHECK_FALSE(NftKernelRuleset::parse(f.chains, f.rules.substr(0, rule_at[1] + 10)));
    // Marked interrupted.
    auto intr = f.rules;
    nlmsghdr h;
    std::memcpy(&h, intr.data() + rule_at[1], sizeof h);
    h.nlmsg_flags |= NLM_F_DUMP_INTR;
    std::memcpy(intr.data() + rule_at[1], &h, sizeof h);
    CHECK_FALSE(NftKernelRuleset::parse(f.chains, intr));
    // A rule of another generation (nfgenmsg.res_id).
    auto other = f.rules;
    std::uint16_t id;
    std::memcpy(&id, other.data() + rule_at[1] + NLMSG_HDRLEN + 2, 2);
    id = htons(static_cast<std::uint16_t>(ntohs(id) + 1));
    std::memcpy(other.data() + rule_at[1] + NLMSG_HDRLEN + 2, &id, 2);
    CHECK_FALSE(NftKernelRuleset::parse(f.chains, other));
    // An error instead of the dump.
    CHECK_FALSE(NftKernelRuleset::parse("", f.rules));
}
