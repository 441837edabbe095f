// nftables read for the firewall judgement: the kernel's chain and rule
// dumps first (firewall::NftKernelRuleset, no process), and `nft -j list
// ruleset` (firewall::NftRuleset) only for a packet they cannot decide,
// started once per reading. Private to src/reach (firewall_read).
#pragma once

#include "ollama-netcfg/firewall/nft_kernel.hpp"
#include "ollama-netcfg/firewall/verdict.hpp"

#include <optional>
#include <string>

namespace netcfg::reach {

class NftReading {
  public:
    // The kernel's dumps; nullopt when the kernel would not say (no
    // CAP_NET_ADMIN, no nf_tables) or they were not whole.
    static std::optional<NftReading> from_kernel();
    // `nft -j list ruleset`, run now; nullopt with `error` set when it
    // could not be read.
    static std::optional<NftReading> from_nft(std::string& error);
    // A ruleset with no table: nothing filters.
    static NftReading empty();

    firewall::Verdict evaluate(const firewall::Packet& packet,
                               const firewall::NftRuleset::TableFilter& skip = {});

    // What was read, for Firewall::source: "nftables chains and rules
    // (netlink)", with nft's part once it was asked.
    const std::string& source() const { return source_; }

  private:
    NftReading() = default;
    std::optional<firewall::NftKernelRuleset> kernel_;
    std::optional<firewall::NftRuleset> json_;
    bool asked_nft_ = false;
    std::string nft_error_;
    std::string source_;
};

} // namespace netcfg::reach
