// The firewall openings `expose --open-firewall` made, and who owns each:
// the record's types and its pure rules (src/reach/openings.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::reach {

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

} // namespace netcfg::reach
