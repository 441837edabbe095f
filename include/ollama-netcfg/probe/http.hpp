// GET over libcurl, and what Ollama's /api/version answer says.
#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace netcfg::probe {

struct HttpAnswer {
    long status = 0; // 0 when no HTTP answer came
    std::string body;
    std::string error; // curl's message when the request failed
    double seconds = 0;
};

HttpAnswer http_get(const std::string& url, std::chrono::milliseconds timeout);

// The "version" of a /api/version body, if it is one.
std::optional<std::string> parse_version(const std::string& body);

} // namespace netcfg::probe
