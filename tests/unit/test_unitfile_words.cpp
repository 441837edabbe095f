#include "ollama-netcfg/unitfile/words.hpp"

#include "catch.hpp"

using namespace netcfg::unitfile;

namespace {
std::vector<std::string> values(std::string_view s) {
    auto w = split_words(s);
    REQUIRE(w);
    std::vector<std::string> out;
    for (auto& x : *w)
        out.push_back(x.value);
    return out;
}
} // namespace

TEST_CASE("split_words unquotes and unescapes like systemd", "[unitfile][words]") {
    using V = std::vector<std::string>;
    CHECK(values("A=1 B=2") == V{"A=1", "B=2"});
    CHECK(values("  A=1\t\tB=2  ") == V{"A=1", "B=2"});
    CHECK(values("\"A=1 2\" B=3") == V{"A=1 2", "B=3"});
    CHECK(values("A=\"1 2\"") == V{"A=1 2"});
    CHECK(values("'A=x\"y'") == V{"A=x\"y"});
    CHECK(values("\"A=x\\\"y\"") == V{"A=x\"y"});
    CHECK(values("A=a\\\\b") == V{"A=a\\b"});
    CHECK(values("A=\\x41\\101\\u00e9") == V{"A=AA\xc3\xa9"});
    CHECK(values("A=a\\sb") == V{"A=a b"});
    CHECK(values("\"\"") == V{""});
    CHECK(values("") == V{});
}

TEST_CASE("split_words fails where systemd ignores the line", "[unitfile][words]") {
    CHECK_FALSE(split_words("\"A=1"));
    CHECK_FALSE(split_words("A=1\\"));
    CHECK_FALSE(split_words("A=\\q"));
    CHECK_FALSE(split_words("A=\\x00"));
    CHECK_FALSE(split_words("A=\\000"));
}

TEST_CASE("split_words reports each word's source span", "[unitfile][words]") {
    std::string s = R"(X=1  "OLLAMA_HOST=a b" Y=2)";
    auto w = split_words(s);
    REQUIRE(w);
    REQUIRE(w->size() == 3);
    CHECK(s.substr((*w)[1].begin, (*w)[1].end - (*w)[1].begin) == "\"OLLAMA_HOST=a b\"");
}

TEST_CASE("quote_word round-trips through systemd's reading", "[unitfile][words]") {
    const char* samples[] = {"OLLAMA_HOST=0.0.0.0", "A=with space", "A=quote\"s",
                             "A=back\\slash",       "A=100%",       "A=%%n",
                             "A=tab\tnew\nline",    "A='single'",   "A=\x01"};
    for (const char* v : samples) {
        INFO(v);
        auto q = quote_word(v);
        auto w = split_words(q);
        REQUIRE(w);
        REQUIRE(w->size() == 1);
        auto r = resolve_percent((*w)[0].value);
        CHECK(r.value == v);
        CHECK_FALSE(r.has_other_specifiers);
    }
    CHECK(quote_word("A=50%") == "\"A=50%%\"");
}

TEST_CASE("resolve_percent resolves %% and flags other specifiers", "[unitfile][words]") {
    CHECK(resolve_percent("a%%b").value == "a%b");
    CHECK_FALSE(resolve_percent("a%%b").has_other_specifiers);
    CHECK(resolve_percent("%H:1").has_other_specifiers);
}
