// An RTM_GETADDR dump, as `status` and `check` read the host's addresses.
// Property: every address read has a family the kernel lists and a label
// that is a name (no NUL in it).
#include "fuzz.hpp"
#include "ollama-netcfg/probe/proc_text.hpp"

#include <cstring>
#include <linux/netlink.h>
#include <netinet/in.h>
#include <vector>

using namespace netcfg::probe;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    // The socket's buffer is aligned for nlmsghdr; so is this copy.
    std::vector<nlmsghdr> aligned(size / sizeof(nlmsghdr) + 1);
    std::memcpy(aligned.data(), data, size);
    std::vector<KernelAddress> out;
    (void)parse_address_dump(aligned.data(), size, out);
    for (const auto& a : out) {
        fuzz::require(a.family == AF_INET || a.family == AF_INET6, "a family the kernel lists");
        fuzz::require(a.label.find('\0') == std::string::npos, "a label without NUL");
    }
    return 0;
}
