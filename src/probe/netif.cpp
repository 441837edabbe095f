#include "ollama-netcfg/probe/netif.hpp"

#include <fstream>
#include <net/if.h>
#include <string_view>
#include <sys/stat.h>

namespace netcfg::probe {
namespace {

// Whether `path` has a line that is exactly one of `lines`.
bool has_line(const std::string& path, std::initializer_list<std::string_view> lines) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        for (auto l : lines)
            if (line == l)
                return true;
    return false;
}

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

} // namespace

std::string network_manager_of(const std::string& interface) {
    const auto index = ::if_nametoindex(interface.c_str());
    if (index == 0)
        return {};
    const auto n = std::to_string(index);
    // sd-network: /run/systemd/netif/links/IFINDEX, ADMIN_STATE= is
    // "unmanaged" for links networkd leaves alone.
    if (has_line("/run/systemd/netif/links/" + n,
                 {"ADMIN_STATE=configured", "ADMIN_STATE=configuring"}))
        return "systemd-networkd";
    // NetworkManager's device state files, one per ifindex, [device] managed=.
    if (has_line("/run/NetworkManager/devices/" + n, {"managed=true"}))
        return "NetworkManager";
    // ifupdown records each interface it brought up.
    if (exists("/run/network/ifstate." + interface))
        return "ifupdown";
    return {};
}

} // namespace netcfg::probe
