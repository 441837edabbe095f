// The kernel's nftables chain and rule dumps, as NftKernelRuleset reads
// them, run for packets of each family (sources unknown, known and
// outside a network; an input interface given or not). The input is the
// chain dump's length (4 bytes, little-endian), the chain dump, then the
// rule dump. Property: a packet it does not decide says why.
#include "fuzz.hpp"
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
    for (int family : {4, 6}) {
        Packet p;
        p.family = family;
        p.dport = 11434;
        for (int variant = 0; variant < 3; ++variant) {
            if (variant == 1) {
                p.saddr = family == 4 ? "192.168.1.50" : "fd00:1::50";
                p.iif = "docker0";
            } else if (variant == 2) {
                p.saddr.reset();
                p.outside = family == 4 ? "10.0.0.0/8" : "fd00::/8";
            }
            const auto out = ruleset->evaluate(p);
            fuzz::require(out.verdict || !out.why_not.empty(), "a hand-over says why");
        }
    }
    return 0;
}
