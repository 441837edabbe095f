// Who can connect: the host's other addresses, container bridges, the firewall.
#include "ollama-netcfg/reach/scope.hpp"
#include "rules.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace netcfg::health::rules {
namespace {

// Exposed for containers too, but the firewall's input path from their
// bridge drops them: what `ollama -v` in a container then says is
// "could not connect".
void containers_blocked(Findings& r) {
    const Facts& f = r.f;
    for (const auto& b : f.bridges) {
        if (!b.reachable || !b.firewall || !blocked(b.firewall->decision))
            continue;
        r.add(Code::containers_cannot_reach, Severity::warning,
              fmt::format("containers on {} ({}) cannot reach Ollama at http://{}:{}: {}: new "
                          "connections from {} {} ({})",
                          b.interface, b.subnet.empty() ? "?" : b.subnet, b.gateway, f.want.port,
                          b.firewall->backend, b.interface,
                          firewall::decision_name(b.firewall->decision), b.firewall->reason),
              b.open_command_text.empty()
                  ? std::string("let connections in on the bridge to the port")
                  : fmt::format("let them in: sudo {}{}", b.open_command_text,
                                b.open_command.empty()
                                    ? std::string()
                                    : fmt::format(", or `sudo ollama-netcfg expose {} "
                                                  "--open-firewall --for-containers`",
                                                  f.want.listen_address())));
    }
}

std::string open_advice(const Facts& f, const reach::Firewall& fw) {
    const auto hint = reach::until_reboot(fw);
    std::string how = fw.open_command.empty() && !fw.open_command_text.empty()
                          ? fmt::format("`sudo {}`{}", fw.open_command_text,
                                        hint.empty() ? hint : " (" + hint + ")")
                          : fmt::format("`sudo {}`, or `sudo ollama-netcfg expose {} "
                                        "--open-firewall{}`",
                                        fw.open_command_text, f.want.listen_address(),
                                        f.from.empty() ? "" : " --from " + f.from);
    return "open it " +
           (f.from.empty() ? std::string("(better: only to the networks that need it, "
                                         "with --from CIDR) ")
                           : std::string()) +
           "with " + how;
}

// firewall-blocks when every IP version the listener covers is blocked,
// firewall-partial when one gets in and another does not.
void firewall_verdicts(Findings& r, const reach::Firewall& fw) {
    const Facts& f = r.f;
    using firewall::Decision;
    auto who = f.from.empty() ? std::string("other hosts") : f.from;
    std::vector<const reach::FamilyVerdict*> shut, open, unsure;
    for (const auto& v : fw.families)
        (blocked(v.verdict.decision)              ? shut
         : v.verdict.decision == Decision::accept ? open
                                                  : unsure)
            .push_back(&v);
    auto describe = [&](const std::vector<const reach::FamilyVerdict*>& vs) {
        std::string text;
        for (const auto* v : vs)
            text += fmt::format("{}IPv{} {} by {}", text.empty() ? "" : ", ", v->family,
                                firewall::decision_name(v->verdict.decision), v->verdict.reason);
        return text;
    };
    if (!shut.empty() && shut.size() == fw.families.size()) {
        const auto& v = shut.front()->verdict;
        r.add(Code::firewall_blocks, Severity::critical,
              fmt::format("{} {} new connections from {} to port {} ({})", v.backend,
                          v.decision == Decision::drop ? "drops" : "rejects", who, f.want.port,
                          describe(shut)),
              open_advice(f, fw));
    } else if (!shut.empty() && !open.empty()) {
        std::string open_text;
        for (const auto* v : open)
            open_text +=
                fmt::format("{}IPv{} open to {} ({})", open_text.empty() ? "" : ", ", v->family,
                            f.from.empty() ? std::string("every host") : f.from, v->verdict.reason);
        r.add(Code::firewall_partial, Severity::warning,
              fmt::format("port {} is filtered for one IP version only: {}; {}", f.want.port,
                          describe(shut), open_text),
              fmt::format("decide for both: close IPv{} too (a rule in an `inet` table covers "
                          "both), or {}",
                          open.front()->family, open_advice(f, fw)));
    }
    for (const auto* v : unsure)
        r.add(Code::firewall_undecided, Severity::info,
              fmt::format("cannot decide whether {} lets {} reach port {} over IPv{}: {}",
                          v->verdict.backend, who, f.want.port, v->family, v->verdict.reason),
              fmt::format("test from a client: curl -{} http://SERVER:{}/api/version", v->family,
                          f.want.port));
}

// A globally routable address the listener covers, and a firewall that
// lets any source in on its IP version.
void open_to_internet(Findings& r, const reach::Firewall& fw) {
    const Facts& f = r.f;
    for (const auto& a : f.addresses) {
        if (!a.global)
            continue;
        auto it = std::find_if(fw.any_source.begin(), fw.any_source.end(),
                               [&](const auto& v) { return v.family == a.family; });
        if (it == fw.any_source.end() || it->verdict.decision != firewall::Decision::accept)
            continue;
        r.add(Code::open_to_internet, Severity::warning,
              fmt::format("{} ({}) is a globally routable address and {} accepts new "
                          "connections to port {} from any source ({}): anyone on the "
                          "Internet can use this Ollama, which has no authentication",
                          a.address.text(), a.interface, it->verdict.backend, f.want.port,
                          it->verdict.reason),
              fmt::format("let in only the networks that need it (`sudo ollama-netcfg expose "
                          "{} --open-firewall --from CIDR` with a firewall that drops the "
                          "rest), or keep Ollama on 127.0.0.1 behind a proxy with "
                          "authentication (`ollama-netcfg proxy-config`)",
                          f.want.listen_address()));
        return; // one is enough to say it
    }
}

} // namespace

void reach(Findings& r) {
    const Facts& f = r.f;
    if (!f.reach_checked)
        return;
    for (const auto& a : f.addresses)
        if (!a.ok && a.asked())
            r.add(Code::address_unreachable, Severity::warning,
                  fmt::format("GET {} (interface {}): {}", a.url(), a.interface, a.detail),
                  "the listener covers this address but it does not answer there; check "
                  "the firewall's rules for local traffic");
    const bool any_bridge_reachable =
        std::any_of(f.bridges.begin(), f.bridges.end(), [](auto& b) { return b.reachable; });
    if (!f.bridges.empty() && !any_bridge_reachable) {
        std::string names;
        for (const auto& b : f.bridges)
            names += (names.empty() ? "" : ", ") + b.interface;
        r.add(Code::containers_cannot_reach, Severity::info,
              fmt::format("containers on {} cannot reach Ollama: it listens on {} ({})", names,
                          f.listen_endpoint(), f.listen_covers()),
              fmt::format("to serve containers, `ollama-netcfg expose {}` (the bridge's "
                          "address) or 0.0.0.0, and use host.docker.internal with "
                          "--add-host=host.docker.internal:host-gateway",
                          f.bridges.front().gateway));
    }
    containers_blocked(r);
    if (!f.firewall)
        return;
    const auto& fw = *f.firewall;
    if (!fw.visible) {
        not_visible(r, "the firewall was not inspected: " + fw.why_not);
        return;
    }
    firewall_verdicts(r, fw);
    open_to_internet(r, fw);
}

} // namespace netcfg::health::rules
