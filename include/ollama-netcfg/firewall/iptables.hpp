// What ufw does not list: the rules in iptables' INPUT chain that ufw did
// not write (added by hand with `iptables -I/-A INPUT`, by fail2ban's
// iptables actions, by a script), read from `iptables -S` (and
// `ip6tables -S`), the output that also says whether ufw's chains are
// loaded. Pure: reach/firewall_read.cpp runs the commands.
#pragma once

#include "ollama-netcfg/firewall/verdict.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::firewall {

// The filter table as `iptables -S` prints it, on a host with ufw.
struct IptablesInput {
    // "-N ufw-user-input" (ufw6-user-input for ip6tables) is there: what
    // `ufw status` asks the kernel before it reads its files.
    bool ufw_loaded = false;
    // INPUT's rules that are not ufw's jumps to its own chains, in order:
    // those in front of ufw's first jump see every packet first; those
    // after its last only what ufw's chains let through to INPUT's policy.
    std::vector<std::string> before, after;
};

// `v6`: the text is ip6tables', whose ufw chains are ufw6-*.
IptablesInput read_iptables_input(std::string_view save, bool v6);

// One `-A INPUT ...` rule for a new TCP connection: nullopt when it cannot
// match the packet (another protocol or port, an established connection,
// the loopback interface, a source outside --from) or does not decide
// (-j LOG); else its decision, "undecided" when it depends on what this
// tool does not evaluate (a match it does not read, a jump to another
// chain), with the reason naming the rule.
std::optional<Verdict> evaluate_iptables_rule(std::string_view rule, const Packet& packet);

// ufw's verdict with INPUT's other rules around it: a rule in front decides
// first; one after decides only when ufw's verdict is its deny policy
// (ufw's chains return to INPUT then; with a reject or allow policy they
// end the packet themselves). ufw's verdict when no other rule matches.
Verdict with_rules_beside_ufw(const IptablesInput& input, const Verdict& ufw,
                              const Packet& packet);

} // namespace netcfg::firewall
