// What `status` and `check` saw, as plain data. Gathered by health::inspect,
// judged by health::find_problems, printed by report/status_report.
#pragma once

#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/docker/containers.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/ollama/proxy.hpp"
#include "ollama-netcfg/probe/path_step.hpp"
#include "ollama-netcfg/probe/process.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/reach/open.hpp"
#include "ollama-netcfg/reach/reach.hpp"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <sys/types.h>
#include <utility>
#include <vector>

namespace netcfg::health {

struct SocketSeen {
    probe::ListenSocket socket;
    std::string endpoint; // as ss shows it: "*:11434", "0.0.0.0:11434"
    pid_t pid = 0;        // 0 when the holder could not be seen
    std::string process;  // comm of pid
    bool unit_owned = false;
    bool covers_want = false; // accepts connections for the wanted address
};

// A URL in front of Ollama (--url), e.g. a reverse proxy.
struct UrlProbe {
    std::string url; // the /api/version URL asked
    long status = 0;
    std::string error;
    std::optional<std::string> version;
    bool refused_host = false;    // a 403 that Ollama's Host check explains
    bool refused_origin = false;  // a 403 that Ollama's Origin check explains (with --origin)
    std::string host;             // the Host the proxy forwards (the URL's)
    std::string origin;           // the Origin sent (the first --origin), if any
    std::string credentials;      // "bearer key", "basic auth" when sent, else empty
    std::string www_authenticate; // with a 401: what the proxy asks for
};

// OLLAMA_ORIGINS: what a process started now gets, from where, and what the
// running one has.
struct OriginsSeen {
    std::optional<std::string> in_effect;
    std::string source; // the file (or "the manager environment") it comes from
    std::optional<std::string> process_value;
    bool process_visible = false;
    std::vector<std::string> added; // recorded as added by `origins add`
};

// One spelling of a proxy variable Go reads (HTTPS_PROXY, https_proxy,
// HTTP_PROXY, ...): what a process started now gets and from where, and
// what the running one has. Values as set; reports redact passwords.
struct ProxySeen {
    std::string name;
    std::optional<std::string> in_effect;
    std::string source; // the file (or "the manager environment")
    std::optional<std::string> process_value;
    // Every layer that sets it, in systemd's order (the last one wins):
    // the file (or "the manager environment") and its value there.
    std::vector<std::pair<std::string, std::string>> layers;
};

// The service's own HTTP requests (pulls) and the proxy Go picks for them.
struct ProxyFacts {
    std::vector<ProxySeen> variables; // those set now or in the process, upper then lower
    bool process_visible = false;

    const ProxySeen* find(std::string_view name) const {
        for (const auto& v : variables)
            if (v.name == name)
                return &v;
        return nullptr;
    }
    // What Go takes for `v` in a process started now (or, with `running`,
    // in the running one): the upper-case spelling unless it is empty.
    std::string go_value(const ollama::ProxyVariable& v, bool running = false) const {
        auto value = [&](std::string_view name) -> std::optional<std::string> {
            const auto* s = find(name);
            if (!s)
                return std::nullopt;
            return running ? s->process_value : s->in_effect;
        };
        return ollama::go_value(value(v.upper), value(v.lower));
    }
};

// A request with a browser's Origin (check --origin), and what it got.
struct OriginProbe {
    std::string origin;
    std::string url;
    long status = 0;
    std::string error;
    std::string allow_origin; // Access-Control-Allow-Origin of the answer
    bool let_through() const {
        return error.empty() && status == 200 && (allow_origin == origin || allow_origin == "*");
    }
};

// What `check` holds the server to beyond listening and answering: the API's
// response time (-w, -c) and the models it must have (--model).
struct Limits {
    std::optional<double> api_warning;  // seconds
    std::optional<double> api_critical; // seconds
    std::vector<std::string> models;    // as the admin names them
};

// An `ollama serve` outside the unit, and what it does on the network.
struct ForeignServer {
    probe::ServeProcess process;
    std::vector<std::string> endpoints; // its LISTEN sockets, as ss shows them
    bool holds_wanted = false;          // one of them keeps the service from binding
    std::string answer;                 // "version 0.12.6 at http://...", or why not
    bool answers = false;
};

// An Ollama container (Docker Engine API), asked through its published port.
struct ContainerSeen {
    docker::Container container;
    std::string api_url; // GET /api/version through the first published binding
    long api_status = 0;
    std::string api_error;
    std::optional<std::string> version;
    double api_seconds = 0;
    // For a port published on every address: what the host firewall decides
    // on INPUT for that port, which is what the admin believes protects it.
    std::optional<firewall::Verdict> input_verdict;
};

// A file with the proxy's credentials (proxy-config's key file, the include
// it wrote, check's --api-key-file), and who may read it.
struct CredentialsAccess {
    std::string path;
    unsigned mode = 0;           // permission bits
    std::string group;           // the file's group, by name
    bool others_reach = true;    // every directory above it lets other users through (o+x)
    bool read_by_server = false; // nginx's workers read it themselves (an htpasswd file)
    std::string server_group;    // their group: www-data
};

struct Facts {
    std::string unit;
    // check --container NAME: that container is checked instead of the unit.
    std::string container_check;
    std::string managed_drop_in; // the drop-in this tool writes

    std::string load_state, active_state, sub_state, result;
    std::uint32_t main_pid = 0;
    std::uint32_t n_restarts = 0;
    std::uint64_t active_since_usec = 0;
    bool need_daemon_reload = false;

    // After the next reboot: whether systemd starts the unit at boot, and
    // whether it tries again when Ollama exits (status 1 on a failed bind).
    std::string unit_file_state; // enabled, disabled, enabled-runtime, ...
    std::string restart;         // Restart=
    std::uint64_t restart_usec = 0;
    std::vector<std::int32_t> restart_prevent_exit_status;
    std::vector<std::string> after, wants; // After=, Wants=, as systemd has them
    // The wanted address is an IP address no interface of this host has
    // (read only when nothing serves it): Ollama's bind fails with "cannot
    // assign requested address". bind_error: the journal's line saying so.
    bool address_missing = false;
    std::string bind_error;
    std::uint64_t bind_failing_since_usec = 0; // the first failed bind since it last listened
    std::size_t bind_failures = 0;             // in this boot

    config::Resolution layers; // on disk now
    // What a process would get after a reboot: the layers without the
    // drop-ins in /run.
    std::optional<std::string> after_reboot;
    std::optional<std::string> systemd_env; // the unit's Environment= as loaded
    std::optional<std::string> in_effect;   // what systemd gives a process it starts now
    // Who sets OLLAMA_HOST when systemd does not: the ollama snap's launcher
    // (from `snap get ollama host`, on every start). Then in_effect and
    // after_reboot are the process's value. Empty: systemd.
    std::string set_by;

    bool process_visible = false;
    // No main process to read: none (MainPID 0), or it exited before its
    // environment was read (a crash loop); not a blind spot.
    bool process_gone = false;
    std::string process_error;
    std::optional<std::string> process_value;

    ollama::HostSetting want; // --expect, else in_effect as Ollama reads it
    bool expect_given = false;
    probe::ListenSocket expected; // the socket Go opens for `want`
    bool kernel_ipv6 = true;      // Go's wildcard is dual-stack only then

    std::vector<SocketSeen> sockets; // on the wanted port, and the unit's own elsewhere
    std::vector<ForeignServer> foreign_servers;
    bool owners_visible = true;

    bool api_tried = false;
    std::string api_url;
    long api_status = 0;
    std::string api_error;
    std::optional<std::string> version;
    double api_seconds = 0;
    double api_timeout_seconds = 0; // how long the answer was waited for

    Limits limits;
    bool models_tried = false;       // GET /api/tags was asked (only with --model)
    std::string models_error;        // why the list could not be read
    std::vector<std::string> models; // what it lists

    bool reach_checked = false; // the listener was found, so reachability was probed
    std::vector<reach::AddressProbe> addresses;
    std::vector<reach::Bridge> bridges;
    std::optional<reach::Firewall> firewall;
    std::string from; // --from CIDR: the clients' network
    // The firewall openings `expose --open-firewall` recorded for this unit
    // (firewall.json), each with its owners.
    std::vector<reach::Opening> openings;
    // What `expose --client-env` gave the local ollama command
    // (/etc/profile.d/ollama-netcfg.sh); nullopt when there is no such file.
    std::optional<std::string> client_env;
    std::vector<UrlProbe> urls;
    // check --api-key-file/--basic-auth-file: that file, and the includes
    // proxy-config wrote from it (FILE.nginx-map, FILE.caddy) where they are.
    std::vector<CredentialsAccess> credential_files;
    OriginsSeen origins;
    ProxyFacts proxy;
    // check --pull-path: the path a pull takes, with the running process's
    // proxy variables (a process started now's when it cannot be read).
    bool pull_path_tried = false;
    std::vector<probe::PathStep> pull_path;
    std::vector<ContainerSeen> containers;  // the Ollama containers, running or not
    std::string docker_socket;              // the API asked; empty: no Docker or podman here
    std::string docker_error;               // why it could not be asked
    std::vector<OriginProbe> origin_probes; // check --origin, once the API answered

    // A socket that accepts connections for `want` is the unit's (or, when
    // owners are not visible, is taken as the unit's).
    bool served() const {
        for (const auto& s : sockets)
            if (s.covers_want && (s.unit_owned || !owners_visible))
                return true;
        return false;
    }

    // The listener: the sockets that serve `want`, else the one Go would
    // open for it.
    std::vector<probe::ListenSocket> listener() const {
        auto s = serving();
        return s.empty() ? std::vector{expected} : s;
    }

    // As ss shows the listener, and what it covers in words.
    std::string listen_endpoint() const {
        std::string out;
        for (const auto& s : listener())
            out += (out.empty() ? "" : ", ") + s.endpoint();
        return out;
    }
    std::string listen_covers() const {
        std::string out;
        for (const auto& s : listener())
            out += (out.empty() ? "" : "; ") + s.covers();
        return out;
    }

    // The sockets that serve `want`: what Ollama listens on.
    std::vector<probe::ListenSocket> serving() const {
        std::vector<probe::ListenSocket> out;
        for (const auto& s : sockets)
            if (s.covers_want && (s.unit_owned || !owners_visible))
                out.push_back(s.socket);
        return out;
    }
};

// A unit the service starts after at boot, and whether the service also
// pulls it in (Wants=): After= alone only orders against a unit that
// something else starts.
struct StartsAfter {
    std::string unit;
    bool wanted = false;
};

// The units in After= without those systemd orders every service after
// (sysinit.target, basic.target, the journal's socket, its slice, mounts),
// sorted: systemd keeps After= as a set and lists it in no fixed order.
inline std::vector<StartsAfter> starts_after(const Facts& f) {
    std::vector<StartsAfter> out;
    for (const auto& u : f.after) {
        if (u == "sysinit.target" || u == "basic.target" || u == "systemd-journald.socket" ||
            u.ends_with(".slice") || u.ends_with(".mount"))
            continue;
        const bool wanted = std::find(f.wants.begin(), f.wants.end(), u) != f.wants.end();
        out.push_back({u, wanted});
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.unit < b.unit; });
    return out;
}

} // namespace netcfg::health
