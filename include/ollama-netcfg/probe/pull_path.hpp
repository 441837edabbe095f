// The path a pull takes, tried without pulling a model: the registry's
// manifest of one model, its blob URL's redirect, and the first byte of the
// blob on the host it redirects to (a CDN), each through the proxy Go would
// use for it (HTTPS_PROXY unless NO_PROXY names the host), verified against
// the CA bundle Go reads. Leaves this host: only when asked (`pull-proxy
// set`, `check --pull-path`).
#pragma once

#include "ollama-netcfg/probe/path_step.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace netcfg::probe {

struct PullPathOptions {
    std::string https_proxy; // what Go takes for HTTPS_PROXY in the service (empty: none)
    std::string no_proxy;    // and for NO_PROXY
    std::string registry = "registry.ollama.ai";
    std::string model = "library/llama3.2"; // namespace/name, tag latest
    std::chrono::milliseconds timeout{5000};
};

// The steps tried, in order, up to the first that fails.
std::vector<PathStep> try_pull_path(const PullPathOptions& o);

// The same as the service's user (User=; empty: root), in a child process
// that gives up root first: what that user may reach (a firewall rule by
// owner, a proxy that allows by user) is what Ollama's pulls get. As this
// process when it is not root or the user is unknown (DynamicUser=).
std::vector<PathStep> try_pull_path_as(const PullPathOptions& o, const std::string& user);

// The CA bundle Go reads on this host: the first of the files Go's
// crypto/x509 tries on Linux that exists (empty: none).
std::string go_ca_bundle();

} // namespace netcfg::probe
