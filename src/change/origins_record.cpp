#include "ollama-netcfg/change/origins.hpp"
#include "ollama-netcfg/change/record.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace netcfg::change {

Result<std::vector<std::string>> recorded_origins(const std::string& unit) {
    return recorded_list(origins_record, unit,
                         "remove the file; `origins remove` still takes out any entry");
}

namespace {

// The preset map goes when no unit has one left.
Status write_origins(nlohmann::json& j) {
    if (j.contains("presets") && j["presets"].is_object() && j["presets"].empty())
        j.erase("presets");
    return write_record(origins_record, j);
}

} // namespace

Status record_origins(const std::string& unit, const std::vector<std::string>& added) {
    auto j = read_record(origins_record);
    if (!j)
        return j.error();
    if (added.empty())
        j->erase(unit);
    else
        (*j)[unit] = added;
    // A preset's entry that is no longer recorded has no preset either.
    if (j->contains("presets") && (*j)["presets"].is_object() && (*j)["presets"].contains(unit)) {
        auto& mine = (*j)["presets"][unit];
        for (auto it = mine.begin(); it != mine.end();)
            it = std::find(added.begin(), added.end(), it.key()) == added.end() ? mine.erase(it)
                                                                                : std::next(it);
        if (mine.empty())
            (*j)["presets"].erase(unit);
    }
    return write_origins(*j);
}

Result<std::map<std::string, std::string>> recorded_presets(const std::string& unit) {
    auto j = read_record(origins_record);
    if (!j)
        return j.error();
    std::map<std::string, std::string> out;
    if (j->contains("presets") && (*j)["presets"].is_object() && (*j)["presets"].contains(unit) &&
        (*j)["presets"][unit].is_object())
        for (const auto& [entry, preset] : (*j)["presets"][unit].items())
            if (preset.is_string())
                out[entry] = preset.get<std::string>();
    return out;
}

Status record_presets(const std::string& unit, const std::map<std::string, std::string>& presets) {
    auto j = read_record(origins_record);
    if (!j)
        return j.error();
    if (!j->contains("presets") || !(*j)["presets"].is_object())
        (*j)["presets"] = nlohmann::json::object();
    if (presets.empty())
        (*j)["presets"].erase(unit);
    else
        (*j)["presets"][unit] = presets;
    return write_origins(*j);
}

} // namespace netcfg::change
