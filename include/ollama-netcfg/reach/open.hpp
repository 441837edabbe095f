// `expose --open-firewall`: add the rule that lets clients in, with ufw or
// firewalld (persistent, nothing added twice), and record it so that
// `reset` removes exactly that. A bare nftables or iptables ruleset is not
// changed: the rule is printed instead.
#pragma once

#include "ollama-netcfg/reach/openings.hpp"
#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::reach {

inline constexpr const char* firewall_record = "/var/lib/ollama-netcfg/firewall.json";

struct FirewallChange {
    std::vector<std::string> actions; // what was done (or would be)
    std::vector<std::string> notes;   // what the admin must do by hand
};

// The record, for `status`; empty when there is none.
Result<std::vector<Opening>> recorded_openings();

// `fw` is the firewall as inspected for `port` and `from`.
Result<FirewallChange> open_firewall(const Firewall& fw, std::uint16_t port,
                                     const std::string& from, const Owner& owner, bool dry_run);

// `--for-containers`: for each container bridge the listener covers whose
// input path the firewall blocks, the minimal rule (ufw: in on the bridge;
// firewalld: from its subnet), recorded like open_firewall's; nftables
// rules are printed only.
Result<FirewallChange> open_for_containers(const std::vector<Bridge>& bridges, std::uint16_t port,
                                           const Owner& owner, bool dry_run);

// Takes `owner` off every recorded opening and removes the rules no other
// owner still needs. A record written before owners were kept belongs to
// the persistent layer of whatever unit resets.
Result<FirewallChange> close_recorded_rules(const Owner& owner, bool dry_run);

} // namespace netcfg::reach
