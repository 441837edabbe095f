// Whether the kernel has any nftables table, asked over nfnetlink (the
// question `nft list tables` asks) without starting nft: on a host whose
// ruleset is empty nothing filters, and `nft -j list ruleset` would only
// say so, at the cost of a process.
#pragma once

#include "ollama-netcfg/probe/proc_text.hpp"

#include <cstddef>
#include <optional>

namespace netcfg::probe {

// The number of tables in every family; nullopt when the kernel would not
// say (no CAP_NET_ADMIN, no nf_tables).
std::optional<std::size_t> nftables_table_count();

} // namespace netcfg::probe
