// The kernel's nftables tables, asked over nfnetlink (the question `nft
// list tables` asks) without starting nft: on a host whose ruleset is
// empty nothing filters, and `nft -j list ruleset` would only say so, at
// the cost of a process; on a ufw host, a table ufw's iptables did not make
// is one whose rules ufw does not list.
#pragma once

#include "ollama-netcfg/probe/proc_text.hpp"

#include <cstddef>
#include <optional>
#include <vector>

namespace netcfg::probe {

// The tables of every family; nullopt when the kernel would not say (no
// CAP_NET_ADMIN, no nf_tables).
std::optional<std::vector<NftTable>> nftables_tables();

} // namespace netcfg::probe
