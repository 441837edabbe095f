// The pull path over libcurl (probe/curl.cpp), through the proxy Go would
// choose for each host (ollama/proxy), classified by where it failed.
#include "ollama-netcfg/probe/pull_path.hpp"

#include "ollama-netcfg/ollama/proxy.hpp"
#include "ollama-netcfg/probe/http.hpp"

#include <array>
#include <cerrno>
#include <curl/curl.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <grp.h>
#include <nlohmann/json.hpp>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

namespace netcfg::probe {
namespace {

// The proxy Go uses for an https URL on `host`.
std::string proxy_for(const PullPathOptions& o, const std::string& host, const std::string& port) {
    if (o.https_proxy.empty() || !ollama::go_proxies(o.no_proxy, host, port))
        return {};
    return o.https_proxy;
}

// "host" and "port" of an https URL's authority (port 443 unless given).
std::pair<std::string, std::string> host_port_of(const std::string& url) {
    auto authority = url_authority(url);
    std::string host = authority, port = "443";
    const auto colon = authority.rfind(':');
    if (colon != std::string::npos && authority.find(']', colon) == std::string::npos) {
        host = authority.substr(0, colon);
        port = authority.substr(colon + 1);
    }
    if (host.size() > 1 && host.front() == '[')
        host = host.substr(1, host.size() - 2);
    return {host, port};
}

// One request of the path, its failure classified.
PathStep ask(const PullPathOptions& o, const std::string& what, const std::string& url,
             const std::string& range, HttpAnswer& a) {
    const auto [host, port] = host_port_of(url);
    PathStep step{host, proxy_for(o, host, port), PathFailure::none, {}, 0, {}, go_ca_bundle()};
    HttpOptions opts;
    opts.timeout = o.timeout;
    opts.proxy = step.via;
    opts.range = range;
    opts.cacert = step.bundle;
    a = http_get(url, opts);
    step.connect_code = a.connect_code;
    const auto route =
        step.via.empty() ? std::string("directly") : "through " + ollama::redact_proxy(step.via);
    if (a.curl_code == CURLE_OK) {
        step.detail = fmt::format("{} ({}): HTTP {}", what, route, a.status);
        if (a.status >= 400)
            step.failure = PathFailure::registry_unreachable;
        return step;
    }
    step.detail = fmt::format("{} ({}): {}", what, route, a.error);
    if (a.connect_code >= 300) {
        step.failure = PathFailure::proxy_refused;
    } else if (!step.via.empty() && a.connect_code == 0 &&
               (a.curl_code == CURLE_COULDNT_RESOLVE_PROXY ||
                a.curl_code == CURLE_COULDNT_CONNECT || a.curl_code == CURLE_OPERATION_TIMEDOUT)) {
        step.failure = PathFailure::proxy_unreachable;
    } else if (a.curl_code == CURLE_PEER_FAILED_VERIFICATION) {
        step.failure = PathFailure::certificate_untrusted;
        opts.insecure = true;
        opts.cert_issuer = true;
        step.issuer = http_get(url, opts).issuer;
    } else {
        step.failure = PathFailure::registry_unreachable;
    }
    return step;
}

// The first layer's digest of a manifest, if it has one.
std::string first_digest(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (!j.is_object() || !j.contains("layers") || !j["layers"].is_array() || j["layers"].empty() ||
        !j["layers"][0].is_object())
        return {};
    const auto& d = j["layers"][0]["digest"];
    return d.is_string() ? d.get<std::string>() : std::string();
}

} // namespace

std::string go_ca_bundle() {
    // crypto/x509 root_linux.go's certFiles, in its order.
    static constexpr std::array files{
        "/etc/ssl/certs/ca-certificates.crt",
        "/etc/pki/tls/certs/ca-bundle.crt",
        "/etc/ssl/ca-bundle.pem",
        "/etc/pki/tls/cacert.pem",
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",
        "/etc/ssl/cert.pem",
    };
    for (const char* f : files)
        if (access(f, R_OK) == 0)
            return f;
    return {};
}

std::vector<PathStep> try_pull_path(const PullPathOptions& o) {
    std::vector<PathStep> steps;
    HttpAnswer a;
    const auto base = fmt::format("https://{}/v2/{}", o.registry, o.model);
    steps.push_back(
        ask(o, fmt::format("manifest of {}:latest", o.model), base + "/manifests/latest", {}, a));
    if (!steps.back().ok())
        return steps;
    const auto digest = first_digest(a.body);
    if (digest.empty()) {
        steps.back().failure = PathFailure::registry_unreachable;
        steps.back().detail += ", but not a manifest with layers";
        return steps;
    }
    steps.push_back(ask(o, "blob " + digest.substr(0, 19), base + "/blobs/" + digest, {}, a));
    if (!steps.back().ok() || a.location.empty())
        return steps;
    steps.back().detail += " (redirect)";
    steps.push_back(ask(o, "the blob's first byte", a.location, "0-0", a));
    return steps;
}

namespace {

nlohmann::json to_json(const std::vector<PathStep>& steps) {
    auto out = nlohmann::json::array();
    for (const auto& s : steps)
        out.push_back({{"host", s.host},
                       {"via", s.via},
                       {"failure", static_cast<int>(s.failure)},
                       {"detail", s.detail},
                       {"connect_code", s.connect_code},
                       {"issuer", s.issuer},
                       {"bundle", s.bundle}});
    return out;
}

std::vector<PathStep> from_json(const nlohmann::json& j) {
    std::vector<PathStep> out;
    for (const auto& s : j)
        out.push_back({s.at("host").get<std::string>(), s.at("via").get<std::string>(),
                       static_cast<PathFailure>(s.at("failure").get<int>()),
                       s.at("detail").get<std::string>(), s.at("connect_code").get<long>(),
                       s.at("issuer").get<std::string>(), s.at("bundle").get<std::string>()});
    return out;
}

// The child: gives up root for `pw`, tries the path, writes the steps to
// `fd` as JSON; exits 0, or 1 when it could not become that user.
[[noreturn]] void child(int fd, const PullPathOptions& o, const passwd& pw) {
    if (setgroups(0, nullptr) != 0 || setgid(pw.pw_gid) != 0 || setuid(pw.pw_uid) != 0)
        _exit(1);
    const auto text = to_json(try_pull_path(o)).dump();
    std::size_t done = 0;
    while (done < text.size()) {
        const auto n = write(fd, text.data() + done, text.size() - done);
        if (n <= 0)
            _exit(1);
        done += static_cast<std::size_t>(n);
    }
    _exit(0);
}

} // namespace

std::vector<PathStep> try_pull_path_as(const PullPathOptions& o, const std::string& user) {
    const passwd* found = user.empty() || geteuid() != 0 ? nullptr : getpwnam(user.c_str());
    if (!found || found->pw_uid == 0)
        return try_pull_path(o);
    const passwd pw = *found;
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0)
        return try_pull_path(o);
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return try_pull_path(o);
    }
    if (pid == 0) {
        close(fds[0]);
        child(fds[1], o, pw);
    }
    close(fds[1]);
    std::string text;
    char buf[4096];
    ssize_t n;
    while ((n = read(fds[0], buf, sizeof buf)) > 0 || (n < 0 && errno == EINTR))
        if (n > 0)
            text.append(buf, static_cast<std::size_t>(n));
    close(fds[0]);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || !j.is_array()) {
        PathStep failed{o.registry,
                        {},
                        PathFailure::registry_unreachable,
                        fmt::format("the path could not be tried as {} (the service's user)", user),
                        0,
                        {},
                        {}};
        return {failed};
    }
    return from_json(j);
}

} // namespace netcfg::probe
