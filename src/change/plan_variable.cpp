#include "ollama-netcfg/change/plan_variable.hpp"

namespace netcfg::change {

Target target_of(const config::Resolution& layers) {
    Target t;
    t.listen = ollama::read_ollama_host(layers.effective.value_or(""));
    t.environment = ollama::read_ollama_host(layers.environment.value_or(""));
    return t;
}

std::vector<config::LayerInput> with_edits(std::vector<config::LayerInput> layers,
                                           const std::vector<FileEdit>& edits) {
    for (const auto& e : edits)
        layers = config::with_content(std::move(layers), e.path.string(), e.new_content);
    return layers;
}

Result<VariablePlan> plan_variable(const std::vector<config::LayerInput>& layers,
                                   const VariableChange& c) {
    VariablePlan plan;
    plan.before = config::resolve(layers, c.variable);
    const config::LayerInput* own = nullptr;
    for (const auto& l : layers)
        if (l.kind == config::LayerKind::drop_in && l.path == c.managed)
            own = &l;
    const config::LayerInput none{config::LayerKind::drop_in, c.managed, std::nullopt, {}};
    auto resolved = [&](const std::vector<FileEdit>& edits) {
        return config::resolve(with_edits(layers, edits), c.variable);
    };
    auto moved = [&](std::vector<FileEdit>& edits, const config::LayerInput& l) {
        if (&l != own)
            if (auto e = c.move(l))
                edits.push_back(std::move(*e));
    };

    std::vector<FileEdit> edits;
    if (c.always_move) {
        if (!own)
            edits = {c.set(none).front()};
        for (const auto& l : layers)
            if (&l == own)
                edits.push_back(c.set(l).front());
            else
                moved(edits, l);
    } else {
        for (auto& candidate : c.set(own ? *own : none)) {
            edits = {std::move(candidate)};
            if (c.holds(resolved(edits)))
                break;
        }
        if (!c.holds(resolved(edits)))
            for (const auto& l : layers)
                moved(edits, l);
    }
    plan.after = resolved(edits);
    if (!c.holds(plan.after))
        return c.refuse(plan.after);
    plan.edits = std::move(edits);
    return plan;
}

} // namespace netcfg::change
