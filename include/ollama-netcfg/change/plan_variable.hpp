// One variable in the managed drop-in: the one planner every setting this
// tool manages goes through (OLLAMA_HOST by plan_host, OLLAMA_ORIGINS by
// plan_origins, and the ones to come). Pure: layers in, file edits out.
#pragma once

#include "ollama-netcfg/change/apply.hpp"
#include "ollama-netcfg/config/layers.hpp"
#include "ollama-netcfg/util/result.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::change {

struct VariableChange {
    std::string_view variable;
    std::string managed; // the managed drop-in's path
    // The managed drop-in's edit (the layer as read; no content when the
    // file does not exist). With several candidates, the smallest first:
    // the first one the result holds with is taken.
    std::function<std::vector<FileEdit>(const config::LayerInput& managed)> set;
    // The edit of another layer, when it is one this change takes the
    // variable out of.
    std::function<std::optional<FileEdit>(const config::LayerInput& layer)> move;
    // Take it out of every such layer (one setting left, in the managed
    // drop-in), or only when the managed drop-in alone does not hold.
    bool always_move = false;
    // Whether the variable, resolved with the edits, is what was wanted.
    std::function<bool(const config::Resolution& after)> holds;
    // The refusal when it would not be: which layer still wins.
    std::function<Error(const config::Resolution& after)> refuse;
};

struct VariablePlan {
    std::vector<FileEdit>
        edits; // in the layers' order, the managed drop-in's first when moved later
    config::Resolution before, after;
};

Result<VariablePlan> plan_variable(const std::vector<config::LayerInput>& layers,
                                   const VariableChange& change);

// `layers` with the edits' new contents.
std::vector<config::LayerInput> with_edits(std::vector<config::LayerInput> layers,
                                           const std::vector<FileEdit>& edits);

} // namespace netcfg::change
