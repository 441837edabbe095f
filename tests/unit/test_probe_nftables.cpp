#include "catch.hpp"
#include "ollama-netcfg/probe/nftables.hpp"
#include "ollama-netcfg/probe/proc_text.hpp"

#include <cstring>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
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

} // namespace

TEST_CASE("a table dump is counted to its end", "[nftables]") {
    std::vector<char> buf;
    put(buf, table, 37); // an odd length: the next message starts aligned
    put(buf, table);
    std::size_t n = 0;
    CHECK(count_table_messages(buf.data(), buf.size(), n) == DumpStep::more);
    CHECK(n == 2);
    std::vector<char> end;
    put(end, NLMSG_DONE, 4);
    CHECK(count_table_messages(end.data(), end.size(), n) == DumpStep::done);
    CHECK(n == 2);
    n = 0;
    end.clear();
    put(end, NLMSG_DONE, 4);
    CHECK(count_table_messages(end.data(), end.size(), n) == DumpStep::done);
    CHECK(n == 0); // an empty ruleset
}

TEST_CASE("a refusal or a broken dump is not an empty ruleset", "[nftables]") {
    std::vector<char> buf;
    put(buf, NLMSG_ERROR, 20); // EPERM without CAP_NET_ADMIN
    std::size_t n = 0;
    CHECK(count_table_messages(buf.data(), buf.size(), n) == DumpStep::error);
    buf.clear();
    put(buf, table);
    CHECK(count_table_messages(buf.data(), buf.size() - 4, n) == DumpStep::error); // cut short
    nlmsghdr tiny{};
    tiny.nlmsg_len = 3; // shorter than its own header
    CHECK(count_table_messages(reinterpret_cast<const char*>(&tiny), sizeof tiny, n) ==
          DumpStep::error);
}
