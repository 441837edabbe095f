// libcurl for the URLs an admin gives (--url, often https through a proxy),
// loaded with dlopen the first time one is asked (as systemd loads its
// optional libraries): most runs never need it, and linking it would load
// and initialise its ~30 libraries before main in every run.
#include "ollama-netcfg/probe/http.hpp"

#include <cctype>
#include <curl/curl.h>
#include <dlfcn.h>
#include <fmt/format.h>
#include <memory>

namespace netcfg::probe {
namespace {

// The few functions used, resolved from libcurl.so.4.
struct Curl {
    CURLcode (*global_init)(long);
    CURL* (*easy_init)();
    CURLcode (*easy_setopt)(CURL*, CURLoption, ...);
    CURLcode (*easy_perform)(CURL*);
    CURLcode (*easy_getinfo)(CURL*, CURLINFO, ...);
    void (*easy_cleanup)(CURL*);
    const char* (*easy_strerror)(CURLcode);
    curl_slist* (*slist_append)(curl_slist*, const char*);
    void (*slist_free_all)(curl_slist*);
    char* (*version)();
    CURLU* (*url)();
    CURLUcode (*url_set)(CURLU*, CURLUPart, const char*, unsigned int);
    CURLUcode (*url_get)(const CURLU*, CURLUPart, char**, unsigned int);
    void (*url_cleanup)(CURLU*);
    void (*free)(void*);
};

struct Loaded {
    std::optional<Curl> curl;
    std::string error; // why it could not be loaded
};

template <typename F> bool resolve(void* lib, const char* name, F& fn) {
    fn = reinterpret_cast<F>(dlsym(lib, name));
    return fn != nullptr;
}

Loaded load() {
    Loaded out;
    void* lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
        out.error =
            fmt::format("libcurl cannot be loaded ({}); install it for --url (Debian and Ubuntu: "
                        "libcurl4 or libcurl4t64; Fedora and RHEL: libcurl)",
                        dlerror());
        return out;
    }
    Curl c{};
    const bool all =
        resolve(lib, "curl_global_init", c.global_init) &&
        resolve(lib, "curl_easy_init", c.easy_init) &&
        resolve(lib, "curl_easy_setopt", c.easy_setopt) &&
        resolve(lib, "curl_easy_perform", c.easy_perform) &&
        resolve(lib, "curl_easy_getinfo", c.easy_getinfo) &&
        resolve(lib, "curl_easy_cleanup", c.easy_cleanup) &&
        resolve(lib, "curl_easy_strerror", c.easy_strerror) &&
        resolve(lib, "curl_slist_append", c.slist_append) &&
        resolve(lib, "curl_slist_free_all", c.slist_free_all) &&
        resolve(lib, "curl_version", c.version) && resolve(lib, "curl_url", c.url) &&
        resolve(lib, "curl_url_set", c.url_set) && resolve(lib, "curl_url_get", c.url_get) &&
        resolve(lib, "curl_url_cleanup", c.url_cleanup) && resolve(lib, "curl_free", c.free);
    if (!all) {
        out.error = fmt::format("libcurl.so.4 lacks a function this tool uses ({})", dlerror());
        return out;
    }
    if (c.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
        out.error = "cannot initialise libcurl";
        return out;
    }
    out.curl = c; // the library stays loaded for the rest of the run
    return out;
}

const Loaded& loaded() {
    static const Loaded l = load();
    return l;
}

// The two answer headers the checks read (names are case-insensitive).
size_t header_line(char* data, size_t size, size_t n, void* userdata) {
    auto* a = static_cast<HttpAnswer*>(userdata);
    std::string_view line(data, size * n);
    auto colon = line.find(':');
    if (colon != std::string_view::npos) {
        std::string name(line.substr(0, colon));
        for (auto& ch : name)
            ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        auto value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
            value.remove_prefix(1);
        while (!value.empty() &&
               (value.back() == '\r' || value.back() == '\n' || value.back() == ' '))
            value.remove_suffix(1);
        if (name == "access-control-allow-origin")
            a->allow_origin = value;
        else if (name == "www-authenticate")
            a->www_authenticate = value;
        else if (name == "location")
            a->location = value;
    }
    return size * n;
}

// The server certificate's "Issuer:" line, from CURLINFO_CERTINFO (the
// chain as the server sent it, the server's own first).
std::string first_issuer(const Curl& c, CURL* h) {
    curl_certinfo* info = nullptr;
    if (c.easy_getinfo(h, CURLINFO_CERTINFO, &info) != CURLE_OK || !info || info->num_of_certs < 1)
        return {};
    for (auto* l = info->certinfo[0]; l; l = l->next) {
        std::string_view line(l->data);
        if (line.starts_with("Issuer:"))
            return std::string(line.substr(7));
    }
    return {};
}

size_t collect(char* data, size_t size, size_t n, void* userdata) {
    auto* body = static_cast<std::string*>(userdata);
    if (body->size() < 1024 * 1024)
        body->append(data, size * n);
    return size * n;
}

} // namespace

std::string curl_version_text() {
    const auto& l = loaded();
    return l.curl ? std::string(l.curl->version()) : l.error;
}

std::string url_authority(const std::string& url) {
    const auto& l = loaded();
    if (!l.curl)
        return {};
    const auto& c = *l.curl;
    std::unique_ptr<CURLU, void (*)(CURLU*)> u(c.url(), c.url_cleanup);
    if (!u || c.url_set(u.get(), CURLUPART_URL, url.c_str(), 0) != CURLUE_OK)
        return {};
    char* host = nullptr;
    char* port = nullptr;
    std::string out;
    if (c.url_get(u.get(), CURLUPART_HOST, &host, 0) == CURLUE_OK && host)
        out = host;
    if (c.url_get(u.get(), CURLUPART_PORT, &port, 0) == CURLUE_OK && port)
        out += std::string(":") + port;
    c.free(host);
    c.free(port);
    return out;
}

HttpAnswer http_get(const std::string& url, const HttpOptions& o) {
    HttpAnswer a;
    const auto& l = loaded();
    if (!l.curl) {
        a.error = l.error;
        return a;
    }
    const auto& c = *l.curl;
    std::unique_ptr<CURL, void (*)(CURL*)> h(c.easy_init(), c.easy_cleanup);
    if (!h) {
        a.error = "cannot initialise libcurl";
        return a;
    }
    char errbuf[CURL_ERROR_SIZE] = {};
    c.easy_setopt(h.get(), CURLOPT_URL, url.c_str());
    // Straight to the URL, never through a proxy from the environment.
    if (o.proxy.empty()) {
        c.easy_setopt(h.get(), CURLOPT_NOPROXY, "*");
    } else {
        c.easy_setopt(h.get(), CURLOPT_PROXY, o.proxy.c_str());
        c.easy_setopt(h.get(), CURLOPT_NOPROXY, "");
        c.easy_setopt(h.get(), CURLOPT_HTTPPROXYTUNNEL, 1L);
    }
    if (!o.range.empty())
        c.easy_setopt(h.get(), CURLOPT_RANGE, o.range.c_str());
    if (o.cert_issuer)
        c.easy_setopt(h.get(), CURLOPT_CERTINFO, 1L);
    c.easy_setopt(h.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(o.timeout.count()));
    c.easy_setopt(h.get(), CURLOPT_NOSIGNAL, 1L);
    c.easy_setopt(h.get(), CURLOPT_WRITEFUNCTION, collect);
    c.easy_setopt(h.get(), CURLOPT_WRITEDATA, &a.body);
    c.easy_setopt(h.get(), CURLOPT_ERRORBUFFER, errbuf);
    c.easy_setopt(h.get(), CURLOPT_USERAGENT, "ollama-netcfg");
    c.easy_setopt(h.get(), CURLOPT_HEADERFUNCTION, header_line);
    c.easy_setopt(h.get(), CURLOPT_HEADERDATA, &a);
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> headers(nullptr, c.slist_free_all);
    auto add_header = [&](const std::string& line) {
        // curl_slist_append returns the list's head (the same one after
        // the first line): ownership stays with `headers`.
        auto* head = c.slist_append(headers.get(), line.c_str());
        if (head) {
            (void)headers.release();
            headers.reset(head);
        }
    };
    if (!o.host_header.empty())
        add_header("Host: " + o.host_header);
    if (!o.origin.empty())
        add_header("Origin: " + o.origin);
    if (!o.authorization.empty())
        add_header("Authorization: " + o.authorization);
    if (headers)
        c.easy_setopt(h.get(), CURLOPT_HTTPHEADER, headers.get());
    if (!o.basic_auth.empty()) {
        c.easy_setopt(h.get(), CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        c.easy_setopt(h.get(), CURLOPT_USERPWD, o.basic_auth.c_str());
    }
    if (!o.cacert.empty())
        c.easy_setopt(h.get(), CURLOPT_CAINFO, o.cacert.c_str());
    if (o.insecure) {
        c.easy_setopt(h.get(), CURLOPT_SSL_VERIFYPEER, 0L);
        c.easy_setopt(h.get(), CURLOPT_SSL_VERIFYHOST, 0L);
    }
    CURLcode rc = c.easy_perform(h.get());
    a.curl_code = static_cast<int>(rc);
    if (rc != CURLE_OK)
        a.error = errbuf[0] ? errbuf : c.easy_strerror(rc);
    else
        c.easy_getinfo(h.get(), CURLINFO_RESPONSE_CODE, &a.status);
    c.easy_getinfo(h.get(), CURLINFO_HTTP_CONNECTCODE, &a.connect_code);
    if (o.cert_issuer)
        a.issuer = first_issuer(c, h.get());
    c.easy_getinfo(h.get(), CURLINFO_TOTAL_TIME, &a.seconds);
    return a;
}

} // namespace netcfg::probe
