// An nfnetlink NFT_MSG_GETTABLE dump, as `check` reads it to learn whether
// the kernel has any nftables table before it starts nft. Property: no more
// tables are counted than whole messages fit in the buffer, and a buffer
// the count calls done holds the dump's end.
#include "fuzz.hpp"
#include "ollama-netcfg/probe/proc_text.hpp"

#include <cstring>
#include <linux/netlink.h>
#include <vector>

using namespace netcfg::probe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The socket's buffer is aligned for nlmsghdr; so is this copy.
    std::vector<nlmsghdr> aligned(size / sizeof(nlmsghdr) + 1);
    std::memcpy(aligned.data(), data, size);
    std::size_t tables = 0;
    const auto step =
        count_table_messages(reinterpret_cast<const char*>(aligned.data()), size, tables);
    fuzz::require(tables <= size / sizeof(nlmsghdr), "a table is counted once per message");
    if (step == DumpStep::done) {
        bool has_done = false;
        for (std::size_t at = 0; at + sizeof(nlmsghdr) <= size; at += 4) {
            nlmsghdr h;
            std::memcpy(&h, data + at, sizeof h);
            has_done = has_done || h.nlmsg_type == NLMSG_DONE;
        }
        fuzz::require(has_done, "done only at NLMSG_DONE");
    }
    return 0;
}
