#include "ollama-netcfg/probe/nftables.hpp"

#include "ollama-netcfg/probe/netlink.hpp"

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

namespace netcfg::probe {

namespace {

// The nfnetlink header of a dump of every family.
nfgenmsg every_family() {
    nfgenmsg nfg{};
    nfg.nfgen_family = AF_UNSPEC;
    nfg.version = NFNETLINK_V0;
    return nfg;
}

} // namespace

std::optional<std::vector<NftTable>> nftables_tables() {
    std::vector<NftTable> tables;
    if (!netlink_dump(
            NETLINK_NETFILTER, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE, every_family(),
            [&](const char* buf, std::size_t n) { return parse_table_dump(buf, n, tables); }))
        return std::nullopt;
    return tables;
}

std::optional<std::string> nftables_dump(std::uint16_t message) {
    std::string out;
    if (!netlink_dump(NETLINK_NETFILTER,
                      static_cast<std::uint16_t>((NFNL_SUBSYS_NFTABLES << 8) | message),
                      every_family(), [&](const char* buf, std::size_t n) {
                          out.append(buf, n);
                          out.resize(NLMSG_ALIGN(out.size()), '\0'); // the next buffer's first header
                          return walk_dump(buf, n, [](const nlmsghdr&, const char*) {});
                      }))
        return std::nullopt;
    return out;
}

} // namespace netcfg::probe
