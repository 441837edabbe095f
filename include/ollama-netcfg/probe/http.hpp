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

struct HttpOptions {
    std::chrono::milliseconds timeout{3000};
    std::string host_header; // sent instead of the URL's host when set
    std::string cacert;      // a CA bundle file for https
    bool insecure = false;   // skip TLS verification
};

HttpAnswer http_get(const std::string& url, std::chrono::milliseconds timeout);
HttpAnswer http_get(const std::string& url, const HttpOptions& options);

// The host[:port] part of a URL ("" when it does not parse).
std::string url_authority(const std::string& url);

// The "version" of a /api/version body, if it is one.
std::optional<std::string> parse_version(const std::string& body);

} // namespace netcfg::probe
