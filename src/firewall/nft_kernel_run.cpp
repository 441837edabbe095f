// Running a chain's rules for one packet as nf_tables does (nft_do_chain):
// each rule's expressions in order on the registers (nft_kernel_registers),
// a failed comparison ending the rule, a verdict in the verdict register
// ending it with a decision, a jump or goto walking another chain. An
// unknown comparison lets the rule go on in three-valued logic, as
// NftRuleset walks it; what this reader cannot mirror hands over to nft.
#include "nft_kernel_index.hpp"
#include "nft_kernel_registers.hpp"
#include "ollama-netcfg/util/netlink_walk.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <fmt/format.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>

namespace netcfg::firewall {

namespace {

using nft_kernel::Attributes;
using nft_kernel::Chain;
using nft_kernel::Origin;
using nft_kernel::Registers;
using nft_kernel::Rule;
using nft_kernel::Tri;

struct Walk {
    enum Kind { none, accept, drop, reject, undecided } kind = none;
    std::string reason;
};

struct VerdictData {
    std::optional<std::int32_t> number; // NF_ACCEPT, NF_DROP, NFT_JUMP, ...
    std::string chain;
};

VerdictData verdict_of(const Attributes& a) {
    VerdictData v;
    if (!a.has(NFTA_IMMEDIATE_DATA))
        return v;
    const auto& [data, size] = a.at[NFTA_IMMEDIATE_DATA];
    walk_nested(data, size, [&](std::uint16_t type, const char* d, std::size_t n) {
        if (type != NFTA_DATA_VERDICT)
            return;
        walk_nested(d, n, [&](std::uint16_t vt, const char* vd, std::size_t vn) {
            if (vt == NFTA_VERDICT_CODE && vn == 4) {
                std::uint32_t code;
                std::memcpy(&code, vd, 4);
                v.number = static_cast<std::int32_t>(ntohl(code));
            } else if (vt == NFTA_VERDICT_CHAIN) {
                v.chain.assign(vd, strnlen(vd, vn));
            }
        });
    });
    return v;
}

// One expression of a rule: its name and attributes.
struct Expression {
    std::string_view name;
    Attributes attributes;
};

Expression expression_of(const char* data, std::size_t size) {
    Expression e;
    walk_nested(data, size, [&](std::uint16_t type, const char* d, std::size_t n) {
        if (type == NFTA_EXPR_NAME)
            e.name = {d, strnlen(d, n)};
        else if (type == NFTA_EXPR_DATA)
            walk_nested(d, n, [&](std::uint16_t t, const char* ad, std::size_t an) {
                if (t < e.attributes.at.size())
                    e.attributes.at[t] = {ad, an};
            });
    });
    return e;
}

std::string_view what(Origin o) {
    return o == Origin::source ? "the source address" : "the input interface";
}

class Run {
  public:
    Run(const NftKernelRuleset::Index& x, const Packet& p, const NftRuleset::TableFilter& skip)
        : x_(x), p_(p), skip_(skip), regs_(p_) {}

    NftKernelRuleset::Outcome run() {
        Verdict v{"nftables", Decision::accept, "no input chain filters it", {}};
        std::vector<const Chain*> base;
        for (const auto& c : x_.chains)
            if (c.base && c.hook == NF_INET_LOCAL_IN && family_applies(c.family) &&
                c.type == "filter" &&
                !(skip_ && skip_(nft_kernel::family_name(c.family), c.table)))
                base.push_back(&c);
        std::stable_sort(base.begin(), base.end(),
                         [](const Chain* a, const Chain* b) { return a->priority < b->priority; });
        for (const Chain* c : base) {
            const std::string ref = nft_kernel::key(c->family, c->table, c->name);
            auto w = walk(ref, 0);
            if (!cannot_.empty())
                return {std::nullopt, cannot_};
            if (w.kind == Walk::none) {
                w.kind = c->policy_drop ? Walk::drop : Walk::accept;
                w.reason = fmt::format("policy {} of chain {}", c->policy_drop ? "drop" : "accept",
                                       ref);
            }
            v.reason = w.reason;
            v.chain = ref;
            if (w.kind == Walk::accept)
                continue; // the next base chain on the hook still sees it
            v.decision = w.kind == Walk::drop     ? Decision::drop
                         : w.kind == Walk::reject ? Decision::reject
                                                  : Decision::undecided;
            return {v, {}};
        }
        return {v, {}};
    }

  private:
    bool family_applies(int f) const {
        return f == NFPROTO_INET || (f == NFPROTO_IPV4 && p_.family == 4) ||
               (f == NFPROTO_IPV6 && p_.family == 6);
    }

    // Hands the packet over to nft: the first reason is kept.
    std::optional<Walk> cannot(std::string why) {
        if (cannot_.empty())
            cannot_ = std::move(why);
        return Walk{Walk::undecided, {}};
    }

    Walk walk(const std::string& ref, int depth) {
        if (depth > 16)
            return {Walk::undecided, "jumps nested too deep in " + ref};
        auto it = x_.rules.find(ref);
        if (it == x_.rules.end())
            return {};
        for (const auto& rule : it->second) {
            auto w = rule_result(ref, rule, depth);
            if (!cannot_.empty())
                return {Walk::undecided, {}};
            if (w)
                return *w;
        }
        return {};
    }

    // The rule's verdict for this packet; nullopt when it does not decide
    // (a comparison failed, no verdict, or a jump that returned).
    std::optional<Walk> rule_result(const std::string& ref, const Rule& rule, int depth) {
        // The handle, as `nft -a list ruleset` shows it (NftRuleset's words).
        auto where = [&] { return fmt::format("rule handle {} in chain {}", rule.handle, ref); };
        // One register file for the run (the packet's source parsed once, not
        // per rule of a large chain), cleared for each rule.
        Registers& regs = regs_;
        regs.clear();
        Tri matched = Tri::yes;
        Origin unsure = Origin::other;
        std::optional<Walk> out;
        bool ended = false;
        walk_nested(rule.expressions, rule.size, [&](std::uint16_t type, const char* d,
                                                     std::size_t n) {
            if (ended || type != NFTA_LIST_ELEM)
                return;
            const Expression e = expression_of(d, n);
            const Attributes& a = e.attributes;
            auto decide = [&](Walk::Kind k) -> std::optional<Walk> {
                const char* word = k == Walk::accept ? "accept" : k == Walk::drop ? "drop" : "reject";
                if (matched != Tri::unknown)
                    return Walk{k, fmt::format("{} ({})", where(), word)};
                if (unsure == Origin::other)
                    return cannot(where() + " decides on what nft -j list ruleset resolves");
                return Walk{Walk::undecided,
                            fmt::format("{} would {} it depending on {}", where(),
                                        k == Walk::accept ? "accept" : "drop", what(unsure))};
            };
            auto compared = [&](std::optional<Tri> t, Origin why) {
                if (!t) {
                    ended = true;
                    out = cannot(fmt::format("{}: a {} expression this tool does not run", where(),
                                             e.name));
                } else if (*t == Tri::no) {
                    ended = true; // NFT_BREAK: the next rule
                } else if (*t == Tri::unknown) {
                    matched = Tri::unknown;
                    unsure = why;
                }
            };
            Origin why = Origin::other;
            bool ran = true;
            if (e.name == "cmp" || e.name == "range") {
                const auto t = e.name == "cmp" ? regs.cmp(a, why) : regs.range(a, why);
                compared(t, why);
                return;
            }
            if (e.name == "payload" || e.name == "meta" || e.name == "ct") {
                // With a source register it sets a value (a mangle): no decision.
                const int sreg = e.name == "payload" ? int{NFTA_PAYLOAD_SREG}
                                 : e.name == "meta"  ? int{NFTA_META_SREG}
                                                     : int{NFTA_CT_SREG};
                const bool set = a.has(static_cast<std::uint16_t>(sreg));
                if (!set)
                    ran = e.name == "payload" ? regs.payload(a)
                          : e.name == "meta"  ? regs.meta(a)
                                              : regs.ct(a);
            } else if (e.name == "bitwise") {
                ran = regs.bitwise(a);
            } else if (e.name == "counter" || e.name == "log" || e.name == "notrack") {
                // no decision
            } else if (e.name == "reject") {
                ended = true;
                out = decide(Walk::reject);
                return;
            } else if (e.name == "immediate") {
                if (a.u32(NFTA_IMMEDIATE_DREG) != NFT_REG_VERDICT) {
                    ran = regs.immediate(a);
                } else {
                    ended = true;
                    out = jump_or_verdict(verdict_of(a), matched, unsure, where, depth, ref,
                                          decide);
                    return;
                }
            } else {
                ran = false;
            }
            if (!ran) {
                ended = true;
                out = cannot(
                    fmt::format("{}: a {} expression this tool does not run", where(), e.name));
            }
        });
        return out;
    }

    template <typename Where, typename Decide>
    std::optional<Walk> jump_or_verdict(const VerdictData& v, Tri matched, Origin unsure,
                                        Where where, int depth, const std::string& ref,
                                        Decide decide) {
        if (!v.number)
            return cannot(where() + ": a verdict without a code");
        auto depending = [&](const char* does) -> std::optional<Walk> {
            if (unsure == Origin::other)
                return cannot(where() + " decides on what nft -j list ruleset resolves");
            return Walk{Walk::undecided,
                        fmt::format("{} {} depending on {}", where(), does, what(unsure))};
        };
        switch (*v.number) {
        case NF_ACCEPT:
            return decide(Walk::accept);
        case NF_DROP:
            return decide(Walk::drop);
        case NFT_CONTINUE:
            return std::nullopt;
        case NFT_BREAK:
            return std::nullopt;
        case NFT_RETURN:
            if (matched == Tri::unknown)
                return depending("returns");
            return Walk{};
        case NFT_JUMP:
        case NFT_GOTO: {
            if (matched == Tri::unknown)
                return depending("jumps");
            const auto sep = ref.rfind(' ');
            const std::string next = ref.substr(0, sep + 1) + v.chain;
            if (v.chain.empty() || !x_.chain_keys.contains(next))
                return cannot(where() + ": a jump to a chain the dump does not name");
            auto w = walk(next, depth + 1);
            if (w.kind != Walk::none || *v.number == NFT_GOTO)
                return w;
            return std::nullopt;
        }
        default:
            return cannot(fmt::format("{}: verdict {}", where(), *v.number));
        }
    }

    const NftKernelRuleset::Index& x_;
    Packet p_;
    const NftRuleset::TableFilter& skip_;
    Registers regs_; // after p_, which it reads
    std::string cannot_;
};

} // namespace

NftKernelRuleset::Outcome NftKernelRuleset::evaluate(const Packet& packet,
                                                     const NftRuleset::TableFilter& skip) const {
    return Run(*index_, packet, skip).run();
}

} // namespace netcfg::firewall
