// Where OLLAMA_HOST is set for a unit, layer by layer, in the order systemd
// applies them, and which layer wins. Pure: the caller reads the files.
//
// A service's process gets, from lowest to highest precedence: the manager's
// environment, then Environment= from the unit file and its drop-ins in
// order (an empty Environment= clears everything before it), then the files
// named by EnvironmentFile=, which override Environment=.
#pragma once

#include "ollama-netcfg/unitfile/environment.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::config {

enum class LayerKind { manager, unit_file, drop_in, environment_file };

std::string_view kind_name(LayerKind kind); // "manager", "unit-file", ...

struct LayerInput {
    LayerKind kind = LayerKind::drop_in;
    std::string path; // empty for the manager environment
    // The file's content (for the manager: the variable's value); nullopt
    // when the file does not exist or the variable is unset.
    std::optional<std::string> content;
    std::string read_error; // why the file could not be read, if it could not
};

struct Layer {
    LayerKind kind = LayerKind::drop_in;
    std::string path;
    bool exists = false;
    std::string read_error;
    bool assigns = false;             // sets the variable
    bool resets = false;              // an empty Environment= that clears earlier settings
    std::optional<std::string> value; // this layer's own (last) value
    // Environment= words that try to set the variable but that systemd
    // ignores (typographic quotes, no '=', a bad name, bad quoting).
    std::vector<unitfile::IgnoredWord> ignored;
};

struct Resolution {
    std::vector<Layer> layers;
    std::optional<std::size_t> winner;      // index of the layer whose value is in effect
    std::optional<std::string> environment; // what Environment= alone yields
    std::optional<std::string> effective;   // what the process gets

    // Indexes of the layers that set the variable, in order.
    std::vector<std::size_t> assigning(LayerKind kind) const;
};

Resolution resolve(const std::vector<LayerInput>& inputs, std::string_view name);

// The same layers with `path` holding `content` instead (nullopt: removed).
std::vector<LayerInput> with_content(std::vector<LayerInput> layers, const std::string& path,
                                     const std::optional<std::string>& content);

// Drop-in paths in systemd's order: by file name; of two files with the same
// name, only the one in the directory listed first in `dirs` counts.
std::vector<std::string> order_drop_ins(const std::vector<std::string>& paths,
                                        const std::vector<std::string>& dirs);

// The unit search path of the system manager, highest priority first.
const std::vector<std::string>& system_unit_dirs();

} // namespace netcfg::config
