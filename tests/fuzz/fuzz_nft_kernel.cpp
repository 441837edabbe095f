// The kernel's nftables chain and rule dumps, as NftKernelRuleset reads
// them, run for packets of each family (sources unknown, known and
// outside a network; an input interface given or not). The input is the
// chain dump's length (4 bytes, little-endian), the chain dump, then the
// rule dump. Property: a packet it does not decide says why.
#include "fuzz.hpp"
#include "packets.hpp"
#include "ollama-netcfg/firewall/nft_kernel.hpp"

#include <cstring>

using namespace netcfg::firewall;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 4)
        return 0;
    std::uint32_t n;
    std::memcpy(&n, data, 4);
    if (n > size - 4)
        return 0;
    const char* text = reinterpret_cast<const char*>(data) + 4;
    auto ruleset = NftKernelRuleset::parse(std::string(text, n), std::string(text + n, size - 4 - n));
    if (!ruleset)
        return 0;
    for (const auto& p : fuzz::packets()) {
        const auto out = ruleset->evaluate(p);
        fuzz::require(out.verdict || !out.why_not.empty(), "a hand-over says why");
    }
    return 0;
}
