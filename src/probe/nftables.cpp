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

} // namespace netcfg::probe
