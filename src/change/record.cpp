#include "ollama-netcfg/change/record.hpp"

#include "ollama-netcfg/util/atomic_file.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <optional>

namespace netcfg::change {

namespace {

// The file's object: empty when the file is missing, nullopt when it holds
// anything but a JSON object.
Result<std::optional<nlohmann::json>> parse_record(const char* path) {
    auto content = read_file(path);
    if (!content)
        return content.error();
    if (!*content)
        return std::optional<nlohmann::json>(nlohmann::json::object());
    auto j = nlohmann::json::parse(**content, nullptr, false);
    if (j.is_discarded() || !j.is_object())
        return std::optional<nlohmann::json>();
    return std::optional<nlohmann::json>(std::move(j));
}

} // namespace

Result<nlohmann::json> read_record(const char* path) {
    auto j = parse_record(path);
    if (!j)
        return j.error();
    return j->value_or(nlohmann::json::object());
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
    auto parsed = parse_record(path);
    if (!parsed)
        return parsed.error();
    if (!*parsed)
        return failure(fmt::format("{} is not a JSON object of units", path), hint);
    const auto& j = **parsed;
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
