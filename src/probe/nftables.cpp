#include "ollama-netcfg/probe/nftables.hpp"

#include "ollama-netcfg/probe/netlink.hpp"

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

namespace netcfg::probe {

std::optional<std::vector<NftTable>> nftables_tables() {
    nfgenmsg nfg{};
    nfg.nfgen_family = AF_UNSPEC; // every family
    nfg.version = NFNETLINK_V0;
    std::vector<NftTable> tables;
    if (!netlink_dump(
            NETLINK_NETFILTER, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE, nfg,
            [&](const char* buf, std::size_t n) { return parse_table_dump(buf, n, tables); }))
        return std::nullopt;
    return tables;
}

std::optional<std::string> nftables_dump(std::uint16_t message) {
    nfgenmsg nfg{};
    nfg.nfgen_family = AF_UNSPEC;
    nfg.version = NFNETLINK_V0;
    std::string out;
    if (!netlink_dump(NETLINK_NETFILTER, static_cast<std::uint16_t>((NFNL_SUBSYS_NFTABLES << 8) | message),
                      nfg, [&](const char* buf, std::size_t n) {
                          out.append(buf, n);
                          out.resize(NLMSG_ALIGN(out.size()), '\0'); // the next buffer's first header
                          return walk_dump(buf, n, [](const nlmsghdr&, const char*) {});
                      }))
        return std::nullopt;
    return out;
}

} // namespace netcfg::probe
