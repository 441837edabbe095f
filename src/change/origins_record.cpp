#include "ollama-netcfg/change/origins.hpp"

#include "ollama-netcfg/util/atomic_file.hpp"

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

Status record_origins(const std::string& unit, const std::vector<std::string>& added) {
    auto content = read_file(origins_record);
    if (!content)
        return content.error();
    nlohmann::json j = nlohmann::json::object();
    if (*content) {
        auto old = nlohmann::json::parse(**content, nullptr, false);
        if (!old.is_discarded() && old.is_object())
            j = std::move(old);
    }
    if (added.empty())
        j.erase(unit);
    else
        j[unit] = added;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(origins_record).parent_path(), ec);
    if (j.empty())
        return remove_file_durable(origins_record);
    return write_file_atomic(origins_record, j.dump(2) + "\n", 0644);
}

} // namespace netcfg::change
