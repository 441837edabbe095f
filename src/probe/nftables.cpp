#include "ollama-netcfg/probe/nftables.hpp"

#include "ollama-netcfg/probe/netlink.hpp"

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

namespace netcfg::probe {

std::optional<std::vector<NftTable>> nftables_tables() {
    struct {
        nlmsghdr nlh;
        nfgenmsg nfg;
    } request{};
    request.nlh.nlmsg_len = sizeof request;
    request.nlh.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE;
    request.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.nfg.nfgen_family = AF_UNSPEC; // every family
    request.nfg.version = NFNETLINK_V0;
    std::vector<NftTable> tables;
    if (!netlink_dump(
            NETLINK_NETFILTER, &request, sizeof request,
            [&](const char* buf, std::size_t n) { return parse_table_dump(buf, n, tables); }))
        return std::nullopt;
    return tables;
}

} // namespace netcfg::probe
