#include "ollama-netcfg/report/change_report.hpp"

#include "catch.hpp"

using namespace netcfg::report;

namespace {
ChangeReport sample() {
    ChangeReport r;
    r.unit = "ollama.service";
    r.drop_in = "/etc/systemd/system/ollama.service.d/override.conf";
    r.new_value = "0.0.0.0";
    r.listen = "0.0.0.0:11434";
    r.connect_url = "http://127.0.0.1:11434";
    r.changed = true;
    r.actions = {"wrote x", "restarted y"};
    r.proofs = {{"systemd", true, "a"},
                {"process", true, "b"},
                {"listener", true, "c"},
                {"api", true, "d"}};
    return r;
}
} // namespace

TEST_CASE("to_text prints one line per action and proof", "[report]") {
    auto text = to_text(sample());
    CHECK_THAT(text, Catch::StartsWith("ollama.service: OLLAMA_HOST=\"0.0.0.0\" (was unset)"));
    CHECK_THAT(text, Catch::Contains("  ok   listener  c\n"));
    auto r = sample();
    r.changed = false;
    r.proofs[3].ok = false;
    auto text2 = to_text(r);
    CHECK_THAT(text2, Catch::Contains("nothing changed"));
    CHECK_THAT(text2, Catch::Contains("  FAIL api       d\n"));
}

TEST_CASE("to_json has the documented shape", "[report]") {
    auto j = to_json(sample());
    CHECK(j["unit"] == "ollama.service");
    CHECK(j["old_value"].is_null());
    CHECK(j["new_value"] == "0.0.0.0");
    CHECK(j["changed"] == true);
    CHECK(j["ok"] == true);
    CHECK(j["error"].is_null());
    REQUIRE(j["proofs"].size() == 4);
    CHECK(j["proofs"][2]["name"] == "listener");
    auto r = sample();
    r.old_value = "127.0.0.1";
    r.error = netcfg::failure("boom", "do this");
    auto j2 = to_json(r);
    CHECK(j2["ok"] == false);
    CHECK(j2["old_value"] == "127.0.0.1");
    CHECK(j2["error"]["exit_status"] == 1);
    CHECK(j2["error"]["hint"] == "do this");
}

TEST_CASE("to_json carries the contract's format, whole files and the rollback", "[report]") {
    auto r = sample();
    auto j = to_json(r);
    CHECK(j["format"] == netcfg::report::json_format);
    CHECK(j["files"].empty());
    CHECK(j["rolled_back"] == false);

    r.record_file("/etc/x.conf", std::nullopt, std::string("[Service]\n"));
    r.record_file("/etc/same.conf", std::string("a\n"), std::string("a\n"));
    r.record_file("/etc/gone.conf", std::string("b\n"), std::nullopt);
    r.rolled_back = true;
    auto j2 = to_json(r);
    REQUIRE(j2["files"].size() == 2); // an unchanged file is not recorded
    CHECK(j2["files"][0]["path"] == "/etc/x.conf");
    CHECK(j2["files"][0]["before"].is_null());
    CHECK(j2["files"][0]["after"] == "[Service]\n");
    CHECK(j2["files"][1]["after"].is_null());
    CHECK(j2["files"][1]["before"] == "b\n");
    REQUIRE(j2["diffs"].size() == 2);
    CHECK_THAT(j2["diffs"][0].get<std::string>(), Catch::Contains("+[Service]"));
    CHECK(j2["rolled_back"] == true);
}
