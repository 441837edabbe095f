#include "ollama-netcfg/cli/ordering.hpp"

#include "ollama-netcfg/change/ordering.hpp"
#include "ollama-netcfg/change/record.hpp"
#include "ollama-netcfg/probe/netif.hpp"
#include "ollama-netcfg/reach/reach.hpp"
#include "ollama-netcfg/unitfile/names.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace netcfg::cli {
namespace {

const std::string record_hint = "remove the file; the After=/Wants= lines it names stay in the "
                                "drop-in until taken out by hand";

// What is known about the interface that has `address` now.
change::InterfaceLook look_at(systemd::Manager& m, const std::string& address) {
    change::InterfaceLook l;
    l.address = address;
    const auto ip = net::parse_ip(address);
    for (const auto& i : reach::interfaces())
        if (i.address == ip)
            l.interface = i.name;
    if (l.interface.empty())
        return l;
    l.docker_unit = m.knows("docker.service");
    l.tailscale_online_target = m.knows("tailscale-online.target");
    l.tailscaled_unit = m.knows("tailscaled.service");
    l.wg_quick_unit = m.is_active(fmt::format("wg-quick@{}.service", l.interface));
    l.network_manager = probe::network_manager_of(l.interface);
    return l;
}

change::FileEdit& drop_in_edit(const ChangeScope& t, const Session& s,
                               std::vector<change::FileEdit>& edits) {
    for (auto& e : edits)
        if (e.path == t.drop_in)
            return e;
    std::optional<std::string> content;
    for (const auto& l : s.layers)
        if (l.path == t.drop_in.string())
            content = l.content;
    edits.push_back({t.drop_in, content, content, false, {}, {}});
    return edits.back();
}

std::vector<std::string> minus(const std::vector<std::string>& a,
                               const std::vector<std::string>& b) {
    std::vector<std::string> out;
    for (const auto& x : a)
        if (std::find(b.begin(), b.end(), x) == b.end())
            out.push_back(x);
    return out;
}

} // namespace

Result<std::vector<std::string>> read_after_units(systemd::Manager& manager,
                                                  const std::vector<std::string>& names) {
    std::vector<std::string> out;
    for (const auto& n : names) {
        auto unit = unitfile::normalise_unit_name(n);
        if (!unit)
            return usage_error(fmt::format("--after {}: {}", n, unit.error().message),
                               "name the unit that brings the address up, e.g. --after "
                               "wg-quick@wg0.service");
        if (!manager.knows(*unit))
            return usage_error(fmt::format("--after {}: systemd knows no such unit", *unit),
                               "`systemctl list-unit-files` lists the units there are");
        if (std::find(out.begin(), out.end(), *unit) == out.end())
            out.push_back(*unit);
    }
    return out;
}

Status plan_ordering(systemd::Manager& manager, const ChangeScope& t, const Session& s,
                     const ollama::HostSetting& want, const std::vector<std::string>& after,
                     std::vector<change::FileEdit>& edits, report::ChangeReport& rep) {
    auto recorded = change::recorded_list(change::ordering_record, t.unit, record_hint);
    if (!recorded)
        return recorded.error();
    report::OrderingChange o;
    if (!after.empty()) {
        o.after = after;
        o.why = "named with --after";
    } else if (!want.loopback() && !want.wildcard() && want.family() != ollama::Family::name) {
        const auto look = look_at(manager, want.host);
        if (auto owner = change::interface_owner(look)) {
            o.after = owner->units;
            o.why = owner->why;
        } else if (!look.interface.empty()) {
            rep.notes.push_back(fmt::format(
                "no unit this tool knows brings up {} ({}) at boot; if one does, add --after "
                "UNIT so that Ollama starts after it",
                look.interface, want.host));
        }
    }
    o.removed = minus(*recorded, o.after);
    if (o.after.empty() && o.removed.empty())
        return Ok{};
    auto& e = drop_in_edit(t, s, edits);
    e.new_content = change::with_ordering(e.new_content.value_or(""), *recorded, o.after);
    rep.ordering = std::move(o);
    return Ok{};
}

Result<std::string> without_recorded_ordering(const std::string& unit, const std::string& content,
                                              report::ChangeReport& rep) {
    auto recorded = change::recorded_list(change::ordering_record, unit, record_hint);
    if (!recorded)
        return recorded.error();
    if (recorded->empty())
        return content;
    rep.ordering = report::OrderingChange{{}, *recorded, {}};
    return change::with_ordering(content, *recorded, {});
}

Status record_ordering(const std::string& unit, const report::ChangeReport& rep) {
    if (!rep.ordering)
        return Ok{};
    return change::record_list(change::ordering_record, unit, rep.ordering->after);
}

} // namespace netcfg::cli
