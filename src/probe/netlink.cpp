#include "ollama-netcfg/probe/netlink.hpp"

#include "ollama-netcfg/util/fd.hpp"

#include <linux/netlink.h>
#include <sys/socket.h>

namespace netcfg::probe {

bool netlink_dump(int protocol, const void* request, std::size_t size, const DumpStepFn& step) {
    UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, protocol));
    if (!fd)
        return false;
    sockaddr_nl kernel{};
    kernel.nl_family = AF_NETLINK;
    if (::sendto(fd.get(), request, size, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof kernel) <
        0)
        return false;
    alignas(nlmsghdr) char buf[32768];
    for (;;) {
        ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
        if (n < 0)
            return false;
        switch (step(buf, static_cast<std::size_t>(n))) {
        case DumpStep::done:
            return true;
        case DumpStep::error:
            return false;
        case DumpStep::more:
            break;
        }
    }
}

} // namespace netcfg::probe
