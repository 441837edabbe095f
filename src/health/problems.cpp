#include "ollama-netcfg/health/problems.hpp"

#include "ollama-netcfg/change/client_env.hpp"

#include "ollama-netcfg/ollama/origins.hpp"

#include "ollama-netcfg/ollama/models.hpp"
#include "ollama-netcfg/reach/scope.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace netcfg::health {
namespace {

using config::LayerKind;

// Where Ollama will listen with `v`, as ss will show it (a name: as given).
std::string listen_of(const std::optional<std::string>& v, bool kernel_ipv6) {
    auto h = ollama::read_ollama_host(v.value_or(""));
    if (h.family() == ollama::Family::name)
        return h.listen_address();
    return probe::expected_socket(h.host, h.port, {}, kernel_ipv6).endpoint();
}

bool same(const std::optional<std::string>& a, const std::optional<std::string>& b) {
    return ollama::read_ollama_host(a.value_or(""))
        .same_listener(ollama::read_ollama_host(b.value_or("")));
}

std::string expose_hint(const Facts& f) {
    return fmt::format("ollama-netcfg expose {}{}", f.want.listen_address(),
                       f.unit == "ollama.service" ? "" : " --unit " + f.unit);
}

struct Finder {
    const Facts& f;
    std::vector<Problem> out;

    void add(std::string code, Severity s, std::string message, std::string advice) {
        out.push_back({std::move(code), s, std::move(message), std::move(advice)});
    }

    void service() {
        if (f.active_state == "active")
            return;
        auto state = fmt::format("{} is {} ({})", f.unit, f.active_state, f.sub_state);
        if (!f.result.empty() && f.result != "success")
            state += fmt::format(", result {}", f.result);
        if (f.n_restarts > 0)
            state +=
                fmt::format(", restarted {} time{}", f.n_restarts, f.n_restarts == 1 ? "" : "s");
        add("service-inactive", Severity::critical, state,
            fmt::format("see `journalctl -u {}`; start it with `systemctl start {}`", f.unit,
                        f.unit));
    }

    void reload_pending() {
        if (!f.need_daemon_reload)
            return;
        auto msg = fmt::format("{}'s unit files changed on disk and systemd has not reloaded them",
                               f.unit);
        auto disk = f.layers.environment;
        if (!same(disk, f.systemd_env))
            msg += fmt::format(" (on disk {}, loaded {})", ollama::describe_value(disk),
                               ollama::describe_value(f.systemd_env));
        add("reload-pending", Severity::warning, msg,
            fmt::format("run `systemctl daemon-reload` and restart {}, or `{}`, which does both",
                        f.unit, expose_hint(f)));
    }

    void stale() {
        if (f.active_state != "active" || !f.process_visible || same(f.process_value, f.in_effect))
            return;
        add("stale-environment", Severity::warning,
            fmt::format("main PID {} runs with {}, but systemd now gives {} (listening on {} "
                        "after the next restart)",
                        f.main_pid, ollama::describe_value(f.process_value),
                        ollama::describe_value(f.in_effect), listen_of(f.in_effect, f.kernel_ipv6)),
            fmt::format("restart it (`systemctl restart {}`) or run `{}`", f.unit, expose_hint(f)));
    }

    void main_unit() {
        for (auto i : f.layers.assigning(LayerKind::unit_file)) {
            const auto& l = f.layers.layers[i];
            if (f.layers.winner == i)
                add("set-in-main-unit", Severity::warning,
                    fmt::format("{} is set in the main unit file {}, which the next Ollama "
                                "update overwrites",
                                ollama::describe_value(l.value), l.path),
                    fmt::format("move it into a drop-in: `{}`", expose_hint(f)));
            else
                add("set-in-main-unit", Severity::info,
                    fmt::format("{} in the main unit file {} is overridden by a later layer; "
                                "the next Ollama update removes it",
                                ollama::describe_value(l.value), l.path),
                    "nothing to do; `ollama-netcfg expose` removes it from there");
        }
    }

    void drop_ins() {
        // A drop-in in /run (a runtime setting) is runtime-only's to report.
        auto set = f.layers.assigning(LayerKind::drop_in);
        std::erase_if(set,
                      [&](std::size_t i) { return f.layers.layers[i].path.starts_with("/run/"); });
        if (set.size() > 1) {
            std::string where;
            for (auto i : set)
                where +=
                    fmt::format("{}{} ({})", where.empty() ? "" : ", ", f.layers.layers[i].path,
                                ollama::describe_value(f.layers.layers[i].value));
            add("duplicate-setting", Severity::warning,
                fmt::format("OLLAMA_HOST is set in {} drop-ins: {}", set.size(), where),
                fmt::format("keep one: `{}` moves it into {}", expose_hint(f), f.managed_drop_in));
        }
        auto managed = std::find_if(set.begin(), set.end(), [&](std::size_t i) {
            return f.layers.layers[i].path == f.managed_drop_in;
        });
        if (managed == set.end() || f.layers.winner == *managed || runtime_wins())
            return;
        std::string by = "an empty Environment= in a later drop-in";
        if (f.layers.winner) {
            const auto& w = f.layers.layers[*f.layers.winner];
            by = fmt::format("{} {} ({})", config::kind_name(w.kind), w.path,
                             ollama::describe_value(w.value));
        } else {
            for (std::size_t i = *managed + 1; i < f.layers.layers.size(); ++i)
                if (f.layers.layers[i].resets)
                    by = fmt::format("an empty Environment= in {}", f.layers.layers[i].path);
        }
        add("shadowed-drop-in", Severity::warning,
            fmt::format("{} in {} is overridden by {}",
                        ollama::describe_value(f.layers.layers[*managed].value), f.managed_drop_in,
                        by),
            "remove OLLAMA_HOST there, or run `" + expose_hint(f) + "`, which consolidates it");
    }

    bool runtime_wins() const {
        if (!f.layers.winner)
            return false;
        const auto& w = f.layers.layers[*f.layers.winner];
        return w.kind == LayerKind::drop_in && w.path.starts_with("/run/");
    }

    bool is_foreign_server(pid_t pid) const {
        return std::any_of(f.foreign_servers.begin(), f.foreign_servers.end(),
                           [&](const ForeignServer& s) { return s.process.pid == pid; });
    }

    // An `ollama serve` outside the unit: settings made for the service do
    // not reach it, and on the service's address it makes the service
    // crash-loop ("address already in use", again every RestartSec).
    void foreign_servers() {
        for (const auto& s : f.foreign_servers) {
            const auto& p = s.process;
            std::string listens = "not listening";
            for (const auto& e : s.endpoints)
                listens = (listens == "not listening" ? "listening on " : listens + ", ") + e;
            add("foreign-server", s.holds_wanted ? Severity::critical : Severity::warning,
                fmt::format(
                    "an `ollama serve` outside {} runs ({}) with {}, {}{}{}", f.unit, p.describe(),
                    p.env_visible ? ollama::describe_value(p.ollama_host)
                                  : std::string("an environment this user cannot read"),
                    listens, s.answer.empty() ? "" : "; it answers: " + s.answer,
                    s.holds_wanted ? fmt::format("; it holds the address {} needs, so the service "
                                                 "cannot bind it and keeps restarting",
                                                 f.unit)
                                   : ""),
                fmt::format("stop it (`kill {}`){}; to try an address until the next reboot, "
                            "use `ollama-netcfg expose ADDR --runtime` instead of a hand-started "
                            "server",
                            p.pid,
                            s.holds_wanted ? fmt::format(", and the service takes its address at "
                                                         "its next restart")
                                           : ""));
        }
    }

    // The value in effect comes from /run: a reboot takes it away.
    void runtime_only() {
        if (!runtime_wins())
            return;
        const auto& w = f.layers.layers[*f.layers.winner];
        add("runtime-only", Severity::warning,
            fmt::format("{} comes from {}, which is gone after the next reboot (then: {})",
                        ollama::describe_value(w.value), w.path,
                        ollama::describe_value(f.after_reboot)),
            fmt::format("to keep it, `sudo ollama-netcfg expose {}{}` (that also removes the "
                        "runtime setting); to drop it now, `sudo ollama-netcfg reset --runtime`",
                        w.value.value_or(""),
                        f.unit == "ollama.service" ? "" : " --unit " + f.unit));
    }

    // Lines systemd skips with "Invalid environment assignment, ignoring".
    void ignored() {
        for (const auto& l : f.layers.layers)
            for (const auto& w : l.ignored)
                add("ignored-assignment", Severity::warning,
                    fmt::format("{} line {}: systemd ignores `{}` ({}), so it does not set "
                                "OLLAMA_HOST",
                                l.path, w.line_number, w.word, w.why),
                    fmt::format("write it with ASCII quotes, as Environment=\"OLLAMA_HOST=ADDR\", "
                                "or run `ollama-netcfg expose ADDR{}`, which replaces it",
                                f.unit == "ollama.service" ? "" : " --unit " + f.unit));
    }

    void listener() {
        const bool active = f.active_state == "active";
        if (f.served())
            return api();
        bool held_elsewhere = false;
        const SocketSeen* unit_socket = nullptr;
        const SocketSeen* foreign = nullptr;
        for (const auto& s : f.sockets) {
            if (s.unit_owned && !unit_socket)
                unit_socket = &s;
            if (!s.unit_owned && f.owners_visible && s.pid != 0 && !foreign)
                foreign = &s;
            held_elsewhere = held_elsewhere || (!s.unit_owned && f.owners_visible);
        }
        if (foreign && is_foreign_server(foreign->pid))
            return; // foreign-server names it, with how it was started
        if (foreign || (held_elsewhere && !unit_socket)) {
            auto who = foreign ? fmt::format("{} (PID {})", foreign->process, foreign->pid)
                               : std::string("a process outside the unit");
            auto ep = foreign ? foreign->endpoint : f.want.listen_address();
            // docker-proxy holds a port a container publishes: name the container.
            for (const auto& c : f.containers)
                for (const auto& b : c.container.bindings)
                    if (c.container.state == "running" && b.host_port == f.want.port)
                        who += fmt::format(" for the Ollama container {} ({}, {})",
                                           c.container.name, c.container.image, b.text());
            add("port-in-use", Severity::critical,
                fmt::format("{} is held by {}, not by {}", ep, who, f.unit),
                fmt::format("stop that process (or container), or move Ollama to another port: "
                            "`ollama-netcfg expose {}:PORT`",
                            f.want.host.find(':') != std::string::npos ? "[" + f.want.host + "]"
                                                                       : f.want.host));
            return;
        }
        if (!active)
            return; // service-inactive says it all
        if (unit_socket) {
            add("unexpected-address", Severity::critical,
                fmt::format("{} listens on {}, not on {}{}", f.unit, unit_socket->endpoint,
                            f.want.listen_address(),
                            f.expect_given ? fmt::format(" (configured: {})",
                                                         ollama::describe_value(f.in_effect))
                                           : ""),
                f.expect_given ? fmt::format("`{}`", expose_hint(f))
                               : fmt::format("restart it: `systemctl restart {}`", f.unit));
            return;
        }
        add("not-listening", Severity::critical,
            fmt::format("nothing listens on {} (main PID {})", f.want.listen_address(), f.main_pid),
            fmt::format("see `journalctl -u {}`", f.unit));
    }

    void api() {
        if (f.api_tried && f.api_status == 200 && f.version) {
            api_time();
            return models();
        }
        if (!f.api_tried)
            return;
        std::string what = !f.api_error.empty()
                               ? f.api_error
                               : fmt::format("HTTP {}, not an Ollama version answer", f.api_status);
        std::string advice = fmt::format("see `journalctl -u {}`", f.unit);
        if (f.api_status == 403)
            advice = "Ollama refuses this request's Host header (it does so on a loopback "
                     "listener); connect with a local Host name or listen on another address";
        add("api-unreachable", Severity::critical, fmt::format("GET {}: {}", f.api_url, what),
            advice);
    }

    // -w/-c: the answer came, but slower than the admin allows.
    void api_time() {
        const auto& l = f.limits;
        const bool critical = l.api_critical && f.api_seconds > *l.api_critical;
        const bool warning = l.api_warning && f.api_seconds > *l.api_warning;
        if (!critical && !warning)
            return;
        add("api-slow", critical ? Severity::critical : Severity::warning,
            fmt::format("GET {} took {:.3f} s, over the {} threshold of {:g} s", f.api_url,
                        f.api_seconds, critical ? "critical" : "warning",
                        critical ? *l.api_critical : *l.api_warning),
            fmt::format("the server is busy or short of memory: see `journalctl -u {}` and "
                        "`ollama ps` (what is loaded)",
                        f.unit));
    }

    // --model: every model the admin named is on the server.
    void models() {
        if (!f.models_tried)
            return;
        if (!f.models_error.empty()) {
            add("model-missing", Severity::critical,
                fmt::format("cannot tell whether {} {} there: {}", fmt::join(f.limits.models, ", "),
                            f.limits.models.size() == 1 ? "is" : "are", f.models_error),
                fmt::format("see `journalctl -u {}`", f.unit));
            return;
        }
        for (const auto& m : ollama::missing_models(f.limits.models, f.models))
            add("model-missing", Severity::critical,
                fmt::format("model {} is not on the server (it has {})", m,
                            f.models.empty() ? std::string("none")
                                             : fmt::format("{}", fmt::join(f.models, ", "))),
                fmt::format("pull it where the service looks: `{}ollama pull {}`",
                            f.want.connect_url() == "http://127.0.0.1:11434"
                                ? std::string()
                                : "OLLAMA_HOST=" + f.want.connect_url() + " ",
                            m));
    }

    void reach() {
        if (!f.reach_checked)
            return;
        for (const auto& a : f.addresses)
            if (!a.ok && a.skipped.empty())
                add("address-unreachable", Severity::warning,
                    fmt::format("GET {} (interface {}): {}", a.url, a.interface, a.detail),
                    "the listener covers this address but it does not answer there; check "
                    "the firewall's rules for local traffic");
        const bool any_bridge_reachable =
            std::any_of(f.bridges.begin(), f.bridges.end(), [](auto& b) { return b.reachable; });
        if (!f.bridges.empty() && !any_bridge_reachable) {
            std::string names;
            for (const auto& b : f.bridges)
                names += (names.empty() ? "" : ", ") + b.interface;
            add("containers-cannot-reach", Severity::info,
                fmt::format("containers on {} cannot reach Ollama: it listens on {} ({})", names,
                            f.listen_endpoint(), f.listen_covers()),
                fmt::format("to serve containers, `ollama-netcfg expose {}` (the bridge's "
                            "address) or 0.0.0.0, and use host.docker.internal with "
                            "--add-host=host.docker.internal:host-gateway",
                            f.bridges.front().gateway));
        }
        containers_blocked();
        if (!f.firewall)
            return;
        const auto& fw = *f.firewall;
        if (!fw.visible) {
            add("not-visible", Severity::info, "the firewall was not inspected: " + fw.why_not,
                "run as root to see it");
            return;
        }
        firewall_verdicts(fw);
        open_to_internet(fw);
    }

    // Exposed for containers too, but the firewall's input path from their
    // bridge drops them: what `ollama -v` in a container then says is
    // "could not connect".
    void containers_blocked() {
        for (const auto& b : f.bridges) {
            if (!b.reachable || !b.firewall || !blocked(b.firewall->decision))
                continue;
            add("containers-cannot-reach", Severity::warning,
                fmt::format("containers on {} ({}) cannot reach Ollama at http://{}:{}: {}: new "
                            "connections from {} {} ({})",
                            b.interface, b.subnet.empty() ? "?" : b.subnet, b.gateway, f.want.port,
                            b.firewall->backend, b.interface,
                            firewall::decision_name(b.firewall->decision), b.firewall->reason),
                b.open_command_text.empty()
                    ? std::string("let connections in on the bridge to the port")
                    : fmt::format("let them in: sudo {}{}", b.open_command_text,
                                  b.open_command.empty()
                                      ? std::string()
                                      : fmt::format(", or `sudo ollama-netcfg expose {} "
                                                    "--open-firewall --for-containers`",
                                                    f.want.listen_address())));
        }
    }

    static bool blocked(firewall::Decision d) {
        return d == firewall::Decision::drop || d == firewall::Decision::reject;
    }

    std::string open_advice(const reach::Firewall& fw) const {
        std::string how = fw.open_command.empty() && !fw.open_command_text.empty()
                              ? fmt::format("`sudo {}`", fw.open_command_text)
                              : fmt::format("`sudo {}`, or `sudo ollama-netcfg expose {} "
                                            "--open-firewall{}`",
                                            fw.open_command_text, f.want.listen_address(),
                                            f.from.empty() ? "" : " --from " + f.from);
        return "open it " +
               (f.from.empty() ? std::string("(better: only to the networks that need it, "
                                             "with --from CIDR) ")
                               : std::string()) +
               "with " + how;
    }

    // firewall-blocks when every IP version the listener covers is blocked,
    // firewall-partial when one gets in and another does not.
    void firewall_verdicts(const reach::Firewall& fw) {
        using firewall::Decision;
        auto who = f.from.empty() ? std::string("other hosts") : f.from;
        std::vector<const reach::FamilyVerdict*> shut, open, unsure;
        for (const auto& v : fw.families)
            (blocked(v.verdict.decision)              ? shut
             : v.verdict.decision == Decision::accept ? open
                                                      : unsure)
                .push_back(&v);
        auto describe = [&](const std::vector<const reach::FamilyVerdict*>& vs) {
            std::string text;
            for (const auto* v : vs)
                text +=
                    fmt::format("{}IPv{} {} by {}", text.empty() ? "" : ", ", v->family,
                                firewall::decision_name(v->verdict.decision), v->verdict.reason);
            return text;
        };
        if (!shut.empty() && shut.size() == fw.families.size()) {
            const auto& v = shut.front()->verdict;
            add("firewall-blocks", Severity::critical,
                fmt::format("{} {} new connections from {} to port {} ({})", v.backend,
                            v.decision == Decision::drop ? "drops" : "rejects", who, f.want.port,
                            describe(shut)),
                open_advice(fw));
        } else if (!shut.empty() && !open.empty()) {
            std::string open_text;
            for (const auto* v : open)
                open_text += fmt::format(
                    "{}IPv{} open to {} ({})", open_text.empty() ? "" : ", ", v->family,
                    f.from.empty() ? std::string("every host") : f.from, v->verdict.reason);
            add("firewall-partial", Severity::warning,
                fmt::format("port {} is filtered for one IP version only: {}; {}", f.want.port,
                            describe(shut), open_text),
                fmt::format("decide for both: close IPv{} too (a rule in an `inet` table covers "
                            "both), or {}",
                            open.front()->family, open_advice(fw)));
        }
        for (const auto* v : unsure)
            add("firewall-undecided", Severity::info,
                fmt::format("cannot decide whether {} lets {} reach port {} over IPv{}: {}",
                            v->verdict.backend, who, f.want.port, v->family, v->verdict.reason),
                fmt::format("test from a client: curl -{} http://SERVER:{}/api/version", v->family,
                            f.want.port));
    }

    // A globally routable address the listener covers, and a firewall that
    // lets any source in on its IP version.
    void open_to_internet(const reach::Firewall& fw) {
        for (const auto& a : f.addresses) {
            const auto scope = reach::address_scope(a.address);
            if (!scope.global)
                continue;
            auto it = std::find_if(fw.any_source.begin(), fw.any_source.end(),
                                   [&](const auto& v) { return v.family == a.family; });
            if (it == fw.any_source.end() || it->verdict.decision != firewall::Decision::accept)
                continue;
            add("open-to-internet", Severity::warning,
                fmt::format("{} ({}) is a globally routable address and {} accepts new "
                            "connections to port {} from any source ({}): anyone on the "
                            "Internet can use this Ollama, which has no authentication",
                            a.address, a.interface, it->verdict.backend, f.want.port,
                            it->verdict.reason),
                fmt::format("let in only the networks that need it (`sudo ollama-netcfg expose "
                            "{} --open-firewall --from CIDR` with a firewall that drops the "
                            "rest), or keep Ollama on 127.0.0.1 behind a proxy with "
                            "authentication (`ollama-netcfg proxy-config`)",
                            f.want.listen_address()));
            return; // one is enough to say it
        }
    }

    void urls() {
        for (const auto& u : f.urls) {
            if (u.error.empty() && u.status == 200 && u.version)
                continue;
            if (u.error.empty() && u.status == 401) {
                add("proxy-auth-required", Severity::critical,
                    fmt::format("GET {}: HTTP 401: the proxy wants credentials{}{}", u.url,
                                u.www_authenticate.empty()
                                    ? std::string()
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
            add("url-unreachable", Severity::critical, fmt::format("GET {}: {}", u.url, what),
                advice);
        }
        for (const auto& u : f.urls)
            if (!u.credentials.empty()) {
                if (auto p = proxy_bypass(f, u.credentials))
                    out.push_back(std::move(*p));
                return; // one proxy in front is enough to say it
            }
    }

    // An OLLAMA_ORIGINS Ollama cannot start with; pages whose requests it
    // refuses (check --origin).
    void origins() {
        const auto& o = f.origins;
        if (auto panic = ollama::origins_panic(o.in_effect.value_or(""))) {
            // A process that has the bad value is between its start and the
            // panic: the loop is under way even if systemd says running.
            const bool crashing = f.active_state != "active" || f.sub_state == "auto-restart" ||
                                  (o.process_visible && o.process_value == o.in_effect);
            const auto entry = panic->entry.empty() ? std::string("an empty entry (a stray comma)")
                                                    : fmt::format("the entry \"{}\"", panic->entry);
            add("bad-origins", Severity::critical,
                fmt::format("OLLAMA_ORIGINS=\"{}\" from {} makes Ollama panic at start-up ({}: "
                            "\"{}\"); {}",
                            *o.in_effect, o.source, entry, panic->message,
                            crashing ? fmt::format("{} is crash-looping ({}/{}, {} restarts)",
                                                   f.unit, f.active_state, f.sub_state,
                                                   f.n_restarts)
                                     : std::string("the running process started with another "
                                                   "value and will fail at its next restart")),
                panic->entry.empty()
                    ? fmt::format("remove the stray comma in {}, then `sudo systemctl "
                                  "daemon-reload && sudo systemctl restart {}`",
                                  o.source, f.unit)
                    : fmt::format("take it out: sudo ollama-netcfg origins remove '{}' (or fix "
                                  "it in {})",
                                  panic->entry, o.source));
        }
        const auto entries = ollama::split_origins(o.in_effect.value_or(""));
        if (std::find(entries.begin(), entries.end(), "*") != entries.end())
            add("open-to-any-site", Severity::warning,
                fmt::format("OLLAMA_ORIGINS has * (from {}): every web page on every site can call "
                            "this Ollama from its visitors' browsers, and Ollama has no "
                            "authentication",
                            o.source),
                "name your own front ends instead: sudo ollama-netcfg origins remove '*' && sudo "
                "ollama-netcfg origins add https://chat.example.org (or --preset "
                "browser-extensions)");
        for (const auto& p : f.origin_probes) {
            if (p.let_through())
                continue;
            const bool on_disk =
                ollama::decide_origin(o.in_effect.value_or(""), p.origin).allowed;
            add("origin-refused", Severity::critical,
                fmt::format("a web page from {} cannot call Ollama: GET {} with Origin {}: {}",
                            p.origin, p.url, p.origin,
                            !p.error.empty()   ? p.error
                            : p.status == 403 ? std::string("HTTP 403 (Ollama refuses this Origin)")
                                              : fmt::format("HTTP {}, no Access-Control-Allow-"
                                                            "Origin naming it",
                                                            p.status)),
                p.origin == "null"
                    ? std::string("`Origin: null` (a file page, a sandboxed iframe, some desktop "
                                  "apps) passes only with *, which lets every site in: serve the "
                                  "page over http(s) and add that origin, or, knowingly, sudo "
                                  "ollama-netcfg origins add '*' --yes-any-site")
                : on_disk ? fmt::format("OLLAMA_ORIGINS on disk allows it but the running process "
                                      "started without it: sudo ollama-netcfg origins add {} "
                                      "(restarts {} with it)",
                                      p.origin, f.unit)
                        : fmt::format("sudo ollama-netcfg origins add {}", p.origin));
        }
    }

    // A port published on every address is open to other hosts whatever
    // ufw or firewalld say: Docker's DNAT and FORWARD rules bypass INPUT.
    void docker_bypass(const ContainerSeen& c) {
        const auto& k = c.container;
        if (k.state != "running")
            return;
        for (const auto& b : k.bindings) {
            if (!b.all_addresses())
                continue;
            const bool believed_closed =
                c.input_verdict && blocked(c.input_verdict->decision);
            add("docker-bypasses-firewall",
                believed_closed ? Severity::critical : Severity::warning,
                fmt::format("container {} ({}) publishes {}: other hosts reach Ollama there "
                            "whatever the host firewall says, because Docker's DNAT and FORWARD "
                            "rules take the connection past INPUT{}",
                            k.name, k.image, b.text(),
                            believed_closed
                                ? fmt::format("; {} drops port {} on INPUT ({}), so it looks "
                                              "closed but is not",
                                              c.input_verdict->backend, b.host_port,
                                              c.input_verdict->reason)
                                : std::string()),
                fmt::format("publish it on loopback or one address (`docker run -p "
                            "127.0.0.1:{}:{}`, compose `ports: [\"127.0.0.1:{}:{}\"]`), or keep "
                            "other hosts out with a DOCKER-USER rule (`iptables -I DOCKER-USER -p "
                            "tcp --dport {} ! -s CIDR -j DROP`)",
                            b.host_port, b.container_port, b.host_port, b.container_port,
                            b.container_port));
            return; // one line per container
        }
    }

    // The OLLAMA_HOST `expose --client-env` gave local clients, if any,
    // must still find the server.
    void client_env() {
        if (!f.client_env)
            return;
        const auto wanted =
            change::client_env_wanted(reach::client_export(f.want, f.listener()));
        if (*f.client_env == wanted)
            return;
        add("client-env-stale", Severity::warning,
            wanted.empty()
                ? fmt::format("{} gives the local ollama command OLLAMA_HOST={}, but the server "
                              "listens on {}, where the default 127.0.0.1:11434 finds it: new "
                              "shells on this host look in the wrong place",
                              change::client_profile_file, *f.client_env, f.listen_endpoint())
                : fmt::format("{} gives the local ollama command OLLAMA_HOST={}, but the server "
                              "listens on {}: new shells on this host need OLLAMA_HOST={}",
                              change::client_profile_file, *f.client_env, f.listen_endpoint(),
                              wanted),
            wanted.empty() ? std::string("sudo ollama-netcfg reset --client-env (the server is "
                                         "left as it is when it already runs on the default)")
                           : fmt::format("sudo ollama-netcfg expose {} --client-env (no restart "
                                         "when that is in effect: it rewrites the files only)",
                                         f.in_effect.value_or(f.want.listen_address())));
    }

    void containers() {
        if (!f.docker_error.empty())
            add("not-visible", Severity::info,
                fmt::format("the Ollama containers were not looked at: {}", f.docker_error),
                "run as root (or as a member of the docker group) to see them");
        for (const auto& c : f.containers)
            docker_bypass(c);
    }

    // check --container NAME: that container as `check` checks the unit.
    void container_check() {
        const ContainerSeen* c = nullptr;
        for (const auto& seen : f.containers)
            if (seen.container.name == f.container_check || seen.container.id.starts_with(f.container_check))
                c = &seen;
        if (!c) {
            if (f.docker_socket.empty())
                add("container-not-found", Severity::critical,
                    fmt::format("there is no container {}: no Docker or podman API on this host "
                                "(/run/docker.sock, /run/podman/podman.sock)",
                                f.container_check),
                    "is Docker running (`systemctl status docker`)?");
            else if (!f.docker_error.empty())
                add("container-not-found", Severity::unknown,
                    fmt::format("cannot look for container {}: {}", f.container_check,
                                f.docker_error),
                    "run as root (or as a member of the docker group)");
            else
                add("container-not-found", Severity::critical,
                    fmt::format("there is no Ollama container {} (image or command ollama, or "
                                "OLLAMA_HOST in its environment)",
                                f.container_check),
                    "`docker ps -a` lists the containers; name one with --container");
            return;
        }
        const auto& k = c->container;
        if (k.state != "running") {
            add("service-inactive", Severity::critical,
                fmt::format("container {} is {}", k.name, k.state),
                fmt::format("`docker start {}`; `docker logs {}` says why it stopped", k.name,
                            k.name));
            return;
        }
        if (k.bindings.empty()) {
            add("not-listening", Severity::critical,
                fmt::format("container {} publishes no port for Ollama's {}/tcp: nothing outside "
                            "its network reaches it",
                            k.name, k.port),
                "recreate it with -p (`ollama-netcfg expose ADDR --container NAME` prints the "
                "line)");
            return;
        }
        if (f.expect_given) {
            bool match = false;
            for (const auto& b : k.bindings) {
                const bool every = b.all_addresses();
                const bool want_every =
                    f.want.host.empty() || f.want.host == "0.0.0.0" || f.want.host == "::";
                match = match || (b.host_port == f.want.port &&
                                  (want_every ? every : b.host_ip == f.want.host));
            }
            if (!match)
                add("unexpected-address", Severity::critical,
                    fmt::format("container {} publishes {}, not {}", k.name,
                                k.bindings.front().text(), f.want.listen_address()),
                    fmt::format("recreate it: `ollama-netcfg expose {} --container {}` prints "
                                "how",
                                f.want.listen_address(), k.name));
        }
        if (!c->version)
            add("api-unreachable", Severity::critical,
                fmt::format("GET {}: {}", c->api_url,
                            !c->api_error.empty() ? c->api_error
                                                  : fmt::format("HTTP {}", c->api_status)),
                fmt::format("`docker logs {}`", k.name));
        else if (f.limits.api_critical && c->api_seconds > *f.limits.api_critical)
            add("api-slow", Severity::critical,
                fmt::format("GET {} took {:.3f} s (critical above {:g} s)", c->api_url,
                            c->api_seconds, *f.limits.api_critical),
                "see what the server is busy with (`docker logs`)");
        else if (f.limits.api_warning && c->api_seconds > *f.limits.api_warning)
            add("api-slow", Severity::warning,
                fmt::format("GET {} took {:.3f} s (warning above {:g} s)", c->api_url,
                            c->api_seconds, *f.limits.api_warning),
                "see what the server is busy with (`docker logs`)");
        docker_bypass(*c);
    }

    void visibility() {
        if (f.active_state == "active" && !f.process_visible)
            add("not-visible", Severity::info,
                fmt::format("cannot read the environment of main PID {} ({}); stale-environment "
                            "was not checked",
                            f.main_pid, f.process_error),
                "run as root to see it");
        if (!f.owners_visible)
            add("not-visible", Severity::info,
                "cannot see which processes hold the listening sockets; sockets on the port "
                "were taken as the unit's",
                "run as root to see it");
        for (const auto& l : f.layers.layers)
            if (!l.read_error.empty())
                add("not-visible", Severity::info, fmt::format("cannot read {}", l.read_error),
                    "run as root to see it");
    }
};

} // namespace

Wording unit_not_loaded(const std::string& unit, const std::string& load_state) {
    const std::string status = fmt::format("see `systemctl status {}`", unit);
    if (load_state == "not-found")
        return {fmt::format("there is no unit {}: systemd has no unit file of that name", unit),
                "is Ollama installed as a service (`systemctl list-unit-files 'ollama*'`)? "
                "Name its unit with --unit"};
    if (load_state == "masked")
        return {fmt::format("{} is masked (its unit file is a link to /dev/null), so systemd "
                            "will not start it",
                            unit),
                fmt::format("`systemctl unmask {}` if it should run", unit)};
    if (load_state == "bad-setting")
        return {
            fmt::format("{} has a setting systemd cannot use, so systemd did not load it", unit),
            status + " and fix the unit file"};
    if (load_state == "error")
        return {fmt::format("systemd could not load the unit file of {}", unit),
                status + " and `journalctl -b -u " + unit + "`"};
    return {fmt::format("systemd has not loaded {} (its load state is \"{}\")", unit,
                        load_state.empty() ? "unknown" : load_state),
            status};
}

std::string_view severity_name(Severity s) {
    switch (s) {
    case Severity::ok:
        return "OK";
    case Severity::info:
        return "INFO";
    case Severity::warning:
        return "WARNING";
    case Severity::critical:
        return "CRITICAL";
    case Severity::unknown:
        return "UNKNOWN";
    }
    return "UNKNOWN";
}

int plugin_exit_status(Severity s) {
    switch (s) {
    case Severity::ok:
    case Severity::info:
        return 0;
    case Severity::warning:
        return 1;
    case Severity::critical:
        return 2;
    case Severity::unknown:
        return 3;
    }
    return 3;
}

std::vector<Problem> find_problems(const Facts& f) {
    Finder finder{f, {}};
    if (!f.container_check.empty()) {
        finder.container_check();
        return finder.out;
    }
    if (f.load_state != "loaded") {
        auto said = unit_not_loaded(f.unit, f.load_state);
        finder.add("unit-not-found", Severity::critical, said.message, said.advice);
        return finder.out;
    }
    finder.service();
    finder.reload_pending();
    finder.stale();
    finder.main_unit();
    finder.drop_ins();
    finder.ignored();
    finder.runtime_only();
    finder.foreign_servers();
    finder.listener();
    finder.reach();
    finder.urls();
    finder.origins();
    finder.containers();
    finder.client_env();
    finder.visibility();
    return finder.out;
}

const std::vector<std::string>& known_problem_codes() {
    static const std::vector<std::string> codes{"unit-not-found",
                                                "service-inactive",
                                                "reload-pending",
                                                "stale-environment",
                                                "unexpected-address",
                                                "not-listening",
                                                "port-in-use",
                                                "api-unreachable",
                                                "set-in-main-unit",
                                                "shadowed-drop-in",
                                                "duplicate-setting",
                                                "ignored-assignment",
                                                "runtime-only",
                                                "foreign-server",
                                                "address-unreachable",
                                                "containers-cannot-reach",
                                                "firewall-blocks",
                                                "firewall-partial",
                                                "firewall-undecided",
                                                "open-to-internet",
                                                "url-unreachable",
                                                "proxy-auth-required",
                                                "proxy-bypassable",
                                                "origin-refused",
                                                "bad-origins",
                                                "open-to-any-site",
                                                "client-env-stale",
                                                "docker-bypasses-firewall",
                                                "container-not-found",
                                                "not-visible",
                                                "api-slow",
                                                "model-missing",
                                                "check-timed-out"};
    return codes;
}

Severity overall(const std::vector<Problem>& problems) {
    Severity worst = Severity::ok;
    for (const auto& p : problems)
        if (p.severity != Severity::info)
            worst = std::max(worst, p.severity);
    // What was found CRITICAL stays so, whatever could not be seen.
    const bool critical = std::any_of(problems.begin(), problems.end(),
                                      [](const Problem& p) { return p.severity == Severity::critical; });
    return critical ? Severity::critical : worst;
}

} // namespace netcfg::health
