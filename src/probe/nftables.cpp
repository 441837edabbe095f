#include "ollama-netcfg/probe/nftables.hpp"

#include "ollama-netcfg/probe/netlink.hpp"

#include <cstring>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>
#include <sys/socket.h>

namespace netcfg::probe {

DumpStep count_table_messages(const char* buf, std::size_t len, std::size_t& tables) {
    while (len >= sizeof(nlmsghdr)) {
        nlmsghdr h;
        std::memcpy(&h, buf, sizeof h);
        if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > len)
            return DumpStep::error;
        if (h.nlmsg_type == NLMSG_DONE)
            return DumpStep::done;
        if (h.nlmsg_type == NLMSG_ERROR)
            return DumpStep::error; // a dump ends with DONE; an error is a refusal
        if (h.nlmsg_type == ((NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_NEWTABLE))
            ++tables;
        const std::size_t step = NLMSG_ALIGN(h.nlmsg_len);
        if (step >= len)
            return DumpStep::more;
        buf += step;
        len -= step;
    }
    return len == 0 ? DumpStep::more : DumpStep::error;
}

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
