#include "ollama-netcfg/probe/ollama_api.hpp"

#include "ollama-netcfg/ollama/models.hpp"

#include <fmt/format.h>

namespace netcfg::probe {
namespace {

constexpr std::string_view version_path = "/api/version";

VersionAnswer version_of(const Endpoint& to, const HttpAnswer& a) {
    return {to.url(version_path),
            a.status,
            a.error,
            a.status == 200 ? parse_version(a.body) : std::nullopt,
            a.seconds,
            a.allow_origin};
}

} // namespace

std::string VersionAnswer::text() const {
    if (!error.empty())
        return error;
    if (version)
        return fmt::format("HTTP 200, version {}", *version);
    return fmt::format("HTTP {}", status);
}

VersionAnswer ask_version(const Endpoint& to, const VersionRequest& request) {
    HttpOptions o;
    o.timeout = request.timeout;
    o.origin = request.origin;
    o.host_header = request.host_header;
    return version_of(to, get(to, version_path, o));
}

VersionAnswer ask_version(const Endpoint& to, std::chrono::milliseconds timeout) {
    return version_of(to, get(to, version_path, timeout));
}

std::vector<VersionAnswer> ask_versions(const std::vector<Endpoint>& to,
                                        std::chrono::milliseconds timeout) {
    const auto answers = get_all(to, version_path, timeout);
    std::vector<VersionAnswer> out;
    for (std::size_t i = 0; i < to.size(); ++i)
        out.push_back(version_of(to[i], answers[i]));
    return out;
}

TagsAnswer ask_tags(const Endpoint& to, std::chrono::milliseconds timeout) {
    auto a = get(to, "/api/tags", timeout);
    return {to.url("/api/tags"), a.status, a.error,
            a.status == 200 ? ollama::parse_model_list(a.body) : std::nullopt};
}

} // namespace netcfg::probe
