// Reading `nft -j list ruleset` with simdjson: the field readers, the
// index of chains, rules and sets by name, and the small types the
// evaluator (nft.cpp) walks with. Private to src/firewall.
#pragma once

#include "ollama-netcfg/firewall/verdict.hpp"

#include <fmt/format.h>
#include <map>
#include <optional>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::firewall {

namespace nft {

using simdjson::dom::element;

enum class Tri { no, yes, unknown };

// --- reading the JSON ------------------------------------------------------

inline std::optional<element> field(element e, std::string_view key) {
    element out;
    if (!e.is_object() || e[key].get(out) != simdjson::SUCCESS)
        return std::nullopt;
    return out;
}

inline bool has(element e, std::string_view key) {
    return field(e, key).has_value();
}

// A string member, viewed in the parsed document (which outlives the view).
inline std::string_view view(element e, std::string_view key, std::string_view fallback = "") {
    auto f = field(e, key);
    std::string_view v;
    if (!f || f->get_string().get(v) != simdjson::SUCCESS)
        return fallback;
    return v;
}

inline std::string text(element e, std::string_view key, std::string_view fallback = "") {
    return std::string(view(e, key, fallback));
}

inline std::optional<long> number_of(element e) {
    if (int64_t i; e.get_int64().get(i) == simdjson::SUCCESS)
        return static_cast<long>(i);
    if (uint64_t u; e.get_uint64().get(u) == simdjson::SUCCESS)
        return static_cast<long>(u);
    if (double d; e.get_double().get(d) == simdjson::SUCCESS)
        return static_cast<long>(d);
    return std::nullopt;
}

inline std::optional<std::string_view> string_of(element e) {
    std::string_view v;
    if (e.get_string().get(v) != simdjson::SUCCESS)
        return std::nullopt;
    return v;
}

inline std::string dump(element e) {
    return simdjson::minify(e);
}

inline std::string key(std::string_view f, std::string_view t, std::string_view n) {
    return fmt::format("{} {} {}", f, t, n);
}

// --- what the packet is -----------------------------------------------------

// The packet's value for a match's left side.
struct Value {
    enum Kind { other_packet, number, string, no_flags, not_lo, outside } kind = other_packet;
    long num = 0;
    std::string str;
};

struct ChainRef {
    std::string family, table, name;
    std::string text() const { return family + " " + table + " " + name; }
};

struct Walk {
    enum Kind { none, accept, drop, reject, undecided } kind = none;
    std::string reason;
};

} // namespace nft

struct NftRuleset::Index {
    using element = simdjson::dom::element;
    simdjson::dom::parser parser;
    std::vector<element> chains;
    std::map<std::string, std::vector<element>> rules;  // "family table chain"
    std::map<std::string, std::optional<element>> sets; // "family table name": its elements
};

} // namespace netcfg::firewall
