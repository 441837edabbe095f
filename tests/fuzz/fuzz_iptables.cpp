// `iptables -S` on a ufw host: whether ufw's chains are loaded, INPUT's
// rules beside ufw's, and each judged for packets of both families.
// Property: a rule that decides names itself in its reason, and with
// nothing beside ufw, ufw's own verdict stands.
#include "fuzz.hpp"
#include "ollama-netcfg/firewall/iptables.hpp"

using namespace netcfg::firewall;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    const Verdict deny{"ufw", Decision::drop, "ufw default incoming policy deny", {}};
    for (bool v6 : {false, true}) {
        const auto input = read_iptables_input(text, v6);
        for (const Packet& p : {Packet{v6 ? 6 : 4, 11434, std::nullopt, std::nullopt, std::nullopt},
                                Packet{v6 ? 6 : 4, 22, v6 ? "2001:db8::1" : "192.0.2.1",
                                       std::string("docker0"), std::nullopt}}) {
            for (const auto& r : input.before)
                if (auto v = evaluate_iptables_rule(r, p))
                    fuzz::require(v->reason.find(r) != std::string::npos, "the rule is named");
            const auto v = with_rules_beside_ufw(input, deny, p);
            if (input.before.empty() && input.after.empty())
                fuzz::require(v.reason == deny.reason, "ufw's verdict stands alone");
        }
    }
    return 0;
}
