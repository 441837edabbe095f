// Walking a netlink dump as the kernel hands it out: message by message,
// attribute by attribute, by hand (NLMSG_NEXT's count can wrap), with
// memcpy (a buffer need not be aligned for the headers). Pure: the
// sockets are in probe/netlink; the readers of sock_diag, rtnetlink and
// nfnetlink answers (probe/proc_text, firewall/nft_kernel) share this.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <linux/netlink.h>

namespace netcfg {

// `more`: read the next buffer; `done`: the dump ended (NLMSG_DONE);
// `error`: the kernel answered an error, or a message is cut short.
enum class DumpStep { more, done, error };

// One buffer of a dump: `each(header, message)` for each message before
// NLMSG_DONE. An error message, a message cut short or bytes left over
// that are not a whole header make it an error.
template <typename Each> DumpStep walk_dump(const char* at, std::size_t left, Each each) {
    while (left >= sizeof(nlmsghdr)) {
        nlmsghdr h;
        std::memcpy(&h, at, sizeof h);
        if (h.nlmsg_len < sizeof(nlmsghdr) || h.nlmsg_len > left)
            return DumpStep::error;
        if (h.nlmsg_type == NLMSG_DONE)
            return DumpStep::done;
        if (h.nlmsg_type == NLMSG_ERROR)
            return DumpStep::error; // a dump ends with DONE; an error is a refusal
        each(h, at);
        const std::size_t step = NLMSG_ALIGN(h.nlmsg_len);
        if (step >= left)
            return DumpStep::more;
        at += step;
        left -= step;
    }
    return left == 0 ? DumpStep::more : DumpStep::error;
}

// The attributes of a message from byte `from` to `end`: `each(type, data,
// size)`, up to one cut short. rtattr and nlattr are laid out alike.
template <typename Each>
void walk_attributes(const char* msg, std::size_t from, std::size_t end, Each each) {
    while (from + sizeof(nlattr) <= end) {
        nlattr a;
        std::memcpy(&a, msg + from, sizeof a);
        if (a.nla_len < sizeof a || from + a.nla_len > end)
            return;
        each(static_cast<std::uint16_t>(a.nla_type & NLA_TYPE_MASK), msg + from + NLA_HDRLEN,
             static_cast<std::size_t>(a.nla_len - NLA_HDRLEN));
        from += NLA_ALIGN(a.nla_len);
    }
}

// The attributes nested in an attribute's data.
template <typename Each> void walk_nested(const char* data, std::size_t size, Each each) {
    walk_attributes(data, 0, size, each);
}

} // namespace netcfg
