#include "ollama-netcfg/probe/http.hpp"

#include <curl/curl.h>
#include <memory>
#include <nlohmann/json.hpp>

namespace netcfg::probe {
namespace {

struct CurlCleanup {
    void operator()(CURL* c) const { curl_easy_cleanup(c); }
};

size_t collect(char* data, size_t size, size_t n, void* userdata) {
    auto* body = static_cast<std::string*>(userdata);
    if (body->size() < 64 * 1024)
        body->append(data, size * n);
    return size * n;
}

// libcurl is initialised on first use: commands that make no request skip
// its cost.
bool curl_ready() {
    static const bool initialised = curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    return initialised;
}

} // namespace

HttpAnswer http_get(const std::string& url, std::chrono::milliseconds timeout) {
    HttpOptions o;
    o.timeout = timeout;
    return http_get(url, o);
}

std::string url_authority(const std::string& url) {
    if (!curl_ready())
        return {};
    std::unique_ptr<CURLU, decltype(&curl_url_cleanup)> u(curl_url(), curl_url_cleanup);
    if (!u || curl_url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
        return {};
    char* host = nullptr;
    char* port = nullptr;
    std::string out;
    if (curl_url_get(u.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK && host)
        out = host;
    if (curl_url_get(u.get(), CURLUPART_PORT, &port, 0) == CURLUE_OK && port)
        out += std::string(":") + port;
    curl_free(host);
    curl_free(port);
    return out;
}

HttpAnswer http_get(const std::string& url, const HttpOptions& o) {
    const auto timeout = o.timeout;
    HttpAnswer a;
    std::unique_ptr<CURL, CurlCleanup> c(curl_ready() ? curl_easy_init() : nullptr);
    if (!c) {
        a.error = "cannot initialise libcurl";
        return a;
    }
    char errbuf[CURL_ERROR_SIZE] = {};
    curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
    // The probe goes straight to the service, never through a proxy from the environment.
    curl_easy_setopt(c.get(), CURLOPT_NOPROXY, "*");
    curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, collect);
    curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &a.body);
    curl_easy_setopt(c.get(), CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c.get(), CURLOPT_USERAGENT, "ollama-netcfg");
    std::unique_ptr<curl_slist, decltype(&curl_slist_free_all)> headers(nullptr,
                                                                        curl_slist_free_all);
    if (!o.host_header.empty()) {
        headers.reset(curl_slist_append(nullptr, ("Host: " + o.host_header).c_str()));
        curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers.get());
    }
    if (!o.cacert.empty())
        curl_easy_setopt(c.get(), CURLOPT_CAINFO, o.cacert.c_str());
    if (o.insecure) {
        curl_easy_setopt(c.get(), CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c.get(), CURLOPT_SSL_VERIFYHOST, 0L);
    }
    CURLcode rc = curl_easy_perform(c.get());
    if (rc != CURLE_OK) {
        a.error = errbuf[0] ? errbuf : curl_easy_strerror(rc);
    } else {
        curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &a.status);
    }
    curl_easy_getinfo(c.get(), CURLINFO_TOTAL_TIME, &a.seconds);
    return a;
}

std::optional<std::string> parse_version(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("version") || !j["version"].is_string())
        return std::nullopt;
    return j["version"].get<std::string>();
}

} // namespace netcfg::probe
