// Reads the files behind a unit's environment, for config::resolve().
#pragma once

#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/systemd/manager.hpp"

#include <string>
#include <vector>

namespace netcfg::config {

// The layers of `state` as they are on disk now: the manager environment,
// the main unit file, every drop-in systemd loaded or would load at the next
// reload (and `managed_drop_in`, existing or not), the EnvironmentFile= files.
std::vector<LayerInput> read_layers(const systemd::UnitState& state,
                                    const std::vector<std::string>& manager_env,
                                    const std::string& managed_drop_in, std::string_view name);

// The same files, for another variable: only the manager layer's value
// differs (the files are variable-agnostic), so nothing is read again.
std::vector<LayerInput> for_variable(std::vector<LayerInput> layers,
                                     const std::vector<std::string>& manager_env,
                                     std::string_view name);

} // namespace netcfg::config
