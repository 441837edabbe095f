#include "ollama-netcfg/config/layers.hpp"

#include "catch.hpp"

using namespace netcfg::config;

namespace {
const std::string managed = "/etc/systemd/system/ollama.service.d/override.conf";
const std::string main_unit = "/etc/systemd/system/ollama.service";

LayerInput drop_in(std::string path, std::string content) {
    return {LayerKind::drop_in, std::move(path), std::move(content), {}};
}
LayerInput unit_file(std::string content) {
    return {LayerKind::unit_file, main_unit, std::move(content), {}};
}
LayerInput env_file(std::string path, std::optional<std::string> content) {
    return {LayerKind::environment_file, std::move(path), std::move(content), {}};
}
LayerInput manager(std::optional<std::string> value) {
    return {LayerKind::manager, "", std::move(value), {}};
}
} // namespace

TEST_CASE("resolve: the last drop-in that sets the variable wins", "[layers]") {
    auto r = resolve({manager(std::nullopt), unit_file("[Service]\nEnvironment=OLLAMA_HOST=a\n"),
                      drop_in("/x/10.conf", "[Service]\nEnvironment=OLLAMA_HOST=b\n"),
                      drop_in(managed, "[Service]\nEnvironment=OTHER=1\n")},
                     "OLLAMA_HOST");
    REQUIRE(r.winner);
    CHECK(*r.winner == 2);
    CHECK(r.effective == "b");
    CHECK(r.environment == "b");
    CHECK(r.assigning(LayerKind::unit_file) == std::vector<std::size_t>{1});
    CHECK(r.assigning(LayerKind::drop_in) == std::vector<std::size_t>{2});
    CHECK(r.layers[1].value == "a");
}

TEST_CASE("resolve: an empty Environment= in a later drop-in clears earlier ones", "[layers]") {
    auto r = resolve({unit_file("[Service]\nEnvironment=OLLAMA_HOST=a\n"),
                      drop_in(managed, "[Service]\nEnvironment=OLLAMA_HOST=b\n"),
                      drop_in("/x/zz.conf", "[Service]\nEnvironment=\n")},
                     "OLLAMA_HOST");
    CHECK_FALSE(r.winner);
    CHECK_FALSE(r.effective);
    CHECK(r.layers[2].resets);
    // ... and an assignment after the reset wins again.
    auto r2 = resolve({drop_in("/x/a.conf", "[Service]\nEnvironment=\nEnvironment=OLLAMA_HOST=c\n"),
                       drop_in(managed, "[Service]\nEnvironment=X=1\n")},
                      "OLLAMA_HOST");
    CHECK(r2.winner == std::optional<std::size_t>(0));
    CHECK(r2.effective == "c");
}

TEST_CASE("resolve: EnvironmentFile beats Environment=, which beats the manager", "[layers]") {
    auto base = std::vector<LayerInput>{manager("m"),
                                        drop_in(managed, "[Service]\nEnvironment=OLLAMA_HOST=d\n"),
                                        env_file("/etc/ollama.env", "OLLAMA_HOST=f\n")};
    auto r = resolve(base, "OLLAMA_HOST");
    CHECK(r.winner == std::optional<std::size_t>(2));
    CHECK(r.effective == "f");
    CHECK(r.environment == "d"); // what systemd's Environment property shows

    base[2].content = "OTHER=1\n";
    r = resolve(base, "OLLAMA_HOST");
    CHECK(r.winner == std::optional<std::size_t>(1));
    CHECK(r.effective == "d");

    base[1].content = "[Service]\n";
    r = resolve(base, "OLLAMA_HOST");
    CHECK(r.winner == std::optional<std::size_t>(0));
    CHECK(r.effective == "m");
    CHECK_FALSE(r.environment);
}

TEST_CASE("resolve: missing files and unreadable ones contribute nothing", "[layers]") {
    auto r = resolve({LayerInput{LayerKind::drop_in, managed, std::nullopt, {}},
                      LayerInput{LayerKind::environment_file, "/secret", std::nullopt,
                                 "cannot read /secret: Permission denied"}},
                     "OLLAMA_HOST");
    CHECK_FALSE(r.winner);
    CHECK_FALSE(r.layers[0].exists);
    CHECK(r.layers[1].read_error == "cannot read /secret: Permission denied");
}

TEST_CASE("order_drop_ins sorts by file name; /etc masks the same name elsewhere", "[layers]") {
    auto ordered = order_drop_ins({"/usr/lib/systemd/system/ollama.service.d/override.conf",
                                   "/etc/systemd/system/ollama.service.d/override.conf",
                                   "/run/systemd/system/ollama.service.d/50-run.conf",
                                   "/etc/systemd/system/ollama.service.d/10-a.conf",
                                   "/usr/lib/systemd/system/ollama.service.d/zz.conf",
                                   "/etc/systemd/system/ollama.service.d/10-a.conf"},
                                  system_unit_dirs());
    CHECK(ordered == std::vector<std::string>{
                         "/etc/systemd/system/ollama.service.d/10-a.conf",
                         "/run/systemd/system/ollama.service.d/50-run.conf",
                         "/etc/systemd/system/ollama.service.d/override.conf",
                         "/usr/lib/systemd/system/ollama.service.d/zz.conf",
                     });
}
