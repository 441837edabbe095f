// Whether the host's firewall lets a new TCP connection from another host
// reach a port, decided from the firewall's own rules (pure: the callers
// pass the rules in). "Cannot decide" is an answer: a guess is not.
#pragma once

#include "ollama-netcfg/net/address.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::firewall {

// `partial` is only a summary: one IP version gets in, the other does not.
enum class Decision { accept, drop, reject, undecided, partial };
// "accepted", "dropped", "rejected", "undecided", "partial"
std::string_view decision_name(Decision d);

struct Verdict {
    std::string backend; // "ufw", "firewalld", "nftables", "iptables-legacy", "none"
    Decision decision = Decision::undecided;
    std::string reason; // the rule or chain policy that decides, or why it cannot be decided
    std::string chain;  // nftables: "family table chain" of the base chain that decided
};

// A new inbound connection from another host.
struct Packet {
    int family = 4; // 4 or 6
    std::uint16_t dport = 0;
    std::optional<std::string> saddr; // unknown when not given
    std::optional<std::string> iif;   // the input interface; unknown (not lo) when not given
    // With saddr unknown: a network the source is known to lie outside of
    // (a host outside --from), so a rule for a source inside it cannot match.
    std::optional<std::string> outside;
};

// `nft -j list ruleset`, parsed once (RapidJSON, in place: a ruleset of
// tens of thousands of rules is megabytes of JSON, read every minute by
// `check`).
class NftRuleset {
  public:
    // nullopt when `json` is not nft's JSON.
    static std::optional<NftRuleset> parse(std::string_view json);
    // Every base chain on the input hook of the packet's family, in priority
    // order, rules in order, jumps followed; a table `skip` names
    // ("ip", "filter") is left out (ufw's, judged from ufw's own rules).
    using TableFilter = std::function<bool(std::string_view family, std::string_view table)>;
    Verdict evaluate(const Packet& packet, const TableFilter& skip = {}) const;

    NftRuleset(NftRuleset&&) noexcept;
    NftRuleset& operator=(NftRuleset&&) noexcept;
    ~NftRuleset();

    struct Index; // the parsed document and pointers into it (nft.cpp)

  private:
    explicit NftRuleset(std::unique_ptr<Index> index);
    std::unique_ptr<Index> index_;
};

// The same for a ruleset already held as JSON (the unit tests build them so).
Verdict evaluate_nft(const nlohmann::json& ruleset, const Packet& packet);

// `ufw status verbose`: the first user rule that matches, else the default
// incoming policy.
Verdict evaluate_ufw(const std::string& status_verbose, const Packet& packet);
// Whether evaluate_ufw's verdict is its default incoming policy "deny": no
// user rule matched, and ufw's chains hand the packet back to INPUT.
bool is_ufw_deny_policy(const Verdict& v);

// The commands that open `port` for `from` (a CIDR; empty: everyone), per
// backend; `nft_chain` is "family table chain" of the chain that decided
// (for iptables' own chain, `ip filter INPUT`, the iptables command, whose
// rule iptables-save keeps as written).
std::vector<std::string> ufw_allow(std::uint16_t port, const std::string& from);
std::vector<std::string> firewalld_allow(std::uint16_t port, const std::string& from);
std::string nft_allow(const std::string& nft_chain, std::uint16_t port, const std::string& from);

// For containers on a bridge: new connections that come in on `iface`.
std::vector<std::string> ufw_allow_in_on(const std::string& iface, std::uint16_t port);
std::string nft_allow_in_on(const std::string& nft_chain, const std::string& iface,
                            std::uint16_t port);

// What keeps a rule printed for plain nftables or iptables (chains as in
// Verdict::chain) after the next reboot, in words; empty for no chain.
// ufw and firewalld keep their rules themselves.
std::string until_reboot(const std::vector<std::string>& chains);

} // namespace netcfg::firewall
