// Planning OLLAMA_HOST (expose): one setting left, in the managed drop-in.
#include "catch.hpp"
#include "ollama-netcfg/change/plan_host.hpp"

using namespace netcfg;
using config::LayerInput;
using config::LayerKind;

namespace {

const std::string unit_file = "/etc/systemd/system/ollama.service";
const std::string managed = "/etc/systemd/system/ollama.service.d/override.conf";
const std::string later = "/etc/systemd/system/ollama.service.d/zz-gpu.conf";
const std::string runtime = "/run/systemd/system/ollama.service.d/zz-ollama-netcfg-runtime.conf";
const std::string unit_text = "[Service]\nExecStart=/usr/local/bin/ollama serve\n";

std::vector<LayerInput> layers(std::optional<std::string> unit, std::optional<std::string> drop_in,
                               std::optional<std::string> other = std::nullopt,
                               std::optional<std::string> run = std::nullopt) {
    return {{LayerKind::manager, "", std::nullopt, {}},
            {LayerKind::unit_file, unit_file, unit, {}},
            {LayerKind::drop_in, managed, drop_in, {}},
            {LayerKind::drop_in, later, other, {}},
            {LayerKind::drop_in, runtime, run, {}}};
}

change::HostScope scope(bool runtime_only = false) {
    return {"ollama.service", runtime_only ? runtime : managed, runtime_only};
}

const change::FileEdit* edit_of(const change::HostPlan& p, const std::string& path) {
    for (const auto& e : p.edits)
        if (e.path == path && e.changes())
            return &e;
    return nullptr;
}

ollama::HostSetting want(const std::string& v) {
    return ollama::read_ollama_host(v);
}

} // namespace

TEST_CASE("plan_host writes ADDR into a new managed drop-in", "[plan][host]") {
    auto p =
        change::plan_host(layers(unit_text, std::nullopt), scope(), "0.0.0.0", want("0.0.0.0"));
    REQUIRE(p);
    const auto* e = edit_of(*p, managed);
    REQUIRE(e);
    CHECK(*e->new_content == "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n");
    CHECK(!e->old_content);
    CHECK(!p->old_value);
    CHECK(p->new_value == std::optional<std::string>("0.0.0.0"));
    CHECK(p->edits.size() == 1);
}

TEST_CASE("plan_host moves a setting out of the main unit and later drop-ins, keeping copies",
          "[plan][host]") {
    auto p = change::plan_host(
        layers(
            unit_text + "Environment=\"OLLAMA_HOST=127.0.0.1:8080\"\n", std::nullopt,
            "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\nEnvironment=CUDA_VISIBLE_DEVICES=0\n"),
        scope(), "[::]", want("[::]"));
    REQUIRE(p);
    REQUIRE(p->edits.size() == 3);
    // In the layers' order: the unit file, the managed drop-in, the later one.
    CHECK(p->edits[0].path == unit_file);
    CHECK(p->edits[1].path == managed);
    CHECK(p->edits[2].path == later);
    CHECK(*p->edits[0].new_content == unit_text);
    CHECK(p->edits[0].keep_backup);
    CHECK(*p->edits[2].new_content == "[Service]\nEnvironment=CUDA_VISIBLE_DEVICES=0\n");
    CHECK(p->old_value == std::optional<std::string>("0.0.0.0"));
    CHECK(p->new_value == std::optional<std::string>("[::]"));
}

TEST_CASE("plan_host keeps a managed value that already listens where asked", "[plan][host]") {
    const std::string mine = "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0:11434\"\n";
    auto p = change::plan_host(layers(unit_text, mine), scope(), "0.0.0.0", want("0.0.0.0"));
    REQUIRE(p);
    CHECK(!edit_of(*p, managed)); // rewriting it would only restart the service
}

TEST_CASE("plan_host takes out the runtime drop-in for a persistent setting, and --runtime "
          "edits its own file only",
          "[plan][host]") {
    const std::string run = "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0:11435\"\n";
    auto p = change::plan_host(layers(unit_text, std::nullopt, std::nullopt, run), scope(),
                               "0.0.0.0", want("0.0.0.0"));
    REQUIRE(p);
    const auto* e = edit_of(*p, runtime);
    REQUIRE(e);
    CHECK(!e->new_content); // left empty: removed
    CHECK(!e->keep_backup); // /run goes at the next reboot anyway
    auto r = change::plan_host(
        layers(unit_text + "Environment=\"OLLAMA_HOST=127.0.0.1\"\n", std::nullopt), scope(true),
        "0.0.0.0:11435", want("0.0.0.0:11435"));
    REQUIRE(r);
    REQUIRE(r->edits.size() == 1);
    CHECK(r->edits[0].path == runtime);
}

TEST_CASE("plan_host refuses when a layer it does not edit would still win", "[plan][host]") {
    auto l = layers(unit_text, std::nullopt);
    l.push_back({LayerKind::environment_file, "/etc/ollama.env", "OLLAMA_HOST=127.0.0.1\n", {}});
    auto p = change::plan_host(l, scope(), "0.0.0.0", want("0.0.0.0"));
    REQUIRE(!p);
    CHECK_THAT(p.error().message,
               Catch::Contains("/etc/ollama.env") && Catch::Contains("which expose does not edit"));
}

TEST_CASE("plan_host removes Environment= words systemd ignores, and says so", "[plan][host]") {
    const std::string pasted =
        "[Service]\nEnvironment=\xe2\x80\x9cOLLAMA_HOST=0.0.0.0\xe2\x80\x9d\n";
    auto p = change::plan_host(layers(unit_text, pasted), scope(), "0.0.0.0", want("0.0.0.0"));
    REQUIRE(p);
    const auto* e = edit_of(*p, managed);
    REQUIRE(e);
    CHECK(*e->new_content == "[Service]\nEnvironment=\"OLLAMA_HOST=0.0.0.0\"\n");
    REQUIRE(p->notes.size() == 1);
    CHECK_THAT(p->notes[0], Catch::Contains("which systemd ignored"));
}
