// Browsers (OLLAMA_ORIGINS, check --origin) and the local clients' OLLAMA_HOST.
#include "ollama-netcfg/ollama/origins.hpp"

#include "ollama-netcfg/change/client_env.hpp"
#include "rules.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace netcfg::health::rules {

// An OLLAMA_ORIGINS Ollama cannot start with.
void bad_origins(Findings& r) {
    const Facts& f = r.f;
    const auto& o = f.origins;
    if (auto panic = ollama::origins_panic(o.in_effect.value_or(""))) {
        // A process that has the bad value is between its start and the
        // panic: the loop is under way even if systemd says running. So it
        // is when systemd has restarted the unit by itself and the process
        // could not be read (it panicked between systemd's answer and
        // /proc). Only a process seen with another value is an old one.
        const bool old_process = o.process_visible && o.process_value != o.in_effect;
        const bool crashing = f.active_state != "active" || f.sub_state == "auto-restart" ||
                              (o.process_visible && o.process_value == o.in_effect) ||
                              (!o.process_visible && f.n_restarts > 0);
        const auto entry = panic->entry.empty() ? std::string("an empty entry (a stray comma)")
                                                : fmt::format("the entry \"{}\"", panic->entry);
        r.add(Code::bad_origins, Severity::critical,
              fmt::format("OLLAMA_ORIGINS=\"{}\" from {} makes Ollama panic at start-up ({}: "
                          "\"{}\"); {}",
                          *o.in_effect, o.source, entry, panic->message,
                          crashing ? fmt::format("{} is crash-looping ({}/{}, {} restarts)", f.unit,
                                                 f.active_state, f.sub_state, f.n_restarts)
                          : old_process ? std::string("the running process started with "
                                                      "another value and will fail at its next "
                                                      "restart")
                                        : std::string("it will fail at its next restart (the "
                                                      "running process could not be read)")),
              panic->entry.empty()
                  ? fmt::format("remove the stray comma in {}, then `sudo systemctl "
                                "daemon-reload && sudo systemctl restart {}`",
                                o.source, f.unit)
                  : fmt::format("take it out: sudo ollama-netcfg origins remove '{}' (or fix "
                                "it in {})",
                                panic->entry, o.source));
    }
}

// `*`: every site's pages may call this Ollama from their visitors' browsers.
void open_to_any_site(Findings& r) {
    const auto& o = r.f.origins;
    const auto entries = ollama::split_origins(o.in_effect.value_or(""));
    if (std::find(entries.begin(), entries.end(), "*") != entries.end())
        r.add(Code::open_to_any_site, Severity::warning,
              fmt::format("OLLAMA_ORIGINS has * (from {}): every web page on every site can call "
                          "this Ollama from its visitors' browsers, and Ollama has no "
                          "authentication",
                          o.source),
              "name your own front ends instead: sudo ollama-netcfg origins remove '*' && sudo "
              "ollama-netcfg origins add https://chat.example.org (or --preset "
              "browser-extensions)");
}

// check --origin: pages from there whose requests Ollama refuses.
void origin_refused(Findings& r) {
    const Facts& f = r.f;
    const auto& o = f.origins;
    for (const auto& p : f.origin_probes) {
        if (p.let_through())
            continue;
        const bool on_disk = ollama::decide_origin(o.in_effect.value_or(""), p.origin).allowed;
        r.add(Code::origin_refused, Severity::critical,
              fmt::format("a web page from {} cannot call Ollama: GET {} with Origin {}: {}",
                          p.origin, p.url, p.origin,
                          !p.error.empty()  ? p.error
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

// The OLLAMA_HOST `expose --client-env` gave local clients, if any,
// must still find the server.
void client_env(Findings& r) {
    const Facts& f = r.f;
    if (!f.client_env)
        return;
    const auto wanted = change::client_env_wanted(reach::client_export(f.want, f.listener()));
    if (*f.client_env == wanted)
        return;
    r.add(Code::client_env_stale, Severity::warning,
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

} // namespace netcfg::health::rules
