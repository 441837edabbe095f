#include "catch.hpp"
#include "ip_address.hpp"
#include "ollama-netcfg/reach/scope.hpp"
#include "listen_socket.hpp"
#include "ollama-netcfg/health/problems.hpp"
#include "ollama-netcfg/report/prometheus.hpp"
#include "ollama-netcfg/report/status_report.hpp"

#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sys/socket.h>
#include <tuple>

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

SocketSeen seen(const std::string& address, pid_t pid, std::string process, bool unit_owned,
                bool covers) {
    auto s = testing::listen_socket(address);
    return {s, s.endpoint(), pid, std::move(process), unit_owned, covers};
}

// A healthy server exposed on 0.0.0.0 by this tool: Go's dual-stack socket.
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
    f.sockets = {seen("::", 42, "ollama", true, true)};
    f.expected = probe::expected_socket("0.0.0.0", 11434, {}, true);
    f.api_tried = true;
    f.api_url = "http://127.0.0.1:11434/api/version";
    f.api_status = 200;
    f.version = "0.12.6";
    return f;
}

// The unit between a failed start and its next try (Restart=always): no
// socket, nothing to ask.
void crash_looping(Facts& f, std::uint32_t restarts) {
    f.active_state = "activating";
    f.sub_state = "auto-restart";
    f.result = "exit-code";
    f.n_restarts = restarts;
    f.sockets.clear();
    f.api_tried = false;
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
    CHECK(ps[0].message ==
          "there is no unit ollama.service: systemd has no unit file of that name");
}

TEST_CASE("a unit that is not loaded is said in words, not in systemd's state names",
          "[problems]") {
    for (const char* state : {"not-found", "masked", "bad-setting", "error", "merged", ""}) {
        INFO(state);
        auto w = unit_not_loaded("ollama.service", state);
        CHECK_THAT(w.message, Catch::Contains("ollama.service"));
        CHECK_FALSE(w.advice.empty());
    }
    // systemd's hyphenated state names stay out of the sentences.
    for (const char* state : {"not-found", "bad-setting"}) {
        CHECK(unit_not_loaded("ollama.service", state).message.find(state) == std::string::npos);
    }
    CHECK_THAT(unit_not_loaded("x.service", "masked").advice,
               Catch::Contains("systemctl unmask x.service"));
    CHECK_THAT(unit_not_loaded("x.service", "").message, Catch::Contains("\"unknown\""));
}

TEST_CASE("service-inactive is critical and says the state", "[problems]") {
    auto f = healthy();
    crash_looping(f, 4);
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
    f.sockets = {seen("::", 42, "ollama", true, false)};
    f.api_tried = false;
    auto ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"unexpected-address"});
    CHECK_THAT(ps[0].message, Catch::Contains("*:11434") && Catch::Contains("0.0.0.0:8080"));
    CHECK(ps[0].severity == Severity::critical);

    f = healthy();
    f.sockets = {seen("0.0.0.0", 77, "nginx", false, true)};
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
    f.sockets = {seen("::", 0, "", false, true)};
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
    f.api_timeout_seconds = 5;
    auto line = report::plugin_line(f, {}, 0.0123);
    CHECK(line == "OLLAMA-NETCFG OK - ollama.service listens on *:11434, Ollama 0.12.6 "
                  "answers at http://127.0.0.1:11434 | time=0.012s;;;0 problems=0;;;0 "
                  "api_time=0.001s;;;0;5");
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
    CHECK(j["listen"] == "*:11434");
    CHECK(j["listen_covers"] == "every IPv4 and IPv6 address");
    CHECK(j["listen_address"] == "0.0.0.0:11434");
    CHECK(j["sockets"][0]["dual_stack"] == true);
    CHECK(j["sockets"][0]["family"] == 6);
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

namespace {
reach::FamilyVerdict verdict(int family, firewall::Decision d, std::string reason) {
    return {family, {"nftables", d, std::move(reason), "inet filter input"}, {}};
}
reach::AddressProbe address(std::string iface, std::string a, int family) {
    reach::AddressProbe p;
    p.interface = std::move(iface);
    p.global = reach::address_scope(a).global; // as reach::interfaces() judges it
    p.address = testing::ip(a);
    p.family = family;
    p.port = 11434;
    p.ok = true;
    return p;
}
// healthy(), reach checked, with the firewall's verdicts for other hosts.
Facts judged(std::vector<reach::FamilyVerdict> families) {
    auto f = healthy();
    f.reach_checked = true;
    f.addresses = {address("eth0", "192.168.1.10", 4), address("eth0", "fd00::10", 6)};
    reach::Firewall fw;
    fw.families = families;
    fw.any_source = families;
    fw.verdict = reach::summarize(families);
    fw.open_command_text = "nft insert rule inet filter input tcp dport 11434 accept";
    f.firewall = fw;
    return f;
}
} // namespace

TEST_CASE("firewall problems are judged per IP version", "[problems][firewall]") {
    using firewall::Decision;
    auto open = judged({verdict(4, Decision::accept, "a"), verdict(6, Decision::accept, "b")});
    CHECK(find_problems(open).empty());

    auto both =
        judged({verdict(4, Decision::drop, "rule handle 5 in chain ip filter input (drop)"),
                verdict(6, Decision::drop, "rule handle 7 in chain ip6 filter input (drop)")});
    auto ps = find_problems(both);
    CHECK(codes(ps) == std::set<std::string>{"firewall-blocks"});
    CHECK(ps[0].severity == Severity::critical);
    CHECK_THAT(ps[0].message, Catch::Contains("IPv4 dropped by rule handle 5") &&
                                  Catch::Contains("IPv6 dropped by rule handle 7"));

    auto v4_only =
        judged({verdict(4, Decision::drop, "rule handle 5 in chain ip filter input (drop)"),
                verdict(6, Decision::accept, "no input chain filters it")});
    ps = find_problems(v4_only);
    CHECK(codes(ps) == std::set<std::string>{"firewall-partial"});
    CHECK(ps[0].severity == Severity::warning);
    CHECK_THAT(ps[0].message,
               Catch::Contains("IPv4 dropped by rule handle 5 in chain ip filter input") &&
                   Catch::Contains("IPv6 open to every host (no input chain filters it)"));
    CHECK(overall(ps) == Severity::warning);

    auto rejected6 = judged({verdict(4, Decision::accept, "a"), verdict(6, Decision::reject, "r")});
    CHECK(codes(find_problems(rejected6)) == std::set<std::string>{"firewall-partial"});

    // Only IPv4 covered (a 0.0.0.0 socket on a kernel without IPv6): blocked is blocked.
    auto only4 = judged({verdict(4, Decision::reject, "policy")});
    CHECK(codes(find_problems(only4)) == std::set<std::string>{"firewall-blocks"});

    auto unsure = judged({verdict(4, Decision::accept, "a"), verdict(6, Decision::undecided, "?")});
    ps = find_problems(unsure);
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].code == "firewall-undecided");
    CHECK(ps[0].severity == Severity::info);
    CHECK_THAT(ps[0].message, Catch::Contains("over IPv6"));
}

TEST_CASE("open-to-internet: a global address and a firewall open to any source",
          "[problems][firewall]") {
    using firewall::Decision;
    auto f = judged({verdict(4, Decision::accept, "a"), verdict(6, Decision::accept, "b")});
    CHECK(find_problems(f).empty()); // private and ULA addresses only
    f.addresses.push_back(address("eth1", "2a00:1450::10", 6));
    auto ps = find_problems(f);
    REQUIRE(codes(ps) == std::set<std::string>{"open-to-internet"});
    CHECK(ps[0].severity == Severity::warning);
    CHECK_THAT(ps[0].message, Catch::Contains("2a00:1450::10 (eth1) is a globally routable"));
    CHECK_THAT(ps[0].advice, Catch::Contains("--from CIDR") && Catch::Contains("proxy-config"));

    // The IPv6 firewall drops: not open, though IPv4 is (and has no global address).
    f.firewall->any_source = {verdict(4, Decision::accept, "a"),
                              verdict(6, Decision::drop, "policy drop")};
    f.firewall->families = f.firewall->any_source;
    CHECK(codes(find_problems(f)) == std::set<std::string>{"firewall-partial"});

    // Open only to one network (a rule on the source address): not the Internet.
    f.firewall->any_source = {verdict(4, Decision::accept, "a"),
                              verdict(6, Decision::undecided, "depends on the source")};
    f.firewall->families = {verdict(6, Decision::accept, "saddr rule")};
    f.from = "2001:db8::/64";
    CHECK(codes(find_problems(f)).count("open-to-internet") == 0);

    f = judged({verdict(4, Decision::accept, "a"), verdict(6, Decision::accept, "b")});
    f.addresses.push_back(address("eth1", "8.8.4.4", 4));
    CHECK(codes(find_problems(f)) == std::set<std::string>{"open-to-internet"});
}

TEST_CASE("status shows the dual-stack socket, per-version firewall and who can connect",
          "[report]") {
    using firewall::Decision;
    auto f = judged({verdict(4, Decision::drop, "rule 5"), verdict(6, Decision::accept, "none")});
    auto text = report::status_text(f, find_problems(f));
    CHECK_THAT(text, Catch::Contains("Ollama listens on: *:11434 (every IPv4 and IPv6 address)"));
    CHECK_THAT(text, Catch::Contains("firewall IPv4:     nftables: new connections from other "
                                     "hosts to port 11434 dropped (rule 5)"));
    CHECK_THAT(text, Catch::Contains("firewall IPv6:     nftables: new connections from other "
                                     "hosts to port 11434 accepted (none)"));
    CHECK_THAT(text, Catch::Contains("who can connect:   no other IPv4 host (nftables drops it), "
                                     "any IPv6 host; Ollama does not authenticate"));
    CHECK_THAT(text, !Catch::Contains("ollama command:"));
    auto j = report::status_json(f, find_problems(f), 0.1);
    CHECK(j["firewall"]["decision"] == "partial");
    CHECK(j["firewall"]["ipv4"]["decision"] == "dropped");
    CHECK(j["firewall"]["ipv6"]["decision"] == "accepted");
    CHECK(j["addresses"][1]["family"] == 6);
    CHECK(j["client_export"].is_null());

    f.firewall->families = {verdict(4, Decision::accept, "x")};
    f.firewall->any_source = f.firewall->families;
    j = report::status_json(f, {}, 0.1);
    CHECK(j["firewall"]["ipv6"]["decision"] == "not-covered");

    f.want = ollama::read_ollama_host("0.0.0.0:11435");
    f.sockets[0].socket.port = 11435;
    text = report::status_text(f, {});
    CHECK_THAT(text, Catch::Contains("ollama command:    the local `ollama` command needs `export "
                                     "OLLAMA_HOST=127.0.0.1:11435` in its shell"));
}

TEST_CASE("ignored-assignment quotes the file, line and word", "[problems]") {
    auto f = healthy();
    auto l =
        layer(LayerKind::drop_in, "/etc/systemd/system/ollama.service.d/guide.conf", std::nullopt);
    l.ignored = unitfile::ignored_assignments(
        "[Service]\nEnvironment=\u201cOLLAMA_HOST=0.0.0.0\u201d\n", "OLLAMA_HOST");
    f.layers.layers.push_back(l);
    auto ps = find_problems(f);
    REQUIRE(codes(ps) == std::set<std::string>{"ignored-assignment"});
    CHECK(ps[0].severity == Severity::warning);
    CHECK_THAT(
        ps[0].message,
        Catch::Contains("guide.conf line 2: systemd ignores `\u201cOLLAMA_HOST=0.0.0.0\u201d`") &&
            Catch::Contains("typographic quotes"));
    CHECK_THAT(ps[0].advice, Catch::Contains("ollama-netcfg expose ADDR"));
}

TEST_CASE("runtime-only: the value in effect comes from /run", "[problems]") {
    auto f = healthy();
    const std::string runtime =
        "/run/systemd/system/ollama.service.d/zz-ollama-netcfg-runtime.conf";
    f.layers.layers.push_back(layer(LayerKind::drop_in, runtime, "127.0.0.1:11445"));
    f.layers.winner = 3;
    f.after_reboot = "0.0.0.0";
    f.want = ollama::read_ollama_host("127.0.0.1:11445");
    f.sockets = {seen("127.0.0.1", 42, "ollama", true, true)};
    f.process_value = f.in_effect = f.systemd_env = "127.0.0.1:11445";
    auto ps = find_problems(f);
    REQUIRE(codes(ps) == std::set<std::string>{"runtime-only"}); // not shadowed nor duplicate
    CHECK(ps[0].severity == Severity::warning);
    CHECK_THAT(ps[0].message,
               Catch::Contains(runtime) && Catch::Contains("gone after the next reboot (then: "
                                                           "OLLAMA_HOST=\"0.0.0.0\")"));
    CHECK_THAT(ps[0].advice,
               Catch::Contains("expose 127.0.0.1:11445") && Catch::Contains("reset --runtime"));
    CHECK_THAT(report::status_text(f, ps), Catch::Contains(runtime + " [runtime]"));
}

TEST_CASE("foreign-server: an ollama serve outside the unit", "[problems]") {
    auto f = healthy();
    ForeignServer s;
    s.process.pid = 812;
    s.process.user = "alice";
    s.process.ppid = 800;
    s.process.parent = "bash";
    s.process.cgroup = "/user.slice/user-1000.slice/session-3.scope";
    s.process.env_visible = true;
    s.process.ollama_host = "0.0.0.0:11435";
    s.endpoints = {"*:11435"};
    s.answers = true;
    s.answer = "version 0.12.6 at http://127.0.0.1:11435/api/version";
    f.foreign_servers = {s};
    auto ps = find_problems(f);
    REQUIRE(codes(ps) == std::set<std::string>{"foreign-server"});
    CHECK(ps[0].severity == Severity::warning);
    CHECK_THAT(ps[0].message, Catch::Contains("PID 812, user alice, parent bash (PID 800), cgroup "
                                              "/user.slice/user-1000.slice/session-3.scope") &&
                                  Catch::Contains("OLLAMA_HOST=\"0.0.0.0:11435\"") &&
                                  Catch::Contains("listening on *:11435"));
    CHECK_THAT(ps[0].advice, Catch::Contains("kill 812") && Catch::Contains("--runtime"));

    // On the service's own address: the service crash-loops; CRITICAL, and
    // port-in-use does not say it twice.
    f = healthy();
    f.active_state = "activating";
    f.sub_state = "auto-restart";
    f.main_pid = 0;
    f.sockets = {seen("::", 812, "ollama", false, true)};
    f.api_tried = false;
    s.endpoints = {"*:11434"};
    s.holds_wanted = true;
    f.foreign_servers = {s};
    ps = find_problems(f);
    CHECK(codes(ps) == std::set<std::string>{"service-inactive", "foreign-server"});
    auto fs =
        std::find_if(ps.begin(), ps.end(), [](auto& p) { return p.code == "foreign-server"; });
    CHECK(fs->severity == Severity::critical);
    CHECK_THAT(fs->message, Catch::Contains("keeps restarting"));
}

TEST_CASE("api-slow: -w and -c on the API's response time", "[problems][plugin]") {
    auto f = healthy();
    f.api_seconds = 0.4;
    CHECK(find_problems(f).empty()); // no thresholds, no verdict on time
    f.limits.api_warning = 0.5;
    f.limits.api_critical = 1.0;
    CHECK(find_problems(f).empty());
    f.api_seconds = 0.6;
    auto ps = find_problems(f);
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].code == "api-slow");
    CHECK(ps[0].severity == Severity::warning);
    CHECK_THAT(ps[0].message, Catch::Contains("took 0.600 s, over the warning threshold of 0.5 s"));
    f.api_seconds = 1.2;
    ps = find_problems(f);
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].severity == Severity::critical);
    CHECK_THAT(ps[0].message, Catch::Contains("over the critical threshold of 1 s"));
    f.limits.api_warning.reset(); // -c alone
    CHECK(find_problems(f)[0].severity == Severity::critical);
    f.api_seconds = 0.9;
    CHECK(find_problems(f).empty());
    // No answer: api-unreachable says it, not api-slow.
    f.api_error = "Operation timed out after 5000 milliseconds";
    f.api_status = 0;
    f.version.reset();
    ps = find_problems(f);
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].code == "api-unreachable");
    CHECK(ps[0].severity == Severity::critical);
}

TEST_CASE("model-missing names each model the server lacks", "[problems][plugin]") {
    auto f = healthy();
    f.limits.models = {"llama3", "qwen2:7b"};
    f.models_tried = true;
    f.models = {"llama3:latest", "qwen2:7b"};
    CHECK(find_problems(f).empty());
    f.models = {"llama3:latest"};
    auto ps = find_problems(f);
    REQUIRE(ps.size() == 1);
    CHECK(ps[0].code == "model-missing");
    CHECK(ps[0].severity == Severity::critical);
    CHECK(ps[0].message == "model qwen2:7b is not on the server (it has llama3:latest)");
    CHECK(ps[0].advice == "pull it where the service looks: `ollama pull qwen2:7b`");
    f.models.clear();
    CHECK(find_problems(f).size() == 2);
    CHECK_THAT(find_problems(f)[0].message, Catch::EndsWith("(it has none)"));
    f.want = ollama::read_ollama_host("0.0.0.0:11435");
    f.models_error = "GET http://127.0.0.1:11435/api/tags: HTTP 500, not a model list";
    ps = find_problems(f);
    auto it = std::find_if(ps.begin(), ps.end(), [](auto& p) { return p.code == "model-missing"; });
    REQUIRE(it != ps.end());
    CHECK_THAT(it->message, Catch::StartsWith("cannot tell whether llama3, qwen2:7b are there"));
    f.models_error.clear();
    f.models = {};
    ps = find_problems(f);
    it = std::find_if(ps.begin(), ps.end(), [](auto& p) { return p.code == "model-missing"; });
    REQUIRE(it != ps.end());
    CHECK(
        it->advice ==
        "pull it where the service looks: `OLLAMA_HOST=http://127.0.0.1:11435 ollama pull llama3`");
}

TEST_CASE("perfdata carries thresholds, the timeout as max, and the model count",
          "[report][plugin]") {
    auto f = healthy();
    f.api_seconds = 0.0012;
    f.api_timeout_seconds = 10;
    f.limits.api_warning = 0.5;
    f.limits.api_critical = 1;
    auto line = report::plugin_line(f, {}, 0.02);
    CHECK_THAT(line,
               Catch::EndsWith("| time=0.020s;;;0 problems=0;;;0 api_time=0.001s;0.5;1;0;10"));
    f.limits.models = {"llama3"};
    f.models_tried = true;
    f.models = {"llama3:latest", "qwen2:7b"};
    line = report::plugin_line(f, {}, 0.02);
    CHECK_THAT(line, Catch::EndsWith("api_time=0.001s;0.5;1;0;10 models=2;;;0"));
    f.models_error = "GET x: refused";
    CHECK_THAT(report::plugin_line(f, {}, 0.02), Catch::EndsWith("api_time=0.001s;0.5;1;0;10"));
}

TEST_CASE("the Prometheus file has the API time, the models and the firewall per IP version",
          "[report][plugin]") {
    auto f = judged({{4, {"nftables", firewall::Decision::drop, "rule 3", {}}, {}},
                     {6, {"nftables", firewall::Decision::accept, "no rule", {}}, {}}});
    f.api_seconds = 0.002;
    f.models_tried = true;
    f.models = {"a:latest"};
    auto text = report::prometheus_text("ollama.service", &f, find_problems(f), 0.01, 1.0);
    CHECK_THAT(text, Catch::Contains(
                         "ollama_netcfg_api_duration_seconds{unit=\"ollama.service\"} 0.002000\n"));
    CHECK_THAT(text, Catch::Contains("ollama_netcfg_firewall_decision{unit=\"ollama.service\","
                                     "family=\"ipv4\",decision=\"dropped\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("ollama_netcfg_firewall_decision{unit=\"ollama.service\","
                                     "family=\"ipv6\",decision=\"accepted\"} 1\n"));
    CHECK_THAT(text, Catch::Contains("ollama_netcfg_models{unit=\"ollama.service\"} 1\n"));
    CHECK_THAT(text,
               Catch::Contains("ollama_netcfg_check_duration_seconds{unit=\"ollama.service\"} "
                               "0.010000\n"));
    // Only IPv4 covered: IPv6 is not-covered.
    f.firewall->families.pop_back();
    f.firewall->any_source.pop_back();
    text = report::prometheus_text("ollama.service", &f, {}, 0.01, 1.0);
    CHECK_THAT(text, Catch::Contains("family=\"ipv6\",decision=\"not-covered\"} 1\n"));
    // A loopback listener has no firewall verdict, so no such series.
    f.firewall.reset();
    CHECK_THAT(report::prometheus_text("ollama.service", &f, {}, 0.01, 1.0),
               !Catch::Contains("ollama_netcfg_firewall_decision{"));
}

TEST_CASE("bad-origins: the entry, the file, crash loop or next restart", "[problems][origins]") {
    auto f = healthy();
    f.origins.in_effect = "http://a.example, http://b.example";
    f.origins.source = "/etc/systemd/system/ollama.service.d/override.conf";
    auto ps = find_problems(f);
    REQUIRE(codes(ps).count("bad-origins"));
    const auto p = find(ps, "bad-origins");
    CHECK(p.severity == Severity::critical);
    CHECK(p.message.find("\" http://b.example\"") != std::string::npos);
    CHECK(p.message.find("next restart") != std::string::npos);
    CHECK(p.advice.find("origins remove ' http://b.example'") != std::string::npos);
    f.active_state = "activating";
    f.sub_state = "auto-restart";
    CHECK(find(find_problems(f), "bad-origins").message.find("crash-looping") != std::string::npos);
    // Running by systemd's word after restarts of its own, the process gone
    // before /proc was read: the loop, not an old process.
    f.active_state = "active";
    f.sub_state = "running";
    f.origins.process_visible = false;
    f.n_restarts = 2;
    CHECK(find(find_problems(f), "bad-origins").message.find("crash-looping") != std::string::npos);
    f.n_restarts = 0;
    CHECK(find(find_problems(f), "bad-origins").message.find("could not be read") !=
          std::string::npos);
    f.origins.in_effect = "http://a.example,";
    CHECK(find(find_problems(f), "bad-origins").advice.find("stray comma") != std::string::npos);
    f = healthy();
    f.origins.in_effect = "http://a.example,*";
    CHECK_FALSE(codes(find_problems(f)).count("bad-origins"));
}

TEST_CASE("origin-refused: a page's request not let through, and the fix", "[problems][origins]") {
    auto f = healthy();
    f.origin_probes.push_back(
        {"http://192.0.2.11:8000", "http://127.0.0.1:11434/api/version", 403, "", ""});
    auto ps = find_problems(f);
    REQUIRE(codes(ps).count("origin-refused"));
    const auto p = find(ps, "origin-refused");
    CHECK(p.severity == Severity::critical);
    CHECK(p.message.find("HTTP 403 (Ollama refuses this Origin)") != std::string::npos);
    CHECK(p.advice == "sudo ollama-netcfg origins add http://192.0.2.11:8000");
    // On disk but not in the running process: the advice says so.
    f.origins.in_effect = "http://192.0.2.11:8000";
    CHECK(find(find_problems(f), "origin-refused").advice.find("started without it") !=
          std::string::npos);
    // Let through: with the origin named, or `*`.
    f.origin_probes[0].status = 200;
    f.origin_probes[0].allow_origin = "http://192.0.2.11:8000";
    CHECK_FALSE(codes(find_problems(f)).count("origin-refused"));
    f.origin_probes[0].allow_origin = "*";
    CHECK_FALSE(codes(find_problems(f)).count("origin-refused"));
    // 200 without the header: a browser still refuses to hand the answer to the page.
    f.origin_probes[0].allow_origin = "";
    CHECK(codes(find_problems(f)).count("origin-refused"));
}

TEST_CASE("proxy-auth-required and the Origin check told apart behind a proxy",
          "[problems][proxy]") {
    auto f = healthy();
    UrlProbe u;
    u.url = "https://ollama.test/api/version";
    u.status = 401;
    u.www_authenticate = "Bearer";
    f.urls = {u};
    auto ps = find_problems(f);
    CHECK(codes(ps).count("proxy-auth-required"));
    CHECK_FALSE(codes(ps).count("url-unreachable"));
    CHECK(find(ps, "proxy-auth-required").message.find("none were sent") != std::string::npos);
    CHECK(find(ps, "proxy-auth-required").advice.find("--api-key-file") != std::string::npos);
    f.urls[0].credentials = "bearer key from /root/key";
    CHECK(find(find_problems(f), "proxy-auth-required").message.find("refused the bearer key") !=
          std::string::npos);
    f.urls[0] = UrlProbe{};
    f.urls[0].url = u.url;
    f.urls[0].status = 403;
    f.urls[0].origin = "http://192.0.2.11:8000";
    f.urls[0].refused_origin = true;
    CHECK(find(find_problems(f), "url-unreachable").advice.find("Origin") != std::string::npos);
    f.urls[0].refused_origin = false;
    f.urls[0].refused_host = true;
    f.urls[0].host = "ollama.test";
    CHECK(find(find_problems(f), "url-unreachable").advice.find("Host header") !=
          std::string::npos);
}

TEST_CASE("check --api-key-file: a key file or the include written from it that others can "
          "read is a problem of check too",
          "[problems][proxy]") {
    auto f = healthy();
    UrlProbe u;
    u.url = "https://ollama.test/api/version";
    u.status = 200;
    u.version = "0.12.6";
    u.credentials = "bearer key from /etc/caddy/ollama.keys";
    f.urls = {u};
    CredentialsAccess keys{"/etc/caddy/ollama.keys", 0600, "root", true, false, ""};
    CredentialsAccess include{"/etc/caddy/ollama.keys.caddy", 0640, "caddy", true, true, "caddy"};
    f.credential_files = {keys, include};
    CHECK_FALSE(codes(find_problems(f)).count("credentials-readable"));
    f.credential_files[1].mode = 0644; // the include, readable by every user
    auto ps = find_problems(f);
    REQUIRE(codes(ps).count("credentials-readable"));
    CHECK(find(ps, "credentials-readable").message ==
          "every local user can read /etc/caddy/ollama.keys.caddy (mode 0644): the proxy's "
          "credentials are only as safe as this file");
    CHECK(plugin_exit_status(overall(ps)) == 1); // WARNING
}

TEST_CASE("proxy-bypassable: credentials at the proxy, Ollama's own port open behind it",
          "[problems][proxy]") {
    using firewall::Decision;
    UrlProbe u;
    u.url = "https://ollama.test/api/version";
    u.status = 200;
    u.version = "0.12.6";
    u.credentials = "bearer key";
    // No firewall: every host, over both versions, skips the key.
    auto f = judged({verdict(4, Decision::accept, "no input chain"),
                     verdict(6, Decision::accept, "no input chain")});
    f.urls = {u};
    auto ps = find_problems(f);
    REQUIRE(codes(ps).count("proxy-bypassable"));
    const auto p = find(ps, "proxy-bypassable");
    CHECK(p.severity == Severity::critical);
    CHECK_THAT(p.message, Catch::Contains("over IPv4 from any host") &&
                              Catch::Contains("over IPv6 from any host") &&
                              Catch::Contains("listens on *:11434"));
    CHECK_THAT(p.advice, Catch::Contains("expose 127.0.0.1:11434"));
    CHECK(proxy_bypass(f, "bearer key")->message == p.message);
    // IPv4 dropped, IPv6 open: still CRITICAL, and only IPv6 is named.
    f = judged({verdict(4, Decision::drop, "policy drop"), verdict(6, Decision::accept, "none")});
    f.urls = {u};
    const auto one = find(find_problems(f), "proxy-bypassable");
    CHECK(one.severity == Severity::critical);
    CHECK(one.message.find("IPv4") == std::string::npos);
    // Rules for some sources (a LAN let in): WARNING.
    f = judged({verdict(4, Decision::undecided, "the source address (a rule for 10.0.0.0/8)"),
                verdict(6, Decision::drop, "policy drop")});
    f.urls = {u};
    CHECK(find(find_problems(f), "proxy-bypassable").severity == Severity::warning);
    // Dropped on both: nobody gets past the proxy.
    f = judged({verdict(4, Decision::drop, "x"), verdict(6, Decision::reject, "y")});
    f.urls = {u};
    CHECK_FALSE(codes(find_problems(f)).count("proxy-bypassable"));
    // Without credentials there is nothing to skip; a loopback listener
    // and a firewall not seen say nothing either.
    f = judged({verdict(4, Decision::accept, "a"), verdict(6, Decision::accept, "b")});
    f.urls = {u};
    f.urls[0].credentials.clear();
    CHECK_FALSE(codes(find_problems(f)).count("proxy-bypassable"));
    f.urls[0].credentials = "basic auth";
    f.firewall->visible = false;
    CHECK_FALSE(proxy_bypass(f, "basic auth"));
    f = healthy();
    f.want = ollama::read_ollama_host("127.0.0.1");
    CHECK_FALSE(proxy_bypass(f, "basic auth"));
}

TEST_CASE("client-env-stale: the local ollama command's OLLAMA_HOST must find the server",
          "[problems][client-env]") {
    auto f = healthy(); // *:11434: the default 127.0.0.1:11434 finds it
    CHECK_FALSE(codes(find_problems(f)).count("client-env-stale"));
    f.client_env = "127.0.0.1:11500"; // left over from an expose to :11500
    auto p = find(find_problems(f), "client-env-stale");
    CHECK(p.severity == Severity::warning);
    CHECK_THAT(p.message, Catch::Contains("OLLAMA_HOST=127.0.0.1:11500") &&
                              Catch::Contains("default 127.0.0.1:11434 finds it"));
    CHECK_THAT(p.advice, Catch::Contains("reset --client-env"));
    // Now on :11500, the file matches; on :11600 it does not, and the fix is named.
    f.want = ollama::read_ollama_host("0.0.0.0:11500");
    f.expected = probe::expected_socket("0.0.0.0", 11500, {}, true);
    f.sockets = {seen("[::]:11500", 42, "ollama", true, true)};
    f.in_effect = "0.0.0.0:11500";
    CHECK_FALSE(codes(find_problems(f)).count("client-env-stale"));
    f.client_env = "127.0.0.1:11600";
    p = find(find_problems(f), "client-env-stale");
    CHECK_THAT(p.message, Catch::Contains("need OLLAMA_HOST=127.0.0.1:11500"));
    CHECK(p.advice.find("expose 0.0.0.0:11500 --client-env") != std::string::npos);
}

TEST_CASE("open-to-any-site: * in OLLAMA_ORIGINS", "[problems][origins]") {
    auto f = healthy();
    f.origins.in_effect = "http://a.example,*";
    f.origins.source = managed;
    const auto p = find(find_problems(f), "open-to-any-site");
    CHECK(p.severity == Severity::warning);
    CHECK_THAT(p.message, Catch::Contains("every web page on every site"));
    f.origins.in_effect = "http://*.example.org";
    CHECK_FALSE(codes(find_problems(f)).count("open-to-any-site"));
}

TEST_CASE("docker-bypasses-firewall: CRITICAL when the host firewall denies the port",
          "[problems][docker]") {
    auto f = healthy();
    ContainerSeen c;
    c.container.name = "ollama";
    c.container.image = "ollama/ollama";
    c.container.state = "running";
    c.container.bindings = {{"0.0.0.0", 11500, 11434}};
    f.containers = {c};
    auto ps = find_problems(f);
    REQUIRE(codes(ps).count("docker-bypasses-firewall"));
    CHECK(find(ps, "docker-bypasses-firewall").severity == Severity::warning);
    CHECK(find(ps, "docker-bypasses-firewall").advice.find("127.0.0.1:11500:11434") !=
          std::string::npos);
    f.containers[0].input_verdict =
        firewall::Verdict{"ufw", firewall::Decision::drop, "ufw default incoming policy deny", {}};
    ps = find_problems(f);
    CHECK(find(ps, "docker-bypasses-firewall").severity == Severity::critical);
    CHECK(find(ps, "docker-bypasses-firewall").message.find("looks closed but is not") !=
          std::string::npos);
    // On loopback, or stopped: nothing to say.
    f.containers[0].container.bindings = {{"127.0.0.1", 11500, 11434}};
    CHECK_FALSE(codes(find_problems(f)).count("docker-bypasses-firewall"));
    f.containers[0].container.bindings = {{"0.0.0.0", 11500, 11434}};
    f.containers[0].container.state = "exited";
    CHECK_FALSE(codes(find_problems(f)).count("docker-bypasses-firewall"));
}

TEST_CASE("check --container: found, running, published, answering", "[problems][docker]") {
    Facts f;
    f.container_check = "ollama";
    f.docker_socket = "/run/docker.sock";
    CHECK(codes(find_problems(f)) == std::set<std::string>{"container-not-found"});
    f.docker_socket.clear();
    CHECK(find(find_problems(f), "container-not-found").message.find("no Docker") !=
          std::string::npos);
    ContainerSeen c;
    c.container.name = "ollama";
    c.container.state = "exited";
    f.containers = {c};
    CHECK(codes(find_problems(f)) == std::set<std::string>{"service-inactive"});
    f.containers[0].container.state = "running";
    CHECK(codes(find_problems(f)) == std::set<std::string>{"not-listening"});
    f.containers[0].container.bindings = {{"127.0.0.1", 11501, 11434}};
    f.containers[0].api_url = "http://127.0.0.1:11501/api/version";
    f.containers[0].api_error = "Connection refused";
    CHECK(codes(find_problems(f)) == std::set<std::string>{"api-unreachable"});
    f.containers[0].api_error.clear();
    f.containers[0].api_status = 200;
    f.containers[0].version = "0.12.6";
    CHECK(find_problems(f).empty());
    f.expect_given = true;
    f.want = ollama::read_ollama_host("0.0.0.0:11501");
    CHECK(codes(find_problems(f)) == std::set<std::string>{"unexpected-address"});
    f.want = ollama::read_ollama_host("127.0.0.1:11501");
    CHECK(find_problems(f).empty());
}

// --- after the next reboot (rules/boot.cpp) ---------------------------------

namespace {

// Exposed on 192.0.2.55, which an interface brings up; the unit's Restart=.
Facts on_specific_address(std::string restart, std::vector<std::int32_t> prevent = {}) {
    auto f = healthy();
    f.layers.environment = f.layers.effective = "192.0.2.55";
    f.systemd_env = f.in_effect = f.process_value = "192.0.2.55";
    f.want = ollama::read_ollama_host("192.0.2.55");
    f.sockets = {seen("192.0.2.55", 42, "ollama", true, true)};
    f.restart = std::move(restart);
    f.restart_usec = 3000000;
    f.restart_prevent_exit_status = std::move(prevent);
    return f;
}

} // namespace

TEST_CASE("service-disabled: every unit file state systemd does not start at boot",
          "[problems][boot]") {
    for (const char* state : {"disabled", "enabled-runtime", "linked", "linked-runtime"}) {
        INFO(state);
        auto f = healthy();
        f.unit_file_state = state;
        auto ps = find_problems(f);
        REQUIRE(codes(ps) == std::set<std::string>{"service-disabled"});
        CHECK(ps[0].severity == Severity::warning);
        CHECK(ps[0].message == fmt::format("ollama.service is {}: systemd does not start it at "
                                           "boot, so after the next reboot nothing serves "
                                           "0.0.0.0:11434",
                                           state));
        CHECK(ps[0].advice == "`systemctl enable ollama.service`");
    }
    for (const char* state : {"enabled", "static", "indirect", "generated", "alias", ""}) {
        INFO(state);
        auto f = healthy();
        f.unit_file_state = state;
        CHECK(find_problems(f).empty());
    }
}

TEST_CASE("no-retry-at-boot: a specific address and a unit that gives up after status 1",
          "[problems][boot]") {
    // Restarted after Ollama's exit status 1: nothing to say.
    CHECK(find_problems(on_specific_address("always")).empty());
    CHECK(find_problems(on_specific_address("on-failure")).empty());
    CHECK(find_problems(on_specific_address("on-failure", {2, 3})).empty());
    CHECK(find_problems(on_specific_address("")).empty()); // not read: not a finding
    for (auto [restart, prevent, why] :
         {std::tuple{"no", std::vector<std::int32_t>{}, "Restart=no"},
          std::tuple{"on-abnormal", std::vector<std::int32_t>{}, "Restart=on-abnormal"},
          std::tuple{"on-success", std::vector<std::int32_t>{}, "Restart=on-success"},
          std::tuple{"on-failure", std::vector<std::int32_t>{1},
                     "Restart=on-failure, RestartPreventExitStatus= has 1"},
          std::tuple{"always", std::vector<std::int32_t>{0, 1},
                     "Restart=always, RestartPreventExitStatus= has 1"}}) {
        INFO(restart);
        auto ps = find_problems(on_specific_address(restart, prevent));
        REQUIRE(codes(ps) == std::set<std::string>{"no-retry-at-boot"});
        CHECK(ps[0].severity == Severity::warning);
        CHECK_THAT(ps[0].message, Catch::EndsWith(fmt::format("does not try again ({})", why)));
        const bool keeps_restart =
            std::string(restart) == "always" || std::string(restart) == "on-failure";
        CHECK((ps[0].advice.find("`RestartPreventExitStatus=` (empty)") != std::string::npos) ==
              keeps_restart);
    }
    // A wildcard or loopback binds whatever the interfaces do.
    for (const char* value : {"0.0.0.0", "[::]:11434", ":11434", "127.0.0.1", "[::1]:8080"}) {
        INFO(value);
        auto f = on_specific_address("no");
        f.want = ollama::read_ollama_host(value);
        CHECK(codes(find_problems(f)).count("no-retry-at-boot") == 0);
    }
}

TEST_CASE("address-not-assigned names the cause instead of service-inactive", "[problems][boot]") {
    auto f = on_specific_address("always");
    crash_looping(f, 7);
    f.address_missing = true;
    f.bind_error =
        "ollama[283]: Error: listen tcp 192.0.2.55:11434: bind: cannot assign requested address";
    auto ps = find_problems(f);
    REQUIRE(codes(ps) == std::set<std::string>{"address-not-assigned"});
    CHECK(ps[0].severity == Severity::critical);
    CHECK(ps[0].message ==
          "no interface of this host has 192.0.2.55, so Ollama cannot listen on "
          "192.0.2.55:11434 (journal: ollama[283]: Error: listen tcp 192.0.2.55:11434: bind: "
          "cannot assign requested address); ollama.service is activating (auto-restart), "
          "restarted 7 times, and tries again every 3 s (Restart=always)");
    CHECK_THAT(ps[0].advice, Catch::Contains("`ollama-netcfg expose 0.0.0.0:11434`"));
    CHECK_THAT(ps[0].advice, Catch::Contains("`ollama-netcfg expose 192.0.2.55` does for the "
                                             "owners it knows, `--after UNIT` names another"));
    // Since when: the first failed bind after Ollama last listened.
    ::setenv("TZ", "UTC", 1);
    ::tzset();
    f.bind_failing_since_usec = 1764680405123456; // 2025-12-02 13:00:05 UTC
    f.bind_failures = 8;
    CHECK_THAT(find_problems(f)[0].message,
               Catch::Contains("cannot assign requested address); 8 failed binds since "
                               "2025-12-02 13:00:05 UTC; ollama.service is activating"));
    f.bind_failing_since_usec = 0;
    // A unit that gives up: said here, and not again as no-retry-at-boot.
    f.restart = "on-failure";
    f.restart_prevent_exit_status = {1};
    f.active_state = "failed";
    f.sub_state = "failed";
    f.bind_error.clear();
    ps = find_problems(f);
    REQUIRE(codes(ps) == std::set<std::string>{"address-not-assigned"});
    CHECK_THAT(ps[0].message,
               Catch::EndsWith("ollama.service is failed (failed), restarted 7 times, and does "
                               "not try again (Restart=on-failure, RestartPreventExitStatus= "
                               "has 1)"));
    // Active for the moment between start and failed bind: not-listening is not said either.
    f.active_state = "active";
    f.sub_state = "running";
    CHECK(codes(find_problems(f)) == std::set<std::string>{"address-not-assigned"});
}

TEST_CASE("a main process that is gone (a crash loop) is not a blind spot", "[problems][boot]") {
    auto f = on_specific_address("always");
    f.sockets.clear();
    f.api_tried = false;
    f.address_missing = true;
    f.process_visible = false;
    f.process_gone = true; // MainPID 0, or it exited before /proc/PID/environ was read
    CHECK(codes(find_problems(f)) == std::set<std::string>{"address-not-assigned"});
    f.process_gone = false; // not readable for this user: that is said
    f.process_error = "cannot read /proc/42/environ: Permission denied";
    CHECK(codes(find_problems(f)) == std::set<std::string>{"address-not-assigned", "not-visible"});
}

TEST_CASE("status says what the next boot does: enablement, the units it starts after, Restart=",
          "[problems][boot]") {
    auto f = healthy();
    f.unit_file_state = "enabled";
    f.restart = "always";
    f.restart_usec = 3000000;
    // As systemd reports the installer's unit with this tool's ordering.
    f.after = {"basic.target",
               "system.slice",
               "network-online.target",
               "sysinit.target",
               "systemd-journald.socket",
               "-.mount",
               "docker.service"};
    f.wants = {"docker.service"};
    const auto after = health::starts_after(f);
    REQUIRE(after.size() == 2);
    CHECK((after[0].unit == "docker.service" && after[0].wanted));
    CHECK((after[1].unit == "network-online.target" && !after[1].wanted));
    CHECK_THAT(report::status_text(f, {}),
               Catch::Contains("at boot:           enabled; after docker.service, "
                               "network-online.target (no Wants=); Restart=always every 3 s\n"));
    auto j = report::status_json(f, {}, 0.1);
    CHECK(j["boot"]["after"][0] == nlohmann::json{{"unit", "docker.service"}, {"wanted", true}});
    CHECK(j["boot"]["restart_sec"] == 3.0);
    f.after = {"sysinit.target"};
    f.restart = "no";
    f.unit_file_state = "disabled";
    CHECK_THAT(
        report::status_text(f, {}),
        Catch::Contains("at boot:           disabled; after no unit of its own; Restart=no\n"));
}

TEST_CASE("credentials-readable: the proxy's key file is kept from users who should not read it",
          "[problems][proxy]") {
    CredentialsAccess a;
    a.path = "/etc/ollama/keys";
    a.group = "root";
    a.server_group = "www-data";
    a.mode = 0600;
    CHECK_FALSE(credentials_readable(a));
    a.mode = 0640; // root's group only
    CHECK_FALSE(credentials_readable(a));
    a.mode = 0644;
    auto p = credentials_readable(a);
    REQUIRE(p);
    CHECK(p->code == "credentials-readable");
    CHECK(p->severity == Severity::warning);
    CHECK(p->message == "every local user can read /etc/ollama/keys (mode 0644): the proxy's "
                        "credentials are only as safe as this file");
    CHECK(p->advice == "`chmod 600 /etc/ollama/keys` (only root needs to read it)");
    // /root is closed to others: 0644 inside it is not readable by them.
    a.others_reach = false;
    CHECK_FALSE(credentials_readable(a));
    a.group = "staff";
    a.mode = 0640;
    CHECK(credentials_readable(a)->message ==
          "members of group staff can read /etc/ollama/keys (mode 0640): the proxy's credentials "
          "are only as safe as this file");
    a.mode = 0602;
    CHECK_THAT(credentials_readable(a)->message,
               Catch::StartsWith("users other than root can change /etc/ollama/keys (mode 0602"));
    // nginx reads its htpasswd file itself: its group must read it.
    a.read_by_server = true;
    a.group = "www-data";
    a.mode = 0640;
    CHECK_FALSE(credentials_readable(a));
    a.others_reach = true;
    a.mode = 0644;
    CHECK(credentials_readable(a)->advice ==
          "`chmod 640 /etc/ollama/keys` and `chgrp www-data /etc/ollama/keys` (the server "
          "reads it as group www-data)");
}

namespace {
const std::string proxy_conf = "/etc/systemd/system/ollama.service.d/proxy.conf";

void set_proxy(Facts& f, std::string name, std::string value) {
    f.proxy.variables.push_back({std::move(name), value, proxy_conf, value, {{proxy_conf, value}}});
}
} // namespace

TEST_CASE("proxy variables: HTTPS_PROXY alone is what Ollama's FAQ asks for",
          "[problems][pull-proxy]") {
    auto f = healthy();
    set_proxy(f, "HTTPS_PROXY", "http://proxy.corp:3128");
    CHECK(codes(find_problems(f)).empty());
    set_proxy(f, "NO_PROXY", "localhost");
    CHECK(codes(find_problems(f)).empty());
}

TEST_CASE("http-proxy-set: HTTP_PROXY in the service's environment", "[problems][pull-proxy]") {
    auto f = healthy();
    set_proxy(f, "HTTP_PROXY", "http://alice:s3cret@proxy.corp:3128");
    set_proxy(f, "NO_PROXY", "0.0.0.0");
    CHECK(codes(find_problems(f)) == std::set<std::string>{"http-proxy-set"});
    auto p = find(find_problems(f), "http-proxy-set");
    CHECK(p.severity == Severity::warning);
    CHECK_THAT(p.message, Catch::Contains("HTTP_PROXY=http://alice:***@proxy.corp:3128 (from " +
                                          proxy_conf + ")") &&
                              !Catch::Contains("s3cret"));
    CHECK_THAT(p.advice, Catch::Contains("take HTTP_PROXY out of " + proxy_conf));
    // The lower-case spelling counts when the upper one is not there.
    f = healthy();
    set_proxy(f, "http_proxy", "http://proxy.corp:3128");
    set_proxy(f, "no_proxy", "*");
    CHECK_THAT(find(find_problems(f), "http-proxy-set").message,
               Catch::Contains("http_proxy=http://proxy.corp:3128"));
    // An empty HTTP_PROXY is none.
    f = healthy();
    set_proxy(f, "HTTP_PROXY", "");
    CHECK(codes(find_problems(f)).empty());
}

TEST_CASE("no-proxy-missing-listener: a client with the service's environment asks the proxy",
          "[problems][pull-proxy]") {
    auto f = healthy(); // OLLAMA_HOST=0.0.0.0: such a client connects to 0.0.0.0:11434
    set_proxy(f, "HTTP_PROXY", "http://proxy.corp:3128");
    auto p = find(find_problems(f), "no-proxy-missing-listener");
    CHECK(p.severity == Severity::warning);
    CHECK_THAT(p.message, Catch::Contains("requests for http://0.0.0.0:11434 to the proxy") &&
                              Catch::Contains("NO_PROXY is not set and does not cover 0.0.0.0"));
    CHECK_THAT(p.advice, Catch::Contains("add 0.0.0.0 to NO_PROXY"));
    set_proxy(f, "NO_PROXY", "localhost,127.0.0.1,::1");
    CHECK_THAT(find(find_problems(f), "no-proxy-missing-listener").message,
               Catch::Contains("NO_PROXY=\"localhost,127.0.0.1,::1\" (from " + proxy_conf +
                               ") does not cover 0.0.0.0"));
    f.proxy.variables.back().in_effect = "localhost,0.0.0.0";
    CHECK_FALSE(codes(find_problems(f)).count("no-proxy-missing-listener"));
    // Loopback is never proxied by Go, whatever NO_PROXY says.
    f = healthy();
    f.want = ollama::read_ollama_host("127.0.0.1");
    set_proxy(f, "HTTP_PROXY", "http://proxy.corp:3128");
    CHECK_FALSE(codes(find_problems(f)).count("no-proxy-missing-listener"));
    // HTTPS_PROXY does not take a client's http:// requests.
    f = healthy();
    set_proxy(f, "HTTPS_PROXY", "http://proxy.corp:3128");
    CHECK_FALSE(codes(find_problems(f)).count("no-proxy-missing-listener"));
    // A specific address, covered by a CIDR.
    f = healthy();
    f.want = ollama::read_ollama_host("192.168.1.10");
    set_proxy(f, "HTTP_PROXY", "http://proxy.corp:3128");
    set_proxy(f, "NO_PROXY", "192.168.0.0/16");
    CHECK_FALSE(codes(find_problems(f)).count("no-proxy-missing-listener"));
    f.proxy.variables.back().in_effect = "192.168.2.0/24";
    CHECK_THAT(find(find_problems(f), "no-proxy-missing-listener").message,
               Catch::Contains("http://192.168.1.10:11434"));
}

TEST_CASE("proxy-spellings-differ: Go takes the upper case, others may not",
          "[problems][pull-proxy]") {
    auto f = healthy();
    set_proxy(f, "HTTPS_PROXY", "http://a.corp:3128");
    set_proxy(f, "https_proxy", "http://a.corp:3128");
    CHECK(codes(find_problems(f)).empty());
    f.proxy.variables.back().in_effect = "http://b.corp:3128";
    auto p = find(find_problems(f), "proxy-spellings-differ");
    CHECK(p.severity == Severity::warning);
    CHECK_THAT(p.message, Catch::Contains("HTTPS_PROXY=http://a.corp:3128") &&
                              Catch::Contains("https_proxy=http://b.corp:3128") &&
                              Catch::Contains("Ollama (Go) uses HTTPS_PROXY"));
    f.proxy.variables.front().in_effect = ""; // an empty upper case: Go takes the lower
    CHECK_THAT(find(find_problems(f), "proxy-spellings-differ").message,
               Catch::Contains("Ollama (Go) uses https_proxy"));
}
