// Ollama in a container: which containers the Docker Engine API lists are
// Ollama servers, what they publish, and what `docker run -p` / compose
// would have to say for another address. Pure: the API's JSON comes in.
#pragma once

#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace netcfg::docker {

// A published port: host address and port, to the container's port.
struct Binding {
    std::string host_ip; // "0.0.0.0", "::", "127.0.0.1"; empty: every address
    std::uint16_t host_port = 0;
    std::uint16_t container_port = 0;
    // Published on every address of the host: Docker's DNAT and FORWARD
    // rules take it past INPUT, so ufw/firewalld do not decide it.
    bool all_addresses() const;
    std::string text() const; // "0.0.0.0:11500->11434/tcp", as docker ps shows it
    // Who can open a connection to it, in words.
    std::string who_can_reach() const;
};

struct Container {
    std::string id;
    std::string name; // without Docker's leading "/"
    std::string image;
    std::string state;                      // "running", "exited", ...
    std::optional<std::string> ollama_host; // OLLAMA_HOST in its environment
    std::vector<std::string> command;       // entrypoint and command
    std::vector<Binding> bindings;          // of the port Ollama listens on inside
    std::uint16_t port = 11434;             // where Ollama listens inside (its OLLAMA_HOST)
};

// Whether a container (from /containers/{id}/json) is an Ollama server: its
// image or command is `ollama`, or OLLAMA_HOST is in its environment.
bool is_ollama(const Container& c);

// One container from `GET /containers/{id}/json`; nullopt when the JSON is
// not such an answer.
std::optional<Container> parse_inspect(const std::string& json);

// `GET /containers/json?all=1`: each container's id, and whether its image
// or command names ollama (then it is surely worth inspecting).
struct Listed {
    std::string id;
    bool names_ollama = false;
};
std::vector<Listed> parse_list(const std::string& json);

// Which listed containers to inspect (the list lacks the environment): those
// that name ollama, and on a host with at most `all_up_to` containers every
// one (an image of another name with OLLAMA_HOST set); `check` runs every
// minute on hosts with hundreds of containers.
std::vector<std::string> to_inspect(const std::vector<Listed>& listed, std::size_t all_up_to = 50);

// What `expose ADDR --container NAME` cannot do to a running container, said
// as the lines that would: `docker run -p ...` and compose's `ports:` and
// `environment:`. `want` is where it should be reachable on the host.
std::string recreate_advice(const Container& c, const ollama::HostSetting& want);

} // namespace netcfg::docker
