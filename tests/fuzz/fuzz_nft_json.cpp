// `nft -j list ruleset` read in place (RapidJSON) and walked for the
// packets of packets.hpp.
#include "fuzz.hpp"
#include "packets.hpp"
#include "ollama-netcfg/firewall/verdict.hpp"

using namespace netcfg::firewall;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto ruleset = NftRuleset::parse(text);
    if (!ruleset)
        return 0;
    for (const auto& p : fuzz::packets())
        (void)ruleset->evaluate(p);
    return 0;
}
