#include "ollama-netcfg/change/origins.hpp"

#include "catch.hpp"

using namespace netcfg;
using config::LayerInput;
using config::LayerKind;
using Entries = std::vector<std::string>;

namespace {

const std::string unit_file = "/etc/systemd/system/ollama.service";
const std::string managed = "/etc/systemd/system/ollama.service.d/override.conf";
const std::string later = "/etc/systemd/system/ollama.service.d/zz-web.conf";

std::vector<LayerInput> layers(std::optional<std::string> unit, std::optional<std::string> drop_in,
                               std::optional<std::string> other = std::nullopt) {
    std::vector<LayerInput> l{{LayerKind::manager, "", std::nullopt, {}},
                              {LayerKind::unit_file, unit_file, unit, {}},
                              {LayerKind::drop_in, managed, drop_in, {}}};
    if (other)
        l.push_back({LayerKind::drop_in, later, other, {}});
    return l;
}

const change::FileEdit* edit_of(const change::OriginsPlan& p, const std::string& path) {
    for (const auto& e : p.edits)
        if (e.path == path && e.changes())
            return &e;
    return nullptr;
}

} // namespace

TEST_CASE("plan_origins sets the whole list in the managed drop-in", "[origins][plan]") {
    auto p = change::plan_origins(layers("[Service]\n", std::nullopt), "ollama.service", managed,
                                  {"http://a"}, false);
    REQUIRE(p);
    CHECK(p->before.empty());
    CHECK(p->after == Entries{"http://a"});
    const auto* e = edit_of(*p, managed);
    REQUIRE(e);
    CHECK(*e->new_content == "[Service]\nEnvironment=\"OLLAMA_ORIGINS=http://a\"\n");
    CHECK(p->target.process == std::optional<std::string>("http://a"));
    CHECK_FALSE(p->previous.process);
}

TEST_CASE("plan_origins keeps the drop-in's other lines and changes nothing when in effect",
          "[origins][plan]") {
    const std::string mine = "[Service]\n# keep\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n"
                             "Environment=\"OLLAMA_ORIGINS=http://b,http://a\"\n";
    auto p = change::plan_origins(layers("[Service]\n", mine), "ollama.service", managed,
                                  {"http://b", "http://a"}, false);
    REQUIRE(p);
    CHECK_FALSE(edit_of(*p, managed));
    p = change::plan_origins(layers("[Service]\n", mine), "ollama.service", managed,
                             {"http://b", "http://a", "http://c"}, false);
    REQUIRE(p);
    const auto* e = edit_of(*p, managed);
    REQUIRE(e);
    CHECK(e->new_content->find("# keep\n") != std::string::npos);
    CHECK(e->new_content->find("OLLAMA_HOST=0.0.0.0") != std::string::npos);
    CHECK(e->new_content->find("OLLAMA_ORIGINS=http://b,http://a,http://c") != std::string::npos);
}

TEST_CASE("an empty list unsets, or sets empty when a lower layer would bring entries back",
          "[origins][plan]") {
    // Only the drop-in sets it: the assignment goes, and the file with it.
    auto p = change::plan_origins(
        layers("[Service]\n", "[Service]\nEnvironment=OLLAMA_ORIGINS=http://a\n"),
        "ollama.service", managed, {}, false);
    REQUIRE(p);
    const auto* e = edit_of(*p, managed);
    REQUIRE(e);
    CHECK_FALSE(e->new_content);
    CHECK_FALSE(p->target.process);
    // The main unit file sets it too: the drop-in must say "none" itself.
    p = change::plan_origins(layers("[Service]\nEnvironment=OLLAMA_ORIGINS=http://old\n",
                                    "[Service]\nEnvironment=OLLAMA_ORIGINS=http://a\n"),
                             "ollama.service", managed, {}, false);
    REQUIRE(p);
    e = edit_of(*p, managed);
    REQUIRE(e);
    CHECK(*e->new_content == "[Service]\nEnvironment=\"OLLAMA_ORIGINS=\"\n");
    CHECK(p->after.empty());
}

TEST_CASE("a later drop-in in /etc gives up its assignment, with a copy kept",
          "[origins][plan]") {
    auto p = change::plan_origins(
        layers("[Service]\n", std::nullopt, "[Service]\nEnvironment=OLLAMA_ORIGINS=http://x\n"),
        "ollama.service", managed, {"http://x", "http://y"}, false);
    REQUIRE(p);
    CHECK(p->before == Entries{"http://x"});
    const auto* moved = edit_of(*p, later);
    REQUIRE(moved);
    CHECK(moved->keep_backup);
    CHECK_FALSE(moved->new_content); // nothing else was in it
    // --runtime edits only its own file: it refuses and names the winner.
    auto refused = change::plan_origins(
        layers("[Service]\n", std::nullopt, "[Service]\nEnvironment=OLLAMA_ORIGINS=http://x\n"),
        "ollama.service", managed, {"http://x", "http://y"}, true);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().message.find(later) != std::string::npos);
    CHECK_FALSE(refused.error().hint.empty());
}

TEST_CASE("an EnvironmentFile= that sets it cannot be outvoted: refused", "[origins][plan]") {
    auto l = layers("[Service]\n", std::nullopt);
    l.push_back({LayerKind::environment_file, "/etc/default/ollama", "OLLAMA_ORIGINS=http://f\n",
                 {}});
    auto p = change::plan_origins(l, "ollama.service", managed, {"http://f", "http://g"}, false);
    REQUIRE_FALSE(p);
    CHECK(p.error().message.find("/etc/default/ollama") != std::string::npos);
}
