// One netlink dump, the way sock_diag (LISTEN sockets), nfnetlink (the
// nftables tables) and rtnetlink (the host's addresses) are asked: the request sent, each buffer of the answer
// handed to a pure step function (proc_text.hpp, nftables.hpp) until it
// says done or error.
#pragma once

#include "ollama-netcfg/probe/proc_text.hpp"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <linux/netlink.h>

namespace netcfg::probe {

using DumpStepFn = std::function<DumpStep(const char* buffer, std::size_t length)>;

// Whether the dump ran to its end (false: no socket, a send or receive
// error, or a buffer `step` refused).
bool netlink_dump(int protocol, const void* request, std::size_t size, const DumpStepFn& step);

// The same for a dump request of `type`: the netlink header
// (NLM_F_REQUEST | NLM_F_DUMP) with `body`, the family's own header, behind it.
template <typename Body>
bool netlink_dump(int protocol, std::uint16_t type, const Body& body, const DumpStepFn& step) {
    struct {
        nlmsghdr nlh;
        Body body;
    } request{};
    request.nlh.nlmsg_len = sizeof request;
    request.nlh.nlmsg_type = type;
    request.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
    request.body = body;
    return netlink_dump(protocol, &request, sizeof request, step);
}

} // namespace netcfg::probe
