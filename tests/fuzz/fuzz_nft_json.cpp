// `nft -j list ruleset` read in place (RapidJSON) and walked for a packet
// of each family, with and without a source.
#include "fuzz.hpp"
#include "ollama-netcfg/firewall/verdict.hpp"

using namespace netcfg::firewall;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    auto ruleset = NftRuleset::parse(text);
    if (!ruleset)
        return 0;
    for (int family : {4, 6}) {
        Packet p;
        p.family = family;
        p.dport = 11434;
        (void)ruleset->evaluate(p);
        p.saddr = family == 4 ? "192.168.1.50" : "fd00:1::50";
        p.iif = "eth1";
        (void)ruleset->evaluate(p);
    }
    return 0;
}
