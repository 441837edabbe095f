// Which network manager configures an interface, from the state files each
// one keeps under /run.
#pragma once

#include <string>

namespace netcfg::probe {

// "systemd-networkd" (its link state file says it configures the link),
// "NetworkManager" (its device state file says managed=true), "ifupdown"
// (ifup's state file for the interface), or empty when none of them does.
std::string network_manager_of(const std::string& interface);

} // namespace netcfg::probe
