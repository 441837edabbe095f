// nf_tables' registers for one packet, as NftKernelRuleset runs a rule:
// loaded from what the packet is known to be (payload, meta, ct), changed
// (bitwise, immediate) and compared (cmp, range) byte by byte. A byte the
// packet does not tell is unknown, with where it came from; a comparison
// that needs it is unknown. Private to src/firewall.
#pragma once

#include "ollama-netcfg/firewall/verdict.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <optional>
#include <string_view>
#include <utility>

namespace netcfg::firewall::nft_kernel {

enum class Tri { no, yes, unknown };

// Where an unknown byte came from: the two a verdict may depend on in
// NftRuleset's words, and the rest (which only nft's JSON reader resolves,
// or nothing does).
enum class Origin : std::uint8_t { known, source, iface, ifindex, other };

// One expression's attributes (NFTA_<KIND>_*), by type.
struct Attributes {
    std::array<std::pair<const char*, std::size_t>, 16> at{};
    bool has(std::uint16_t t) const { return t < at.size() && at[t].first; }
    std::optional<std::uint32_t> u32(std::uint16_t t) const;
    // An nft_data attribute's NFTA_DATA_VALUE (empty when it has none).
    std::string_view value(std::uint16_t t) const;
};

class Registers {
  public:
    explicit Registers(const Packet& p);
    // Every register unknown again: a rule starts from none it loaded.
    void clear();

    // Each false when the expression is not one this reader runs (an
    // unknown key, a register out of range); the caller hands over.
    bool payload(const Attributes& a);
    bool meta(const Attributes& a);
    bool ct(const Attributes& a);
    bool bitwise(const Attributes& a);
    bool immediate(const Attributes& a); // a value into a data register
    // cmp and range: nullopt when not run here; `why` is the origin of the
    // unknown byte an unknown answer depends on.
    std::optional<Tri> cmp(const Attributes& a, Origin& why) const;
    std::optional<Tri> range(const Attributes& a, Origin& why) const;

  private:
    static constexpr std::size_t size = 80; // the verdict, then 4 × 16 bytes
    std::pair<std::uint8_t, Origin> header_byte(std::uint32_t base, std::uint32_t offset) const;
    void set(std::size_t at, std::uint8_t v, Origin o) { reg_[at] = v, origin_[at] = o; }
    void pad(std::size_t end);
    void unknown(std::size_t at, std::size_t len, Origin o);
    // memcmp of the register at `at` with `data`, or nullopt when an
    // unknown byte comes first; `eq` only whether they are equal.
    std::optional<int> order(std::size_t at, std::string_view data, Origin& why) const;
    Tri equal(std::size_t at, std::string_view data, Origin& why) const;

    const Packet& p_;
    std::array<std::uint8_t, 16> saddr_{};
    Origin saddr_origin_ = Origin::source;
    std::array<std::uint8_t, size> reg_{};
    std::array<Origin, size> origin_{};
};

} // namespace netcfg::firewall::nft_kernel
