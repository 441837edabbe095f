#include "ollama-netcfg/config/locate.hpp"

#include "ollama-netcfg/util/atomic_file.hpp"

#include <algorithm>
#include <filesystem>
#include <system_error>

namespace netcfg::config {
namespace {

namespace fs = std::filesystem;

LayerInput read_layer(LayerKind kind, const std::string& path) {
    LayerInput in{kind, path, std::nullopt, {}};
    auto content = read_file(path);
    if (content)
        in.content = *content;
    else
        in.read_error = content.error().message;
    return in;
}

// Drop-ins on disk: <dir>/<unit>.d/*.conf in every unit directory.
std::vector<std::string> drop_ins_on_disk(const std::string& unit) {
    std::vector<std::string> out;
    for (const auto& dir : system_unit_dirs()) {
        std::error_code ec;
        for (const auto& e : fs::directory_iterator(fs::path(dir) / (unit + ".d"), ec))
            if (e.path().extension() == ".conf")
                out.push_back(e.path().string());
    }
    return out;
}

} // namespace

std::vector<LayerInput> read_layers(const systemd::UnitState& state,
                                    const std::vector<std::string>& manager_env,
                                    const std::string& managed_drop_in, std::string_view name) {
    std::vector<LayerInput> layers;
    layers.push_back(
        {LayerKind::manager, "", systemd::environment_list_value(manager_env, name), {}});
    if (!state.fragment_path.empty())
        layers.push_back(read_layer(LayerKind::unit_file, state.fragment_path));

    auto paths = state.drop_in_paths;
    for (auto& p : drop_ins_on_disk(state.name))
        paths.push_back(std::move(p));
    paths.push_back(managed_drop_in);
    for (const auto& p : order_drop_ins(paths, system_unit_dirs()))
        layers.push_back(read_layer(LayerKind::drop_in, p));

    for (const auto& f : state.environment_files)
        layers.push_back(read_layer(LayerKind::environment_file, f.path));
    return layers;
}

std::vector<LayerInput> for_variable(std::vector<LayerInput> layers,
                                     const std::vector<std::string>& manager_env,
                                     std::string_view name) {
    for (auto& l : layers)
        if (l.kind == LayerKind::manager)
            l.content = systemd::environment_list_value(manager_env, name);
    return layers;
}

} // namespace netcfg::config
