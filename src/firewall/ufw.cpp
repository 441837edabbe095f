// Deciding a new inbound TCP connection from `ufw status verbose`: ufw
// applies its user rules in order (first match wins), then the default
// incoming policy.
#include "ollama-netcfg/firewall/verdict.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <fmt/format.h>
#include <regex>
#include <sstream>

namespace netcfg::firewall {
namespace {

enum class RuleMatch { no, yes, unknown };

std::string trim(std::string s) {
    auto b = s.find_first_not_of(" \t");
    auto e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

std::string strip_v6(std::string s, bool& v6) {
    auto at = s.find(" (v6)");
    if (at != std::string::npos) {
        v6 = true;
        s.erase(at, 5);
    }
    return trim(s);
}

// "11434/tcp", "11434", "80,443/tcp", "8000:9000/tcp", "Anywhere",
// "192.0.2.1 11434/tcp"; an application profile name is unknown.
RuleMatch to_matches(std::string to, std::uint16_t port, std::string& unsure) {
    if (to == "Anywhere")
        return RuleMatch::yes;
    // verbose names an application profile after its ports: "11434/tcp (App)".
    if (auto open = to.find(" (");
        open != std::string::npos && to.ends_with(")") && to.find_first_of("0123456789") < open)
        to = trim(to.substr(0, open));
    std::string spec = to;
    auto space = to.rfind(' ');
    if (space != std::string::npos)
        spec = to.substr(space + 1); // "ADDR PORT": the address is one of ours, or not; be generous
    std::string proto;
    if (auto slash = spec.find('/'); slash != std::string::npos) {
        proto = spec.substr(slash + 1);
        spec = spec.substr(0, slash);
    }
    if (!proto.empty() && proto != "tcp")
        return RuleMatch::no;
    if (spec.find_first_not_of("0123456789,:") != std::string::npos) {
        if (space == std::string::npos && spec.find_first_of(".:") != std::string::npos)
            return RuleMatch::yes; // "to ADDR" with any port
        unsure = fmt::format("the application profile \"{}\"", to);
        return RuleMatch::unknown;
    }
    std::stringstream items(spec);
    std::string item;
    while (std::getline(items, item, ',')) {
        int lo = 0, hi = 0;
        auto colon = item.find(':');
        std::from_chars(item.data(),
                        item.data() + (colon == std::string::npos ? item.size() : colon), lo);
        hi = lo;
        if (colon != std::string::npos)
            std::from_chars(item.data() + colon + 1, item.data() + item.size(), hi);
        if (port >= lo && port <= hi)
            return RuleMatch::yes;
    }
    return RuleMatch::no;
}

bool is_v6(const std::string& token) {
    unsigned char buf[16];
    auto addr = token.substr(0, token.find('/'));
    return inet_pton(AF_INET6, addr.c_str(), buf) == 1;
}

RuleMatch from_matches(const std::string& from, const Packet& p, std::string& unsure) {
    if (from == "Anywhere")
        return RuleMatch::yes;
    auto addr = from.substr(0, from.find(' '));
    if (!p.saddr && p.outside && net::network_within(addr, *p.outside))
        return RuleMatch::no;
    if (!p.saddr) {
        unsure = fmt::format("the source address (a rule for {})", addr);
        return RuleMatch::unknown;
    }
    return net::address_in(*p.saddr, addr) ? RuleMatch::yes : RuleMatch::no;
}

std::string policy_reason(std::string_view policy) {
    return fmt::format("ufw default incoming policy {}", policy);
}

} // namespace

Verdict evaluate_ufw(const std::string& status, const Packet& p) {
    Verdict v{"ufw", Decision::undecided, "no default incoming policy in `ufw status verbose`", {}};
    std::istringstream in(status);
    std::string line;
    std::string policy;
    bool in_rules = false;
    const std::regex action_column(R"(\s((?:ALLOW|DENY|REJECT|LIMIT)(?: (?:IN|OUT|FWD))?)\s)");
    while (std::getline(in, line)) {
        if (line.starts_with("Default:")) {
            std::smatch m;
            if (std::regex_search(line, m, std::regex(R"((\w+) \(incoming\))")))
                policy = m[1];
            continue;
        }
        if (line.starts_with("--")) {
            in_rules = true;
            continue;
        }
        if (!in_rules || trim(line).empty())
            continue;
        std::string comment;
        if (auto hash = line.find(" # "); hash != std::string::npos) {
            comment = trim(line.substr(hash + 3));
            line = line.substr(0, hash);
        }
        // To, Action, From: ufw pads To to 26 characters and then writes one
        // space, so a long To ("11434/tcp on br-148328e94581") is followed
        // by a single one: the action word is what separates the columns.
        std::smatch m;
        if (!std::regex_search(line, m, action_column))
            continue;
        std::vector<std::string> cols{trim(m.prefix().str()), trim(m[1].str()),
                                      trim(m.suffix().str())};
        if (cols[0].empty() || cols[2].empty())
            continue;
        bool v6 = false;
        auto to = strip_v6(cols[0], v6);
        // "11434/tcp on docker0": a rule for one input interface.
        std::string on;
        if (auto at = to.find(" on "); at != std::string::npos) {
            on = trim(to.substr(at + 4));
            to = trim(to.substr(0, at));
            to = strip_v6(to, v6);
        }
        // verbose adds "(log)" or "(log-all)" after From for a logging rule.
        for (std::string_view attrib : {"(log)", "(log-all)"})
            if (cols[2].ends_with(attrib))
                cols[2] = trim(cols[2].substr(0, cols[2].size() - attrib.size()));
        auto from = strip_v6(cols[2], v6);
        // A rule for one IPv6 address or network has no "(v6)" mark.
        v6 = v6 || is_v6(from.substr(0, from.find(' '))) ||
             (to.find(' ') != std::string::npos && is_v6(to.substr(0, to.find(' ')))) || is_v6(to);
        if (v6 != (p.family == 6))
            continue;
        std::istringstream action_words(cols[1]);
        std::string action, direction = "IN";
        action_words >> action >> direction;
        if (direction != "IN")
            continue;
        std::string unsure;
        RuleMatch t = to_matches(to, p.dport, unsure);
        if (t != RuleMatch::no && !on.empty()) {
            if (!p.iif && net::is_container_bridge(on)) {
                t = RuleMatch::no; // another host's connection does not come in on a container
                                   // bridge
            } else if (!p.iif) {
                t = RuleMatch::unknown;
                unsure = fmt::format("the input interface (a rule for {})", on);
            } else if (*p.iif != on) {
                t = RuleMatch::no;
            }
        }
        if (t != RuleMatch::no) {
            RuleMatch f = from_matches(from, p, unsure);
            t = f == RuleMatch::no
                    ? RuleMatch::no
                    : (t == RuleMatch::unknown || f == RuleMatch::unknown ? RuleMatch::unknown
                                                                          : RuleMatch::yes);
        }
        if (t == RuleMatch::no)
            continue;
        auto rule = fmt::format("ufw rule \"{}  {}  {}\"{}", cols[0], cols[1], cols[2],
                                comment.empty() ? "" : " (" + comment + ")");
        if (t == RuleMatch::unknown) {
            v.decision = Decision::undecided;
            v.reason = fmt::format("{} applies depending on {}", rule, unsure);
            return v;
        }
        v.decision = action == "DENY"     ? Decision::drop
                     : action == "REJECT" ? Decision::reject
                                          : Decision::accept; // ALLOW, LIMIT
        v.reason = rule;
        return v;
    }
    if (policy.empty())
        return v;
    v.decision = policy == "allow"    ? Decision::accept
                 : policy == "reject" ? Decision::reject
                                      : Decision::drop;
    v.reason = policy_reason(policy);
    return v;
}

bool is_ufw_deny_policy(const Verdict& v) {
    return v.decision == Decision::drop && v.reason == policy_reason("deny");
}

} // namespace netcfg::firewall
