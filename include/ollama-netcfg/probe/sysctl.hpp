// The sysctl that decides which ports an unprivileged service may bind.
#pragma once

#include <string>
#include <vector>

namespace netcfg::probe {

// net.ipv4.ip_unprivileged_port_start (1024 when unreadable).
int unprivileged_port_start();

} // namespace netcfg::probe
