#include "catch.hpp"
#include "ollama-netcfg/firewall/ufw_files.hpp"
#include "ollama-netcfg/firewall/verdict.hpp"
#include "source_file.hpp"

#include <sstream>

using namespace netcfg::firewall;

namespace {

// tests/fixtures/ufw: a real ufw's files and its `ufw status verbose`
// (tests/fixtures/ufw/capture made them).
std::string fixture(const std::string& name) {
    return source_file("tests/fixtures/ufw/" + name);
}

// The rule lines: everything after the "--" line under the header.
std::vector<std::string> rule_lines(const std::string& status) {
    std::vector<std::string> out;
    std::istringstream in(status);
    std::string line;
    bool in_rules = false;
    while (std::getline(in, line)) {
        if (in_rules)
            out.push_back(line);
        in_rules = in_rules || line.starts_with("--");
    }
    while (!out.empty() && out.back().empty())
        out.pop_back();
    return out;
}

UfwDefaults fixture_defaults() {
    return read_ufw_defaults(fixture("default-ufw"), fixture("ufw.conf"));
}

} // namespace

TEST_CASE("ufw's files read as `ufw status verbose` prints them, line for line", "[ufw-files]") {
    auto text =
        ufw_status_from_files(fixture("user.rules"), fixture("user6.rules"), fixture_defaults());
    REQUIRE(text);
    const auto real = rule_lines(fixture("status-verbose.txt"));
    REQUIRE(real.size() > 30);
    CHECK(rule_lines(*text) == real);
    CHECK_THAT(*text, Catch::Contains("Default: deny (incoming)"));
}

TEST_CASE("every packet is judged the same from the files as from ufw's output", "[ufw-files]") {
    const auto real = fixture("status-verbose.txt");
    const auto fast =
        *ufw_status_from_files(fixture("user.rules"), fixture("user6.rules"), fixture_defaults());
    int judged = 0;
    for (int family : {4, 6})
        for (std::uint16_t port : std::initializer_list<std::uint16_t>{22, 53, 80, 2222, 5000, 8080,
                                                                       8081, 9005, 11434, 11500})
            for (std::optional<std::string> from :
                 {std::optional<std::string>(), std::optional<std::string>("192.0.2.11"),
                  std::optional<std::string>("192.0.2.66"),
                  std::optional<std::string>("198.51.100.7"),
                  std::optional<std::string>("2001:db8::11"),
                  std::optional<std::string>("2001:db8:1::5")})
                for (std::optional<std::string> iif :
                     {std::optional<std::string>(), std::optional<std::string>("docker0"),
                      std::optional<std::string>("eth0")}) {
                    Packet p{family, port, from, iif, std::nullopt};
                    auto a = evaluate_ufw(real, p), b = evaluate_ufw(fast, p);
                    INFO(family << " " << port << " " << from.value_or("-") << " "
                                << iif.value_or("-"));
                    CHECK(a.decision == b.decision);
                    CHECK(a.reason == b.reason);
                    ++judged;
                }
    CHECK(judged == 360);
}

TEST_CASE("rules ufw shows with (log) and an application profile are judged by their port",
          "[ufw-files]") {
    const auto real = fixture("status-verbose.txt");
    // 8080/tcp ALLOW IN Anywhere (log): the "(log)" is not part of the source.
    auto v = evaluate_ufw(real, Packet{4, 8080, std::string("192.0.2.11"), {}, {}});
    CHECK(v.decision == Decision::accept);
    CHECK_THAT(v.reason, Catch::Contains("8080/tcp"));
    // "11434/tcp (Netcfg Test (v6))": the profile's port decides.
    v = evaluate_ufw(real, Packet{6, 11434, std::string("2001:db8:1::5"), {}, {}});
    CHECK(v.decision == Decision::accept);
}

TEST_CASE("ufw's defaults are read as ufw reads them", "[ufw-files]") {
    auto d = read_ufw_defaults("IPV6=yes\nDEFAULT_INPUT_POLICY=\"DROP\"\n"
                               "DEFAULT_OUTPUT_POLICY=\"ACCEPT\"\nDEFAULT_FORWARD_POLICY=\"DROP\"\n"
                               "# ENABLED=yes\n",
                               "ENABLED=no\nLOGLEVEL=low\n");
    CHECK(!d.enabled());
    CHECK(d.ipv6());
    CHECK(d.policy("input") == std::optional<std::string>("deny"));
    CHECK(d.policy("output") == std::optional<std::string>("allow"));
    // ufw.conf comes second and wins; a value in quotes and upper case.
    d = read_ufw_defaults("ENABLED=no\nDEFAULT_INPUT_POLICY=\"REJECT\"\n", "ENABLED=yes\n");
    CHECK(d.enabled());
    CHECK(!d.ipv6()); // IPV6 missing: ufw does not manage IPv6
    CHECK(d.policy("input") == std::optional<std::string>("reject"));
    CHECK(!d.policy("output"));
    // Leading blanks, or single quotes: ufw's pattern (^\w+="?\w+"?) does
    // not match, and the line is not read.
    d = read_ufw_defaults(" ENABLED=yes\nDEFAULT_INPUT_POLICY='ACCEPT'\n", "");
    CHECK(!d.enabled());
    CHECK(!d.policy("input"));
    d = read_ufw_defaults("DEFAULT_INPUT_POLICY=\"ACCEPT\"\n", "");
    CHECK(d.policy("input") == std::optional<std::string>("allow"));
}

TEST_CASE("what ufw would skip, warn about or fail on is left to ufw", "[ufw-files]") {
    const auto d = fixture_defaults();
    const std::string header = "*filter\n### RULES ###\n";
    // A tuple of the wrong length, an unknown direction, a bad log type,
    // a comment that is not hex, or one that is not ASCII.
    for (const char* tuple :
         {"### tuple ### allow tcp 11434 0.0.0.0/0 any\n",
          "### tuple ### allow tcp 11434 0.0.0.0/0 any 0.0.0.0/0 sideways\n",
          "### tuple ### allow tcp 11434 0.0.0.0/0 any 0.0.0.0/0 up_eth0\n",
          "### tuple ### allow_loud tcp 11434 0.0.0.0/0 any 0.0.0.0/0 in\n",
          "### tuple ### allow tcp 11434 0.0.0.0/0 any 0.0.0.0/0 in comment=zz\n",
          "### tuple ### allow tcp 11434 0.0.0.0/0 any 0.0.0.0/0 in comment=c3a9\n"}) {
        INFO(tuple);
        CHECK(!ufw_status_from_files(header + tuple, std::nullopt, d));
    }
    // A policy ufw refuses.
    auto bad =
        read_ufw_defaults("DEFAULT_INPUT_POLICY=\"BLOCK\"\nDEFAULT_OUTPUT_POLICY=\"ACCEPT\"\n"
                          "DEFAULT_FORWARD_POLICY=\"DROP\"\n",
                          "");
    CHECK(!ufw_status_from_files(header, std::nullopt, bad));
}

TEST_CASE("without IPv6, ufw's status has only user.rules' rules", "[ufw-files]") {
    auto text = ufw_status_from_files(fixture("user.rules"), std::nullopt, fixture_defaults());
    REQUIRE(text);
    CHECK(text->find("(v6)") == std::string::npos);
    CHECK_THAT(*text, Catch::Contains("11434/tcp on docker0       ALLOW IN    Anywhere"));
    // No rules: no table, the policy alone.
    text = ufw_status_from_files("*filter\nCOMMIT\n", std::nullopt, fixture_defaults());
    CHECK(*text == "Status: active\nDefault: deny (incoming)\n");
}
