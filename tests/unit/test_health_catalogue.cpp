// The catalogue of problem codes is the one definition: every Code has its
// row, docs/problem-codes.md agrees with it row by row, and nothing in src/
// makes a problem or names a code except through it.
#include "catch.hpp"
#include "ollama-netcfg/health/catalogue.hpp"
#include "source_file.hpp"

#include <filesystem>
#include <regex>
#include <set>
#include <string>

using namespace netcfg::health;

namespace {

} // namespace

TEST_CASE("every Code has one row, in order, with a unique name", "[catalogue]") {
    const auto rows = catalogue();
    REQUIRE(rows.size() == static_cast<std::size_t>(Code::check_failed) + 1);
    std::set<std::string_view> names;
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO(rows[i].name);
        CHECK(static_cast<std::size_t>(rows[i].code) == i);
        CHECK(code_name(rows[i].code) == rows[i].name);
        CHECK(find_code(rows[i].name) == rows[i].code);
        CHECK(names.insert(rows[i].name).second);
        CHECK(!rows[i].severity.empty());
        CHECK(!rows[i].found_in.empty());
        CHECK(!rows[i].meaning.empty());
    }
    CHECK(known_problem_codes().size() == rows.size());
    CHECK(!find_code("no-such-code"));
    const auto p = problem(Code::api_slow, Severity::warning, "m", "a");
    CHECK(p.code == "api-slow");
}

TEST_CASE("docs/problem-codes.md has the catalogue's rows, in its order, and no others",
          "[catalogue]") {
    const auto doc = source_file("docs/problem-codes.md");
    std::vector<std::pair<std::string, std::string>> documented; // code, severity
    const std::regex row(R"(^\| `([a-z-]+)` \| ([^|]+) \|)");
    std::istringstream lines(doc);
    for (std::string line; std::getline(lines, line);)
        if (std::smatch m; std::regex_search(line, m, row))
            documented.emplace_back(m[1], m[2]);
    const auto rows = catalogue();
    REQUIRE(documented.size() == rows.size());
    for (std::size_t i = 0; i < rows.size(); ++i) {
        INFO(rows[i].name);
        CHECK(documented[i].first == rows[i].name);
        CHECK(documented[i].second == rows[i].severity);
    }
}

// A problem made without a Code could carry a code that is in no table and
// no document: nothing in src/ builds a Problem by hand, assigns a code or
// spells a code as a string literal, but the catalogue.
TEST_CASE("no code is made or spelled outside the catalogue", "[catalogue]") {
    std::set<std::string> codes(known_problem_codes().begin(), known_problem_codes().end());
    const std::regex literal(R"re("([a-z]+(?:-[a-z]+)+)")re");
    const std::regex by_hand(
        R"(Problem\s*\{|\.code\s*=[^=]|\{\s*"[a-z]+(-[a-z]+)+"\s*,\s*(health::)?Severity)");
    std::size_t files = 0;
    for (const auto& e : std::filesystem::recursive_directory_iterator(NETCFG_SOURCE_DIR "/src")) {
        const auto& p = e.path();
        if (!e.is_regular_file() || p.filename() == "catalogue.cpp" ||
            (p.extension() != ".cpp" && p.extension() != ".hpp"))
            continue;
        ++files;
        const auto text = read_whole(p);
        INFO(p.string());
        CHECK(!std::regex_search(text, by_hand));
        for (std::sregex_iterator it(text.begin(), text.end(), literal), end; it != end; ++it) {
            INFO((*it)[1].str());
            CHECK(codes.count((*it)[1].str()) == 0);
        }
    }
    CHECK(files > 50);
}

// found_in names "FILE FUNCTION" pairs (FILE under src/health/ for the
// rules, else under src/): each function is defined or called there, so
// the table says where each code comes from.
TEST_CASE("each code's found_in names functions that are there", "[catalogue]") {
    for (const auto& rule : catalogue()) {
        INFO(rule.name);
        std::string places(rule.found_in);
        std::size_t at = 0;
        while (at < places.size()) {
            auto end = places.find(", ", at);
            if (end == std::string::npos)
                end = places.size();
            const auto place = places.substr(at, end - at);
            at = end + 2;
            const auto space = place.find(' ');
            REQUIRE(space != std::string::npos);
            const auto file = place.substr(0, space);
            const auto function = place.substr(space + 1);
            const auto dir = file.starts_with("rules/") ? "/src/health/" : "/src/";
            const auto text = read_whole(std::string(NETCFG_SOURCE_DIR) + dir + file);
            INFO(place);
            CHECK(!text.empty());
            CHECK(text.find(function + "(") != std::string::npos);
        }
    }
}
