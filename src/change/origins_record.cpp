#include "ollama-netcfg/change/origins.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace netcfg::change {

Result<std::vector<std::string>> recorded_origins(const std::string& unit) {
    auto content = read_file(origins_record);
    if (!content)
        return content.error();
    if (!*content)
        return std::vector<std::string>{};
    auto j = nlohmann::json::parse(**content, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return failure(fmt::format("{} is not a JSON object of units", origins_record),
                       "remove the file; `origins remove` still takes out any entry");
    std::vector<std::string> out;
    if (j.contains(unit) && j[unit].is_array())
        for (const auto& e : j[unit])
            if (e.is_string())
                out.push_back(e.get<std::string>());
    return out;
}

namespace {

Result<nlohmann::json> read_record() {
    auto content = read_file(origins_record);
    if (!content)
        return content.error();
    nlohmann::json j = nlohmann::json::object();
    if (*content) {
        auto old = nlohmann::json::parse(**content, nullptr, false);
        if (!old.is_discarded() && old.is_object())
            j = std::move(old);
    }
    return j;
}

Status write_record(nlohmann::json& j) {
    if (j.contains("presets") && j["presets"].is_object() && j["presets"].empty())
        j.erase("presets");
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(origins_record).parent_path(), ec);
    if (j.empty())
        return remove_file_durable(origins_record);
    return write_file_atomic(origins_record, j.dump(2) + "\n", 0644);
}

} // namespace

Status record_origins(const std::string& unit, const std::vector<std::string>& added) {
    auto j = read_record();
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
    return write_record(*j);
}

Result<std::map<std::string, std::string>> recorded_presets(const std::string& unit) {
    auto j = read_record();
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
    auto j = read_record();
    if (!j)
        return j.error();
    if (!j->contains("presets") || !(*j)["presets"].is_object())
        (*j)["presets"] = nlohmann::json::object();
    if (presets.empty())
        (*j)["presets"].erase(unit);
    else
        (*j)["presets"][unit] = presets;
    return write_record(*j);
}

} // namespace netcfg::change
