#include "ollama-netcfg/ollama/models.hpp"

#include "catch.hpp"

using namespace netcfg::ollama;

TEST_CASE("same_model fills in Ollama's defaults: tag latest, library, registry", "[models]") {
    struct Row {
        const char* wanted;
        const char* listed;
        bool same;
    };
    for (const auto& r : std::initializer_list<Row>{
             {"llama3", "llama3:latest", true},
             {"llama3:latest", "llama3:latest", true},
             {"llama3:8b", "llama3:8b", true},
             {"llama3:8b", "llama3:latest", false},
             {"llama3", "llama3:8b", false},
             {"Llama3", "llama3:latest", true},
             {"library/llama3", "llama3:latest", true},
             {"registry.ollama.ai/library/llama3:latest", "llama3:latest", true},
             {"hf.co/bartowski/gemma:Q4_K_M", "hf.co/bartowski/gemma:Q4_K_M", true},
             {"bartowski/gemma", "bartowski/gemma:latest", true},
             {"bartowski/gemma", "gemma:latest", false},
             {"localhost:5000/ns/m", "localhost:5000/ns/m:latest", true},
             {"llama3", "llama3.1:latest", false},
             {"", "llama3:latest", false},
         }) {
        INFO(r.wanted << " vs " << r.listed);
        CHECK(same_model(r.wanted, r.listed) == r.same);
    }
}

TEST_CASE("parse_model_list reads /api/tags", "[models]") {
    auto names =
        parse_model_list(R"({"models":[{"name":"llama3:latest","model":"llama3:latest","size":1},)"
                         R"({"model":"qwen2:7b"},{"size":3},"junk"]})");
    REQUIRE(names);
    CHECK(*names == std::vector<std::string>{"llama3:latest", "qwen2:7b"});
    CHECK(parse_model_list(R"({"models":[]})")->empty());
    CHECK_FALSE(parse_model_list("Ollama is running"));
    CHECK_FALSE(parse_model_list(R"({"version":"0.12.6"})"));
    CHECK_FALSE(parse_model_list(R"({"models":{}})"));
}

TEST_CASE("missing_models keeps the order asked", "[models]") {
    CHECK(missing_models({"b", "a:1", "c"}, {"a:1", "c:latest"}) == std::vector<std::string>{"b"});
    CHECK(missing_models({"x", "y"}, {}) == std::vector<std::string>{"x", "y"});
    CHECK(missing_models({}, {"a:latest"}).empty());
}
