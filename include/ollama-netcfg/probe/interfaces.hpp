// The host's own addresses and the sysctls that decide what may be bound.
#pragma once

#include <string>
#include <vector>

namespace netcfg::probe {

// Every address of every interface (getifaddrs), as text; IPv6 link-local
// addresses without their zone.
std::vector<std::string> local_addresses();

// net.ipv4.ip_unprivileged_port_start (1024 when unreadable).
int unprivileged_port_start();

} // namespace netcfg::probe
