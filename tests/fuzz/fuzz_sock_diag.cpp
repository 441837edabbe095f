// A sock_diag dump as the kernel answers `ss -tln`: netlink messages with
// inet_diag_msg and its attributes. Property: every socket read has a
// family the kernel lists and the port asked for.
#include "fuzz.hpp"
#include "ollama-netcfg/probe/proc_text.hpp"

#include <cstring>
#include <linux/netlink.h>
#include <netinet/in.h>

using namespace netcfg::probe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The socket's buffer is aligned for nlmsghdr; so is this copy.
    std::vector<nlmsghdr> aligned(size / sizeof(nlmsghdr) + 1);
    std::memcpy(aligned.data(), data, size);
    for (std::uint16_t port : {std::uint16_t{0}, std::uint16_t{11434}}) {
        std::vector<ListenSocket> out;
        (void)parse_diag_dump(aligned.data(), size, port, out);
        for (const auto& s : out) {
            fuzz::require(s.family == AF_INET || s.family == AF_INET6, "a family the kernel lists");
            fuzz::require(port == 0 || s.port == port, "only the port asked for");
        }
    }
    return 0;
}
