#include "catch.hpp"
#include "ollama-netcfg/probe/proc_text.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <string>
#include <vector>

using namespace netcfg::probe;

namespace {

void put(std::vector<char>& buf, std::uint16_t type, std::size_t payload = 20) {
    nlmsghdr h{};
    h.nlmsg_len = static_cast<std::uint32_t>(NLMSG_LENGTH(payload));
    h.nlmsg_type = type;
    const auto at = buf.size();
    buf.resize(at + NLMSG_ALIGN(h.nlmsg_len), 0);
    std::memcpy(buf.data() + at, &h, sizeof h);
}

constexpr std::uint16_t table = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE;

// A NEWTABLE message as the kernel writes it: nfgenmsg, then the name
// (NFTA_TABLE_NAME) and the flags attribute.
void put_table(std::vector<char>& buf, int family, const std::string& name,
               std::uint32_t host_flags = 0) {
    std::vector<char> body(NLMSG_ALIGN(sizeof(nfgenmsg)), 0);
    nfgenmsg g{};
    g.nfgen_family = static_cast<std::uint8_t>(family);
    std::memcpy(body.data(), &g, sizeof g);
    auto attr = [&](std::uint16_t type, const void* data, std::size_t n) {
        const nlattr head{static_cast<std::uint16_t>(NLA_HDRLEN + n), type};
        std::vector<char> a(NLA_ALIGN(head.nla_len), 0);
        std::memcpy(a.data(), &head, sizeof head);
        std::memcpy(a.data() + NLA_HDRLEN, data, n);
        body.insert(body.end(), a.begin(), a.end());
    };
    attr(NFTA_TABLE_NAME, name.c_str(), name.size() + 1);
    const std::uint32_t flags = htonl(host_flags); // big-endian, as every nftables number
    attr(NFTA_TABLE_FLAGS, &flags, sizeof flags);
    const auto at = buf.size();
    put(buf, table, body.size());
    std::memcpy(buf.data() + at + NLMSG_HDRLEN, body.data(), body.size());
}

} // namespace

TEST_CASE("a table dump is read to its end, each table with its family and name",
          "[nftables]") {
    std::vector<char> buf;
    put_table(buf, NFPROTO_IPV4, "filter");
    put_table(buf, NFPROTO_INET, "f2b-table");
    put(buf, table, 37); // no attributes, an odd length: the next message starts aligned
    std::vector<NftTable> tables;
    CHECK(parse_table_dump(buf.data(), buf.size(), tables) == DumpStep::more);
    REQUIRE(tables.size() == 3);
    CHECK((tables[0].family == NFPROTO_IPV4 && tables[0].name == "filter"));
    CHECK((tables[1].family == NFPROTO_INET && tables[1].name == "f2b-table"));
    CHECK(tables[2].name.empty());
    CHECK_FALSE((tables[0].dormant() || tables[1].dormant() || tables[2].dormant()));
    std::vector<char> end;
    put(end, NLMSG_DONE, 4);
    CHECK(parse_table_dump(end.data(), end.size(), tables) == DumpStep::done);
    CHECK(tables.size() == 3);
    tables.clear();
    CHECK(parse_table_dump(end.data(), end.size(), tables) == DumpStep::done);
    CHECK(tables.empty()); // an empty ruleset
}

TEST_CASE("a table's flags are read: a dormant table is known as one", "[nftables]") {
    std::vector<char> buf;
    put_table(buf, NFPROTO_INET, "paused", NFT_TABLE_F_DORMANT);
    put_table(buf, NFPROTO_INET, "owned", NFT_TABLE_F_OWNER);
    std::vector<NftTable> tables;
    CHECK(parse_table_dump(buf.data(), buf.size(), tables) == DumpStep::more);
    REQUIRE(tables.size() == 2);
    CHECK(tables[0].flags == NFT_TABLE_F_DORMANT);
    CHECK(tables[0].dormant());
    CHECK(tables[1].flags == NFT_TABLE_F_OWNER);
    CHECK_FALSE(tables[1].dormant());
}

TEST_CASE("a refusal or a broken dump is not an empty ruleset", "[nftables]") {
    std::vector<char> buf;
    put(buf, NLMSG_ERROR, 20); // EPERM without CAP_NET_ADMIN
    std::vector<NftTable> tables;
    CHECK(parse_table_dump(buf.data(), buf.size(), tables) == DumpStep::error);
    buf.clear();
    put(buf, table);
    CHECK(parse_table_dump(buf.data(), buf.size() - 4, tables) == DumpStep::error); // cut short
    nlmsghdr tiny{};
    tiny.nlmsg_len = 3; // shorter than its own header
    CHECK(parse_table_dump(reinterpret_cast<const char*>(&tiny), sizeof tiny, tables) ==
          DumpStep::error);
}
