#include "ollama-netcfg/change/record.hpp"

#include "ollama-netcfg/util/atomic_file.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace netcfg::change {

Result<nlohmann::json> read_record(const char* path) {
    auto content = read_file(path);
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

Status write_record(const char* path, const nlohmann::json& j) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (j.empty())
        return remove_file_durable(path);
    return write_file_atomic(path, j.dump(2) + "\n", 0644);
}

Result<std::vector<std::string>> recorded_list(const char* path, const std::string& unit,
                                               const std::string& hint) {
    auto content = read_file(path);
    if (!content)
        return content.error();
    if (!*content)
        return std::vector<std::string>{};
    auto j = nlohmann::json::parse(**content, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return failure(fmt::format("{} is not a JSON object of units", path), hint);
    std::vector<std::string> out;
    if (j.contains(unit) && j[unit].is_array())
        for (const auto& e : j[unit])
            if (e.is_string())
                out.push_back(e.get<std::string>());
    return out;
}

Status record_list(const char* path, const std::string& unit,
                   const std::vector<std::string>& list) {
    auto j = read_record(path);
    if (!j)
        return j.error();
    if (list.empty())
        j->erase(unit);
    else
        (*j)[unit] = list;
    return write_record(path, *j);
}

} // namespace netcfg::change
