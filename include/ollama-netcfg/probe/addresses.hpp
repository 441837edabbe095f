// The host's IPv4 and IPv6 addresses, from one RTM_GETADDR dump: the
// flags getifaddrs leaves out (tentative, failed duplicate address
// detection) come with each address, so /proc/net/if_inet6 need not be
// read as well, and no link dump is asked for.
#pragma once

#include "ollama-netcfg/probe/proc_text.hpp"

#include <optional>
#include <vector>

namespace netcfg::probe {

// In the kernel's order (IPv4, then IPv6); each `label` is the name
// getifaddrs gives: IFA_LABEL when the kernel sends one (IPv4 aliases such
// as eth0:1), else the interface's name. nullopt when the kernel would not
// answer.
std::optional<std::vector<KernelAddress>> host_addresses();

} // namespace netcfg::probe
