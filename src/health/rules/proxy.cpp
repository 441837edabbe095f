// A reverse proxy in front (check --url), and proxy-bypassable: credentials
// at a proxy protect nothing while Ollama's own port takes connections from
// other hosts (shared with `proxy-config`, which warns with it).
#include "rules.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace netcfg::health {

std::optional<Problem> credentials_readable(const CredentialsAccess& a) {
    const auto mode = fmt::format("{:04o}", a.mode & 07777);
    const auto fix =
        a.read_by_server
            ? fmt::format("`chmod 640 {}` and `chgrp {} {}` (the server reads it as group {})",
                          a.path, a.server_group, a.path, a.server_group)
            : fmt::format("`chmod 600 {}` (only root needs to read it)", a.path);
    std::string who;
    if ((a.mode & 0002) || ((a.mode & 0020) && a.group != "root" && a.group != a.server_group))
        who = fmt::format("users other than root can change {} (mode {}, group {})", a.path, mode,
                          a.group);
    else if ((a.mode & 0004) && a.others_reach)
        who = fmt::format("every local user can read {} (mode {})", a.path, mode);
    else if ((a.mode & 0040) && a.group != "root" &&
             !(a.read_by_server && a.group == a.server_group))
        who = fmt::format("members of group {} can read {} (mode {})", a.group, a.path, mode);
    if (who.empty())
        return std::nullopt;
    return problem(Code::credentials_readable, Severity::warning,
                   who + ": the proxy's credentials are only as safe as this file", fix);
}

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
    return problem(
        Code::proxy_bypassable, open.empty() ? Severity::warning : Severity::critical,
        fmt::format("the proxy demands a {}, but Ollama itself listens on {} and takes new "
                    "connections to port {} {}: {} can skip the proxy and its credentials by "
                    "asking port {} directly",
                    credentials, f.listen_endpoint(), f.want.port,
                    open.empty() ? unsure : open + (unsure.empty() ? "" : ", " + unsure),
                    open.empty() ? "those hosts" : "every such host", f.want.port),
        fmt::format("keep Ollama on loopback behind the proxy: sudo ollama-netcfg expose "
                    "127.0.0.1:{} (the proxy reaches it there); or drop port {} from other "
                    "hosts in the firewall",
                    f.want.port, f.want.port));
}

namespace rules {

void urls(Findings& r) {
    const Facts& f = r.f;
    for (const auto& u : f.urls) {
        if (u.error.empty() && u.status == 200 && u.version)
            continue;
        if (u.error.empty() && u.status == 401) {
            r.add(Code::proxy_auth_required, Severity::critical,
                  fmt::format("GET {}: HTTP 401: the proxy wants credentials{}{}", u.url,
                              u.www_authenticate.empty() ? std::string()
                                                         : fmt::format(" ({})", u.www_authenticate),
                              u.credentials.empty()
                                  ? std::string(" and none were sent")
                                  : fmt::format(" and refused the {} sent", u.credentials)),
                  u.credentials.empty()
                      ? std::string("give the check what clients send: --api-key-file FILE "
                                    "(Authorization: Bearer) or --basic-auth-file FILE "
                                    "(user:password)")
                      : fmt::format("the {} is not one the proxy accepts: compare the file "
                                    "with the proxy's key list or htpasswd file",
                                    u.credentials));
            continue;
        }
        std::string what = !u.error.empty()
                               ? u.error
                               : fmt::format("HTTP {}{}", u.status,
                                             u.status == 200 ? ", not an Ollama answer" : "");
        std::string advice = "check the proxy's configuration and its error log";
        if (u.refused_host)
            advice = fmt::format(
                "Ollama refuses the Host header \"{}\" that the proxy forwards (its "
                "listener {} is on loopback); send a local one (nginx: proxy_set_header "
                "Host localhost:{}; Caddy: header_up Host localhost:{}), see `ollama-netcfg "
                "proxy-config`",
                u.host, f.want.listen_address(), f.want.port, f.want.port);
        else if (u.refused_origin)
            advice = fmt::format("Ollama refuses the Origin \"{}\" the request carries (not "
                                 "the proxy's Host): sudo ollama-netcfg origins add {}",
                                 u.origin, u.origin);
        else if (!u.error.empty() && (u.error.find("SSL") != std::string::npos ||
                                      u.error.find("certificate") != std::string::npos))
            advice = "a TLS problem: give the CA with --cacert FILE (or --insecure to look "
                     "past it)";
        r.add(Code::url_unreachable, Severity::critical, fmt::format("GET {}: {}", u.url, what),
              advice);
    }
    for (const auto& file : f.credential_files)
        if (auto p = credentials_readable(file))
            r.out.push_back(std::move(*p));
    for (const auto& u : f.urls)
        if (!u.credentials.empty()) {
            if (auto p = proxy_bypass(f, u.credentials))
                r.out.push_back(std::move(*p));
            return; // one proxy in front is enough to say it
        }
}

} // namespace rules
} // namespace netcfg::health
