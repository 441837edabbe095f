// INPUT's rules beside ufw's, read from `iptables -S` and judged for a new
// TCP connection in three-valued logic, as the nftables evaluator judges:
// a match on what the packet does not tell (a destination address, a
// source port, a match this tool does not read) is unknown, and an
// unknown match in front of a decision makes it "undecided".
#include "ollama-netcfg/firewall/iptables.hpp"

#include "ollama-netcfg/net/address.hpp"

#include <charconv>
#include <fmt/format.h>

namespace netcfg::firewall {

namespace {

enum class M { no, yes, unknown };

// iptables-save's words: blank-separated, a word with blanks in double
// quotes with \" and \\ inside.
std::vector<std::string> words_of(std::string_view line) {
    std::vector<std::string> out;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && line[i] == ' ')
            ++i;
        if (i == line.size())
            break;
        std::string w;
        if (line[i] == '"') {
            for (++i; i < line.size() && line[i] != '"'; ++i) {
                if (line[i] == '\\' && i + 1 < line.size())
                    ++i;
                w += line[i];
            }
            ++i; // the closing quote
        } else {
            while (i < line.size() && line[i] != ' ')
                w += line[i++];
        }
        out.push_back(std::move(w));
    }
    return out;
}

std::optional<unsigned> number(std::string_view s) {
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || p != s.data() + s.size() || v > 65535)
        return std::nullopt;
    return v;
}

// "11434", "11000:12000", "11000:", ":12000", or a comma-separated list of
// them (--dports); unknown for a service name.
M port_in(std::string_view list, unsigned port) {
    M result = M::no;
    while (!list.empty()) {
        const auto item = list.substr(0, list.find(','));
        list.remove_prefix(std::min(list.size(), item.size() + 1));
        const auto colon = item.find(':');
        std::optional<unsigned> lo, hi;
        if (colon == std::string_view::npos) {
            lo = hi = number(item);
        } else {
            lo = colon == 0 ? 0u : number(item.substr(0, colon));
            hi = colon + 1 == item.size() ? 65535u : number(item.substr(colon + 1));
        }
        if (!lo || !hi)
            result = M::unknown;
        else if (port >= *lo && port <= *hi)
            return M::yes;
    }
    return result;
}

M interface_is(const std::string& pattern, const Packet& p) {
    const bool wildcard = pattern.ends_with('+');
    const std::string_view stem(pattern.data(), pattern.size() - (wildcard ? 1 : 0));
    auto same = [&](std::string_view name) {
        return wildcard ? name.starts_with(stem) : name == stem;
    };
    if (p.iif)
        return same(*p.iif) ? M::yes : M::no;
    // Another host's connection comes in neither on lo nor on a container bridge.
    if (same("lo") || (!wildcard && net::is_container_bridge(stem)))
        return M::no;
    return M::unknown;
}

M source_is(const std::string& cidr, const Packet& p) {
    if (p.saddr)
        return net::address_in(*p.saddr, cidr) ? M::yes : M::no;
    if (p.outside && net::network_within(cidr, *p.outside))
        return M::no; // a host outside --from is not in a network inside it
    return M::unknown;
}

bool takes_value(std::string_view option) {
    return option.starts_with("--") && option != "--syn";
}

} // namespace

IptablesInput read_iptables_input(std::string_view save, bool v6) {
    IptablesInput out;
    const std::string own = v6 ? "ufw6-" : "ufw-";
    const std::string loaded = "-N " + own + "user-input";
    // ufw's user rules are reached through ufw-before-input: a rule in
    // front of that jump sees the packet before them, one after it only
    // when they let it through.
    const std::string user_rules = "-A INPUT -j " + own + "before-input";
    bool past_user_rules = false;
    while (!save.empty()) {
        const auto line = save.substr(0, save.find('\n'));
        save.remove_prefix(std::min(save.size(), line.size() + 1));
        if (line == loaded)
            out.ufw_loaded = true;
        if (!line.starts_with("-A INPUT "))
            continue;
        if (line == user_rules)
            past_user_rules = true;
        const auto jump = line.substr(9);
        if (jump.starts_with("-j " + own) && jump.find(' ', 3) == std::string_view::npos)
            continue; // one of ufw's own jumps
        (past_user_rules ? out.after : out.before).emplace_back(line);
    }
    return out;
}

std::optional<Verdict> evaluate_iptables_rule(std::string_view rule, const Packet& p) {
    const auto w = words_of(rule);
    M matched = M::yes;
    std::string unsure;
    auto apply = [&](M m, bool negated, const std::string& what) {
        if (m != M::unknown && negated)
            m = m == M::yes ? M::no : M::yes;
        if (m == M::no)
            matched = M::no;
        else if (m == M::unknown && matched == M::yes) {
            matched = M::unknown;
            unsure = what;
        }
    };
    std::string target;
    bool negated = false;
    for (std::size_t i = 0; i < w.size() && matched != M::no; ++i) {
        const std::string& o = w[i];
        const std::string value = i + 1 < w.size() ? w[i + 1] : std::string();
        if (o == "!") {
            negated = true;
            continue;
        }
        const bool neg = std::exchange(negated, false);
        if (o == "-A" || o == "-m" || o == "--comment" || o == "--limit" || o == "--limit-burst") {
            ++i; // the chain, a module's name, what does not change the answer
        } else if (o == "-p") {
            apply(value == "tcp" || value == "6" || value == "all" || value == "0" ? M::yes
                                                                                    : M::no,
                  neg, "the protocol");
            ++i;
        } else if (o == "--dport" || o == "--dports" || o == "--destination-port" ||
                   o == "--destination-ports") {
            apply(port_in(value, p.dport), neg, "a port given by name");
            ++i;
        } else if (o == "-s" || o == "--source") {
            apply(source_is(value, p), neg, "the source address");
            ++i;
        } else if (o == "-i" || o == "--in-interface") {
            apply(interface_is(value, p), neg, "the input interface");
            ++i;
        } else if (o == "--ctstate" || o == "--state") {
            apply(("," + value + ",").find(",NEW,") != std::string::npos ? M::yes : M::no, neg,
                  "the connection state");
            ++i;
        } else if (o == "--syn") {
            apply(M::yes, neg, "the SYN flag");
        } else if (o == "-j" || o == "-g") {
            target = (o == "-g" ? "goto " : "") + value;
            break; // the target's own options follow
        } else {
            apply(M::unknown, false, fmt::format("iptables' {}", o));
            if (takes_value(o) || (!value.empty() && value[0] != '-'))
                ++i;
        }
    }
    if (matched == M::no || target == "LOG" || target == "NFLOG" || target == "MARK" ||
        target == "CONNMARK" || target.empty())
        return std::nullopt;
    const Decision d = target == "ACCEPT" ? Decision::accept
                       : target == "DROP" ? Decision::drop
                       : target == "REJECT" ? Decision::reject
                                            : Decision::undecided;
    Verdict v{"ufw", d, {}, {}}; // the firewall is ufw's, with this rule beside its own
    const std::string where = fmt::format("iptables' INPUT rule `{}`, which ufw did not write", rule);
    if (d == Decision::undecided)
        v.reason = fmt::format("{} jumps to {}, which this tool does not follow", where, target);
    else if (matched == M::unknown)
        v.decision = Decision::undecided,
        v.reason = fmt::format("{} would {} it depending on {}", where,
                               d == Decision::accept ? "accept" : "drop", unsure);
    else
        v.reason = where;
    return v;
}

Verdict with_rules_beside_ufw(const IptablesInput& input, const Verdict& ufw,
                              const Packet& packet) {
    auto first_match = [&](const std::vector<std::string>& rules) -> std::optional<Verdict> {
        for (const auto& r : rules)
            if (auto v = evaluate_iptables_rule(r, packet))
                return v;
        return std::nullopt;
    };
    if (auto v = first_match(input.before))
        return *v;
    if (!is_ufw_deny_policy(ufw))
        return ufw;
    if (auto v = first_match(input.after))
        return *v;
    return ufw;
}

} // namespace netcfg::firewall
