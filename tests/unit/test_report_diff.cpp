#include "ollama-netcfg/report/diff.hpp"

#include "catch.hpp"

using netcfg::report::unified_diff;

TEST_CASE("unified_diff prints what diff -u prints", "[diff]") {
    CHECK(unified_diff("/x", std::string("a\n"), std::string("a\n")).empty());
    CHECK(unified_diff("/x", std::nullopt, std::string("a\nb\n")) ==
          "--- /dev/null\n+++ b/x\n@@ -0,0 +1,2 @@\n+a\n+b\n");
    CHECK(unified_diff("/x", std::string("a\n"), std::nullopt) ==
          "--- a/x\n+++ /dev/null\n@@ -1 +0,0 @@\n-a\n");
    CHECK(unified_diff("/x", std::string("1\n2\n3\n4\n5\n6\n7\n8\n9\n"),
                       std::string("1\n2\n3\n4\nfive\n6\n7\n8\n9\n")) ==
          "--- a/x\n+++ b/x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n");
    CHECK(unified_diff("/x", std::string("a"), std::string("b")) ==
          "--- a/x\n+++ b/x\n@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+b\n\\ No newline "
          "at end of file\n");
}

TEST_CASE("unified_diff splits distant changes into hunks", "[diff]") {
    std::string a, b;
    for (int i = 1; i <= 20; ++i) {
        a += std::to_string(i) + "\n";
        b += (i == 2 || i == 18 ? "x" : std::to_string(i)) + "\n";
    }
    auto d = unified_diff("/x", a, b);
    CHECK_THAT(d, Catch::Contains("@@ -1,5 +1,5 @@\n 1\n-2\n+x\n 3\n 4\n 5\n"));
    CHECK_THAT(d, Catch::Contains("@@ -15,6 +15,6 @@\n 15\n 16\n 17\n-18\n+x\n 19\n 20\n"));
}
