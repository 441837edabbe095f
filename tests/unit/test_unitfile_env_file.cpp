#include "ollama-netcfg/unitfile/env_file.hpp"

#include "catch.hpp"

using namespace netcfg::unitfile;

TEST_CASE("parse_env_file reads systemd's EnvironmentFile syntax", "[env_file]") {
    using V = std::optional<std::string>;
    struct Row {
        const char* content;
        V value;
    };
    const Row rows[] = {
        {"OLLAMA_HOST=0.0.0.0\n", "0.0.0.0"},
        {"OLLAMA_HOST=0.0.0.0", "0.0.0.0"}, // no final newline
        {"  OLLAMA_HOST = 0.0.0.0  \n", "0.0.0.0"},
        {"OLLAMA_HOST='0.0.0.0:1'\n", "0.0.0.0:1"},
        {"OLLAMA_HOST=\"[::]\"\n", "[::]"},
        {"OLLAMA_HOST=\"a\\\"b\\\\c\\$d\\x\"\n", "a\"b\\c$d\\x"},
        {"OLLAMA_HOST='a\\b'\n", "a\\b"},
        {"OLLAMA_HOST=\"a\\\nb\"\n", "ab"}, // backslash-newline inside double quotes
        {"OLLAMA_HOST=a\\ b\n", "a b"},
        {"OLLAMA_HOST=a\\\nb\n", "ab"}, // backslash-newline continues
        {"OLLAMA_HOST=\"a\" b\n", "ab"},
        {"OLLAMA_HOST=\n", ""},
        {"# OLLAMA_HOST=1\n", std::nullopt},
        {"; OLLAMA_HOST=1\n", std::nullopt},
        {"# comment \\\nOLLAMA_HOST=1\n", std::nullopt}, // the comment continues
        {"OLLAMA_HOST\n", std::nullopt},
        {"OLLAMA_HOST=1\nOLLAMA_HOST=2\n", "2"},
        {"OLLAMA_HOST=1\r\nX=2\r\n", "1"},
        {"OLLAMA_HOSTX=1\n", std::nullopt},
        {"export OLLAMA_HOST=1\n", std::nullopt}, // not a valid name for systemd
    };
    for (const auto& row : rows) {
        INFO(row.content);
        CHECK(env_file_value(row.content, "OLLAMA_HOST") == row.value);
    }
}

TEST_CASE("parse_env_file keeps every valid pair in order", "[env_file]") {
    auto pairs = parse_env_file("A=1\n1BAD=2\nB-C=3\nD_E=4\n");
    REQUIRE(pairs.size() == 2);
    CHECK(pairs[0] == std::pair<std::string, std::string>("A", "1"));
    CHECK(pairs[1] == std::pair<std::string, std::string>("D_E", "4"));
}
