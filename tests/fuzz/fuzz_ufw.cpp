// `ufw status verbose` as the tool reads it, for a packet of each family.
#include "fuzz.hpp"
#include "ollama-netcfg/firewall/verdict.hpp"

using namespace netcfg::firewall;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    for (int family : {4, 6}) {
        Packet p;
        p.family = family;
        p.dport = 11434;
        (void)evaluate_ufw(text, p);
        p.saddr = family == 4 ? "192.168.1.50" : "fd00:1::50";
        (void)evaluate_ufw(text, p);
    }
    return 0;
}
