#include "ollama-netcfg/reach/reach.hpp"

#include <array>

namespace netcfg::reach {

bool is_container_bridge(const std::string& name) {
    static constexpr std::array<std::string_view, 8> prefixes = {
        "docker", "br-", "podman", "cni-podman", "lxcbr", "lxdbr", "virbr", "incusbr"};
    for (auto p : prefixes)
        if (name.starts_with(p))
            return true;
    return false;
}

std::vector<Interface> covered(const ollama::HostSetting& want,
                               const std::vector<Interface>& interfaces, bool bindv6only) {
    std::vector<Interface> out;
    const auto& h = want.host;
    for (const auto& i : interfaces) {
        bool yes = false;
        if (h.empty())
            yes = true;
        else if (h == "0.0.0.0")
            yes = i.family == 4;
        else if (h == "::")
            yes = i.family == 6 || !bindv6only;
        else
            yes = i.address == h;
        if (yes)
            out.push_back(i);
    }
    return out;
}

} // namespace netcfg::reach
