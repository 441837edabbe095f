// proxy-bypassable: credentials at a reverse proxy protect nothing while
// Ollama's own port takes connections from other hosts. Shared by `check
// --url` (find_problems) and `proxy-config`, which warns with it.
#include "ollama-netcfg/health/problems.hpp"

#include <fmt/format.h>

namespace netcfg::health {

std::optional<Problem> proxy_bypass(const Facts& f, const std::string& credentials) {
    if (!f.served() || f.want.loopback() || !f.firewall || !f.firewall->visible)
        return std::nullopt;
    std::string open, unsure;
    for (const auto& a : f.firewall->any_source) {
        const auto& v = a.verdict;
        if (v.decision == firewall::Decision::accept)
            open += fmt::format("{}over IPv{} from any host ({}: {})", open.empty() ? "" : ", ",
                                a.family, v.backend, v.reason);
        else if (v.decision == firewall::Decision::undecided)
            unsure += fmt::format("{}over IPv{} from the hosts {} rules let in ({})",
                                  unsure.empty() ? "" : ", ", a.family, v.backend, v.reason);
    }
    if (open.empty() && unsure.empty())
        return std::nullopt;
    return Problem{
        "proxy-bypassable",
        open.empty() ? Severity::warning : Severity::critical,
        fmt::format("the proxy demands a {}, but Ollama itself listens on {} and takes new "
                    "connections to port {} {}: {} can skip the proxy and its credentials by "
                    "asking port {} directly",
                    credentials, f.listen_endpoint(), f.want.port,
                    open.empty() ? unsure : open + (unsure.empty() ? "" : ", " + unsure),
                    open.empty() ? "those hosts" : "every such host", f.want.port),
        fmt::format("keep Ollama on loopback behind the proxy: sudo ollama-netcfg expose "
                    "127.0.0.1:{} (the proxy reaches it there); or drop port {} from other "
                    "hosts in the firewall",
                    f.want.port, f.want.port)};
}

} // namespace netcfg::health
