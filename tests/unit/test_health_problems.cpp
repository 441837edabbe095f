#include "ollama-netcfg/health/problems.hpp"
#include "ollama-netcfg/report/status_report.hpp"

#include <catch2/catch.hpp>
#include <set>

using namespace netcfg;
using namespace netcfg::health;
using config::LayerKind;

namespace {

const std::string managed = "/etc/systemd/system/ollama.service.d/override.conf";
const std::string main_unit = "/etc/systemd/system/ollama.service";

config::Layer layer(LayerKind kind, std::string path, std::optional<std::string> value) {
    config::Layer l;
    l.kind = kind;
    l.path = std::move(path);
    l.exists = true;
    l.assigns = value.has_value();
    l.value = std::move(value);
    return l;
}

// A healthy server exposed on 0.0.0.0 by this tool.
Facts healthy() {
    Facts f;
    f.unit = "ollama.service";
    f.managed_drop_in = managed;
    f.load_state = "loaded";
    f.active_state = "active";
    f.sub_state = "running";
    f.result = "success";
    f.main_pid = 42;
    f.layers.layers = {layer(LayerKind::manager, "", std::nullopt),
                       layer(LayerKind::unit_file, main_unit, std::nullopt),
                       layer(LayerKind::drop_in, managed, "0.0.0.0")};
    f.layers.winner = 2;
    f.layers.environment = f.layers.effective = "0.0.0.0";
    f.systemd_env = f.in_effect = "0.0.0.0";
    f.process_visible = true;
    f.process_value = "0.0.0.0";
    f.want = ollama::read_ollama_host("0.0.0.0");
    f.sockets = {{"0.0.0.0:11434", 42, "ollama", true, true}};
    f.api_tried = true;
    f.api_url = "http://127.0.0.1:11434/api/version";
    f.api_status = 200;
    f.version = "0.12.6";
    return f;
}

std::set<std::string> codes(const std::vector<Problem>& ps) {
    std::set<std::string> out;
    for (const auto& p : ps)
        out.insert(p.code);
    return out;
}

const Problem& find(const std::vector<Problem>& ps, const std::string& code) {
    for (const auto& p : ps)
        if (p.code == code)
            return p;
    FAIL("no problem " << code);
    return ps.front();
}

} // namespace

TEST_CASE("a healthy exposed server has no problems and checks OK", "[problems]") {
    auto ps = find_problems(healthy());
    CHECK(ps.empty());
    CHECK(overall(ps) == Severity::ok);
    CHECK(plugin_exit_status(overall(ps)) == 0);
}

TEST_CASE("severities map to monitoring-plugin exit statuses", "[problems]") {
    CHECK(plugin_exit_status(Severity::info) == 0);
    CHECK(plugin_exit_status(Severity::warning) == 1);
    CHECK(plugin_exit_status(Severity::critical) == 2);
    CHECK(plugin_exit_status(Severity::unknown) == 3);
    CHECK(overall({{"a", Severity::info, "", ""}}) == Severity::ok);
    CHECK(overall({{"a", Severity::warning, "", ""}, {"b", Severity::critical, "", ""}}) ==
          Severity::critical);
}

TEST_CASE("unit-not-found stands alone", "[problems]") {
    auto f = healthy();
    f.load_state = "not-found";
    auto ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"unit-not-found"});
    CHECK(overall(ps) == Severity::critical);
}

TEST_CASE("service-inactive is critical and says the state", "[problems]") {
    auto f = healthy();
    f.active_state = "activating";
    f.sub_state = "auto-restart";
    f.result = "exit-code";
    f.n_restarts = 4;
    f.sockets.clear();
    f.api_tried = false;
    auto ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"service-inactive"});
    CHECK_THAT(ps[0].message, Catch::Contains("auto-restart") && Catch::Contains("exit-code") &&
                                  Catch::Contains("4 times"));
    CHECK(ps[0].severity == Severity::critical);
}

TEST_CASE("reload-pending is a warning that names both values", "[problems]") {
    auto f = healthy();
    f.need_daemon_reload = true;
    f.layers.environment = "0.0.0.0:8080";
    auto ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"reload-pending"});
    CHECK(ps[0].severity == Severity::warning);
    CHECK_THAT(ps[0].message, Catch::Contains("0.0.0.0:8080") && Catch::Contains("loaded"));
}

TEST_CASE("stale-environment compares listeners, not spellings", "[problems]") {
    auto f = healthy();
    f.process_value = "http://0.0.0.0:11434/";
    CHECK(find_problems(f).empty());
    f.process_value = std::nullopt; // running with the default
    auto ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"stale-environment"});
    CHECK(find(ps, "stale-environment").severity == Severity::warning);
    f.process_visible = false;
    f.process_error = "Permission denied";
    ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"not-visible"});
    CHECK(overall(ps) == Severity::ok);
}

TEST_CASE("set-in-main-unit warns when it wins, informs when overridden", "[problems]") {
    auto f = healthy();
    f.layers.layers[1] = layer(LayerKind::unit_file, main_unit, "0.0.0.0");
    auto ps = find_problems(f);
    CHECK(find(ps, "set-in-main-unit").severity == Severity::info);
    CHECK(overall(ps) == Severity::ok);
    f.layers.layers[2] = layer(LayerKind::drop_in, managed, std::nullopt);
    f.layers.winner = 1;
    ps = find_problems(f);
    CHECK(find(ps, "set-in-main-unit").severity == Severity::warning);
    CHECK_THAT(find(ps, "set-in-main-unit").advice, Catch::Contains("ollama-netcfg expose"));
}

TEST_CASE("duplicate-setting and shadowed-drop-in", "[problems]") {
    auto f = healthy();
    f.layers.layers.push_back(
        layer(LayerKind::drop_in, "/etc/systemd/system/ollama.service.d/zz.conf", "127.0.0.1"));
    f.layers.winner = 3;
    auto ps = find_problems(f);
    CHECK(find(ps, "duplicate-setting").severity == Severity::warning);
    CHECK_THAT(find(ps, "shadowed-drop-in").message, Catch::Contains("zz.conf"));

    // An EnvironmentFile shadows without being a duplicate drop-in.
    f = healthy();
    f.layers.layers.push_back(layer(LayerKind::environment_file, "/etc/ollama.env", "[::]"));
    f.layers.winner = 3;
    ps = find_problems(f);
    CHECK(codes(ps).count("shadowed-drop-in") == 1);
    CHECK(codes(ps).count("duplicate-setting") == 0);
    CHECK_THAT(find(ps, "shadowed-drop-in").message, Catch::Contains("environment-file"));

    // An empty Environment= later clears it.
    f = healthy();
    auto reset =
        layer(LayerKind::drop_in, "/etc/systemd/system/ollama.service.d/zz.conf", std::nullopt);
    reset.resets = true;
    f.layers.layers.push_back(reset);
    f.layers.winner.reset();
    ps = find_problems(f);
    CHECK_THAT(find(ps, "shadowed-drop-in").message,
               Catch::Contains("empty Environment=") && Catch::Contains("zz.conf"));
}

TEST_CASE("listener problems: unexpected-address, port-in-use, not-listening", "[problems]") {
    auto f = healthy();
    f.want = ollama::read_ollama_host("0.0.0.0:8080");
    f.expect_given = true;
    f.sockets = {{"0.0.0.0:11434", 42, "ollama", true, false}};
    f.api_tried = false;
    auto ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"unexpected-address"});
    CHECK_THAT(ps[0].message, Catch::Contains("0.0.0.0:11434") && Catch::Contains("0.0.0.0:8080"));
    CHECK(ps[0].severity == Severity::critical);

    f = healthy();
    f.sockets = {{"0.0.0.0:11434", 77, "nginx", false, true}};
    f.api_tried = false;
    ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"port-in-use"});
    CHECK_THAT(ps[0].message, Catch::Contains("nginx (PID 77)"));

    f.active_state = "failed";
    f.sub_state = "failed";
    ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"service-inactive", "port-in-use"});

    f = healthy();
    f.sockets.clear();
    f.api_tried = false;
    ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"not-listening"});
}

TEST_CASE("sockets whose owner cannot be seen count as the unit's, with a note", "[problems]") {
    auto f = healthy();
    f.owners_visible = false;
    f.sockets = {{"0.0.0.0:11434", 0, "", false, true}};
    auto ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"not-visible"});
    CHECK(overall(ps) == Severity::ok);
}

TEST_CASE("api-unreachable explains a 403 from Ollama's Host check", "[problems]") {
    auto f = healthy();
    f.api_status = 403;
    f.version.reset();
    auto ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"api-unreachable"});
    CHECK_THAT(ps[0].advice, Catch::Contains("Host header"));
    f.api_status = 0;
    f.api_error = "Connection refused";
    ps = find_problems(f);
    CHECK_THAT(ps[0].message, Catch::Contains("Connection refused"));
}

TEST_CASE("plugin_line: one line, status, summary, perfdata", "[report]") {
    auto f = healthy();
    f.api_seconds = 0.0012;
    auto line = report::plugin_line(f, {}, 0.0123);
    CHECK(line == "OLLAMA-NETCFG OK - ollama.service listens on 0.0.0.0:11434, Ollama 0.12.6 "
                  "answers at http://127.0.0.1:11434 | time=0.012s;;;0 problems=0;;;0 "
                  "api_time=0.001s;;;0");
    std::vector<Problem> ps{{"not-listening", Severity::critical, "nothing | here", "x"},
                            {"not-visible", Severity::info, "hidden", "y"},
                            {"reload-pending", Severity::warning, "files changed", "z"}};
    line = report::plugin_line(f, ps, 0.5);
    CHECK_THAT(line, Catch::StartsWith("OLLAMA-NETCFG CRITICAL - not-listening: nothing / here; "
                                       "reload-pending: files changed | time=0.500s"));
    CHECK_THAT(line, Catch::Contains("problems=2;;;0"));
    CHECK(line.find('\n') == std::string::npos);
    CHECK(report::plugin_unknown_line("no bus", 0.001) ==
          "OLLAMA-NETCFG UNKNOWN - no bus | time=0.001s;;;0 problems=0;;;0");
}

TEST_CASE("status_json has the documented shape", "[report]") {
    auto f = healthy();
    std::vector<Problem> ps{{"reload-pending", Severity::warning, "m", "a"}};
    auto j = report::status_json(f, ps, 0.25);
    CHECK(j["status"] == "WARNING");
    CHECK(j["exit_status"] == 1);
    CHECK(j["unit"] == "ollama.service");
    CHECK(j["in_effect"] == "0.0.0.0");
    CHECK(j["listen"] == "0.0.0.0:11434");
    REQUIRE(j["layers"].size() == 3);
    CHECK(j["layers"][2]["in_effect"] == true);
    CHECK(j["layers"][2]["value"] == "0.0.0.0");
    CHECK(j["layers"][0]["kind"] == "manager");
    CHECK(j["process"]["value"] == "0.0.0.0");
    CHECK(j["sockets"][0]["pid"] == 42);
    CHECK(j["api"]["version"] == "0.12.6");
    REQUIRE(j["problems"].size() == 1);
    CHECK(j["problems"][0] == nlohmann::json{{"code", "reload-pending"},
                                             {"severity", "WARNING"},
                                             {"message", "m"},
                                             {"advice", "a"}});
    auto text = report::status_text(f, ps);
    CHECK_THAT(text, Catch::Contains("[managed]") && Catch::Contains("<- in effect") &&
                         Catch::Contains("verdict: WARNING"));
}
