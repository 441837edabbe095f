#include "ollama-netcfg/health/partial.hpp"

#include "catch.hpp"

using namespace netcfg::health;

namespace {

Problem firewall_unseen() {
    return {"not-visible", Severity::info,
            "the firewall was not inspected: nft list ruleset: Operation not permitted",
            "run as root to see it"};
}

RecordedCheck root_saw(double time, std::vector<Problem> problems) {
    return {"ollama.service", time, std::move(problems)};
}

const Problem blocked{"firewall-blocks", Severity::critical,
                      "nftables drops new connections from other hosts to port 11434", "open it"};

} // namespace

TEST_CASE("settle: everything seen is reported as it is", "[partial]") {
    std::vector<Problem> own{{"api-slow", Severity::warning, "slow", "a"}};
    auto v = settle(own, std::nullopt, "ollama.service", 1000, 400, false);
    CHECK(v.problems.size() == 1);
    CHECK(v.note.empty());
    CHECK_FALSE(v.partial);
    CHECK_FALSE(v.record_age);
    CHECK(overall(v.problems) == Severity::warning);
}

TEST_CASE("settle: without a record, what was not seen is UNKNOWN, never OK", "[partial]") {
    auto v = settle({firewall_unseen()}, std::nullopt, "ollama.service", 1000, 400, false);
    REQUIRE(v.problems.size() == 1);
    CHECK(v.problems[0].severity == Severity::unknown);
    CHECK_THAT(v.problems[0].advice, Catch::Contains("no root check is recorded") &&
                                         Catch::Contains("ollama-netcfg-check.timer") &&
                                         Catch::Contains("--accept-partial"));
    CHECK(overall(v.problems) == Severity::unknown);
    // A CRITICAL the agent did see stays CRITICAL.
    auto both = settle({firewall_unseen(), {"api-unreachable", Severity::critical, "x", "y"}},
                       std::nullopt, "ollama.service", 1000, 400, false);
    CHECK(overall(both.problems) == Severity::critical);
    // A stale record, or one of another unit, is no record.
    auto stale = settle({firewall_unseen()}, root_saw(500, {}), "ollama.service", 1000, 400, false);
    CHECK(overall(stale.problems) == Severity::unknown);
    CHECK_THAT(stale.problems[0].advice, Catch::Contains("500 s old (--max-age 400)"));
    auto other = root_saw(990, {});
    other.unit = "ollama-gpu1.service";
    CHECK(overall(settle({firewall_unseen()}, other, "ollama.service", 1000, 400, false).problems) ==
          Severity::unknown);
    // A record from the future (a clock stepped back) is not believed.
    CHECK(overall(settle({firewall_unseen()}, root_saw(1100, {}), "ollama.service", 1000, 400,
                         false)
                      .problems) == Severity::unknown);
}

TEST_CASE("settle: a fresh root record fills in what was not seen", "[partial]") {
    auto v = settle({firewall_unseen()}, root_saw(958.4, {blocked}), "ollama.service", 1000, 400,
                    false);
    REQUIRE(v.record_age);
    CHECK(*v.record_age == Approx(41.6));
    CHECK(overall(v.problems) == Severity::critical);
    CHECK(v.problems.back().code == "firewall-blocks");
    CHECK_THAT(v.problems.back().message, Catch::EndsWith("(seen by the root check 41 s ago)"));
    CHECK(v.note == "what needs root is from the root check 41 s ago");
    // The root saw nothing wrong: OK, saying where it came from.
    auto ok = settle({firewall_unseen()}, root_saw(990, {}), "ollama.service", 1000, 400, false);
    CHECK(overall(ok.problems) == Severity::ok);
    CHECK(ok.note == "what needs root is from the root check 10 s ago");
    // What the agent itself saw is not repeated from the record.
    std::vector<Problem> own{firewall_unseen(), {"api-slow", Severity::warning, "now", "a"}};
    auto both = settle(own, root_saw(990, {{"api-slow", Severity::warning, "then", "a"}}),
                       "ollama.service", 1000, 400, false);
    CHECK(std::count_if(both.problems.begin(), both.problems.end(),
                        [](const Problem& p) { return p.code == "api-slow"; }) == 1);
}

TEST_CASE("settle: --accept-partial judges what was seen and says what was not", "[partial]") {
    auto v = settle({firewall_unseen()}, std::nullopt, "ollama.service", 1000, 400, true);
    CHECK(v.partial);
    CHECK(overall(v.problems) == Severity::ok);
    CHECK_THAT(v.note, Catch::StartsWith("partial view (--accept-partial): the firewall was not "
                                         "inspected"));
}

TEST_CASE("parse_check_record: check --json with recorded_at", "[partial]") {
    auto r = parse_check_record(R"({"format": 1, "status": "CRITICAL", "unit": "ollama.service",
        "recorded_at": 1764633600.5, "problems": [{"code": "firewall-blocks",
        "severity": "CRITICAL", "message": "m", "advice": "a"}]})");
    REQUIRE(r);
    CHECK(r->unit == "ollama.service");
    CHECK(r->time == Approx(1764633600.5));
    REQUIRE(r->problems.size() == 1);
    CHECK(r->problems[0].severity == Severity::critical);
    CHECK_FALSE(parse_check_record("not json"));
    CHECK_FALSE(parse_check_record(R"({"unit": "u", "problems": []})")); // no recorded_at
    CHECK_FALSE(parse_check_record(
        R"({"unit": "u", "recorded_at": 1, "problems": [{"code": "x", "severity": "BAD"}]})"));
}
