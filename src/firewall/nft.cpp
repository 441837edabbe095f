// Deciding a new inbound TCP connection against an nftables ruleset, in
// three-valued logic: a match on something this packet does not tell (the
// input interface, the destination address, an xt match) is "unknown", and
// an unknown match in front of a verdict makes the answer "undecided".
//
// The ruleset is read with RapidJSON and indexed by pointers into it, once:
// a host's ruleset can have tens of thousands of rules (kube-proxy, Docker,
// fail2ban), and `check` runs every minute.
#include "nft_json.hpp"
#include "ollama-netcfg/firewall/verdict.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace netcfg::firewall {

using nft::ChainRef;
using nft::Tri;
using nft::Value;
using nft::Walk;
using namespace nft; // the JSON readers
using nft::element;

namespace {

class Evaluator {
  public:
    Evaluator(const NftRuleset::Index& index, const Packet& p, const NftRuleset::TableFilter& skip)
        : x_(index), p_(p), skip_(skip) {}

    Verdict run() {
        Verdict v{"nftables", Decision::accept, "no input chain filters it", {}};
        std::vector<element> base;
        for (const auto& c : x_.chains)
            if (text(c, "hook") == "input" && family_applies(text(c, "family")) &&
                text(c, "type", "filter") == "filter" && !dormant(c) &&
                !(skip_ && skip_(view(c, "family"), view(c, "table"))))
                base.push_back(c);
        std::stable_sort(base.begin(), base.end(),
                         [](element a, element b) { return priority(a) < priority(b); });
        for (const auto& c : base) {
            ChainRef ref{text(c, "family"), text(c, "table"), text(c, "name")};
            auto w = walk(ref, 0);
            if (w.kind == Walk::none) {
                const std::string policy = text(c, "policy", "accept");
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
    static long priority(element c) {
        auto p = field(c, "prio");
        auto n = p ? number_of(*p) : std::nullopt;
        return n.value_or(0);
    }
    bool family_applies(const std::string& f) const {
        return f == "inet" || (f == "ip" && p_.family == 4) || (f == "ip6" && p_.family == 6);
    }

    bool dormant(element chain) const {
        if (x_.dormant.empty())
            return false;
        const auto k = key(view(chain, "family"), view(chain, "table"), "");
        return std::find(x_.dormant.begin(), x_.dormant.end(), k) != x_.dormant.end();
    }

    Walk walk(const ChainRef& chain, int depth) {
        if (depth > 16)
            return {Walk::undecided, "jumps nested too deep in " + chain.text()};
        auto it = x_.rules.find(key(chain.family, chain.table, chain.name));
        if (it == x_.rules.end())
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
    std::optional<Walk> rule_result(const ChainRef& chain, element rule, int depth) {
        // Said only when the rule decides: most rules of a large ruleset do not.
        // The handle, as `nft -a list ruleset` shows it and `nft delete rule
        // ... handle N` takes it: not the rule's position in the chain.
        auto where = [&] {
            auto h = field(rule, "handle");
            return fmt::format("rule handle {} in chain {}", h ? number_of(*h).value_or(0) : 0,
                               chain.text());
        };
        Tri matched = Tri::yes;
        std::string unsure;
        auto expr = field(rule, "expr");
        auto exprs = expr ? array_of(*expr) : std::nullopt;
        if (!exprs)
            return std::nullopt;
        for (element e : *exprs) {
            if (auto m = field(e, "match")) {
                Tri t = match(*m, unsure);
                if (t == Tri::no)
                    return std::nullopt;
                if (t == Tri::unknown)
                    matched = Tri::unknown;
                continue;
            }
            Walk::Kind k = Walk::none;
            if (has(e, "accept"))
                k = Walk::accept;
            else if (has(e, "drop"))
                k = Walk::drop;
            else if (has(e, "reject"))
                k = Walk::reject;
            else if (has(e, "jump") || has(e, "goto")) {
                const bool go = !has(e, "jump");
                auto target = *field(e, go ? "goto" : "jump");
                if (matched == Tri::unknown)
                    return Walk{Walk::undecided,
                                fmt::format("{} jumps depending on {}", where(), unsure)};
                ChainRef next{chain.family, chain.table, text(target, "target")};
                auto w = walk(next, depth + 1);
                if (w.kind != Walk::none || go)
                    return w.kind != Walk::none ? w : Walk{Walk::none, {}};
                continue;
            } else if (has(e, "return")) {
                if (matched == Tri::unknown)
                    return Walk{Walk::undecided,
                                fmt::format("{} returns depending on {}", where(), unsure)};
                return Walk{};
            } else if (has(e, "counter") || has(e, "log") || has(e, "limit") || has(e, "comment") ||
                       has(e, "notrack") || has(e, "mangle")) {
                continue;
            } else if (has(e, "xt")) {
                matched = matched == Tri::no ? Tri::no : Tri::unknown;
                unsure = "an iptables extension (xt) match";
                continue;
            } else {
                continue; // other statements (set updates, nat) do not decide here
            }
            if (matched == Tri::unknown)
                return Walk{Walk::undecided,
                            fmt::format("{} would {} it depending on {}", where(),
                                        k == Walk::accept ? "accept" : "drop", unsure)};
            return Walk{k, fmt::format("{} ({})", where(),
                                       k == Walk::accept ? "accept"
                                       : k == Walk::drop ? "drop"
                                                         : "reject")};
        }
        return std::nullopt;
    }

    static Value string_value(std::string s) { return {Value::string, 0, std::move(s)}; }

    // The packet's value for the left side; nullopt when it is not known.
    std::optional<Value> value_of(element left, std::string& what) {
        if (auto pl = field(left, "payload")) {
            const auto proto = view(*pl, "protocol"), f = view(*pl, "field");
            if ((proto == "tcp" || proto == "th") && f == "dport")
                return Value{Value::number, p_.dport, {}};
            if (proto == "udp" || proto == "icmp" || proto == "icmpv6")
                return Value{}; // not this packet: never matches
            if ((proto == "ip" && p_.family == 6) || (proto == "ip6" && p_.family == 4))
                return Value{};
            if ((proto == "ip" || proto == "ip6") && f == "saddr") {
                if (p_.saddr)
                    return string_value(*p_.saddr);
                what = "the source address";
                if (p_.outside)
                    return Value{Value::outside, 0, *p_.outside};
                return std::nullopt;
            }
            if ((proto == "ip" && f == "protocol") || (proto == "ip6" && f == "nexthdr"))
                return string_value("tcp");
            what = fmt::format("{} {}", proto, f);
            return std::nullopt;
        }
        if (auto meta = field(left, "meta")) {
            const auto k = view(*meta, "key");
            if (k == "l4proto")
                return string_value("tcp");
            if (k == "nfproto")
                return string_value(p_.family == 4 ? "ipv4" : "ipv6");
            if (k == "pkttype")
                return string_value("host");
            if (k == "iifname" || k == "iif") {
                if (p_.iif)
                    return k == "iifname" ? Value{Value::ifname, 0, *p_.iif}
                                          : string_value(*p_.iif);
                what = "the input interface";
                return Value{Value::not_lo, 0, {}};
            }
            what = fmt::format("meta {}", k);
            return std::nullopt;
        }
        if (auto ct = field(left, "ct")) {
            const auto k = view(*ct, "key");
            if (k == "state")
                return string_value("new");
            if (k == "status")
                return Value{Value::no_flags, 0, {}}; // a new connection from a client: not NATed
            if (k == "direction")
                return string_value("original");
            what = fmt::format("ct {}", k);
            return std::nullopt;
        }
        if (auto fib = field(left, "fib")) {
            auto flags = field(*fib, "flags");
            if (text(*fib, "result") == "type" && flags &&
                dump(*flags).find("daddr") != std::string::npos)
                return string_value("local");
            what = "a fib lookup";
            return std::nullopt;
        }
        what = "an expression this tool does not evaluate (" + dump(left) + ")";
        return std::nullopt;
    }

    // Whether every address the right side names lies in `net` (addresses,
    // prefixes, anonymous sets of them); false when not known.
    bool within(element right, const std::string& net) {
        if (auto s = string_of(right))
            return !s->starts_with("@") && net::network_within(std::string(*s), net);
        if (auto items = array_of(right)) {
            for (element e : *items)
                if (!within(e, net))
                    return false;
            return items->size() > 0;
        }
        if (!right.is_object())
            return false;
        if (auto set = field(right, "set"))
            return within(*set, net);
        if (auto elem = field(right, "elem")) {
            auto val = field(*elem, "val");
            return val && within(*val, net);
        }
        if (auto pf = field(right, "prefix")) {
            auto len = field(*pf, "len");
            return len &&
                   net::network_within(
                       fmt::format("{}/{}", text(*pf, "addr"), number_of(*len).value_or(0)), net);
        }
        return false;
    }

    // Does `v` equal one element of the right side?
    Tri member(const Value& v, element right) {
        if (v.kind == Value::no_flags) // flags: none of the right side's is set
            return Tri::no;
        if (auto name = string_of(right); name && name->starts_with("@")) {
            // a named set in the same table: any table with that name will do here
            const std::string suffix = " " + std::string(name->substr(1));
            for (const auto& [k, elems] : x_.sets)
                if (k.size() > suffix.size() - 1 && k.ends_with(suffix))
                    return elems ? member(v, *elems) : Tri::no;
            return Tri::unknown;
        }
        if (auto items = array_of(right)) {
            Tri r = Tri::no;
            for (element e : *items) {
                Tri t = member(v, e);
                if (t == Tri::yes)
                    return t;
                if (t == Tri::unknown)
                    r = t;
            }
            return r;
        }
        if (right.is_object()) {
            if (auto set = field(right, "set"))
                return member(v, *set);
            if (auto elem = field(right, "elem")) {
                auto val = field(*elem, "val");
                return val ? member(v, *val) : Tri::no;
            }
            if (auto range = field(right, "range")) {
                auto r = array_of(*range);
                if (v.kind == Value::number && r && r->size() == 2) {
                    auto lo = number_of(r->at(0));
                    auto hi = number_of(r->at(1));
                    if (lo && hi)
                        return v.num >= *lo && v.num <= *hi ? Tri::yes : Tri::no;
                }
                return Tri::unknown;
            }
            if (auto pf = field(right, "prefix")) {
                if (v.kind != Value::string)
                    return Tri::no;
                auto len = field(*pf, "len");
                return net::address_in(v.str, fmt::format("{}/{}", text(*pf, "addr"),
                                                          len ? number_of(*len).value_or(0) : 0))
                           ? Tri::yes
                           : Tri::no;
            }
            return Tri::no;
        }
        auto n = number_of(right);
        auto s = string_of(right);
        if (v.kind == Value::number && n)
            return v.num == *n ? Tri::yes : Tri::no;
        if (v.kind == Value::string && s)
            return v.str == *s ? Tri::yes : Tri::no;
        if (v.kind == Value::ifname && s && s->ends_with('*'))
            return v.str.starts_with(s->substr(0, s->size() - 1)) ? Tri::yes : Tri::no;
        if (v.kind == Value::ifname && s)
            return v.str == *s ? Tri::yes : Tri::no;
        if (v.kind == Value::number && s)
            return Tri::unknown; // a service name
        return Tri::no;
    }

    // A port compared by order (`tcp dport < 1024`), as the kernel's cmp does.
    static Tri ordered(const Value& v, std::string_view op, element right, element m,
                       std::string& unsure) {
        auto n = number_of(right);
        if (v.kind != Value::number || !n) {
            unsure = "a comparison this tool does not read (" + dump(m) + ")";
            return Tri::unknown;
        }
        const bool r = op == "<"    ? v.num < *n
                       : op == ">"  ? v.num > *n
                       : op == "<=" ? v.num <= *n
                                    : v.num >= *n;
        return r ? Tri::yes : Tri::no;
    }

    Tri match(element m, std::string& unsure) {
        std::string what;
        auto left = field(m, "left");
        auto right = field(m, "right");
        if (!left || !right) {
            unsure = "a match this tool does not read (" + dump(m) + ")";
            return Tri::unknown;
        }
        auto v = value_of(*left, what);
        const auto op = view(m, "op", "==");
        if (!v) {
            unsure = what;
            return Tri::unknown;
        }
        if (v->kind == Value::other_packet)
            return op == "!=" ? Tri::yes : Tri::no;
        if (v->kind == Value::not_lo) {
            // An interface other than lo: only comparisons with "lo" are known.
            // Nor does another host's connection come in on a container bridge.
            auto r = string_of(*right);
            // A wildcard (`br-*`) may match a bridge of the LAN as well.
            if (r && !r->ends_with('*') && (*r == "lo" || net::is_container_bridge(*r)))
                return op == "!=" ? Tri::yes : Tri::no;
            unsure = what;
            return Tri::unknown;
        }
        if (v->kind == Value::outside) {
            // A source outside v->str: not in a right side that lies within it.
            if (within(*right, v->str))
                return op == "!=" ? Tri::yes : Tri::no;
            unsure = what;
            return Tri::unknown;
        }
        if (op == "<" || op == ">" || op == "<=" || op == ">=")
            return ordered(*v, op, *right, m, unsure);
        Tri t = member(*v, *right);
        if (t == Tri::unknown) {
            unsure = "a value this tool does not resolve (" + dump(*right) + ")";
            return t;
        }
        if (op == "!=")
            return t == Tri::yes ? Tri::no : Tri::yes;
        return t;
    }

    const NftRuleset::Index& x_;
    Packet p_;
    const NftRuleset::TableFilter& skip_;
};

} // namespace

std::optional<NftRuleset> NftRuleset::parse(std::string_view json) {
    auto index = std::make_unique<Index>();
    // The index owns the text and the document that point into it.
    index->json.assign(json);
    // RapidJSON's SSE2 scan loads whole aligned 16-byte blocks, up to 15
    // bytes past the text's end: 16 NULs keep those loads inside the buffer
    // (AddressSanitizer caught the overrun). The first NUL ends the text.
    index->json.append(16, '\0');
    index->doc.ParseInsitu(index->json.data());
    const element doc(&index->doc);
    if (index->doc.HasParseError() || !doc.is_object())
        return std::nullopt;
    auto top = field(doc, "nftables");
    if (!top)
        return NftRuleset(std::move(index)); // an empty ruleset
    auto items = array_of(*top);
    if (!items)
        return std::nullopt;
    // Rules come chain by chain: look the chain up only when it changes.
    std::string_view last_family, last_table, last_chain;
    std::vector<element>* chain_rules = nullptr;
    for (element item : *items) {
        if (auto r = field(item, "rule")) {
            const auto f = view(*r, "family"), t = view(*r, "table"), c = view(*r, "chain");
            if (!chain_rules || f != last_family || t != last_table || c != last_chain) {
                chain_rules = &index->rules[key(f, t, c)];
                last_family = f, last_table = t, last_chain = c;
            }
            chain_rules->push_back(*r);
        } else if (auto c = field(item, "chain")) {
            index->chains.push_back(*c);
        } else if (auto t = field(item, "table"); t && is_dormant(*t)) {
            index->dormant.push_back(key(view(*t, "family"), view(*t, "name"), ""));
        } else if (auto st = field(item, "set")) {
            index->sets[key(text(*st, "family"), text(*st, "table"), text(*st, "name"))] =
                field(*st, "elem");
        }
    }
    return NftRuleset(std::move(index));
}

NftRuleset::NftRuleset(std::unique_ptr<Index> index) : index_(std::move(index)) {}
NftRuleset::NftRuleset(NftRuleset&&) noexcept = default;
NftRuleset& NftRuleset::operator=(NftRuleset&&) noexcept = default;
NftRuleset::~NftRuleset() = default;

Verdict NftRuleset::evaluate(const Packet& packet, const TableFilter& skip) const {
    return Evaluator(*index_, packet, skip).run();
}

Verdict evaluate_nft(const nlohmann::json& ruleset, const Packet& packet) {
    auto parsed = NftRuleset::parse(ruleset.dump());
    if (!parsed)
        return {"nftables", Decision::undecided, "the ruleset is not nft's JSON", {}};
    return parsed->evaluate(packet, {});
}

} // namespace netcfg::firewall
