#include "ollama-netcfg/unitfile/names.hpp"

#include "catch.hpp"

using namespace netcfg::unitfile;

TEST_CASE("normalise_unit_name adds .service and refuses paths", "[unitfile][names]") {
    CHECK(*normalise_unit_name("ollama") == "ollama.service");
    CHECK(*normalise_unit_name("ollama.service") == "ollama.service");
    CHECK(*normalise_unit_name("ollama@gpu1.service") == "ollama@gpu1.service");
    for (const char* bad :
         {"", "../x", "a/b", "/etc/x.service", "a b", "ollama.socket", ".hidden", "x\n"}) {
        INFO(bad);
        CHECK_FALSE(normalise_unit_name(bad));
    }
}

TEST_CASE("check_drop_in_name wants a plain *.conf name", "[unitfile][names]") {
    CHECK(check_drop_in_name("override.conf"));
    CHECK(check_drop_in_name("50-ollama-netcfg.conf"));
    for (const char* bad :
         {"override", ".conf", "../x.conf", "a/b.conf", ".hidden.conf", "x y.conf", "x.conf\n"}) {
        INFO(bad);
        CHECK_FALSE(check_drop_in_name(bad));
    }
}
