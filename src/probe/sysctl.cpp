#include "ollama-netcfg/probe/sysctl.hpp"

#include "ollama-netcfg/util/atomic_file.hpp"

#include <charconv>

namespace netcfg::probe {

int unprivileged_port_start() {
    auto v = read_file("/proc/sys/net/ipv4/ip_unprivileged_port_start");
    int port = 1024;
    if (v && *v)
        std::from_chars((*v)->data(), (*v)->data() + (*v)->size(), port);
    return port;
}

} // namespace netcfg::probe
