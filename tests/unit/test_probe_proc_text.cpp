#include "catch.hpp"
#include "ollama-netcfg/probe/proc_text.hpp"

#include <arpa/inet.h>
#include <cstring>
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
