#include "ollama-netcfg/probe/nftables.hpp"

#include "ollama-netcfg/probe/netlink.hpp"

#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

namespace netcfg::probe {

std::optional<std::size_t> nftables_table_count() {
    struct {
        nlmsghdr nlh;
        nfgenmsg nfg;
    } request{};
    request.nlh.nlmsg_len = sizeof request;
    request.nlh.nlmsg_type = (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_GETTABLE;
    request.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.nfg.nfgen_family = AF_UNSPEC; // every family
    request.nfg.version = NFNETLINK_V0;
    std::size_t tables = 0;
    if (!netlink_dump(
            NETLINK_NETFILTER, &request, sizeof request,
            [&](const char* buf, std::size_t n) { return count_table_messages(buf, n, tables); }))
        return std::nullopt;
    return tables;
}

} // namespace netcfg::probe
