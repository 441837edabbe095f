// The chain and rule dumps NftKernelRuleset reads, indexed in place: the
// chains with their hooks, and per chain its rules as spans of the rule
// dump (a rule's expressions are read when a packet reaches it; most rules
// of a large ruleset never are). Private to src/firewall.
#pragma once

#include "ollama-netcfg/firewall/nft_kernel.hpp"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::firewall {

namespace nft_kernel {

struct Chain {
    int family = 0; // NFPROTO_*
    std::string table, name;
    bool base = false; // has a hook
    std::uint32_t hook = 0;
    std::int32_t priority = 0;
    bool policy_drop = false;
    std::string type; // "filter", "nat", "route"
    std::uint32_t flags = 0;
};

struct Rule {
    std::uint64_t handle = 0;
    const char* expressions = nullptr; // NFTA_RULE_EXPRESSIONS' data
    std::size_t size = 0;
};

// "inet", "ip", "ip6", ... as nft names an NFPROTO_* family.
std::string_view family_name(int family);

inline std::string key(int family, std::string_view table, std::string_view chain) {
    std::string k(family_name(family));
    k.append(" ").append(table).append(" ").append(chain);
    return k;
}

} // namespace nft_kernel

struct NftKernelRuleset::Index {
    std::string chain_dump, rule_dump; // the rules' spans point into rule_dump
    std::vector<nft_kernel::Chain> chains;
    std::set<std::string, std::less<>> chain_keys; // key() of every chain, for jumps
    std::map<std::string, std::vector<nft_kernel::Rule>, std::less<>> rules; // key()
};

} // namespace netcfg::firewall
