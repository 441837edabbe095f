// The expressions that load, change and compare registers, as the kernel's
// nft_payload, nft_meta, nft_ct, nft_bitwise, nft_immediate, nft_cmp and
// nft_range run them, for a new inbound TCP connection whose headers are
// known only as far as NftRuleset knows them: the IP version, the TCP
// protocol, the destination port, the source address when given, and the
// input interface when given (else: not lo, not a container bridge).
#include "nft_kernel_registers.hpp"

#include "ollama-netcfg/net/address.hpp"
#include "ollama-netcfg/util/netlink_walk.hpp"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_tables.h>
#include <netinet/in.h>
#include <string>

namespace netcfg::firewall::nft_kernel {

namespace {

std::optional<std::size_t> register_at(std::uint32_t reg, std::size_t len, std::size_t size) {
    std::size_t at = 0;
    if (reg >= NFT_REG_1 && reg <= NFT_REG_4)
        at = reg * 16;
    else if (reg >= NFT_REG32_00 && reg <= NFT_REG32_15)
        at = (reg - NFT_REG32_00 + 4) * 4;
    else
        return std::nullopt;
    if (len == 0 || at + len > size)
        return std::nullopt;
    return at;
}

// The destination register and key of a meta or ct load: where 4 bytes
// (at least) are written.
std::optional<std::pair<std::size_t, std::uint32_t>>
load_target(const Attributes& a, std::uint16_t dreg_attribute, std::uint16_t key_attribute,
            std::size_t size) {
    auto dreg = a.u32(dreg_attribute), key = a.u32(key_attribute);
    if (!dreg || !key)
        return std::nullopt;
    auto at = register_at(*dreg, 4, size);
    if (!at)
        return std::nullopt;
    return std::pair{*at, *key};
}

constexpr std::size_t ifname_size = 16; // IFNAMSIZ
constexpr std::uint32_t loopback_index = 1; // lo's index in every network namespace

} // namespace

std::optional<std::uint32_t> Attributes::u32(std::uint16_t t) const {
    if (!has(t) || at[t].second != 4)
        return std::nullopt;
    std::uint32_t v;
    std::memcpy(&v, at[t].first, sizeof v);
    return ntohl(v);
}

std::string_view Attributes::value(std::uint16_t t) const {
    std::string_view v;
    if (has(t))
        walk_nested(at[t].first, at[t].second,
                    [&](std::uint16_t type, const char* d, std::size_t n) {
                        if (type == NFTA_DATA_VALUE)
                            v = {d, n};
                    });
    return v;
}

Registers::Registers(const Packet& p) : p_(p) {
    clear();
    const int af = p.family == 6 ? AF_INET6 : AF_INET;
    if (p.saddr && inet_pton(af, p.saddr->c_str(), saddr_.data()) == 1)
        saddr_origin_ = Origin::known;
    else if (p.saddr || p.outside)
        saddr_origin_ = Origin::other; // "outside --from" only NftRuleset reads
}

void Registers::clear() {
    origin_.fill(Origin::other); // the kernel's registers hold whatever was there
}

void Registers::pad(std::size_t end) {
    // A load zeroes the rest of its last 32-bit word (nft_reg_store8,
    // nft_payload_eval and nft_bitwise_eval do).
    for (; end % 4 != 0 && end < size; ++end)
        set(end, 0, Origin::known);
}

void Registers::unknown(std::size_t at, std::size_t len, Origin o) {
    for (std::size_t i = at; i < at + len && i < size; ++i)
        origin_[i] = o;
}

std::pair<std::uint8_t, Origin> Registers::header_byte(std::uint32_t base,
                                                       std::uint32_t offset) const {
    if (base == NFT_PAYLOAD_NETWORK_HEADER) {
        const bool v6 = p_.family == 6;
        const std::uint32_t protocol_at = v6 ? 6 : 9, saddr_at = v6 ? 8 : 12;
        const std::uint32_t saddr_len = v6 ? 16 : 4;
        if (offset == protocol_at)
            return {IPPROTO_TCP, Origin::known};
        if (offset >= saddr_at && offset < saddr_at + saddr_len)
            return {saddr_[offset - saddr_at], saddr_origin_};
    } else if (base == NFT_PAYLOAD_TRANSPORT_HEADER) {
        if (offset == 2)
            return {static_cast<std::uint8_t>(p_.dport >> 8), Origin::known};
        if (offset == 3)
            return {static_cast<std::uint8_t>(p_.dport & 0xff), Origin::known};
    }
    return {0, Origin::other};
}

bool Registers::payload(const Attributes& a) {
    auto dreg = a.u32(NFTA_PAYLOAD_DREG), base = a.u32(NFTA_PAYLOAD_BASE);
    auto offset = a.u32(NFTA_PAYLOAD_OFFSET), len = a.u32(NFTA_PAYLOAD_LEN);
    if (!dreg || !base || !offset || !len || *offset > 0xffff)
        return false;
    auto at = register_at(*dreg, *len, size);
    if (!at)
        return false;
    for (std::uint32_t i = 0; i < *len; ++i) {
        auto [v, o] = header_byte(*base, *offset + i);
        set(*at + i, v, o);
    }
    pad(*at + *len);
    return true;
}

bool Registers::meta(const Attributes& a) {
    auto target = load_target(a, NFTA_META_DREG, NFTA_META_KEY, size);
    if (!target)
        return false;
    const std::size_t at = target->first; // not a structured binding: lambdas capture it
    const std::uint32_t key = target->second;
    auto byte = [&](std::uint8_t v) {
        set(at, v, Origin::known);
        pad(at + 1);
    };
    switch (key) {
    case NFT_META_NFPROTO:
        byte(p_.family == 6 ? NFPROTO_IPV6 : NFPROTO_IPV4);
        return true;
    case NFT_META_L4PROTO:
        byte(IPPROTO_TCP);
        return true;
    case NFT_META_PKTTYPE:
        byte(PACKET_HOST);
        return true;
    case NFT_META_IIFNAME:
        if (at + ifname_size > size)
            return false;
        if (p_.iif) {
            for (std::size_t i = 0; i < ifname_size; ++i)
                set(at + i, i < p_.iif->size() ? static_cast<std::uint8_t>((*p_.iif)[i]) : 0,
                    Origin::known);
        } else {
            unknown(at, ifname_size, Origin::iface);
        }
        return true;
    case NFT_META_IIF:
        unknown(at, 4, Origin::ifindex);
        return true;
    default:
        unknown(at, 16, Origin::other); // NftRuleset does not know it either
        return true;
    }
}

bool Registers::ct(const Attributes& a) {
    auto target = load_target(a, NFTA_CT_DREG, NFTA_CT_KEY, size);
    if (!target)
        return false;
    const std::size_t at = target->first; // not a structured binding: lambdas capture it
    const std::uint32_t key = target->second;
    auto host_u32 = [&](std::uint32_t v) { // ct state and status are in host order
        char bytes[4];
        std::memcpy(bytes, &v, 4);
        for (int i = 0; i < 4; ++i)
            set(at + i, static_cast<std::uint8_t>(bytes[i]), Origin::known);
    };
    if (a.has(NFTA_CT_DIRECTION)) { // a key of one direction: addresses, ports
        unknown(at, 16, Origin::other);
        return true;
    }
    switch (key) {
    case NFT_CT_STATE:
        host_u32(NF_CT_STATE_BIT(IP_CT_NEW));
        return true;
    case NFT_CT_STATUS:
        host_u32(0); // a new connection from a client: not NATed, nothing else set
        return true;
    case NFT_CT_DIRECTION:
        set(at, 0, Origin::known); // IP_CT_DIR_ORIGINAL
        pad(at + 1);
        return true;
    default:
        unknown(at, 16, Origin::other);
        return true;
    }
}

bool Registers::bitwise(const Attributes& a) {
    auto sreg = a.u32(NFTA_BITWISE_SREG), dreg = a.u32(NFTA_BITWISE_DREG);
    auto len = a.u32(NFTA_BITWISE_LEN);
    if (!sreg || !dreg || !len)
        return false;
    auto from = register_at(*sreg, *len, size), to = register_at(*dreg, *len, size);
    if (!from || !to)
        return false;
    if (a.u32(NFTA_BITWISE_OP).value_or(NFT_BITWISE_BOOL) != NFT_BITWISE_BOOL) {
        unknown(*to, *len, Origin::other); // shifts: not in an input filter nft writes
        pad(*to + *len);
        return true;
    }
    const auto mask = a.value(NFTA_BITWISE_MASK), x = a.value(NFTA_BITWISE_XOR);
    if (mask.size() < *len || x.size() < *len)
        return false;
    std::array<std::pair<std::uint8_t, Origin>, size> out;
    for (std::uint32_t i = 0; i < *len; ++i) {
        const auto m = static_cast<std::uint8_t>(mask[i]), xv = static_cast<std::uint8_t>(x[i]);
        const Origin o = origin_[*from + i];
        if (o == Origin::known || m == 0)
            out[i] = {static_cast<std::uint8_t>((reg_[*from + i] & m) ^ xv), Origin::known};
        else
            out[i] = {0, o};
    }
    for (std::uint32_t i = 0; i < *len; ++i)
        set(*to + i, out[i].first, out[i].second);
    pad(*to + *len);
    return true;
}

bool Registers::immediate(const Attributes& a) {
    auto dreg = a.u32(NFTA_IMMEDIATE_DREG);
    const auto data = a.value(NFTA_IMMEDIATE_DATA);
    if (!dreg || data.empty())
        return false;
    auto at = register_at(*dreg, data.size(), size);
    if (!at)
        return false;
    for (std::size_t i = 0; i < data.size(); ++i)
        set(*at + i, static_cast<std::uint8_t>(data[i]), Origin::known);
    pad(*at + data.size());
    return true;
}

std::optional<int> Registers::order(std::size_t at, std::string_view data, Origin& why) const {
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (origin_[at + i] != Origin::known) {
            why = origin_[at + i];
            return std::nullopt;
        }
        const auto d = static_cast<std::uint8_t>(data[i]);
        if (reg_[at + i] != d)
            return reg_[at + i] < d ? -1 : 1;
    }
    return 0;
}

Tri Registers::equal(std::size_t at, std::string_view data, Origin& why) const {
    const Origin first = origin_[at];
    // Another host's connection comes in neither on lo nor on a container
    // bridge: a whole name (NUL-ended) or lo's index says no.
    if (first == Origin::iface && data.size() <= ifname_size &&
        data.find('\0') != std::string_view::npos) {
        bool all = true;
        for (std::size_t i = 0; i < data.size(); ++i)
            all = all && origin_[at + i] == Origin::iface;
        const std::string name(data.substr(0, data.find('\0')));
        if (all && (name == "lo" || net::is_container_bridge(name)))
            return Tri::no;
    }
    if (first == Origin::ifindex && data.size() == 4) {
        std::uint32_t index;
        std::memcpy(&index, data.data(), 4);
        if (index == loopback_index)
            return Tri::no;
        if (p_.iif) {
            why = Origin::other; // a named interface's index: NftRuleset compares names
            return Tri::unknown;
        }
    }
    bool unsure = false;
    for (std::size_t i = 0; i < data.size(); ++i) {
        if (origin_[at + i] != Origin::known) {
            if (!unsure || origin_[at + i] == Origin::other)
                why = origin_[at + i];
            unsure = true;
        } else if (reg_[at + i] != static_cast<std::uint8_t>(data[i])) {
            return Tri::no;
        }
    }
    return unsure ? Tri::unknown : Tri::yes;
}

std::optional<Tri> Registers::cmp(const Attributes& a, Origin& why) const {
    auto sreg = a.u32(NFTA_CMP_SREG), op = a.u32(NFTA_CMP_OP);
    const auto data = a.value(NFTA_CMP_DATA);
    if (!sreg || !op)
        return std::nullopt;
    auto at = register_at(*sreg, data.size(), size);
    if (!at)
        return std::nullopt;
    if (*op == NFT_CMP_EQ || *op == NFT_CMP_NEQ) {
        Tri t = equal(*at, data, why);
        if (*op == NFT_CMP_NEQ && t != Tri::unknown)
            t = t == Tri::yes ? Tri::no : Tri::yes;
        return t;
    }
    auto d = order(*at, data, why);
    if (!d)
        return Tri::unknown;
    bool r = false;
    switch (*op) {
    case NFT_CMP_LT:
        r = *d < 0;
        break;
    case NFT_CMP_LTE:
        r = *d <= 0;
        break;
    case NFT_CMP_GT:
        r = *d > 0;
        break;
    case NFT_CMP_GTE:
        r = *d >= 0;
        break;
    default:
        return std::nullopt;
    }
    return r ? Tri::yes : Tri::no;
}

std::optional<Tri> Registers::range(const Attributes& a, Origin& why) const {
    auto sreg = a.u32(NFTA_RANGE_SREG), op = a.u32(NFTA_RANGE_OP);
    const auto from = a.value(NFTA_RANGE_FROM_DATA), to = a.value(NFTA_RANGE_TO_DATA);
    if (!sreg || !op || from.size() != to.size() || (*op != NFT_RANGE_EQ && *op != NFT_RANGE_NEQ))
        return std::nullopt;
    auto at = register_at(*sreg, from.size(), size);
    if (!at)
        return std::nullopt;
    auto lo = order(*at, from, why), hi = order(*at, to, why);
    if (!lo || !hi)
        return Tri::unknown;
    const bool in = *lo >= 0 && *hi <= 0;
    return in == (*op == NFT_RANGE_EQ) ? Tri::yes : Tri::no;
}

} // namespace netcfg::firewall::nft_kernel
