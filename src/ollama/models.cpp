#include "ollama-netcfg/ollama/models.hpp"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>

namespace netcfg::ollama {
namespace {

// registry.ollama.ai/library/NAME:TAG, lower case, with the defaults filled in.
std::string full_name(std::string_view name) {
    std::string out(name);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const auto slash = out.rfind('/');
    if (out.find(':', slash == std::string::npos ? 0 : slash) == std::string::npos)
        out += ":latest";
    const auto parts = std::count(out.begin(), out.end(), '/');
    if (parts == 0)
        out = "library/" + out;
    if (parts <= 1)
        out = "registry.ollama.ai/" + out;
    return out;
}

} // namespace

bool same_model(std::string_view wanted, std::string_view listed) {
    return !wanted.empty() && full_name(wanted) == full_name(listed);
}

std::optional<std::vector<std::string>> parse_model_list(const std::string& body) {
    auto j = nlohmann::json::parse(body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("models") || !j["models"].is_array())
        return std::nullopt;
    std::vector<std::string> out;
    for (const auto& m : j["models"]) {
        if (!m.is_object())
            continue;
        const auto* key = m.contains("name") ? "name" : "model";
        if (m.contains(key) && m[key].is_string())
            out.push_back(m[key].get<std::string>());
    }
    return out;
}

std::vector<std::string> missing_models(const std::vector<std::string>& wanted,
                                        const std::vector<std::string>& listed) {
    std::vector<std::string> out;
    for (const auto& w : wanted)
        if (std::none_of(listed.begin(), listed.end(),
                         [&](const std::string& l) { return same_model(w, l); }))
            out.push_back(w);
    return out;
}

} // namespace netcfg::ollama
