// The reach view, once for status, check and expose (text and JSON).
#include "ollama-netcfg/report/reach_view.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace netcfg::report {
namespace {

using health::Facts;

// status's line for a container network: what its containers get, from the
// listener and the firewall.
std::string bridge_line(const reach::Bridge& b, std::uint16_t port) {
    if (!b.reachable)
        return fmt::format("containers on {} cannot reach it (it does not listen on {})\n",
                           b.interface, b.gateway);
    if (b.firewall && b.firewall->decision != firewall::Decision::accept)
        return fmt::format("containers on {} {} reach it at http://{}:{}: {}: new connections "
                           "from {} {} ({})\n",
                           b.interface,
                           b.firewall->decision == firewall::Decision::undecided ? "may not"
                                                                                 : "cannot",
                           b.gateway, port, b.firewall->backend, b.interface,
                           firewall::decision_name(b.firewall->decision), b.firewall->reason);
    return fmt::format("containers on {} reach it at http://{}:{} (host.docker.internal with "
                       "host-gateway){}\n",
                       b.interface, b.gateway, port,
                       b.firewall ? fmt::format("; {}: {}", b.firewall->backend, b.firewall->reason)
                                  : std::string());
}

// firewall.ipv4 / firewall.ipv6: "not-covered" when the listener does not
// accept that IP version, "not-judged" when --from names the other one.
nlohmann::json family_json(const reach::Firewall& fw, int version) {
    const auto* v = fw.visible ? fw.family(version) : nullptr;
    const std::string none;
    return {{"decision", family_decision(fw, version)},
            {"backend", v ? v->verdict.backend : none},
            {"reason", v             ? v->verdict.reason
                       : !fw.visible ? fw.why_not
                                     : none},
            {"open_command", v ? v->open_command_text : none}};
}

// ok, ?? or FAIL for a decision.
std::string_view mark(firewall::Decision d) {
    return d == firewall::Decision::accept      ? "ok"
           : d == firewall::Decision::undecided ? "??"
                                                : "FAIL";
}

// ok, FAIL, or -- for an address not asked.
std::string_view mark(const reach::AddressProbe& a) {
    return a.ok ? "ok" : a.asked() ? "FAIL" : "--";
}

// expose's line for a container network: whether its containers get through
// (without a firewall verdict, as far as the listener goes: they do).
std::string change_bridge_line(const reach::Bridge& b, std::uint16_t port) {
    if (!b.reachable)
        return fmt::format("--   container containers on {} cannot reach it (it does not listen "
                           "on {})",
                           b.interface, b.gateway);
    const auto d = b.firewall ? b.firewall->decision : firewall::Decision::accept;
    return fmt::format("{:<4} container containers on {} {} http://{}:{}{}", mark(d), b.interface,
                       d == firewall::Decision::accept      ? "reach it at"
                       : d == firewall::Decision::undecided ? "may not reach"
                                                            : "cannot reach",
                       b.gateway, port,
                       b.firewall
                           ? fmt::format(" ({}: {})", b.firewall->backend, b.firewall->reason)
                           : std::string());
}

} // namespace

// "ufw: port 11434 from 192.0.2.0/24, for ollama.service (persistent)"
std::string opening_text(const reach::Opening& o) {
    std::string owners;
    for (const auto& w : o.owners)
        owners += fmt::format("{}{} ({})", owners.empty() ? "" : ", ",
                              w.unit.empty() ? "any unit" : w.unit, w.layer());
    return fmt::format("{}: port {} {}, for {}", o.backend, o.port,
                       !o.interface.empty() ? "in on " + o.interface
                       : o.from.empty()     ? std::string("from any host")
                                            : "from " + o.from,
                       owners);
}

std::string reach_lines(const Facts& f) {
    if (!f.reach_checked)
        return {};
    std::string out = "reachable at:\n";
    for (const auto& a : f.addresses)
        if (!a.represented_by)
            out += fmt::format("  {:<4} IPv{} {:<12} {}: {}\n", mark(a), a.family, a.interface,
                               a.url(), reach::detail_text(a, f.addresses));
    for (const auto& n : reach::not_asked(f.addresses))
        out += fmt::format("  {:<4} IPv{} {:<12} and {} more address{} on the same socket as {}, "
                           "not asked (--json lists them)\n",
                           "--", n.family, n.interface, n.count, n.count == 1 ? "" : "es", n.asked);
    if (f.addresses.empty())
        out += "  loopback only\n";
    for (const auto& b : f.bridges)
        out += bridge_line(b, f.want.port);
    if (f.firewall) {
        const auto& fw = *f.firewall;
        if (!fw.visible)
            out += fmt::format("firewall:          not inspected ({})\n", fw.why_not);
        for (const auto& v : fw.families)
            out += fmt::format("firewall IPv{}:     {}: new connections from {} to port {} {} "
                               "({})\n",
                               v.family, v.verdict.backend, f.from.empty() ? "other hosts" : f.from,
                               f.want.port, firewall::decision_name(v.verdict.decision),
                               v.verdict.reason);
    }
    for (const auto& o : f.openings)
        out += fmt::format("firewall opening:  {}\n", opening_text(o));
    for (const auto& u : f.urls)
        out += fmt::format("URL:               GET {}: {}\n", u.url,
                           !u.error.empty() ? u.error
                           : u.version      ? fmt::format("HTTP 200, version {}", *u.version)
                                            : fmt::format("HTTP {}", u.status));
    return out;
}

// Who can open a connection.
std::string who_can_connect(const Facts& f) {
    return reach::who_can_connect(reach::covered_families(f.serving()),
                                  f.firewall ? &*f.firewall : nullptr, f.from);
}

std::string family_decision(const reach::Firewall& fw, int version) {
    if (const auto* v = fw.visible ? fw.family(version) : nullptr)
        return std::string(firewall::decision_name(v->verdict.decision));
    const bool covered = std::any_of(fw.any_source.begin(), fw.any_source.end(),
                                     [&](const auto& a) { return a.family == version; });
    return !fw.visible ? "undecided" : covered ? "not-judged" : "not-covered";
}

nlohmann::json addresses_json(const std::vector<reach::AddressProbe>& addresses) {
    auto out = nlohmann::json::array();
    for (const auto& a : addresses)
        out.push_back(
            {{"represented_by", a.represented_by
                                    ? nlohmann::json(reach::represented_by_url(a, addresses))
                                    : nlohmann::json(nullptr)},
             {"interface", a.interface},
             {"address", a.address.text()},
             {"family", a.family},
             {"link_local", a.link_local},
             {"url", a.url()},
             {"ok", a.ok},
             {"skipped", reach::skipped_text(a, addresses)},
             {"detail", reach::detail_text(a, addresses)}});
    return out;
}

nlohmann::json bridges_json(const std::vector<reach::Bridge>& bridges) {
    auto out = nlohmann::json::array();
    for (const auto& b : bridges)
        out.push_back({{"interface", b.interface},
                       {"address", b.address},
                       {"gateway", b.gateway},
                       {"subnet", b.subnet},
                       {"reachable", b.reachable},
                       {"firewall",
                        b.firewall ? nlohmann::json{{"backend", b.firewall->backend},
                                                    {"decision",
                                                     firewall::decision_name(b.firewall->decision)},
                                                    {"reason", b.firewall->reason}}
                                   : nlohmann::json(nullptr)},
                       {"can_connect", b.can_connect()},
                       {"open_command", b.open_command_text}});
    return out;
}

nlohmann::json firewall_json(const std::optional<reach::Firewall>& seen, const std::string& from) {
    if (!seen)
        return nullptr;
    const auto& fw = *seen;
    return {{"visible", fw.visible},
            {"why_not", fw.why_not},
            {"backend", fw.verdict.backend},
            {"source", fw.source},
            {"decision", std::string(firewall::decision_name(fw.verdict.decision))},
            {"reason", fw.verdict.reason},
            {"from", from},
            {"open_command", fw.open_command_text},
            {"ipv4", family_json(fw, 4)},
            {"ipv6", family_json(fw, 6)}};
}

nlohmann::json openings_view_json(const std::vector<reach::Opening>& openings) {
    auto out = nlohmann::json::array();
    for (const auto& o : openings) {
        auto owners = nlohmann::json::array();
        for (const auto& w : o.owners)
            owners.push_back(
                {{"unit", w.unit.empty() ? nlohmann::json(nullptr) : nlohmann::json(w.unit)},
                 {"layer", w.layer()}});
        out.push_back({{"backend", o.backend},
                       {"port", o.port},
                       {"from", o.from.empty() ? nlohmann::json(nullptr) : nlohmann::json(o.from)},
                       {"interface", o.interface.empty() ? nlohmann::json(nullptr)
                                                         : nlohmann::json(o.interface)},
                       {"owners", owners}});
    }
    return out;
}

std::vector<std::string> change_reach_lines(const std::vector<reach::AddressProbe>& addresses,
                                            const std::vector<reach::Bridge>& bridges,
                                            const std::optional<reach::Firewall>& fw,
                                            const std::string& from, std::uint16_t port) {
    std::vector<std::string> out;
    for (const auto& a : addresses)
        if (!a.represented_by)
            out.push_back(fmt::format("{:<4} {:<9} {} ({}, IPv{}): {}", mark(a), "address", a.url(),
                                      a.interface, a.family, reach::detail_text(a, addresses)));
    for (const auto& n : reach::not_asked(addresses))
        out.push_back(fmt::format("--   address   and {} more IPv{} address{} on {}, on the "
                                  "same socket as {}: not asked",
                                  n.count, n.family, n.count == 1 ? "" : "es", n.interface,
                                  n.asked));
    for (const auto& b : bridges)
        out.push_back(change_bridge_line(b, port));
    if (!fw)
        return out;
    if (!fw->visible) {
        out.push_back("--   firewall  not inspected: " + fw->why_not);
        return out;
    }
    for (const auto& v : fw->families)
        out.push_back(
            fmt::format("{:<4} firewall  IPv{}: {}: new connections from {} to port {} {} ({})",
                        mark(v.verdict.decision), v.family, v.verdict.backend,
                        from.empty() ? "other hosts" : from, port,
                        firewall::decision_name(v.verdict.decision), v.verdict.reason));
    return out;
}

} // namespace netcfg::report
