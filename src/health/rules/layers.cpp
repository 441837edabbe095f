// Where OLLAMA_HOST is set: the main unit, drop-ins, ignored words, /run.
#include "rules.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace netcfg::health::rules {

using config::LayerKind;

void main_unit(Findings& r) {
    const Facts& f = r.f;
    for (auto i : f.layers.assigning(LayerKind::unit_file)) {
        const auto& l = f.layers.layers[i];
        // Only the admin's (or Ollama's installer's) unit in /etc: a unit a
        // distribution package installs in /usr/lib carries the package's
        // own value, which a drop-in overrides and expose leaves alone.
        if (!l.path.starts_with("/etc/"))
            continue;
        if (f.layers.winner == i)
            r.add(Code::set_in_main_unit, Severity::warning,
                  fmt::format("{} is set in the main unit file {}, which the next Ollama "
                              "update overwrites",
                              ollama::describe_host(l.value), l.path),
                  fmt::format("move it into a drop-in: `{}`", expose_hint(f)));
        else
            r.add(Code::set_in_main_unit, Severity::info,
                  fmt::format("{} in the main unit file {} is overridden by a later layer; "
                              "the next Ollama update removes it",
                              ollama::describe_host(l.value), l.path),
                  "nothing to do; `ollama-netcfg expose` removes it from there");
    }
}

void drop_ins(Findings& r) {
    const Facts& f = r.f;
    // A drop-in in /run (a runtime setting) is runtime-only's to report.
    auto set = f.layers.assigning(LayerKind::drop_in);
    std::erase_if(set, [&](std::size_t i) { return f.layers.layers[i].path.starts_with("/run/"); });
    if (set.size() > 1) {
        std::string where;
        for (auto i : set)
            where += fmt::format("{}{} ({})", where.empty() ? "" : ", ", f.layers.layers[i].path,
                                 ollama::describe_host(f.layers.layers[i].value));
        r.add(Code::duplicate_setting, Severity::warning,
              fmt::format("OLLAMA_HOST is set in {} drop-ins: {}", set.size(), where),
              fmt::format("keep one: `{}` moves it into {}", expose_hint(f), f.managed_drop_in));
    }
    auto managed = std::find_if(set.begin(), set.end(), [&](std::size_t i) {
        return f.layers.layers[i].path == f.managed_drop_in;
    });
    if (managed == set.end() || f.layers.winner == *managed || runtime_wins(f))
        return;
    std::string by = "an empty Environment= in a later drop-in";
    if (f.layers.winner) {
        const auto& w = f.layers.layers[*f.layers.winner];
        by = fmt::format("{} {} ({})", config::kind_name(w.kind), w.path,
                         ollama::describe_host(w.value));
    } else {
        for (std::size_t i = *managed + 1; i < f.layers.layers.size(); ++i)
            if (f.layers.layers[i].resets)
                by = fmt::format("an empty Environment= in {}", f.layers.layers[i].path);
    }
    r.add(Code::shadowed_drop_in, Severity::warning,
          fmt::format("{} in {} is overridden by {}",
                      ollama::describe_host(f.layers.layers[*managed].value), f.managed_drop_in,
                      by),
          "remove OLLAMA_HOST there, or run `" + expose_hint(f) + "`, which consolidates it");
}

// Lines systemd skips with "Invalid environment assignment, ignoring".
void ignored(Findings& r) {
    const Facts& f = r.f;
    for (const auto& l : f.layers.layers)
        for (const auto& w : l.ignored)
            r.add(Code::ignored_assignment, Severity::warning,
                  fmt::format("{} line {}: systemd ignores `{}` ({}), so it does not set "
                              "OLLAMA_HOST",
                              l.path, w.line_number, w.word, w.why),
                  fmt::format("write it with ASCII quotes, as Environment=\"OLLAMA_HOST=ADDR\", "
                              "or run `ollama-netcfg expose ADDR{}`, which replaces it",
                              f.unit == "ollama.service" ? "" : " --unit " + f.unit));
}

// The value in effect comes from /run: a reboot takes it away.
void runtime_only(Findings& r) {
    const Facts& f = r.f;
    if (!runtime_wins(f))
        return;
    const auto& w = f.layers.layers[*f.layers.winner];
    r.add(Code::runtime_only, Severity::warning,
          fmt::format("{} comes from {}, which is gone after the next reboot (then: {})",
                      ollama::describe_host(w.value), w.path,
                      ollama::describe_host(f.after_reboot)),
          fmt::format("to keep it, `sudo ollama-netcfg expose {}{}` (that also removes the "
                      "runtime setting); to drop it now, `sudo ollama-netcfg reset --runtime`",
                      w.value.value_or(""), f.unit == "ollama.service" ? "" : " --unit " + f.unit));
}

} // namespace netcfg::health::rules
