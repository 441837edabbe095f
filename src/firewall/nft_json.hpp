// Reading `nft -j list ruleset` with RapidJSON (header-only, parsed in
// place): the field readers, the index of chains, rules and sets by name,
// and the small types the evaluator (nft.cpp) walks with. Private to
// src/firewall.
#pragma once

#include "ollama-netcfg/firewall/verdict.hpp"

#include <fmt/format.h>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#if defined(__SSE2__) && !defined(RAPIDJSON_SSE2)
#define RAPIDJSON_SSE2 // whitespace skipped 16 bytes at a time
#endif
#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace netcfg::firewall {

namespace nft {

// A value in the parsed document (which outlives it): a pointer, cheap to
// copy and to keep in the index.
class element {
  public:
    element() = default;
    explicit element(const rapidjson::Value* v) : v_(v) {}
    bool is_object() const { return v_ && v_->IsObject(); }
    const rapidjson::Value& operator*() const { return *v_; }
    const rapidjson::Value* operator->() const { return v_; }

  private:
    const rapidjson::Value* v_ = nullptr;
};

// The items of an array value, walked as elements.
class Items {
  public:
    using pointer = rapidjson::Value::ConstValueIterator;
    struct iterator {
        pointer p;
        element operator*() const { return element(p); }
        iterator& operator++() {
            ++p;
            return *this;
        }
        bool operator!=(const iterator& o) const { return p != o.p; }
    };
    explicit Items(const rapidjson::Value& array) : b_(array.Begin()), e_(array.End()) {}
    iterator begin() const { return {b_}; }
    iterator end() const { return {e_}; }
    std::size_t size() const { return static_cast<std::size_t>(e_ - b_); }
    element at(std::size_t i) const { return element(b_ + i); }

  private:
    pointer b_, e_;
};

enum class Tri { no, yes, unknown };

// --- reading the JSON ------------------------------------------------------

inline std::optional<element> field(element e, std::string_view key) {
    if (!e.is_object())
        return std::nullopt;
    const rapidjson::Value name(
        rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size())));
    auto m = e->FindMember(name);
    if (m == e->MemberEnd())
        return std::nullopt;
    return element(&m->value);
}

inline std::optional<Items> array_of(element e) {
    if (!e->IsArray())
        return std::nullopt;
    return Items(*e);
}

inline bool has(element e, std::string_view key) {
    return field(e, key).has_value();
}

// A string member, viewed in the parsed document (which outlives the view).
inline std::string_view view(element e, std::string_view key, std::string_view fallback = "") {
    auto f = field(e, key);
    if (!f || !(*f)->IsString())
        return fallback;
    return {(*f)->GetString(), (*f)->GetStringLength()};
}

inline std::string text(element e, std::string_view key, std::string_view fallback = "") {
    return std::string(view(e, key, fallback));
}

inline std::optional<long> number_of(element e) {
    if (e->IsInt64())
        return static_cast<long>(e->GetInt64());
    if (e->IsUint64())
        return static_cast<long>(e->GetUint64());
    // A double beyond long's range is no port or priority nft writes (found
    // by fuzz_nft_json: the conversion was undefined behaviour).
    if (e->IsNumber()) {
        const double d = e->GetDouble();
        if (!(d >= -9.2e18 && d <= 9.2e18))
            return std::nullopt;
        return static_cast<long>(d);
    }
    return std::nullopt;
}

inline std::optional<std::string_view> string_of(element e) {
    if (!e->IsString())
        return std::nullopt;
    return std::string_view(e->GetString(), e->GetStringLength());
}

inline std::string dump(element e) {
    rapidjson::StringBuffer out;
    rapidjson::Writer<rapidjson::StringBuffer> writer(out);
    e->Accept(writer);
    return {out.GetString(), out.GetSize()};
}

// `flags dormant`: the kernel runs none of the table's chains. nft writes
// one flag as a string ("dormant") and several as an array. (nft 1.0.6, in
// Debian 12, writes freed memory there; reach/nft_reading takes the
// kernel's own table flags for that.)
inline bool is_dormant(element table) {
    auto flags = field(table, "flags");
    if (!flags)
        return false;
    if (auto one = string_of(*flags))
        return *one == "dormant";
    if (auto many = array_of(*flags))
        for (element f : *many)
            if (string_of(f) == std::optional<std::string_view>("dormant"))
                return true;
    return false;
}

inline std::string key(std::string_view f, std::string_view t, std::string_view n) {
    return fmt::format("{} {} {}", f, t, n);
}

// --- what the packet is -----------------------------------------------------

// The packet's value for a match's left side.
struct Value {
    // ifname: an interface name, which a name ending in `*` matches by
    // its start (as the kernel compares only the bytes before the `*`).
    enum Kind { other_packet, number, string, ifname, no_flags, not_lo, outside } kind = other_packet;
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
    using element = nft::element;
    // Parsed in place: the document's strings point into this copy.
    std::string json;
    rapidjson::Document doc;
    std::vector<element> chains;
    std::map<std::string, std::vector<element>> rules;  // "family table chain"
    std::map<std::string, std::optional<element>> sets; // "family table name": its elements
    std::vector<std::string> dormant;                    // "family table": flags dormant
};

} // namespace netcfg::firewall
