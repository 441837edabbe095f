// The firewall record's bookkeeping (pure): which openings the tool made and
// for whom, so that each reset closes only what no one else still needs.
#include "ollama-netcfg/reach/openings.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace netcfg::reach {
namespace {

using nlohmann::json;

bool same_rule(const Opening& a, const Opening& b) {
    return a.backend == b.backend && a.port == b.port && a.from == b.from &&
           a.interface == b.interface;
}

// A recorded owner stands for `o`: the same unit and layer, or a record
// from before owners were kept (unit "") for the persistent layer.
bool owned_by(const Owner& recorded, const Owner& o) {
    return (recorded.unit.empty() || recorded.unit == o.unit) && recorded.runtime == o.runtime;
}

std::string source(const Opening& o) {
    return !o.interface.empty() ? "in on " + o.interface : o.from.empty() ? "any" : o.from;
}

} // namespace

std::optional<std::vector<Opening>> parse_openings(std::string_view text) {
    auto j = json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_array())
        return std::nullopt;
    std::vector<Opening> out;
    for (const auto& r : j) {
        if (!r.is_object())
            return std::nullopt;
        Opening o{r.value("backend", ""),
                  static_cast<std::uint16_t>(r.value("port", 0)),
                  r.value("from", ""),
                  r.value("interface", ""),
                  {}};
        if (!r.contains("owners") || !r["owners"].is_array())
            o.owners = {Owner{"", false}};
        else
            for (const auto& w : r["owners"])
                if (w.is_object())
                    o.owners.push_back({w.value("unit", ""), w.value("layer", "") == "runtime"});
        out.push_back(std::move(o));
    }
    return out;
}

std::string openings_json(const std::vector<Opening>& record) {
    json out = json::array();
    for (const auto& o : record) {
        json owners = json::array();
        for (const auto& w : o.owners)
            owners.push_back({{"unit", w.unit}, {"layer", w.layer()}});
        json r{{"backend", o.backend}, {"port", o.port}, {"owners", owners}};
        if (!o.interface.empty())
            r["interface"] = o.interface;
        else
            r["from"] = o.from;
        out.push_back(std::move(r));
    }
    return out.dump(2) + "\n";
}

bool note_owner(std::vector<Opening>& record, const Opening& rule, const Owner& owner, bool add) {
    auto it = std::find_if(record.begin(), record.end(),
                           [&](const Opening& o) { return same_rule(o, rule); });
    if (it == record.end()) {
        if (!add)
            return false;
        auto fresh = rule;
        fresh.owners = {owner};
        record.push_back(std::move(fresh));
        return true;
    }
    if (std::any_of(it->owners.begin(), it->owners.end(),
                    [&](const Owner& o) { return owned_by(o, owner); }))
        return false;
    it->owners.push_back(owner);
    return true;
}

std::vector<Opening> release(std::vector<Opening>& record, const Owner& owner,
                             std::vector<std::string>& notes) {
    std::vector<Opening> closed;
    std::vector<Opening> kept;
    for (auto& o : record) {
        auto mine = std::find_if(o.owners.begin(), o.owners.end(),
                                 [&](const Owner& w) { return owned_by(w, owner); });
        if (mine == o.owners.end()) {
            kept.push_back(std::move(o));
            continue;
        }
        o.owners.erase(mine);
        if (o.owners.empty()) {
            closed.push_back(std::move(o));
            continue;
        }
        const auto& other = o.owners.front();
        notes.push_back(fmt::format("kept the {} opening of port {} for {}: {} ({}) needs it too",
                                    o.backend, o.port, source(o),
                                    other.unit.empty() ? owner.unit : other.unit, other.layer()));
        kept.push_back(std::move(o));
    }
    record = std::move(kept);
    return closed;
}

} // namespace netcfg::reach
