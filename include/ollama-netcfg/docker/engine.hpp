// The Docker Engine API on its unix socket (/run/docker.sock, or podman's
// compatible /run/podman/podman.sock): read-only GETs in process (probe::get_unix), for the
// Ollama containers on this host.
#pragma once

#include "ollama-netcfg/docker/containers.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace netcfg::docker {

struct DockerLook {
    std::string socket;                // the API socket asked; empty: none on this host
    std::string error;                 // why it could not be asked (permissions: not root)
    std::vector<Container> containers; // the Ollama ones, running or not
};

DockerLook ollama_containers(std::chrono::milliseconds timeout);

} // namespace netcfg::docker
