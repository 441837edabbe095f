// HTTP GETs. The tool's own probes (Ollama's API on this host's addresses)
// are plain HTTP in process (Boost.Beast, header-only); a URL an admin
// gives (--url, often https through a proxy) goes through libcurl, which is
// loaded with dlopen on first use: linking it would cost every run its ~30
// libraries (OpenSSL, GnuTLS, LDAP, SASL, Kerberos...), loaded and
// initialised before main, several times the work `check` itself does.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::probe {

struct HttpAnswer {
    long status = 0; // 0 when no HTTP answer came
    std::string body;
    std::string error; // why the request failed
    double seconds = 0;
    std::string allow_origin;     // Access-Control-Allow-Origin, if sent
    std::string www_authenticate; // WWW-Authenticate, if sent (a 401)
    std::string location;         // Location, if sent (a redirect)
    // libcurl only: its result code (0 when the request went through), and
    // the proxy's answer to CONNECT (0 when none came).
    int curl_code = 0;
    long connect_code = 0;
    std::string issuer; // with HttpOptions::cert_issuer: the server certificate's issuer
};

struct HttpOptions {
    std::chrono::milliseconds timeout{3000};
    std::string host_header;   // sent instead of the URL's host when set
    std::string cacert;        // a CA bundle file for https (--url)
    bool insecure = false;     // skip TLS verification (--url)
    std::string origin;        // an Origin header, as a browser page sends it
    std::string authorization; // an Authorization header ("Bearer KEY")
    std::string basic_auth;    // user:password for HTTP basic authentication (libcurl only)
    // libcurl only: the proxy to go through (empty: none, whatever the
    // environment says); a range to ask for; the certificate's issuer to
    // read (with `insecure`: a certificate that does not verify).
    std::string proxy;
    std::string range;
    bool cert_issuer = false;
};

// Where one of the tool's own probes goes: an IP address or a host name,
// a port, and for a link-local IPv6 address its interface.
struct Endpoint {
    std::string host;
    std::uint16_t port = 0;
    std::string zone;
    // "http://[fe80::1%25eth0]:11434/api/version", as curl takes it.
    std::string url(std::string_view path) const;
};

// The same GET to each endpoint, all at once (one per interface and IP
// version of a host): the answers in the same order.
std::vector<HttpAnswer> get_all(const std::vector<Endpoint>& to, std::string_view path,
                                std::chrono::milliseconds timeout);

// GET over plain HTTP (the tool's own probes); never through a proxy.
HttpAnswer get(const Endpoint& to, std::string_view path, std::chrono::milliseconds timeout);
HttpAnswer get(const Endpoint& to, std::string_view path, const HttpOptions& options);

// GET over a unix socket (the Docker Engine API), in process like the
// probes: `check` on a container host must not load libcurl every minute.
HttpAnswer get_unix(const std::string& socket_path, std::string_view path,
                    std::chrono::milliseconds timeout);

// Whether something accepts a TCP connection at `to` now (closed at once):
// on this host a connect is answered at once, accepted or refused.
bool accepts_connection(const Endpoint& to);

// GET any http:// or https:// URL over libcurl (--url); never through a
// proxy from the environment.
HttpAnswer http_get(const std::string& url, const HttpOptions& options);

// The host[:port] part of a URL ("" when it does not parse), as libcurl reads it.
std::string url_authority(const std::string& url);

// The libcurl this run would use: "libcurl/7.88.1 OpenSSL/3.0..." or why
// it cannot be loaded.
std::string curl_version_text();

// The "version" of a /api/version body, if it is one.
std::optional<std::string> parse_version(const std::string& body);

} // namespace netcfg::probe
