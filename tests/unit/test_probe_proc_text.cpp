#include "catch.hpp"
#include "ollama-netcfg/probe/proc_text.hpp"

#include <arpa/inet.h>
#include <cstring>
#include <linux/if_addr.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>

using namespace netcfg::probe;
using namespace std::string_view_literals;

TEST_CASE("environ_values reads a name as Go does: the first entry counts", "[probe][proc]") {
    const std::string_view names[] = {"OLLAMA_HOST"sv, "HTTPS_PROXY"sv, "EMPTY"sv};
    const auto block = "PATH=/bin\0OLLAMA_HOST=0.0.0.0\0EMPTY=\0OLLAMA_HOST=127.0.0.1\0"
                       "OLLAMA_HOSTX=9\0no equals sign\0"sv;
    auto v = environ_values(block, names);
    REQUIRE(v.size() == 3);
    CHECK(v[0] == "0.0.0.0"); // Go's copyenv keeps the first mention
    CHECK_FALSE(v[1]);
    CHECK(v[2] == "");
    // A value with '=' in it, and a block without its last NUL.
    const std::string_view one[] = {"A"sv};
    CHECK(environ_values("A=b=c"sv, one)[0] == "b=c");
    CHECK_FALSE(environ_values(""sv, one)[0]);
    CHECK_FALSE(environ_values("=A=1\0"sv, one)[0]); // its name is empty
}

TEST_CASE("stat_state: the letter after the command, whatever the command holds", "[probe][proc]") {
    CHECK(stat_state("814 (ollama) Z 1 814 814 0 -1 4194564 ...") == 'Z');
    CHECK(stat_state("42 (a) b) S 1 42 42 0") == 'S'); // ") " inside the command
    CHECK(stat_state("42 (x)") == '?');
    CHECK(stat_state("") == '?');
}

TEST_CASE("status and cgroup text", "[probe][proc]") {
    auto s = status_uid_parent("Name:\tollama\nPPid:\t1\nUid:\t997\t997\t997\t997\n");
    REQUIRE(s);
    CHECK(s->first == 997);
    CHECK(s->second == 1);
    CHECK(cgroup_path("0::/system.slice/ollama.service\n") == "/system.slice/ollama.service");
    CHECK(cgroup_path("12:pids:/x\n1:name=systemd:/system.slice/a.service\n") ==
          "/system.slice/a.service");
    CHECK(cgroup_path("garbage") == "");
}

TEST_CASE("parse_proc_net_tcp finds LISTEN sockets on the port", "[probe][proc]") {
    const std::string tcp =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  "
        "timeout inode\n"
        "   0: 00000000:2CAA 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999  "
        "      0 4242 1 0000000000000000 100 0 0 10 0\n"
        "   1: 0100007F:2CAA 0100007F:D431 01 00000000:00000000 00:00000000 00000000   999  "
        "      0 4243 1 0000000000000000 100 0 0 10 0\n"
        "   2: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000   999  "
        "      0 4244 1 0000000000000000 100 0 0 10 0\n";
    auto s = parse_proc_net_tcp(tcp, AF_INET, 11434);
    REQUIRE(s.size() == 1);
    CHECK(s[0].address == "0.0.0.0");
    CHECK(s[0].inode == 4242);
    CHECK(s[0].endpoint() == "0.0.0.0:11434");
    auto other = parse_proc_net_tcp(tcp, AF_INET, 8080);
    REQUIRE(other.size() == 1);
    CHECK(other[0].address == "127.0.0.1");
}

TEST_CASE("parse_proc_net_tcp decodes IPv6 addresses", "[probe][proc]") {
    const std::string tcp6 =
        "  sl  local_address                         remote_address                        st\n"
        "   0: 00000000000000000000000000000000:2CAA 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000     0        0 77 1 0 100 0 0 10 0\n"
        "   1: 00000000000000000000000001000000:2CAA 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000     0        0 78 1 0 100 0 0 10 0\n";
    auto s = parse_proc_net_tcp(tcp6, AF_INET6, 11434);
    REQUIRE(s.size() == 2);
    CHECK(s[0].address == "::");
    CHECK(s[0].endpoint() == "*:11434"); // V6ONLY unknown here: the default, 0
    CHECK(s[1].address == "::1");
}

TEST_CASE("parse_proc_net_tcp skips what the kernel does not write", "[probe][proc]") {
    const std::string tcp6 =
        "  sl  local_address                         remote_address                        st "
        "tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        "   0: 00000000000000000000000000000000:2CAA 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000   997        0 4242 1\n"
        // An address cut short: skipped (it threw std::out_of_range before).
        "   1: 0000000000:2CAA 00000000000000000000000000000000:0000 0A "
        "00000000:00000000 00:00000000 00000000   997        0 4343 1\n";
    auto s = parse_proc_net_tcp(tcp6, AF_INET6, 11434);
    REQUIRE(s.size() == 1);
    CHECK(s[0].address == "::");
    CHECK(s[0].inode == 4242);
}

namespace {

// One inet_diag_msg for port `port` on `family`, with the v6only attribute.
std::vector<char> diag_message(int family, std::uint16_t port, bool v6only) {
    std::vector<char> buf(NLMSG_SPACE(sizeof(inet_diag_msg) + RTA_SPACE(1)));
    auto* h = reinterpret_cast<nlmsghdr*>(buf.data());
    h->nlmsg_len = static_cast<std::uint32_t>(NLMSG_LENGTH(sizeof(inet_diag_msg) + RTA_SPACE(1)));
    h->nlmsg_type = SOCK_DIAG_BY_FAMILY;
    auto* msg = static_cast<inet_diag_msg*>(NLMSG_DATA(h));
    msg->idiag_family = static_cast<std::uint8_t>(family);
    msg->id.idiag_sport = htons(port);
    msg->idiag_inode = 77;
    auto* a = reinterpret_cast<rtattr*>(msg + 1);
    a->rta_type = INET_DIAG_SKV6ONLY;
    a->rta_len = RTA_LENGTH(1);
    *static_cast<std::uint8_t*>(RTA_DATA(a)) = v6only ? 1 : 0;
    return buf;
}

std::vector<char> done_message() {
    std::vector<char> buf(NLMSG_SPACE(sizeof(int)));
    auto* h = reinterpret_cast<nlmsghdr*>(buf.data());
    h->nlmsg_len = static_cast<std::uint32_t>(NLMSG_LENGTH(sizeof(int)));
    h->nlmsg_type = NLMSG_DONE;
    return buf;
}

} // namespace

TEST_CASE("parse_diag_dump reads LISTEN sockets and stops on a cut message", "[probe][proc]") {
    auto buf = diag_message(AF_INET6, 11434, false);
    auto other = diag_message(AF_INET, 8080, false);
    buf.insert(buf.end(), other.begin(), other.end());
    auto done = done_message();
    buf.insert(buf.end(), done.begin(), done.end());
    std::vector<ListenSocket> out;
    CHECK(parse_diag_dump(buf.data(), buf.size(), 11434, out) == DumpStep::done);
    REQUIRE(out.size() == 1);
    CHECK(out[0].address == "::");
    CHECK(out[0].port == 11434);
    CHECK(out[0].inode == 77);
    CHECK_FALSE(out[0].v6only);
    // Without DONE: read on.
    out.clear();
    auto first = diag_message(AF_INET6, 11434, true);
    CHECK(parse_diag_dump(first.data(), first.size(), 0, out) == DumpStep::more);
    REQUIRE(out.size() == 1);
    CHECK(out[0].v6only);
    // A message whose length says less than an inet_diag_msg: an error, not
    // a read past it.
    auto cut = diag_message(AF_INET, 11434, false);
    reinterpret_cast<nlmsghdr*>(cut.data())->nlmsg_len = NLMSG_LENGTH(4);
    out.clear();
    CHECK(parse_diag_dump(cut.data(), cut.size(), 0, out) == DumpStep::error);
    CHECK(out.empty());
}

TEST_CASE("parse_diag_dump: a last message whose length is not a multiple of 4 ends the walk",
          "[probe][proc][fuzz]") {
    // fuzz_sock_diag's find: NLMSG_NEXT rounded the length up past the end,
    // the unsigned count wrapped, and the walk read beyond the buffer.
    auto buf = diag_message(AF_INET, 11434, false);
    auto* h = reinterpret_cast<nlmsghdr*>(buf.data());
    h->nlmsg_len = static_cast<std::uint32_t>(NLMSG_LENGTH(sizeof(inet_diag_msg)) + 5);
    std::vector<ListenSocket> out;
    CHECK(parse_diag_dump(buf.data(), h->nlmsg_len, 0, out) == DumpStep::more);
    CHECK(out.size() == 1);
    // A length beyond what was received: cut short.
    out.clear();
    CHECK(parse_diag_dump(buf.data(), h->nlmsg_len - 1, 0, out) == DumpStep::error);
}

namespace {

// An RTM_NEWADDR message as the kernel writes it: ifaddrmsg, then
// attributes (type, bytes).
std::vector<char> address_message(int family, unsigned index, int prefix, std::uint8_t flags,
                                  std::vector<std::pair<int, std::vector<std::uint8_t>>> attrs) {
    std::vector<char> m(NLMSG_SPACE(sizeof(ifaddrmsg)), 0);
    for (const auto& [type, bytes] : attrs) {
        const auto at = m.size();
        m.resize(at + RTA_SPACE(bytes.size()), 0);
        rtattr r{static_cast<unsigned short>(RTA_LENGTH(bytes.size())),
                 static_cast<unsigned short>(type)};
        std::memcpy(m.data() + at, &r, sizeof r);
        std::memcpy(m.data() + at + RTA_LENGTH(0), bytes.data(), bytes.size());
    }
    nlmsghdr h{};
    h.nlmsg_len = static_cast<std::uint32_t>(m.size());
    h.nlmsg_type = RTM_NEWADDR;
    std::memcpy(m.data(), &h, sizeof h);
    ifaddrmsg a{};
    a.ifa_family = static_cast<unsigned char>(family);
    a.ifa_prefixlen = static_cast<unsigned char>(prefix);
    a.ifa_flags = flags;
    a.ifa_index = index;
    std::memcpy(m.data() + NLMSG_HDRLEN, &a, sizeof a);
    return m;
}

std::vector<std::uint8_t> bytes_of(std::string_view text) {
    return {text.begin(), text.end()};
}

} // namespace

TEST_CASE("parse_address_dump reads what getifaddrs and /proc/net/if_inet6 read", "[probe][proc]") {
    std::vector<char> buf;
    auto add = [&](std::vector<char> m) { buf.insert(buf.end(), m.begin(), m.end()); };
    // Point to point: IFA_ADDRESS is the peer, IFA_LOCAL the host's own.
    add(address_message(AF_INET, 3, 32, IFA_F_PERMANENT,
                        {{IFA_ADDRESS, {10, 9, 9, 2}},
                         {IFA_LOCAL, {10, 9, 9, 1}},
                         {IFA_LABEL, bytes_of(std::string_view("bench1\0\0", 8))}}));
    add(address_message(AF_INET, 2, 24, 0,
                        {{IFA_ADDRESS, {192, 0, 2, 9}}, {IFA_LABEL, bytes_of("bench0:1")}}));
    std::vector<std::uint8_t> v6(16, 0);
    v6[0] = 0x20, v6[1] = 0x01, v6[2] = 0x0d, v6[3] = 0xb8, v6[15] = 1;
    const std::uint32_t tentative = IFA_F_TENTATIVE;
    std::vector<std::uint8_t> flags(4);
    std::memcpy(flags.data(), &tentative, 4);
    // IFA_FLAGS, when given, is what counts: the message's 8 bits are its low part.
    add(address_message(AF_INET6, 2, 64, 0, {{IFA_ADDRESS, v6}, {IFA_FLAGS, flags}}));
    add(address_message(AF_INET6, 2, 64, IFA_F_DADFAILED, {{IFA_ADDRESS, v6}}));
    // Without an address, or with one of the wrong size: not an address.
    add(address_message(AF_INET6, 2, 64, 0, {{IFA_ADDRESS, {1, 2, 3, 4}}}));
    add(address_message(AF_INET, 2, 24, 0, {}));

    std::vector<KernelAddress> out;
    REQUIRE(parse_address_dump(buf.data(), buf.size(), out) == DumpStep::more);
    REQUIRE(out.size() == 4);
    CHECK(out[0].family == AF_INET);
    CHECK(out[0].index == 3);
    CHECK(out[0].prefix == 32);
    CHECK((out[0].bytes[0] == 10 && out[0].bytes[3] == 1));
    CHECK(out[0].label == "bench1");
    CHECK(out[1].label == "bench0:1");
    CHECK(out[1].bytes[3] == 9);
    CHECK(out[2].family == AF_INET6);
    CHECK(out[2].flags == IFA_F_TENTATIVE);
    CHECK(out[2].bytes[15] == 1);
    CHECK(out[2].label.empty());
    CHECK(out[3].flags == IFA_F_DADFAILED);

    nlmsghdr done{};
    done.nlmsg_len = NLMSG_LENGTH(4);
    done.nlmsg_type = NLMSG_DONE;
    std::vector<char> end(NLMSG_SPACE(4), 0);
    std::memcpy(end.data(), &done, sizeof done);
    CHECK(parse_address_dump(end.data(), end.size(), out) == DumpStep::done);
    // A message cut short: the kernel did not write it, so the dump is not read.
    CHECK(parse_address_dump(buf.data(), buf.size() - 2, out) == DumpStep::error);
    nlmsghdr refused{};
    refused.nlmsg_len = NLMSG_LENGTH(sizeof(nlmsgerr));
    refused.nlmsg_type = NLMSG_ERROR;
    std::vector<char> err(NLMSG_SPACE(sizeof(nlmsgerr)), 0);
    std::memcpy(err.data(), &refused, sizeof refused);
    CHECK(parse_address_dump(err.data(), err.size(), out) == DumpStep::error);
}
