#include "ollama-netcfg/change/client_env.hpp"

#include "catch.hpp"

using namespace netcfg::change;

TEST_CASE("client env files: written for one value, read back", "[client-env]") {
    const auto profile = client_profile_text("ollama.service", "127.0.0.1:11500");
    CHECK_THAT(profile, Catch::EndsWith("\nexport OLLAMA_HOST=127.0.0.1:11500\n"));
    CHECK_THAT(profile, Catch::Contains("reset\n# --client-env"));
    CHECK(client_env_value(profile) == "127.0.0.1:11500");
    const auto env = client_environment_text("ollama.service", "[::1]:11434");
    CHECK_THAT(env, Catch::EndsWith("\nOLLAMA_HOST=[::1]:11434\n"));
    CHECK(client_env_value(env) == "[::1]:11434");
    CHECK_FALSE(client_env_value("# nothing here\n"));
    CHECK(client_env_value("export OLLAMA_HOST=a\nexport OLLAMA_HOST=b") == "b");
}

TEST_CASE("client env: the value reach::client_export asks for", "[client-env]") {
    CHECK(client_env_wanted("export OLLAMA_HOST=127.0.0.1:11500") == "127.0.0.1:11500");
    CHECK(client_env_wanted("").empty());
}
