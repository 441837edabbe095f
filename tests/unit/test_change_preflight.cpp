#include "ollama-netcfg/change/preflight.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"

#include <catch2/catch.hpp>

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
    auto st =
        check_port_is_free(host("0.0.0.0"), "ollama.service", {{"0.0.0.0:11434", 77, "nginx"}});
    REQUIRE_FALSE(st);
    CHECK_THAT(st.error().message,
               Catch::Contains("0.0.0.0:11434 is already held by nginx (PID 77)"));
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

TEST_CASE("bind_conflicts follows Linux's rules for LISTEN sockets", "[preflight]") {
    using probe::bind_conflicts;
    CHECK(bind_conflicts("0.0.0.0", "0.0.0.0", {}, false));
    CHECK(bind_conflicts("0.0.0.0", "127.0.0.1", {}, false));
    CHECK(bind_conflicts("127.0.0.1", "0.0.0.0", {}, false));
    CHECK(bind_conflicts("127.0.0.1", "127.0.0.1", {}, false));
    CHECK_FALSE(bind_conflicts("127.0.0.1", "192.168.1.10", {}, false));
    CHECK(bind_conflicts("::", "127.0.0.1", {}, false)); // dual stack holds IPv4 too
    CHECK_FALSE(bind_conflicts("::", "127.0.0.1", {}, true));
    CHECK(bind_conflicts("127.0.0.1", "", {}, false)); // "" is a dual-stack ::
    CHECK(bind_conflicts("0.0.0.0", "::", {}, false));
    CHECK_FALSE(bind_conflicts("0.0.0.0", "::1", {}, false));
    CHECK(bind_conflicts("::1", "::", {}, false));
    CHECK(bind_conflicts("192.168.1.10", "box", {"192.168.1.10"}, false));
    CHECK_FALSE(bind_conflicts("192.168.1.10", "box", {}, false));
}

TEST_CASE("add_service_setting and remove_service_setting edit one line", "[unitfile]") {
    using namespace netcfg::unitfile;
    const std::string in = "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0:80\"\n";
    auto added = add_service_setting(in, "AmbientCapabilities", "CAP_NET_BIND_SERVICE");
    CHECK(added.changed);
    CHECK(added.content == in + "AmbientCapabilities=CAP_NET_BIND_SERVICE\n");
    auto again = add_service_setting(added.content, "AmbientCapabilities", "CAP_NET_BIND_SERVICE");
    CHECK_FALSE(again.changed);
    CHECK(again.content == added.content);
    auto removed =
        remove_service_setting(added.content, "AmbientCapabilities", "CAP_NET_BIND_SERVICE");
    CHECK(removed.changed);
    CHECK(removed.content == in);
    // An admin's own, different capability line stays.
    const std::string own = in + "AmbientCapabilities=CAP_NET_BIND_SERVICE CAP_SYS_NICE\n";
    CHECK_FALSE(remove_service_setting(own, "AmbientCapabilities", "CAP_NET_BIND_SERVICE").changed);
    CHECK(add_service_setting("", "A", "b").content == "[Service]\nA=b\n");
}
