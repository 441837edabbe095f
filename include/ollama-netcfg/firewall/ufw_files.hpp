// ufw's rules as `ufw status verbose` shows them, read from the files that
// command itself reads (/etc/ufw/user.rules, user6.rules, /etc/default/ufw)
// without starting its Python: the fast path of reading the firewall on a
// ufw host. Whether ufw is loaded is the kernel's to say (the caller asks).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::firewall {

// One `### tuple ###` line of user.rules or user6.rules, as ufw's
// backend_iptables._read_rules reads it.
struct UfwRule {
    std::string action;  // allow, deny, reject, limit
    std::string logtype; // "", log, log-all
    std::string protocol, dport, dst, sport, src;
    std::string direction; // in, out
    bool forward = false;  // a route rule
    std::string interface_in, interface_out;
    std::string dapp, sapp; // application profiles
    std::string comment;    // decoded
    bool v6 = false;
};

// The tuples of one rules file in order; nullopt when a tuple is one ufw
// would skip or this reader does not know (the caller then asks ufw).
std::optional<std::vector<UfwRule>> read_ufw_tuples(std::string_view rules_file, bool v6);

// The rule's line in `ufw status verbose`, trailing blanks included.
std::string ufw_status_row(const UfwRule& rule);

// /etc/default/ufw, then /etc/ufw/ufw.conf, as ufw's _get_defaults reads
// them: KEY=value lines, names and values lowercased, quotes dropped, the
// last one wins.
struct UfwDefaults {
    std::map<std::string, std::string> values;

    bool enabled() const; // ENABLED=yes
    bool ipv6() const;    // IPV6=yes (ufw also needs /proc/sys/net/ipv6)
    // "allow", "deny" or "reject" for input, output or forward; nullopt
    // when missing or not accept/drop/reject (then `ufw status` fails).
    std::optional<std::string> policy(const std::string& chain) const;
};
UfwDefaults read_ufw_defaults(std::string_view default_ufw, std::string_view ufw_conf);

// What `ufw status verbose` prints for an active ufw, as far as the rules
// and the incoming policy go: user.rules, then user6.rules when ufw manages
// IPv6 (nullopt: it does not). nullopt when the files are not read as ufw
// reads them, or ufw would fail.
std::optional<std::string> ufw_status_from_files(std::string_view user_rules,
                                                 std::optional<std::string_view> user6_rules,
                                                 const UfwDefaults& defaults);

} // namespace netcfg::firewall
