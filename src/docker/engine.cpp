#include "ollama-netcfg/docker/engine.hpp"

#include "ollama-netcfg/probe/http.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

namespace netcfg::docker {

using probe::HttpAnswer;
namespace {

constexpr const char* sockets[] = {"/run/docker.sock", "/run/podman/podman.sock"};

bool is_socket(const char* path) {
    struct stat st {};
    return stat(path, &st) == 0 && S_ISSOCK(st.st_mode);
}

HttpAnswer api_get(const std::string& socket, const std::string& path,
                   std::chrono::milliseconds timeout) {
    return probe::get_unix(socket, path, timeout);
}

std::string failed(const HttpAnswer& a) {
    return a.error.empty() ? fmt::format("HTTP {}", a.status) : a.error;
}

} // namespace

DockerLook ollama_containers(std::chrono::milliseconds timeout) {
    DockerLook look;
    for (const char* s : sockets)
        if (is_socket(s)) {
            look.socket = s;
            break;
        }
    if (look.socket.empty())
        return look;
    auto list = api_get(look.socket, "/containers/json?all=1", timeout);
    if (list.status != 200) {
        look.error = fmt::format("GET /containers/json on {}: {}", look.socket, failed(list));
        return look;
    }
    for (const auto& id : docker::to_inspect(docker::parse_list(list.body))) {
        auto one = api_get(look.socket, "/containers/" + id + "/json", timeout);
        if (one.status != 200)
            continue; // removed meanwhile
        if (auto c = docker::parse_inspect(one.body); c && docker::is_ollama(*c))
            look.containers.push_back(std::move(*c));
    }
    return look;
}

} // namespace netcfg::docker
