// `expose --open-firewall`: add the rule that lets clients in, with ufw or
// firewalld (persistent, nothing added twice), and record it so that
// `reset` removes exactly that. A bare nftables or iptables ruleset is not
// changed: the rule is printed instead.
#pragma once

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

// Who made an opening: the unit and the layer (`expose` or `expose
// --runtime`) whose exposure it serves. `reset` closes only its own.
struct Owner {
    std::string unit;
    bool runtime = false;
    std::string layer() const { return runtime ? "runtime" : "persistent"; }
    bool operator==(const Owner&) const = default;
};

// One recorded opening and every owner that asked for it (an opening asked
// for twice is added once and closed when its last owner resets).
struct Opening {
    std::string backend; // "ufw", "firewalld"
    std::uint16_t port = 0;
    std::string from;      // a CIDR, empty: any source
    std::string interface; // ufw `allow in on IFACE` (containers)
    std::vector<Owner> owners;
};

// Pure: firewall.json's text as openings (nullopt: not a record). A rule
// recorded before owners were kept belongs to the persistent layer of any
// unit (an owner with an empty unit).
std::optional<std::vector<Opening>> parse_openings(std::string_view text);
std::string openings_json(const std::vector<Opening>& record);

// Pure: `owner` noted on the recorded opening `rule` (the same backend,
// port, source and interface), or `rule` recorded for it when missing and
// `add` (the tool just opened it). Whether the record changed.
bool note_owner(std::vector<Opening>& record, const Opening& rule, const Owner& owner, bool add);

// Pure: `owner` taken off every opening in `record`; the openings no owner
// needs any more are removed from it and returned, to be closed. `notes`
// says which were kept, and for whom.
std::vector<Opening> release(std::vector<Opening>& record, const Owner& owner,
                             std::vector<std::string>& notes);

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
