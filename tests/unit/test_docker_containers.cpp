#include "catch.hpp"
#include "ollama-netcfg/docker/containers.hpp"

using namespace netcfg;
using namespace netcfg::docker;

namespace {

// The parts of `GET /containers/{id}/json` that are read, as Docker 20.10
// answers for `docker run -d --name ollama -p 11500:11434 ollama/ollama`.
const char* inspect_json = R"({
  "Id": "4f1c2d3e",
  "Name": "/ollama",
  "State": {"Status": "running", "Running": true},
  "Config": {"Image": "ollama/ollama:latest", "Entrypoint": ["/bin/ollama"], "Cmd": ["serve"],
             "Env": ["PATH=/usr/bin", "OLLAMA_HOST=0.0.0.0:11434"]},
  "NetworkSettings": {"Ports": {
    "11434/tcp": [{"HostIp": "0.0.0.0", "HostPort": "11500"}, {"HostIp": "::", "HostPort": "11500"}],
    "8080/tcp": null}}
})";

} // namespace

TEST_CASE("a container from the Engine API: name, image, environment, bindings", "[docker]") {
    auto c = parse_inspect(inspect_json);
    REQUIRE(c);
    CHECK(c->name == "ollama");
    CHECK(c->image == "ollama/ollama:latest");
    CHECK(c->state == "running");
    CHECK(c->ollama_host == std::optional<std::string>("0.0.0.0:11434"));
    CHECK(c->command == std::vector<std::string>{"/bin/ollama", "serve"});
    REQUIRE(c->bindings.size() == 2);
    CHECK(c->bindings[0].host_port == 11500);
    CHECK(c->bindings[0].container_port == 11434);
    CHECK(c->bindings[0].all_addresses());
    CHECK(c->bindings[1].all_addresses());
    CHECK(c->bindings[0].text() == "0.0.0.0:11500->11434/tcp");
    CHECK(c->bindings[1].text() == "[::]:11500->11434/tcp");
    CHECK(is_ollama(*c));
    CHECK_FALSE(parse_inspect("[]"));
    CHECK_FALSE(parse_inspect("not json"));
}

TEST_CASE("which containers are Ollama servers", "[docker]") {
    Container c;
    c.image = "ghcr.io/open-webui/open-webui:main";
    CHECK_FALSE(is_ollama(c));
    c.image = "ollama/ollama";
    CHECK(is_ollama(c));
    c.image = "registry.example.org/team/ollama:0.12";
    CHECK(is_ollama(c));
    c.image = "mybase";
    c.command = {"/usr/local/bin/ollama", "serve"};
    CHECK(is_ollama(c));
    c.command = {"python3"};
    c.ollama_host = "0.0.0.0";
    CHECK(is_ollama(c));
    Binding loop{"127.0.0.1", 11434, 11434};
    CHECK_FALSE(loop.all_addresses());
    CHECK(loop.who_can_reach() == "this host only");
    CHECK_THAT(Binding({"192.0.2.1", 11434, 11434}).who_can_reach(),
               Catch::Contains("hosts that reach 192.0.2.1"));
    Binding any{"", 11434, 11434};
    CHECK(any.all_addresses());
}

TEST_CASE("the list, and the cost bound on inspecting", "[docker]") {
    auto l = parse_list(R"([{"Id":"a","Image":"ollama/ollama","Command":"/bin/ollama serve"},
                            {"Id":"b","Image":"nginx","Command":"nginx -g daemon off;"},
                            {"Id":"c","Image":"base","Command":"/usr/bin/OLLAMA serve"}])");
    REQUIRE(l.size() == 3);
    CHECK(l[0].names_ollama);
    CHECK_FALSE(l[1].names_ollama);
    CHECK(l[2].names_ollama);
    CHECK(to_inspect(l) == std::vector<std::string>{"a", "b", "c"});
    CHECK(to_inspect(l, 2) == std::vector<std::string>{"a", "c"});
    CHECK(parse_list("{}").empty());
}

TEST_CASE("what expose --container says instead", "[docker]") {
    auto c = parse_inspect(inspect_json);
    REQUIRE(c);
    auto text = recreate_advice(*c, ollama::read_ollama_host("127.0.0.1"));
    CHECK_THAT(text, Catch::Contains("docker run -d --name ollama -p 127.0.0.1:11434:11434 -e "
                                     "OLLAMA_HOST=0.0.0.0:11434 ollama/ollama:latest"));
    CHECK_THAT(text, Catch::Contains("- \"127.0.0.1:11434:11434\""));
    CHECK_THAT(text, Catch::Contains("- OLLAMA_HOST=0.0.0.0:11434"));
    CHECK_THAT(text, !Catch::Contains("DOCKER-USER"));
    text = recreate_advice(*c, ollama::read_ollama_host("0.0.0.0:11500"));
    CHECK_THAT(text, Catch::Contains("-p 11500:11434 "));
    CHECK_THAT(text, Catch::Contains("DOCKER-USER"));
    text = recreate_advice(*c, ollama::read_ollama_host("[::1]:11434"));
    CHECK_THAT(text, Catch::Contains("-p [::1]:11434:11434"));
}

// Found by fuzz_docker: a field of another type than the API documents threw
// nlohmann's type_error out of the parser (the whole check ended as an
// unexpected error). Such an answer is no container.
TEST_CASE("an Engine API answer with fields of the wrong type is no container", "[docker][fuzz]") {
    CHECK_FALSE(parse_inspect(R"({"Id": "abc", "Name": {"x": 1}})"));
    CHECK_FALSE(parse_inspect(R"({"Id": {}})"));
    CHECK(parse_list(R"([{"Id": "abc", "Names": "not a list"}])").size() <= 1);
}
