// Ollama's API as this tool asks it, in one place: GET /api/version (as it
// is, with a browser's Origin, or with another Host) and GET /api/tags,
// over the in-process HTTP probe (probe/http.hpp), never through a proxy.
#pragma once

#include "ollama-netcfg/probe/http.hpp"

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace netcfg::probe {

struct VersionAnswer {
    std::string url; // the URL asked
    long status = 0; // 0: no HTTP answer
    std::string error;
    std::optional<std::string> version; // a 200 whose body is Ollama's version answer
    double seconds = 0;
    std::string allow_origin; // Access-Control-Allow-Origin, if sent

    bool answered() const { return error.empty() && status == 200 && version.has_value(); }
    // "HTTP 200, version 0.12.6", "HTTP 404", or the error.
    std::string text() const;
};

struct VersionRequest {
    std::chrono::milliseconds timeout{3000};
    std::string origin;      // as a web page from there sends it
    std::string host_header; // instead of the address's
};

VersionAnswer ask_version(const Endpoint& to, const VersionRequest& request);
VersionAnswer ask_version(const Endpoint& to, std::chrono::milliseconds timeout);
// The same request to each endpoint, all at once; answers in order.
std::vector<VersionAnswer> ask_versions(const std::vector<Endpoint>& to,
                                        std::chrono::milliseconds timeout);

struct TagsAnswer {
    std::string url;
    long status = 0;
    std::string error;
    std::optional<std::vector<std::string>> models; // a 200 whose body is a model list
};
TagsAnswer ask_tags(const Endpoint& to, std::chrono::milliseconds timeout);

} // namespace netcfg::probe
