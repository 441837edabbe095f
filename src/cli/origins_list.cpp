// `origins list`: the entries in effect, where they come from, which this
// tool added (and from which preset), and the built-in ones.
#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/change/origins.hpp"
#include "ollama-netcfg/cli/origins.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/ollama/origins.hpp"
#include "ollama-netcfg/probe/process.hpp"
#include "ollama-netcfg/report/format.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <nlohmann/json.hpp>

namespace netcfg::cli {
namespace {

std::string origins_source(const config::Resolution& r) {
    if (!r.winner)
        return "";
    const auto& w = r.layers[*r.winner];
    return w.path.empty() ? std::string("the manager environment") : w.path;
}

} // namespace

int list_origins(const OriginsListOptions& o, const GlobalOptions& g) {
    auto fail = [&](const Error& e) {
        if (g.json)
            fmt::print("{}\n", nlohmann::json{{"format", report::json_format},
                                              {"command", "origins list"},
                                              {"ok", false},
                                              {"error", {{"message", e.message}, {"hint", e.hint}}}}
                                   .dump(2));
        print_error(e);
        return static_cast<int>(e.status);
    };
    ChangeArgs args;
    args.unit = o.unit;
    args.dry_run = true;
    auto t = read_change_args(args);
    if (!t)
        return fail(t.error());
    auto s = open_session(*t, "origins list", true);
    if (!s)
        return fail(s.error());
    const auto r = config::resolve(s->origin_layers, ollama::origins_variable);
    const auto entries = ollama::split_origins(r.effective.value_or(""));
    auto recorded = change::recorded_origins(t->unit);
    const auto added = recorded ? *recorded : std::vector<std::string>{};
    auto recorded_presets = change::recorded_presets(t->unit);
    const auto presets =
        recorded_presets ? *recorded_presets : std::map<std::string, std::string>{};
    auto preset_of = [&](const std::string& e) -> std::optional<std::string> {
        auto p = presets.find(e);
        return p == presets.end() ? std::nullopt : std::optional<std::string>(p->second);
    };
    std::optional<std::string> running;
    std::string running_error;
    if (s->state.main_pid != 0) {
        auto v = probe::process_environment_value(static_cast<pid_t>(s->state.main_pid),
                                                  ollama::origins_variable);
        if (v)
            running = *v;
        else
            running_error = v.error().message;
    }
    const auto panic = ollama::origins_panic(r.effective.value_or(""));
    const bool restart_needed =
        s->state.main_pid != 0 && running_error.empty() && running != r.effective;
    if (g.json) {
        auto list = nlohmann::json::array();
        for (const auto& e : entries)
            list.push_back(
                {{"origin", e},
                 {"added_by_tool", std::find(added.begin(), added.end(), e) != added.end()},
                 {"preset",
                  preset_of(e) ? nlohmann::json(*preset_of(e)) : nlohmann::json(nullptr)}});
        nlohmann::json j{
            {"format", report::json_format},
            {"command", "origins list"},
            {"ok", true},
            {"unit", t->unit},
            {"value", r.effective ? nlohmann::json(*r.effective) : nullptr},
            {"source", r.winner ? nlohmann::json(origins_source(r)) : nullptr},
            {"configured", list},
            {"builtin", ollama::builtin_origins()},
            {"process_value", running ? nlohmann::json(*running) : nullptr},
            {"restart_needed", restart_needed},
            {"panic", panic ? nlohmann::json{{"entry", panic->entry}, {"message", panic->message}}
                            : nlohmann::json(nullptr)}};
        fmt::print("{}\n", j.dump(2));
        return 0;
    }
    if (entries.empty())
        fmt::print("{}: no OLLAMA_ORIGINS; only Ollama's built-in origins are let through\n",
                   t->unit);
    else
        fmt::print("{}: OLLAMA_ORIGINS=\"{}\" from {}\n", t->unit, r.effective.value_or(""),
                   origins_source(r));
    for (const auto& e : entries)
        fmt::print("  {:<40} {}\n", e.empty() ? "(empty entry)" : e,
                   std::find(added.begin(), added.end(), e) == added.end() ? "set by hand"
                   : preset_of(e) ? fmt::format("added by `ollama-netcfg origins add --preset {}`",
                                                *preset_of(e))
                                  : std::string("added by `ollama-netcfg origins add`"));
    if (panic)
        fmt::print("  BAD: Ollama refuses to start with the entry \"{}\": {}\n", panic->entry,
                   panic->message);
    if (restart_needed)
        fmt::print("  note: the running process (PID {}) has {}; it gets this list at its next "
                   "restart\n",
                   s->state.main_pid,
                   running ? fmt::format("OLLAMA_ORIGINS=\"{}\"", *running)
                           : std::string("no OLLAMA_ORIGINS"));
    fmt::print("  built in (always let through): {}\n", fmt::join(ollama::builtin_origins(), " "));
    return 0;
}

} // namespace netcfg::cli
