// One netlink dump, the way sock_diag (LISTEN sockets) and nfnetlink (the
// nftables tables) are asked: the request sent, each buffer of the answer
// handed to a pure step function (proc_text.hpp, nftables.hpp) until it
// says done or error.
#pragma once

#include "ollama-netcfg/probe/proc_text.hpp"

#include <cstddef>
#include <functional>

namespace netcfg::probe {

// Whether the dump ran to its end (false: no socket, a send or receive
// error, or a buffer `step` refused).
bool netlink_dump(int protocol, const void* request, std::size_t size,
                  const std::function<DumpStep(const char* buffer, std::size_t length)>& step);

} // namespace netcfg::probe
