#include "ollama-netcfg/config/layers.hpp"

#include "ollama-netcfg/unitfile/env_file.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"

#include <algorithm>
#include <filesystem>
#include <map>

namespace netcfg::config {
namespace {

namespace fs = std::filesystem;

std::size_t dir_rank(const std::string& path, const std::vector<std::string>& dirs) {
    // A drop-in lives in <dir>/<unit>.d/<name>: its search directory is two up.
    auto dir = fs::path(path).parent_path().parent_path().string();
    auto it = std::find(dirs.begin(), dirs.end(), dir);
    return static_cast<std::size_t>(it - dirs.begin());
}

} // namespace

std::string_view kind_name(LayerKind kind) {
    switch (kind) {
    case LayerKind::manager:
        return "manager";
    case LayerKind::unit_file:
        return "unit-file";
    case LayerKind::drop_in:
        return "drop-in";
    case LayerKind::environment_file:
        return "environment-file";
    }
    return "?";
}

std::vector<std::size_t> Resolution::assigning(LayerKind kind) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < layers.size(); ++i)
        if (layers[i].kind == kind && layers[i].assigns)
            out.push_back(i);
    return out;
}

Resolution resolve(const std::vector<LayerInput>& inputs, std::string_view name) {
    Resolution r;
    std::optional<std::size_t> manager_layer, environment_source, file_source;
    std::optional<std::string> manager_value, file_value;
    for (const auto& in : inputs) {
        Layer l{in.kind, in.path, in.content.has_value(), in.read_error, false, false, {}, {}};
        const std::size_t index = r.layers.size();
        if (in.content) {
            switch (in.kind) {
            case LayerKind::manager:
                l.assigns = true;
                l.value = *in.content;
                manager_layer = index;
                manager_value = l.value;
                break;
            case LayerKind::unit_file:
            case LayerKind::drop_in: {
                auto e = unitfile::environment_effect(*in.content, name, r.environment);
                l.ignored = unitfile::ignored_assignments(*in.content, name);
                l.assigns = e.assigns;
                l.resets = e.resets;
                if (e.assigns)
                    l.value = unitfile::effective_value(*in.content, name);
                if (e.decided_here)
                    environment_source = e.value ? std::optional(index) : std::nullopt;
                r.environment = e.value;
                break;
            }
            case LayerKind::environment_file:
                l.value = unitfile::env_file_value(*in.content, name);
                l.assigns = l.value.has_value();
                if (l.assigns) {
                    file_source = index;
                    file_value = l.value;
                }
                break;
            }
        }
        r.layers.push_back(std::move(l));
    }
    if (file_source) {
        r.winner = file_source;
        r.effective = file_value;
    } else if (r.environment) {
        r.winner = environment_source;
        r.effective = r.environment;
    } else if (manager_layer) {
        r.winner = manager_layer;
        r.effective = manager_value;
    }
    return r;
}

std::vector<std::string> order_drop_ins(const std::vector<std::string>& paths,
                                        const std::vector<std::string>& dirs) {
    std::map<std::string, std::string> by_name; // file name -> the path that counts
    for (const auto& p : paths) {
        auto name = fs::path(p).filename().string();
        auto it = by_name.find(name);
        if (it == by_name.end() || dir_rank(p, dirs) < dir_rank(it->second, dirs))
            by_name[name] = p;
    }
    std::vector<std::string> out;
    for (auto& [name, path] : by_name)
        out.push_back(path);
    return out;
}

const std::vector<std::string>& system_unit_dirs() {
    static const std::vector<std::string> dirs{
        "/etc/systemd/system.control", "/run/systemd/system.control",
        "/run/systemd/transient",      "/run/systemd/generator.early",
        "/etc/systemd/system",         "/etc/systemd/system.attached",
        "/run/systemd/system",         "/run/systemd/system.attached",
        "/run/systemd/generator",      "/usr/local/lib/systemd/system",
        "/usr/lib/systemd/system",     "/lib/systemd/system",
        "/run/systemd/generator.late",
    };
    return dirs;
}

std::vector<LayerInput> with_content(std::vector<LayerInput> layers, const std::string& path,
                                     const std::optional<std::string>& content) {
    for (auto& l : layers)
        if (l.path == path && l.kind != LayerKind::manager) {
            l.content = content;
            l.read_error.clear();
        }
    return layers;
}

} // namespace netcfg::config
