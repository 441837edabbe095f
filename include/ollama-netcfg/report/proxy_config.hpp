// `proxy-config`: a reverse-proxy server block that works with the
// configured listener: a Host header Ollama accepts, streaming responses
// unbuffered, read timeouts long enough for slow generations.
#pragma once

#include "ollama-netcfg/ollama/host.hpp"

#include <string>

namespace netcfg::report {

struct ProxyConfigOptions {
    std::string server_name;
    std::string cert; // both or neither
    std::string key;
};

std::string nginx_config(const ollama::HostSetting& listen, const ProxyConfigOptions& o);
std::string caddy_config(const ollama::HostSetting& listen, const ProxyConfigOptions& o);

} // namespace netcfg::report
