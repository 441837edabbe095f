// One step of the pull path (probe/pull_path.hpp tries them), as plain data:
// what status, check and pull-proxy set judge and print.
#pragma once

#include <string>

namespace netcfg::probe {

enum class PathFailure {
    none,
    proxy_unreachable,     // no connection to the proxy
    proxy_refused,         // the proxy answered CONNECT with an error status
    certificate_untrusted, // TLS: the certificate does not verify against the bundle
    registry_unreachable,  // anything else: no connection, an unexpected HTTP status
};

struct PathStep {
    std::string host; // registry.ollama.ai, then the blob host
    std::string via;  // the proxy asked, or empty: directly
    PathFailure failure = PathFailure::none;
    std::string detail;    // what was asked and what came back
    long connect_code = 0; // proxy_refused: the CONNECT answer's status
    std::string issuer;    // certificate_untrusted: the presented certificate's issuer
    std::string bundle;    // the CA bundle it was verified against
    bool ok() const { return failure == PathFailure::none; }
};

} // namespace netcfg::probe
