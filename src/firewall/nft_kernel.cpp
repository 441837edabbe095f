// The chain and rule dumps, checked whole and of one generation, and
// indexed: chains by their attributes, rules as spans per chain.
#include "nft_kernel_index.hpp"
#include "ollama-netcfg/util/netlink_walk.hpp"

#include <arpa/inet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>

namespace netcfg::firewall {

namespace nft_kernel {

std::string_view family_name(int family) {
    switch (family) {
    case NFPROTO_INET:
        return "inet";
    case NFPROTO_IPV4:
        return "ip";
    case NFPROTO_IPV6:
        return "ip6";
    case NFPROTO_ARP:
        return "arp";
    case NFPROTO_BRIDGE:
        return "bridge";
    case NFPROTO_NETDEV:
        return "netdev";
    default:
        return "unknown";
    }
}

} // namespace nft_kernel

std::string_view nft_family_name(int nfproto) {
    return nft_kernel::family_name(nfproto);
}

namespace {

using nft_kernel::Chain;
using nft_kernel::Rule;

std::uint32_t be32(const char* data) {
    std::uint32_t v;
    std::memcpy(&v, data, sizeof v);
    return ntohl(v);
}

std::string attribute_text(const char* data, std::size_t n) {
    return {data, strnlen(data, n)};
}

// Every message of one dump of `type`, with its family and body offset;
// false when the dump is not whole or not of one generation (`generation`
// is set by the first message and compared with the rest).
template <typename Each>
bool each_message(const std::string& dump, std::uint16_t type, int& generation, Each each) {
    bool ok = true;
    const auto step = walk_dump(dump.data(), dump.size(), [&](const nlmsghdr& h, const char* at) {
        if ((h.nlmsg_flags & NLM_F_DUMP_INTR) != 0)
            ok = false; // the ruleset changed while the kernel dumped it
        if (h.nlmsg_type != ((NFNL_SUBSYS_NFTABLES << 8) | type) ||
            h.nlmsg_len < NLMSG_LENGTH(sizeof(nfgenmsg)))
            return;
        nfgenmsg g;
        std::memcpy(&g, at + NLMSG_HDRLEN, sizeof g);
        const int id = ntohs(g.res_id); // the ruleset's generation, in every dump message
        if (generation < 0)
            generation = id;
        else if (id != generation)
            ok = false;
        each(g.nfgen_family, h, at, NLMSG_HDRLEN + NLMSG_ALIGN(sizeof g));
    });
    return ok && step == DumpStep::done;
}

Chain read_chain(int family, const nlmsghdr& h, const char* at, std::size_t from) {
    Chain c;
    c.family = family;
    c.type = "filter";
    walk_attributes(at, from, h.nlmsg_len, [&](std::uint16_t type, const char* d, std::size_t n) {
        if (type == NFTA_CHAIN_TABLE)
            c.table = attribute_text(d, n);
        else if (type == NFTA_CHAIN_NAME)
            c.name = attribute_text(d, n);
        else if (type == NFTA_CHAIN_TYPE)
            c.type = attribute_text(d, n);
        else if (type == NFTA_CHAIN_POLICY && n == 4)
            c.policy_drop = be32(d) == NF_DROP;
        else if (type == NFTA_CHAIN_FLAGS && n == 4)
            c.flags = be32(d);
        else if (type == NFTA_CHAIN_HOOK) {
            c.base = true;
            walk_nested(d, n, [&](std::uint16_t t, const char* hd, std::size_t hn) {
                if (t == NFTA_HOOK_HOOKNUM && hn == 4)
                    c.hook = be32(hd);
                else if (t == NFTA_HOOK_PRIORITY && hn == 4)
                    c.priority = static_cast<std::int32_t>(be32(hd));
            });
        }
    });
    return c;
}

} // namespace

std::optional<NftKernelRuleset> NftKernelRuleset::parse(std::string chains, std::string rules) {
    auto x = std::make_unique<Index>();
    x->chain_dump = std::move(chains);
    x->rule_dump = std::move(rules);
    int generation = -1;
    if (!each_message(x->chain_dump, NFT_MSG_NEWCHAIN, generation,
                      [&](int family, const nlmsghdr& h, const char* at, std::size_t from) {
                          x->chains.push_back(read_chain(family, h, at, from));
                          const auto& c = x->chains.back();
                          x->chain_keys.insert(nft_kernel::key(c.family, c.table, c.name));
                      }))
        return std::nullopt;
    // Rules come chain by chain: look the chain up only when it changes.
    std::vector<Rule>* chain_rules = nullptr;
    std::string last;
    std::string table, chain;
    if (!each_message(x->rule_dump, NFT_MSG_NEWRULE, generation,
                      [&](int family, const nlmsghdr& h, const char* at, std::size_t from) {
                          Rule r;
                          table.clear(), chain.clear();
                          walk_attributes(at, from, h.nlmsg_len,
                                          [&](std::uint16_t type, const char* d, std::size_t n) {
                                              if (type == NFTA_RULE_TABLE)
                                                  table = attribute_text(d, n);
                                              else if (type == NFTA_RULE_CHAIN)
                                                  chain = attribute_text(d, n);
                                              else if (type == NFTA_RULE_HANDLE && n == 8)
                                                  r.handle = (std::uint64_t{be32(d)} << 32) |
                                                             be32(d + 4);
                                              else if (type == NFTA_RULE_EXPRESSIONS)
                                                  r.expressions = d, r.size = n;
                                          });
                          auto k = nft_kernel::key(family, table, chain);
                          if (!chain_rules || k != last) {
                              chain_rules = &x->rules[k];
                              last = std::move(k);
                          }
                          chain_rules->push_back(r);
                      }))
        return std::nullopt;
    return NftKernelRuleset(std::move(x));
}

NftKernelRuleset::NftKernelRuleset(std::unique_ptr<Index> index) : index_(std::move(index)) {}
NftKernelRuleset::NftKernelRuleset(NftKernelRuleset&&) noexcept = default;
NftKernelRuleset& NftKernelRuleset::operator=(NftKernelRuleset&&) noexcept = default;
NftKernelRuleset::~NftKernelRuleset() = default;

} // namespace netcfg::firewall
