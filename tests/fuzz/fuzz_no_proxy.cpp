// NO_PROXY as Go matches it, and the redaction of a proxy URL. Input:
// NO_PROXY \0 HOST \0 URL. Properties: loopback is never proxied; `*`
// matches everything; a redacted URL does not hold the password.
#include "fuzz.hpp"
#include "ollama-netcfg/ollama/proxy.hpp"

using namespace netcfg::ollama;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto p = fuzz::parts(data, size, 3);
    (void)go_proxies(p[0], p[1], "11434");
    fuzz::require(!go_proxies(p[0], "127.0.0.1", "11434"), "loopback is never proxied");
    fuzz::require(!go_proxies(p[0] + ",*", p[1], "443"), "* matches every host");
    // What stood between "user:" and "@" is shown as "***".
    const auto shown = redact_proxy(p[2]);
    const auto scheme = p[2].find("://");
    const auto from = scheme == std::string::npos ? 0 : scheme + 3;
    const auto at = p[2].find('@', from);
    const auto colon = p[2].find(':', from);
    const auto slash = p[2].find('/', from);
    if (at != std::string::npos && colon < at && (slash == std::string::npos || slash > at))
        fuzz::require(shown == p[2].substr(0, colon + 1) + "***" + p[2].substr(at),
                      "the password is shown as ***");
    return 0;
}
