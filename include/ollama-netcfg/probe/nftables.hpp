// The kernel's nftables tables, asked over nfnetlink (the question `nft
// list tables` asks) without starting nft: on a host whose ruleset is
// empty nothing filters, and `nft -j list ruleset` would only say so, at
// the cost of a process; on a ufw host, a table ufw's iptables did not make
// is one whose rules ufw does not list.
#pragma once

#include "ollama-netcfg/probe/proc_text.hpp"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netcfg::probe {

// The tables of every family; nullopt when the kernel would not say (no
// CAP_NET_ADMIN, no nf_tables).
std::optional<std::vector<NftTable>> nftables_tables();

// The whole answer to one dump of every family's chains or rules
// (NFT_MSG_GETCHAIN, NFT_MSG_GETRULE), as firewall::NftKernelRuleset reads
// it: the buffers as the kernel sent them, NLMSG_DONE last; nullopt when
// the kernel would not say.
std::optional<std::string> nftables_dump(std::uint16_t message);

} // namespace netcfg::probe
