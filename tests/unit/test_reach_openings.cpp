#include "ollama-netcfg/reach/open.hpp"

#include "catch.hpp"

using namespace netcfg::reach;

namespace {
const Owner persistent{"ollama.service", false};
const Owner runtime{"ollama.service", true};
const Owner other_unit{"ollama-gpu1.service", false};
const Opening lan{"ufw", 11434, "192.0.2.0/24", {}, {}};
const Opening trial{"ufw", 11600, "192.0.2.11/32", {}, {}};
} // namespace

TEST_CASE("openings: each reset closes only what no one else needs", "[openings]") {
    std::vector<Opening> record;
    CHECK(note_owner(record, lan, persistent, true));
    CHECK(note_owner(record, trial, runtime, true));
    CHECK_FALSE(note_owner(record, lan, persistent, true)); // asked again: nothing new
    std::vector<std::string> notes;
    // reset --runtime: the trial's opening only.
    auto closed = release(record, runtime, notes);
    REQUIRE(closed.size() == 1);
    CHECK(closed[0].port == 11600);
    REQUIRE(record.size() == 1);
    CHECK(record[0].from == "192.0.2.0/24");
    CHECK(notes.empty());
    // Another unit's reset leaves this unit's opening alone.
    CHECK(release(record, other_unit, notes).empty());
    CHECK(record.size() == 1);
    // The plain reset of this unit closes it.
    CHECK(release(record, persistent, notes).size() == 1);
    CHECK(record.empty());
}

TEST_CASE("openings: one opening for two owners stays until the last resets", "[openings]") {
    std::vector<Opening> record;
    note_owner(record, lan, persistent, true);
    // The runtime exposure found it open already: noted, not added twice.
    CHECK(note_owner(record, lan, runtime, false));
    REQUIRE(record.size() == 1);
    CHECK(record[0].owners.size() == 2);
    // An opening the tool did not make is not recorded for it.
    CHECK_FALSE(note_owner(record, trial, runtime, false));
    std::vector<std::string> notes;
    CHECK(release(record, runtime, notes).empty());
    REQUIRE(notes.size() == 1);
    CHECK(notes[0] == "kept the ufw opening of port 11434 for 192.0.2.0/24: ollama.service "
                      "(persistent) needs it too");
    CHECK(release(record, persistent, notes).size() == 1);
}

TEST_CASE("openings: firewall.json, with records from before owners were kept", "[openings]") {
    auto old = parse_openings(R"([{"backend": "ufw", "port": 11434, "from": "192.0.2.0/24"},
        {"backend": "ufw", "port": 11434, "interface": "docker0"}])");
    REQUIRE(old);
    REQUIRE(old->size() == 2);
    CHECK((*old)[1].interface == "docker0");
    // Owned by the persistent layer of whichever unit resets, not by a runtime one.
    std::vector<std::string> notes;
    auto copy = *old;
    CHECK(release(copy, runtime, notes).empty());
    CHECK(release(copy, other_unit, notes).size() == 2);
    // Noting the same owner on an old record does not add it twice.
    copy = *old;
    CHECK_FALSE(note_owner(copy, lan, persistent, true));
    // Written and read back.
    std::vector<Opening> record;
    note_owner(record, lan, persistent, true);
    note_owner(record, Opening{"ufw", 11434, {}, "br-1", {}}, runtime, true);
    auto again = parse_openings(openings_json(record));
    REQUIRE(again);
    REQUIRE(again->size() == 2);
    CHECK((*again)[0].owners == std::vector<Owner>{persistent});
    CHECK((*again)[1].interface == "br-1");
    CHECK((*again)[1].owners == std::vector<Owner>{runtime});
    CHECK(openings_json(record).find("\"from\": \"192.0.2.0/24\"") != std::string::npos);
    CHECK_FALSE(parse_openings("{}"));
    CHECK_FALSE(parse_openings("[1]"));
}
