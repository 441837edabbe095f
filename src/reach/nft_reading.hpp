// nftables read for the firewall judgement: the kernel's chain and rule
// dumps first (firewall::NftKernelRuleset, no process), and `nft -j list
// ruleset` (firewall::NftRuleset) only for a packet they cannot decide,
// started once per reading. Private to src/reach (firewall_read).
#pragma once

#include "ollama-netcfg/firewall/nft_kernel.hpp"
#include "ollama-netcfg/firewall/verdict.hpp"
#include "ollama-netcfg/probe/proc_text.hpp"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace netcfg::reach {

class NftReading {
  public:
    // The kernel's dumps; nullopt when the kernel would not say (no
    // CAP_NET_ADMIN, no nf_tables) or they were not whole.
    // `tables`: the kernel's table list, whose dormant tables (`flags
    // dormant`: the kernel runs none of their chains) either read skips.
    static std::optional<NftReading> from_kernel(const std::vector<probe::NftTable>& tables);
    // `nft -j list ruleset`, run now; nullopt with `error` set when it
    // could not be read. `tables` as above, when the kernel gave them.
    static std::optional<NftReading> from_nft(std::string& error,
                                              const std::vector<probe::NftTable>* tables);
    // A ruleset with no table: nothing filters.
    static NftReading empty();

    firewall::Verdict evaluate(const firewall::Packet& packet,
                               const firewall::NftRuleset::TableFilter& skip = {});

    // What was read, for Firewall::source: "nftables chains and rules
    // (netlink)", with nft's part once it was asked.
    const std::string& source() const { return source_; }

  private:
    NftReading() = default;
    void skip_dormant(const std::vector<probe::NftTable>* tables);
    bool dormant(std::string_view family, std::string_view table) const;
    std::optional<firewall::NftKernelRuleset> kernel_;
    std::optional<firewall::NftRuleset> json_;
    bool asked_nft_ = false;
    std::string nft_error_;
    std::string source_;
    std::vector<std::pair<std::string, std::string>> dormant_; // family, table
};

} // namespace netcfg::reach
