// nftables rules as the kernel hands them out over nfnetlink (the chain
// and rule dumps `nft` itself reads before it prints anything), and a new
// inbound TCP connection judged by running their expressions as the kernel
// runs them: registers filled from what the packet is known to be, compared
// byte by byte, in three-valued logic.
//
// This is the fast path beside `nft -j list ruleset` (NftRuleset): on a
// host with tens of thousands of rules, nft spends half a second turning
// them into JSON. Where it cannot decide as NftRuleset would (an
// expression it does not run here, a set lookup, a value only the JSON
// reader resolves), it says so, and the caller asks nft: it never guesses.
#pragma once

#include "ollama-netcfg/firewall/verdict.hpp"

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace netcfg::firewall {

// nft's word for an NFPROTO_* family: "inet", "ip", "ip6", "arp",
// "bridge", "netdev" ("unknown" for any other).
std::string_view nft_family_name(int nfproto);

class NftKernelRuleset {
  public:
    // The whole answers (every buffer, NLMSG_DONE last) to NFT_MSG_GETCHAIN
    // and NFT_MSG_GETRULE dumps of every family. nullopt when either is cut
    // short or refused, when the kernel marked a dump interrupted, or when
    // their generations differ (the ruleset changed between them).
    static std::optional<NftKernelRuleset> parse(std::string chains, std::string rules);

    // The verdict NftRuleset::evaluate gives for the same ruleset (the same
    // decision, reason and chain), or nullopt with why_not saying what made
    // it hand over to nft.
    struct Outcome {
        std::optional<Verdict> verdict;
        std::string why_not;
    };
    Outcome evaluate(const Packet& packet, const NftRuleset::TableFilter& skip = {}) const;

    NftKernelRuleset(NftKernelRuleset&&) noexcept;
    NftKernelRuleset& operator=(NftKernelRuleset&&) noexcept;
    ~NftKernelRuleset();

    struct Index; // the dumps and spans into them (nft_kernel.cpp)

  private:
    explicit NftKernelRuleset(std::unique_ptr<Index> index);
    std::unique_ptr<Index> index_;
};

} // namespace netcfg::firewall
