// Planning OLLAMA_HOST in the managed drop-in (`expose`, and `expose
// --root` inside an image): src/change/plan_host.cpp.
#pragma once

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/ollama/host.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::change {

// The drop-in `--runtime` writes unless --drop-in names another: in /run it
// must sort after the drop-ins in /etc to win (a file of the same name in
// /etc would mask it).
inline constexpr std::string_view runtime_drop_in = "zz-ollama-netcfg-runtime.conf";

// Whether `path` is the drop-in `--runtime` writes by default for `unit`.
bool is_runtime_drop_in(const std::string& path, const std::string& unit);

// Where the change goes: the unit, its managed drop-in (a full path), and
// whether it is the runtime one (then nothing else is edited).
struct HostScope {
    std::string unit;
    std::string drop_in;
    bool runtime = false;
};

struct HostPlan {
    std::vector<FileEdit> edits;
    Target target;
    Target previous;
    std::optional<std::string> old_value, new_value; // OLLAMA_HOST in effect before, after
    std::vector<std::string> notes;                  // e.g. ignored words removed
};

// `layers` are the unit's layers read for OLLAMA_HOST.
Result<HostPlan> plan_host(const std::vector<config::LayerInput>& layers, const HostScope& scope,
                           const std::string& address, const ollama::HostSetting& want);

// --root: the managed drop-in alone, ADDR set in it (or kept).
FileEdit managed_edit(const config::LayerInput& layer, const std::string& unit,
                      const std::string& address, const ollama::HostSetting& want,
                      std::vector<std::string>& notes);

} // namespace netcfg::change
