#include "ollama-netcfg/health/inspect.hpp"

#include "ollama-netcfg/change/client_env.hpp"
#include "ollama-netcfg/change/elsewhere.hpp"
#include "ollama-netcfg/config/locate.hpp"
#include "ollama-netcfg/docker/engine.hpp"
#include "ollama-netcfg/ollama/models.hpp"
#include "ollama-netcfg/ollama/origins.hpp"
#include "ollama-netcfg/probe/http.hpp"
#include "ollama-netcfg/probe/ollama_api.hpp"
#include "ollama-netcfg/probe/process.hpp"
#include "ollama-netcfg/probe/pull_path.hpp"
#include "ollama-netcfg/probe/sockets.hpp"
#include "ollama-netcfg/reach/open.hpp"
#include "ollama-netcfg/systemd/journal.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <sys/socket.h>

namespace netcfg::health {
namespace {

constexpr std::string_view host_var = ollama::variable;

void read_process(Facts& f) {
    if (f.main_pid == 0) {
        // No main process (between a crash and its restart), though the
        // unit's state, read a moment before, may still say active.
        f.process_gone = true;
        return;
    }
    const auto pid = static_cast<pid_t>(f.main_pid);
    auto v = probe::process_environment_value(pid, host_var);
    if (v) {
        f.process_visible = true;
        f.process_value = *v;
    } else if (probe::has_exited(pid)) {
        // It exited after systemd named it (a crash loop; a zombie not yet
        // reaped reads as "No such process"): nothing was hidden from this
        // user.
        f.process_gone = true;
    } else {
        f.process_error = v.error().message;
    }
}

// Returns every LISTEN socket, holders in the unit filled in.
std::vector<probe::ListenSocket> read_sockets(Facts& f, const std::vector<pid_t>& unit_pids) {
    std::vector<std::string> resolved;
    if (f.want.family() == ollama::Family::name)
        resolved = probe::resolve_host(f.want.host);
    f.kernel_ipv6 = probe::kernel_has_ipv6();
    f.expected = probe::expected_socket(f.want.host, f.want.port, resolved, f.kernel_ipv6);
    f.owners_visible = probe::can_see_open_files(static_cast<pid_t>(f.main_pid));

    auto found = probe::find_listeners(f.want.host, f.want.port, resolved, unit_pids, true);
    auto& all = found.sockets;
    for (const auto& s : all) {
        if (s.pids.empty())
            continue;
        const bool covers =
            s.port == f.want.port && probe::listener_covers(s, f.want.host, resolved);
        f.sockets.push_back(
            {s, s.endpoint(), s.pids.front(), probe::process_name(s.pids.front()), true, covers});
    }
    for (const auto& s : probe::foreign_conflicts(all, f.expected, f.owners_visible)) {
        pid_t pid = s.pids.empty() ? 0 : s.pids.front();
        f.sockets.push_back({s, s.endpoint(), pid, pid ? probe::process_name(pid) : std::string(),
                             false, probe::listener_covers(s, f.want.host, resolved)});
    }
    return all;
}

// Where a client on this host reaches the wanted listener.
probe::Endpoint ollama_endpoint(const Facts& f) {
    return {f.want.connect_host(), f.want.port, {}};
}

// Where a client on this host reaches a socket: loopback for a wildcard.
probe::Endpoint local_endpoint(const probe::ListenSocket& s) {
    if (s.accepts("127.0.0.1"))
        return {"127.0.0.1", s.port, {}};
    if (s.accepts("::1"))
        return {"::1", s.port, {}};
    return {s.address, s.port, {}};
}

// `ollama serve` processes outside the unit: a shell, tmux, another unit.
void read_foreign_servers(Facts& f, const std::vector<pid_t>& unit_pids,
                          std::vector<probe::ListenSocket> all, std::chrono::milliseconds timeout) {
    for (auto& s : all)
        s.pids.clear();
    for (auto& p : probe::foreign_ollama_serves(unit_pids)) {
        ForeignServer server{std::move(p), {}, false, {}, false};
        auto mine = all;
        probe::find_holders(mine, {server.process.pid});
        for (const auto& s : mine) {
            if (s.pids.empty())
                continue;
            server.endpoints.push_back(s.endpoint());
            server.holds_wanted = server.holds_wanted || (s.port == f.expected.port &&
                                                          probe::bind_conflicts(s, f.expected));
            if (server.answer.empty()) {
                auto a = probe::ask_version(local_endpoint(s), timeout);
                server.answers = a.version.has_value();
                server.answer = a.version ? fmt::format("version {} at {}", *a.version, a.url)
                                : a.error.empty() ? fmt::format("HTTP {} at {}", a.status, a.url)
                                                  : fmt::format("{} at {}", a.error, a.url);
            }
        }
        f.foreign_servers.push_back(std::move(server));
    }
}

void read_api(Facts& f, std::chrono::milliseconds timeout) {
    if (!f.served())
        return;
    f.api_tried = true;
    auto a = probe::ask_version(ollama_endpoint(f), timeout);
    f.api_url = a.url;
    f.api_status = a.status;
    f.api_error = a.error;
    f.api_seconds = a.seconds;
    f.version = a.version;
}

// With --model: the models the server has (GET /api/tags), once it answers.
void read_models(Facts& f, std::chrono::milliseconds timeout) {
    if (f.limits.models.empty() || !f.version)
        return;
    f.models_tried = true;
    auto a = probe::ask_tags(ollama_endpoint(f), timeout);
    if (a.models)
        f.models = std::move(*a.models);
    else
        f.models_error = fmt::format(
            "GET {}: {}", a.url,
            !a.error.empty() ? a.error : fmt::format("HTTP {}, not a model list", a.status));
}

void read_reach(Facts& f, reach::FirewallReading& firewall, const InspectOptions& o) {
    if (!f.served())
        return;
    f.reach_checked = true;
    const auto serving = f.serving();
    auto seen = reach::survey(f.want, serving, o.api_timeout);
    f.addresses = std::move(seen.addresses);
    f.bridges = std::move(seen.bridges);
    if (f.want.loopback())
        return; // nothing from outside can connect: the firewall does not matter
    f.firewall = firewall.judge(f.want, serving, o.from, &f.bridges);
}

// What `expose --open-firewall` opened for this unit: a small file, read
// whether or not the listener is served, so `status` shows every owner.
void read_openings(Facts& f) {
    auto all = reach::recorded_openings();
    if (!all)
        return; // unreadable or not JSON: `reset` says so when it needs it
    for (auto& o : *all)
        if (std::any_of(o.owners.begin(), o.owners.end(),
                        [&](const auto& w) { return w.unit.empty() || w.unit == f.unit; }))
            f.openings.push_back(std::move(o));
}

void read_urls(Facts& f, const InspectOptions& o) {
    for (auto url : o.urls) {
        while (!url.empty() && url.back() == '/')
            url.pop_back();
        UrlProbe u;
        u.url = url + "/api/version";
        u.host = probe::url_authority(url);
        probe::HttpOptions opts;
        opts.timeout = o.api_timeout;
        opts.cacert = o.cacert;
        opts.insecure = o.insecure;
        opts.authorization = o.authorization;
        opts.basic_auth = o.basic_auth;
        u.credentials = o.credentials;
        if (!o.origins.empty())
            opts.origin = u.origin = o.origins.front();
        auto a = probe::http_get(u.url, opts);
        u.status = a.status;
        u.error = a.error;
        u.www_authenticate = a.www_authenticate;
        if (a.status == 200)
            u.version = probe::parse_version(a.body);
        if (a.status == 403 && !u.origin.empty()) {
            // The same request through the proxy without the Origin: if
            // that one passes, Ollama's Origin check refused it.
            auto plain = opts;
            plain.origin.clear();
            u.refused_origin = probe::http_get(u.url, plain).status == 200;
        }
        if (a.status == 403 && !u.refused_origin && !u.host.empty() && f.api_tried) {
            // Does Ollama itself refuse that Host? Ask it directly with it.
            u.refused_host =
                probe::ask_version(ollama_endpoint(f), {o.api_timeout, {}, u.host}).status == 403;
        }
        f.urls.push_back(std::move(u));
    }
}

// OLLAMA_ORIGINS, from the same files; and the running process's.
void read_origins(Facts& f, const std::vector<config::LayerInput>& files,
                  const std::vector<std::string>& env, const InspectOptions& o) {
    const auto r = config::resolve(config::for_variable(files, env, ollama::origins_variable),
                                   ollama::origins_variable);
    f.origins.in_effect = r.effective;
    if (r.winner) {
        const auto& w = r.layers[*r.winner];
        f.origins.source = w.path.empty() ? std::string("the manager environment") : w.path;
    }
    f.origins.added = o.origins_added;
    if (f.main_pid == 0)
        return;
    auto v =
        probe::process_environment_value(static_cast<pid_t>(f.main_pid), ollama::origins_variable);
    f.origins.process_visible = v.has_value();
    if (v)
        f.origins.process_value = *v;
}

// The proxy variables Go reads, from the same files; and the running
// process's, in one read of its environment.
void read_proxy(Facts& f, const std::vector<config::LayerInput>& files,
                const std::vector<std::string>& env) {
    std::vector<std::string_view> names;
    for (const auto& v : ollama::proxy_variables)
        names.insert(names.end(), {v.upper, v.lower});
    std::vector<std::optional<std::string>> running(names.size());
    if (f.main_pid != 0) {
        auto values = probe::process_environment_values(static_cast<pid_t>(f.main_pid), names);
        f.proxy.process_visible = values.has_value();
        if (values)
            running = std::move(*values);
    }
    for (std::size_t i = 0; i < names.size(); ++i) {
        const auto r = config::resolve(config::for_variable(files, env, names[i]), names[i]);
        if (!r.effective && !running[i])
            continue;
        ProxySeen v{std::string(names[i]), r.effective, {}, running[i], {}};
        auto source = [](const config::Layer& l) {
            return l.path.empty() ? std::string("the manager environment") : l.path;
        };
        if (r.winner)
            v.source = source(r.layers[*r.winner]);
        for (const auto& l : r.layers)
            if (l.assigns && l.value)
                v.layers.emplace_back(source(l), *l.value);
        f.proxy.variables.push_back(std::move(v));
    }
}

// check --pull-path: what the running process would pull through.
void read_pull_path(Facts& f, const InspectOptions& o, const std::string& user) {
    if (!o.pull_path)
        return;
    const bool running = f.proxy.process_visible;
    probe::PullPathOptions p;
    p.https_proxy = f.proxy.go_value(ollama::proxy_variables[0], running);
    p.no_proxy = f.proxy.go_value(ollama::proxy_variables[2], running);
    p.registry = o.registry;
    p.timeout = std::max(o.api_timeout, std::chrono::milliseconds(5000));
    f.pull_path_tried = true;
    f.pull_path = probe::try_pull_path_as(p, user);
}

// check --origin: the request a page from that origin makes, all at once.
void read_origin_probes(Facts& f, const InspectOptions& o) {
    if (o.origins.empty() || !f.version)
        return;
    for (const auto& origin : o.origins) {
        auto a = probe::ask_version(ollama_endpoint(f), {o.api_timeout, origin, {}});
        f.origin_probes.push_back({origin, a.url, a.status, a.error, a.allow_origin});
    }
}

// The Ollama containers, each asked through its published port; for one
// published on every address, what the host firewall says about that port.
void read_containers(Facts& f, reach::FirewallReading& firewall, const InspectOptions& o) {
    auto look = docker::ollama_containers(o.api_timeout);
    f.docker_socket = look.socket;
    f.docker_error = look.error;
    for (auto& c : look.containers) {
        ContainerSeen seen{std::move(c), {}, 0, {}, std::nullopt, 0, std::nullopt};
        const auto& k = seen.container;
        if (k.state == "running" && !k.bindings.empty()) {
            const auto& b = k.bindings.front();
            const std::string host =
                b.all_addresses() ? (b.host_ip == "::" ? "::1" : "127.0.0.1") : b.host_ip;
            const probe::Endpoint to{host, b.host_port, {}};
            auto a = probe::ask_version(to, o.api_timeout);
            seen.api_url = a.url;
            seen.api_status = a.status;
            seen.api_error = a.error;
            seen.api_seconds = a.seconds;
            seen.version = a.version;
        }
        for (const auto& b : k.bindings)
            if (k.state == "running" && b.all_addresses() && !seen.input_verdict) {
                auto fw = firewall.judge(b.host_port, {4}, "");
                if (fw.visible && !fw.families.empty())
                    seen.input_verdict = fw.families.front().verdict;
            }
        f.containers.push_back(std::move(seen));
    }
}

// What a process started now gets: EnvironmentFile= beats Environment=, which
// beats the manager's environment.
std::optional<std::string> in_effect(const Facts& f) {
    for (auto i = f.layers.layers.size(); i-- > 0;) {
        const auto& l = f.layers.layers[i];
        if (l.kind == config::LayerKind::environment_file && l.assigns)
            return l.value;
    }
    if (f.systemd_env)
        return f.systemd_env;
    for (const auto& l : f.layers.layers)
        if (l.kind == config::LayerKind::manager && l.assigns)
            return l.value;
    return std::nullopt;
}

// Nothing serves an IP address Ollama must bind: is it on any interface?
// (Read only then: a host with hundreds of addresses pays nothing when
// Ollama listens.) Loopback and wildcards always exist; names are left to
// the resolver.
void read_address(Facts& f) {
    if (f.served() || f.want.loopback() || f.want.wildcard() ||
        f.want.family() == ollama::Family::name)
        return;
    // An IP literal, compared with the host's addresses by its bytes.
    const auto ip = net::parse_ip(f.want.host);
    for (const auto& i : reach::interfaces())
        if (i.address == ip)
            return;
    f.address_missing = true;
    // Since when: the failed binds after Ollama last listened, in this boot
    // (each restart adds one line; a day of RestartSec=3 is ~29,000).
    const auto run =
        systemd::failure_run(f.unit, "cannot assign requested address", "Listening on", 50000);
    f.bind_error = run.last;
    f.bind_failing_since_usec = run.first_usec;
    f.bind_failures = run.count;
}

} // namespace

Result<Facts> inspect(systemd::Manager& manager, const InspectOptions& o) {
    Facts f;
    // One reading of the firewall for the listener and every container.
    reach::FirewallReading firewall([&manager] { return manager.is_active("firewalld.service"); });
    if (!o.container.empty()) {
        // check --container: that container alone; the unit is not asked.
        f.container_check = o.container;
        f.load_state = "container";
        f.limits = o.limits;
        f.api_timeout_seconds = std::chrono::duration<double>(o.api_timeout).count();
        f.expect_given = o.expect.has_value();
        if (o.expect)
            f.want = *o.expect;
        read_containers(f, firewall, o);
        for (const auto& c : f.containers)
            if ((c.container.name == o.container || c.container.id.starts_with(o.container)) &&
                !c.api_url.empty()) {
                // The API's answer, as the perfdata and thresholds read it.
                f.api_tried = true;
                f.api_url = c.api_url;
                f.api_status = c.api_status;
                f.api_error = c.api_error;
                f.api_seconds = c.api_seconds;
                f.version = c.version;
            }
        return f;
    }
    f.unit = o.unit;
    f.managed_drop_in = o.managed_drop_in;
    auto state = manager.unit_state(o.unit);
    if (!state)
        return state.error();
    const auto& s = *state;
    f.load_state = s.load_state;
    if (s.load_state != "loaded")
        return f;
    f.active_state = s.active_state;
    f.sub_state = s.sub_state;
    f.result = s.result;
    f.main_pid = s.main_pid;
    f.n_restarts = s.n_restarts;
    f.active_since_usec = s.active_enter_usec;
    f.need_daemon_reload = s.need_daemon_reload;
    f.unit_file_state = s.unit_file_state;
    f.restart = s.restart;
    f.restart_usec = s.restart_usec;
    f.restart_prevent_exit_status = s.restart_prevent_exit_status;
    f.after = s.after;
    f.wants = s.wants;
    f.systemd_env = s.environment_value(host_var);

    auto manager_env = manager.environment();
    if (!manager_env)
        return manager_env.error();
    auto inputs = config::read_layers(s, *manager_env, o.managed_drop_in, host_var);
    f.layers = config::resolve(inputs, host_var);
    read_origins(f, inputs, *manager_env, o);
    read_proxy(f, inputs, *manager_env);
    std::erase_if(inputs, [](const config::LayerInput& l) {
        return l.kind == config::LayerKind::drop_in && l.path.starts_with("/run/");
    });
    f.after_reboot = config::resolve(inputs, host_var).effective;
    f.in_effect = in_effect(f);
    f.expect_given = o.expect.has_value();
    f.want = o.expect ? *o.expect : ollama::read_ollama_host(f.in_effect.value_or(""));

    read_process(f);
    // The snap's launcher sets OLLAMA_HOST from the snap's configuration on
    // every start: what its process has is the setting, now and after a
    // reboot, and a restart would not change it.
    if (change::is_ollama_snap_unit(f.unit) && f.process_visible) {
        f.set_by = "the snap's launcher, from `snap get ollama host` at every start";
        f.in_effect = f.after_reboot = f.process_value;
        if (!o.expect)
            f.want = ollama::read_ollama_host(f.in_effect.value_or(""));
    }
    const auto unit_pids = probe::cgroup_pids(s.control_group);
    auto all = read_sockets(f, unit_pids);
    read_foreign_servers(f, unit_pids, std::move(all), o.api_timeout);
    read_address(f);
    f.limits = o.limits;
    f.api_timeout_seconds = std::chrono::duration<double>(o.api_timeout).count();
    read_api(f, o.api_timeout);
    read_models(f, o.api_timeout);
    read_origin_probes(f, o);
    f.from = o.from;
    read_reach(f, firewall, o);
    read_openings(f);
    f.client_env = change::read_client_env();
    read_urls(f, o);
    read_containers(f, firewall, o);
    read_pull_path(f, o, s.user);
    return f;
}

} // namespace netcfg::health
