// Deciding a new inbound TCP connection against an nftables ruleset, in
// three-valued logic: a match on something this packet does not tell (the
// input interface, the destination address, an xt match) is "unknown", and
// an unknown match in front of a verdict makes the answer "undecided".
#include "ollama-netcfg/firewall/verdict.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>

namespace netcfg::firewall {
namespace {

using nlohmann::json;

enum class Tri { no, yes, unknown };

struct ChainRef {
    std::string family, table, name;
    std::string text() const { return family + " " + table + " " + name; }
};

struct Walk {
    enum Kind { none, accept, drop, reject, undecided } kind = none;
    std::string reason;
};

class Evaluator {
  public:
    Evaluator(const json& ruleset, const Packet& p) : p_(p) {
        if (!ruleset.contains("nftables"))
            return;
        for (const auto& item : ruleset["nftables"]) {
            if (item.contains("rule")) {
                const auto& r = item["rule"];
                rules_[key(r["family"], r["table"], r["chain"])].push_back(r);
            } else if (item.contains("chain")) {
                chains_.push_back(item["chain"]);
            } else if (item.contains("set")) {
                const auto& s = item["set"];
                sets_[key(s["family"], s["table"], s["name"])] = s.value("elem", json::array());
            }
        }
    }

    Verdict run() {
        Verdict v{"nftables", Decision::accept, "no input chain filters it", {}};
        std::vector<json> base;
        for (const auto& c : chains_)
            if (c.value("hook", "") == "input" && family_applies(c.value("family", "")) &&
                c.value("type", "filter") == "filter")
                base.push_back(c);
        std::stable_sort(base.begin(), base.end(),
                         [](const json& a, const json& b) { return priority(a) < priority(b); });
        for (const auto& c : base) {
            ChainRef ref{c["family"], c["table"], c["name"]};
            auto w = walk(ref, 0);
            if (w.kind == Walk::none) {
                const std::string policy = c.value("policy", "accept");
                w.kind = policy == "drop" ? Walk::drop : Walk::accept;
                w.reason = fmt::format("policy {} of chain {}", policy, ref.text());
            }
            v.reason = w.reason;
            v.chain = ref.text();
            if (w.kind == Walk::accept)
                continue; // the next base chain on the hook still sees it
            v.decision = w.kind == Walk::drop     ? Decision::drop
                         : w.kind == Walk::reject ? Decision::reject
                                                  : Decision::undecided;
            v.reason = w.reason;
            return v;
        }
        return v;
    }

  private:
    static std::string key(const std::string& f, const std::string& t, const std::string& n) {
        return f + " " + t + " " + n;
    }
    static long priority(const json& c) {
        const auto& p = c.contains("prio") ? c["prio"] : json(0);
        return p.is_number() ? p.get<long>() : 0;
    }
    bool family_applies(const std::string& f) const {
        return f == "inet" || (f == "ip" && p_.family == 4) || (f == "ip6" && p_.family == 6);
    }

    Walk walk(const ChainRef& chain, int depth) {
        if (depth > 16)
            return {Walk::undecided, "jumps nested too deep in " + chain.text()};
        auto it = rules_.find(key(chain.family, chain.table, chain.name));
        if (it == rules_.end())
            return {};
        for (const auto& rule : it->second) {
            auto w = rule_result(chain, rule, depth);
            if (w)
                return *w;
        }
        return {};
    }

    // nullopt: the rule does not decide (no match, or no verdict, or a
    // jump that returned).
    std::optional<Walk> rule_result(const ChainRef& chain, const json& rule, int depth) {
        const auto where =
            fmt::format("rule {} in chain {}", rule.value("handle", 0), chain.text());
        Tri matched = Tri::yes;
        std::string unsure;
        for (const auto& e : rule.value("expr", json::array())) {
            if (e.contains("match")) {
                Tri t = match(e["match"], unsure);
                if (t == Tri::no)
                    return std::nullopt;
                if (t == Tri::unknown)
                    matched = Tri::unknown;
                continue;
            }
            Walk::Kind k = Walk::none;
            if (e.contains("accept"))
                k = Walk::accept;
            else if (e.contains("drop"))
                k = Walk::drop;
            else if (e.contains("reject"))
                k = Walk::reject;
            else if (e.contains("jump") || e.contains("goto")) {
                const auto& target = e.contains("jump") ? e["jump"] : e["goto"];
                if (matched == Tri::unknown)
                    return Walk{Walk::undecided,
                                fmt::format("{} jumps depending on {}", where, unsure)};
                ChainRef next{chain.family, chain.table, target.value("target", "")};
                auto w = walk(next, depth + 1);
                if (w.kind != Walk::none || e.contains("goto"))
                    return w.kind != Walk::none ? w : Walk{Walk::none, {}};
                continue;
            } else if (e.contains("return")) {
                if (matched == Tri::unknown)
                    return Walk{Walk::undecided,
                                fmt::format("{} returns depending on {}", where, unsure)};
                return Walk{};
            } else if (e.contains("counter") || e.contains("log") || e.contains("limit") ||
                       e.contains("comment") || e.contains("notrack") || e.contains("mangle")) {
                continue;
            } else if (e.contains("xt")) {
                matched = matched == Tri::no ? Tri::no : Tri::unknown;
                unsure = "an iptables extension (xt) match";
                continue;
            } else {
                continue; // other statements (set updates, nat) do not decide here
            }
            if (matched == Tri::unknown)
                return Walk{Walk::undecided,
                            fmt::format("{} would {} it depending on {}", where,
                                        k == Walk::accept ? "accept" : "drop", unsure)};
            return Walk{k, fmt::format("{} ({})", where,
                                       k == Walk::accept ? "accept"
                                       : k == Walk::drop ? "drop"
                                                         : "reject")};
        }
        return std::nullopt;
    }

    // The packet's value for the left side; nullopt when it is not known.
    std::optional<json> value_of(const json& left, std::string& what) {
        if (left.contains("payload")) {
            const auto& pl = left["payload"];
            const std::string proto = pl.value("protocol", ""), field = pl.value("field", "");
            if ((proto == "tcp" || proto == "th") && field == "dport")
                return json(p_.dport);
            if (proto == "udp" || proto == "icmp" || proto == "icmpv6")
                return json(nullptr); // not this packet: never matches
            if ((proto == "ip" && p_.family == 6) || (proto == "ip6" && p_.family == 4))
                return json(nullptr);
            if ((proto == "ip" || proto == "ip6") && field == "saddr") {
                if (p_.saddr)
                    return json(*p_.saddr);
                what = "the source address";
                return std::nullopt;
            }
            if (proto == "ip" && field == "protocol")
                return json("tcp");
            if (proto == "ip6" && field == "nexthdr")
                return json("tcp");
            what = fmt::format("{} {}", proto, field);
            return std::nullopt;
        }
        if (left.contains("meta")) {
            const std::string k = left["meta"].value("key", "");
            if (k == "l4proto")
                return json("tcp");
            if (k == "nfproto")
                return json(p_.family == 4 ? "ipv4" : "ipv6");
            if (k == "pkttype")
                return json("host");
            if (k == "iifname" || k == "iif") {
                what = "the input interface";
                return json::object({{"not-lo", true}});
            }
            what = "meta " + k;
            return std::nullopt;
        }
        if (left.contains("ct")) {
            const std::string k = left["ct"].value("key", "");
            if (k == "state")
                return json("new");
            if (k == "status")
                return json::array(); // a new connection from a client: not NATed
            if (k == "direction")
                return json("original");
            what = "ct " + k;
            return std::nullopt;
        }
        if (left.contains("fib")) {
            const auto& f = left["fib"];
            if (f.value("result", "") == "type" && f.contains("flags") &&
                f["flags"].dump().find("daddr") != std::string::npos)
                return json("local");
            what = "a fib lookup";
            return std::nullopt;
        }
        what = "an expression this tool does not evaluate (" + left.dump() + ")";
        return std::nullopt;
    }

    // Does `v` equal one element of the right side?
    Tri member(const json& v, const json& right) {
        if (v.is_array()) { // flags: none of the right side's is set
            return Tri::no;
        }
        if (right.is_string() && right.get<std::string>().starts_with("@")) {
            // a named set in the same table: any table with that name will do here
            const auto name = right.get<std::string>().substr(1);
            for (const auto& [k, elems] : sets_)
                if (k.size() > name.size() && k.ends_with(" " + name))
                    return member(v, elems);
            return Tri::unknown;
        }
        if (right.is_array()) {
            Tri r = Tri::no;
            for (const auto& e : right) {
                Tri t = member(v, e);
                if (t == Tri::yes)
                    return t;
                if (t == Tri::unknown)
                    r = t;
            }
            return r;
        }
        if (right.is_object() && right.contains("set"))
            return member(v, right["set"]);
        if (right.is_object() && right.contains("elem"))
            return member(v, right["elem"].value("val", json()));
        if (right.is_object() && right.contains("range")) {
            const auto& r = right["range"];
            if (v.is_number() && r.size() == 2 && r[0].is_number() && r[1].is_number())
                return v.get<long>() >= r[0].get<long>() && v.get<long>() <= r[1].get<long>()
                           ? Tri::yes
                           : Tri::no;
            return Tri::unknown;
        }
        if (right.is_object() && right.contains("prefix")) {
            if (!v.is_string())
                return Tri::no;
            const auto& pf = right["prefix"];
            return address_in(v.get<std::string>(),
                              fmt::format("{}/{}", pf.value("addr", ""), pf.value("len", 0)))
                       ? Tri::yes
                       : Tri::no;
        }
        if (v.is_number() && right.is_number())
            return v.get<long>() == right.get<long>() ? Tri::yes : Tri::no;
        if (v.is_string() && right.is_string())
            return v.get<std::string>() == right.get<std::string>() ? Tri::yes : Tri::no;
        if (v.is_number() && right.is_string())
            return Tri::unknown; // a service name
        return Tri::no;
    }

    Tri match(const json& m, std::string& unsure) {
        std::string what;
        auto v = value_of(m["left"], what);
        const std::string op = m.value("op", "==");
        if (!v) {
            unsure = what;
            return Tri::unknown;
        }
        if (v->is_null())
            return op == "!=" ? Tri::yes : Tri::no;
        if (v->is_object() && v->contains("not-lo")) {
            // An interface other than lo: only comparisons with "lo" are known.
            const auto& r = m["right"];
            if (r.is_string() && r.get<std::string>() == "lo")
                return op == "!=" ? Tri::yes : Tri::no;
            unsure = what;
            return Tri::unknown;
        }
        Tri t = member(*v, m["right"]);
        if (t == Tri::unknown) {
            unsure = "a value this tool does not resolve (" + m["right"].dump() + ")";
            return t;
        }
        if (op == "!=")
            return t == Tri::yes ? Tri::no : Tri::yes;
        return t;
    }

    Packet p_;
    std::vector<json> chains_;
    std::map<std::string, std::vector<json>> rules_;
    std::map<std::string, json> sets_;
};

} // namespace

Verdict evaluate_nft(const nlohmann::json& ruleset, const Packet& packet) {
    return Evaluator(ruleset, packet).run();
}

} // namespace netcfg::firewall
