#include "ollama-netcfg/probe/interfaces.hpp"

#include "ollama-netcfg/util/atomic_file.hpp"

#include <arpa/inet.h>
#include <charconv>
#include <ifaddrs.h>
#include <memory>
#include <netinet/in.h>

namespace netcfg::probe {
namespace {

struct IfaddrsFree {
    void operator()(ifaddrs* p) const { freeifaddrs(p); }
};

} // namespace

std::vector<std::string> local_addresses() {
    std::vector<std::string> out;
    ifaddrs* raw = nullptr;
    if (getifaddrs(&raw) != 0)
        return out;
    std::unique_ptr<ifaddrs, IfaddrsFree> list(raw);
    for (auto* p = list.get(); p; p = p->ifa_next) {
        if (!p->ifa_addr)
            continue;
        char buf[INET6_ADDRSTRLEN] = {};
        const void* a = nullptr;
        if (p->ifa_addr->sa_family == AF_INET)
            a = &reinterpret_cast<sockaddr_in*>(p->ifa_addr)->sin_addr;
        else if (p->ifa_addr->sa_family == AF_INET6)
            a = &reinterpret_cast<sockaddr_in6*>(p->ifa_addr)->sin6_addr;
        if (a && inet_ntop(p->ifa_addr->sa_family, a, buf, sizeof buf))
            out.emplace_back(buf);
    }
    return out;
}

int unprivileged_port_start() {
    auto v = read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start");
    int port = 1024;
    if (v && *v)
        std::from_chars((*v)->data(), (*v)->data() + (*v)->size(), port);
    return port;
}

} // namespace netcfg::probe
