// An nfnetlink NFT_MSG_GETTABLE dump, as `check` reads it to learn whether
// the kernel has any nftables table, and which, before it starts nft.
// Property: no more tables are read than whole messages fit in the buffer,
// a name has no NUL in it, and a buffer called done holds the dump's end.
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
    std::vector<NftTable> tables;
    const auto step = parse_table_dump(reinterpret_cast<const char*>(aligned.data()), size, tables);
    fuzz::require(tables.size() <= size / sizeof(nlmsghdr), "a table is read once per message");
    for (const auto& t : tables)
        fuzz::require(t.name.find('\0') == std::string::npos, "a name without NUL");
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
