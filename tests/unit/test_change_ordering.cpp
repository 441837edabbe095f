#include "catch.hpp"
#include "ollama-netcfg/change/ordering.hpp"

using namespace netcfg::change;

namespace {

std::vector<std::string> units_for(const InterfaceLook& l) {
    auto o = interface_owner(l);
    return o ? o->units : std::vector<std::string>{};
}

InterfaceLook on(std::string interface) {
    InterfaceLook l;
    l.interface = std::move(interface);
    l.address = "192.0.2.1";
    return l;
}

} // namespace

TEST_CASE("the owner of an interface is the unit that brings it up at boot", "[ordering]") {
    auto docker = on("docker0");
    docker.docker_unit = true;
    auto o = interface_owner(docker);
    REQUIRE(o);
    CHECK(o->units == std::vector<std::string>{"docker.service"});
    CHECK(o->why == "docker0 is Docker's bridge, which docker.service brings up");
    auto user_network = on("br-0123456789ab");
    user_network.docker_unit = true;
    CHECK(units_for(user_network) == std::vector<std::string>{"docker.service"});
    // Not a Docker network's name, or no Docker on this host.
    auto other_bridge = on("br-lan");
    other_bridge.docker_unit = true;
    CHECK(units_for(other_bridge).empty());
    CHECK(units_for(on("docker0")).empty());

    auto ts = on("tailscale0");
    ts.tailscaled_unit = true;
    CHECK(units_for(ts) == std::vector<std::string>{"tailscaled.service"});
    ts.tailscale_online_target = true; // newer Tailscale: the target waits for the address
    CHECK(units_for(ts) == std::vector<std::string>{"tailscale-online.target"});

    auto wg = on("wg0");
    wg.wg_quick_unit = true;
    wg.network_manager = "systemd-networkd"; // wg-quick's own unit is the closer owner
    CHECK(units_for(wg) == std::vector<std::string>{"wg-quick@wg0.service"});

    for (std::string m : {"systemd-networkd", "NetworkManager", "ifupdown"}) {
        auto eth = on("eth0");
        eth.network_manager = m;
        auto n = interface_owner(eth);
        REQUIRE(n);
        CHECK(n->units == std::vector<std::string>{"network-online.target"});
        CHECK(n->why == m + " configures eth0, and network-online.target waits for it");
    }
    // Nothing known, or the address on no interface: no ordering.
    CHECK_FALSE(interface_owner(on("late0")));
    auto nowhere = on("");
    nowhere.docker_unit = nowhere.wg_quick_unit = true;
    nowhere.network_manager = "ifupdown";
    CHECK_FALSE(interface_owner(nowhere));
}

TEST_CASE("with_ordering adds After= and Wants= and takes out only what it recorded",
          "[ordering]") {
    const std::string in = "[Service]\nEnvironment=\"OLLAMA_HOST=172.17.0.1\"\n";
    const auto added = with_ordering(in, {}, {"docker.service"});
    CHECK(added == "[Unit]\nAfter=docker.service\nWants=docker.service\n\n" + in);
    CHECK(with_ordering(added, {"docker.service"}, {"docker.service"}) == added);
    CHECK(with_ordering(added, {"docker.service"}, {}) == "[Unit]\n\n" + in);
    // Moved to another owner: the recorded lines go, the new ones come.
    CHECK(with_ordering(added, {"docker.service"}, {"late.service"}) ==
          "[Unit]\nAfter=late.service\nWants=late.service\n\n" + in);
    // The admin's own ordering in the same drop-in stays, even for a unit
    // this tool orders after too, unless this tool recorded it.
    const std::string admins = "[Unit]\nAfter=network-online.target\n\n" + in;
    CHECK(with_ordering(admins, {}, {"docker.service"}) ==
          "[Unit]\nAfter=network-online.target\nAfter=docker.service\nWants=docker.service\n\n" +
              in);
    CHECK(with_ordering(admins, {"docker.service"}, {}) == admins);
    CHECK(with_ordering(admins, {}, {"network-online.target"}) ==
          "[Unit]\nAfter=network-online.target\nWants=network-online.target\n\n" + in);
}
