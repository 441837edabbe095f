#include "catch.hpp"
#include "listen_socket.hpp"
#include "ollama-netcfg/change/preflight.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"

#include <sys/socket.h>

using namespace netcfg;
using namespace netcfg::change;

namespace {
ollama::HostSetting host(const char* addr) {
    return *ollama::parse_expose_address(addr);
}
const std::vector<std::string> local{"127.0.0.1", "::1", "192.168.1.10", "fe80::1"};
} // namespace

TEST_CASE("check_address_is_local: wildcards and own addresses pass", "[preflight]") {
    for (const char* a : {"0.0.0.0", "[::]", ":11434", "127.0.0.1", "192.168.1.10:8080", "::1"}) {
        INFO(a);
        CHECK(check_address_is_local(host(a), {}, local));
    }
    auto st = check_address_is_local(host("192.0.2.7"), {}, local);
    REQUIRE_FALSE(st);
    CHECK(st.error().status == ExitStatus::failure);
    CHECK_THAT(st.error().message, Catch::Contains("192.0.2.7 is not an address of this host") &&
                                       Catch::Contains("192.168.1.10"));
    CHECK(check_address_is_local(host("ollama-box"), {"192.168.1.10"}, local));
    CHECK_FALSE(check_address_is_local(host("elsewhere"), {"192.0.2.8"}, local));
    CHECK_FALSE(check_address_is_local(host("nowhere"), {}, local));
}

TEST_CASE("check_port_is_free names the holder", "[preflight]") {
    CHECK(check_port_is_free(host("0.0.0.0"), "ollama.service", {}));
    auto st = check_port_is_free(host("0.0.0.0"), "ollama.service",
                                 {{"0.0.0.0:11434", 77, "nginx", "", ""}});
    REQUIRE_FALSE(st);
    CHECK_THAT(st.error().message,
               Catch::Contains("0.0.0.0:11434 is already held by nginx (PID 77)"));
    CHECK(st.error().hint == "stop that process, or choose another port (e.g. 0.0.0.0:11435)");
    // The example is never the port that is taken.
    st = check_port_is_free(host("0.0.0.0:11435"), "ollama.service",
                            {{"0.0.0.0:11435", 77, "python3", "", ""}});
    REQUIRE_FALSE(st);
    CHECK(st.error().hint == "stop that process, or choose another port (e.g. 0.0.0.0:11436)");
    st = check_port_is_free(host("[::1]:65535"), "ollama.service",
                            {{"[::1]:65535", 77, "python3", "", ""}});
    REQUIRE_FALSE(st);
    CHECK_THAT(st.error().hint, Catch::Contains("(e.g. [::1]:65534)"));
    // An `ollama serve` outside the unit is named as such, with how it runs.
    st = check_port_is_free(
        host("0.0.0.0"), "ollama.service",
        {{"*:11434", 812, "ollama",
          "PID 812, user alice, parent bash (PID 800), cgroup /user.slice", ""}});
    REQUIRE_FALSE(st);
    CHECK(st.error().message ==
          "*:11434 is already held by an `ollama serve` outside ollama.service (PID 812, user "
          "alice, parent bash (PID 800), cgroup /user.slice): Ollama could not listen on "
          "0.0.0.0:11434");
    CHECK_THAT(st.error().hint, Catch::Contains("kill 812") && Catch::Contains("--runtime"));
}

TEST_CASE("check_low_port refuses unless the unit can bind, or the grant is asked for",
          "[preflight]") {
    LowPortFacts f{80, "ollama", 0, 1024, false, "/usr/local/bin/ollama"};
    auto r = check_low_port(f);
    REQUIRE_FALSE(r);
    CHECK_THAT(r.error().hint, Catch::Contains("--grant-low-port") && Catch::Contains("setcap") &&
                                   Catch::Contains("/usr/local/bin/ollama"));
    f.grant_requested = true;
    CHECK(*check_low_port(f) == true);
    f.grant_requested = false;
    f.ambient_capabilities = cap_net_bind_service;
    CHECK(*check_low_port(f) == false);
    f.ambient_capabilities = 0;
    f.user = "";
    CHECK(*check_low_port(f) == false); // root
    f.user = "ollama";
    f.unprivileged_port_start = 80;
    CHECK(*check_low_port(f) == false);
    f.port = 11434;
    f.unprivileged_port_start = 1024;
    CHECK(*check_low_port(f) == false);
}

namespace {
probe::ListenSocket held(const std::string& address, bool v6only = false) {
    return testing::listen_socket(address, v6only);
}
probe::ListenSocket go(const std::string& host, std::vector<std::string> resolved = {},
                       bool kernel_ipv6 = true) {
    return probe::expected_socket(host, 11434, resolved, kernel_ipv6);
}
} // namespace

TEST_CASE("expected_socket is what Go's net.Listen opens", "[preflight][sockets]") {
    for (const char* wildcard : {"", "0.0.0.0", "::"}) {
        auto s = go(wildcard);
        CHECK(s.family == AF_INET6);
        CHECK(s.address == "::");
        CHECK_FALSE(s.v6only); // whatever net.ipv6.bindv6only says
        CHECK(s.dual_stack());
        CHECK(s.endpoint() == "*:11434");
        auto no_v6 = go(wildcard, {}, false);
        CHECK(no_v6.family == AF_INET);
        CHECK(no_v6.endpoint() == "0.0.0.0:11434");
    }
    CHECK(go("127.0.0.1").endpoint() == "127.0.0.1:11434");
    CHECK(go("::1").endpoint() == "[::1]:11434");
    CHECK(go("::1").family == AF_INET6);
    CHECK(go("box", {"192.168.1.10", "::1"}).endpoint() == "192.168.1.10:11434");
    CHECK(go("box").address.empty()); // a name that does not resolve
}

TEST_CASE("bind_conflicts follows Linux's rules for LISTEN sockets", "[preflight]") {
    using probe::bind_conflicts;
    // A wildcard Ollama is dual-stack: every socket on the port is in its way.
    for (const char* a : {"0.0.0.0", "127.0.0.1", "192.168.1.10", "::", "::1", "2001:db8::1"})
        CHECK(bind_conflicts(held(a), go("0.0.0.0")));
    CHECK(bind_conflicts(held("::", true), go("0.0.0.0"))); // [::] V6ONLY: same family, wildcard
    CHECK(bind_conflicts(held("0.0.0.0"), go("::")));
    CHECK(bind_conflicts(held("0.0.0.0"), go("")));
    // Without IPv6 in the kernel, it is an IPv4 socket.
    CHECK(bind_conflicts(held("127.0.0.1"), go("0.0.0.0", {}, false)));
    CHECK(bind_conflicts(held("::"), go("0.0.0.0", {}, false))); // dual-stack holder
    CHECK_FALSE(bind_conflicts(held("::", true), go("0.0.0.0", {}, false)));
    // A literal address.
    CHECK(bind_conflicts(held("0.0.0.0"), go("127.0.0.1")));
    CHECK(bind_conflicts(held("127.0.0.1"), go("127.0.0.1")));
    CHECK_FALSE(bind_conflicts(held("127.0.0.1"), go("192.168.1.10")));
    CHECK(bind_conflicts(held("::"), go("127.0.0.1"))); // dual stack holds IPv4 too
    CHECK_FALSE(bind_conflicts(held("::", true), go("127.0.0.1")));
    CHECK_FALSE(bind_conflicts(held("0.0.0.0"), go("::1")));
    CHECK(bind_conflicts(held("::", true), go("::1")));
    CHECK(bind_conflicts(held("::1"), go("::1")));
    CHECK_FALSE(bind_conflicts(held("::1"), go("2001:db8::1")));
    CHECK(bind_conflicts(held("192.168.1.10"), go("box", {"192.168.1.10"})));
    CHECK_FALSE(bind_conflicts(held("192.168.1.10"), go("box")));
}

TEST_CASE("foreign_conflicts keeps sockets outside the unit that block the bind", "[preflight]") {
    auto mine = held("127.0.0.1");
    mine.pids = {42}; // the unit's own
    auto other_port = held("0.0.0.0");
    other_port.port = 8080;
    std::vector<probe::ListenSocket> all{mine, held("::", true), other_port, held("::1")};
    auto found = probe::foreign_conflicts(all, go("0.0.0.0"), false);
    REQUIRE(found.size() == 2);
    CHECK(found[0].endpoint() == "[::]:11434");
    CHECK(found[1].endpoint() == "[::1]:11434");
    CHECK(probe::foreign_conflicts(all, go("192.168.1.10"), false).empty());
}

TEST_CASE("add_setting and remove_setting edit one line of a section", "[unitfile]") {
    using namespace netcfg::unitfile;
    const std::string in = "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0:80\"\n";
    auto added = add_setting(in, "Service", "AmbientCapabilities", "CAP_NET_BIND_SERVICE");
    CHECK(added.changed);
    CHECK(added.content == in + "AmbientCapabilities=CAP_NET_BIND_SERVICE\n");
    auto again =
        add_setting(added.content, "Service", "AmbientCapabilities", "CAP_NET_BIND_SERVICE");
    CHECK_FALSE(again.changed);
    CHECK(again.content == added.content);
    auto removed =
        remove_setting(added.content, "Service", "AmbientCapabilities", "CAP_NET_BIND_SERVICE");
    CHECK(removed.changed);
    CHECK(removed.content == in);
    // An admin's own, different capability line stays.
    const std::string own = in + "AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_SYS_NICE\n";
    CHECK_FALSE(
        remove_setting(own, "Service", "AmbientCapabilities", "CAP_NET_BIND_SERVICE").changed);
    CHECK(add_setting("", "Service", "A", "b").content == "[Service]\nA=b\n");

    // [Unit]: a new section goes before the first one, comments above it stay
    // on top, and a line outside any section (ignored by systemd) is not
    // pulled into it.
    CHECK(add_setting(in, "Unit", "After", "docker.service").content ==
          "[Unit]\nAfter=docker.service\n\n" + in);
    const std::string commented = "# mine\r\n[Service]\r\nUser=x\r\n";
    CHECK(add_setting(commented, "Unit", "Wants", "a.service").content ==
          "# mine\r\n[Unit]\r\nWants=a.service\r\n\r\n[Service]\r\nUser=x\r\n");
    CHECK(add_setting("Stray=1\n", "Unit", "After", "a.service").content ==
          "Stray=1\n\n[Unit]\nAfter=a.service\n");
    const std::string unit = "[Unit]\nAfter=a.service\n\n[Service]\nUser=x\n";
    CHECK(add_setting(unit, "Unit", "Wants", "a.service").content ==
          "[Unit]\nAfter=a.service\nWants=a.service\n\n[Service]\nUser=x\n");
    CHECK_FALSE(add_setting(unit, "Unit", "After", "a.service").changed);
    // The same key in another section is not ours to remove.
    CHECK_FALSE(remove_setting(unit, "Service", "After", "a.service").changed);
    CHECK(remove_setting(unit, "Unit", "After", "a.service").content ==
          "[Unit]\n\n[Service]\nUser=x\n");
}
