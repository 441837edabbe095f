#include "ollama-netcfg/cli/suggest.hpp"

#include "catch.hpp"

using namespace netcfg::cli;

TEST_CASE("closest_name: did you mean", "[cli]") {
    const std::vector<std::string> names{"expose", "reset", "status", "check", "proxy-config"};
    CHECK(closest_name("exposee", names) == "expose");
    CHECK(closest_name("expoes", names) == "expose"); // two letters swapped
    CHECK(closest_name("chek", names) == "check");
    CHECK(closest_name("stauts", names) == "status");
    CHECK(closest_name("rest", names) == "reset");
    CHECK(closest_name("proxy", names) == "proxy-config"); // a unique prefix
    CHECK(closest_name("proxyconfig", names) == "proxy-config");
    CHECK(closest_name("exp", names) == "expose");
    CHECK_FALSE(closest_name("frobnicate", names));
    CHECK_FALSE(closest_name("x", names));
    CHECK_FALSE(closest_name("", names));
    CHECK_FALSE(closest_name("install", names));
}

TEST_CASE("edit_distance counts insertions, deletions, substitutions and swaps", "[cli]") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("expose", "expose") == 0);
    CHECK(edit_distance("exposee", "expose") == 1);
    CHECK(edit_distance("expsoe", "expose") == 1);
    CHECK(edit_distance("kitten", "sitting") == 3);
}
