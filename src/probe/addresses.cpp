#include "ollama-netcfg/probe/addresses.hpp"

#include "ollama-netcfg/probe/netlink.hpp"
#include "ollama-netcfg/util/fd.hpp"

#include <algorithm>
#include <cstring>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <utility>

namespace netcfg::probe {

namespace {

// Interface names by index, one ioctl each, on one socket (if_indextoname
// opens a socket per call; a container host has hundreds of veths).
class Names {
  public:
    const std::string& of(unsigned index) {
        auto it = std::find_if(names_.begin(), names_.end(),
                               [&](const auto& n) { return n.first == index; });
        if (it != names_.end())
            return it->second;
        if (!fd_)
            fd_ = UniqueFd(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
        ifreq req{};
        req.ifr_ifindex = static_cast<int>(index);
        std::string name;
        if (fd_ && ::ioctl(fd_.get(), SIOCGIFNAME, &req) == 0)
            name.assign(req.ifr_name, strnlen(req.ifr_name, sizeof req.ifr_name));
        return names_.emplace_back(index, std::move(name)).second;
    }

  private:
    UniqueFd fd_;
    std::vector<std::pair<unsigned, std::string>> names_;
};

} // namespace

std::optional<std::vector<KernelAddress>> host_addresses() {
    ifaddrmsg ifa{};
    ifa.ifa_family = AF_UNSPEC; // both families, IPv4 first
    std::vector<KernelAddress> out;
    if (!netlink_dump(NETLINK_ROUTE, RTM_GETADDR, ifa,
                      [&](const char* buf, std::size_t n) {
                          return parse_address_dump(buf, n, out);
                      }))
        return std::nullopt;
    Names names;
    for (auto& a : out)
        if (a.label.empty())
            a.label = names.of(a.index);
    return out;
}

} // namespace netcfg::probe
