#include "ollama-netcfg/unitfile/names.hpp"

#include <algorithm>
#include <array>
#include <fmt/format.h>

namespace netcfg::unitfile {
namespace {

constexpr std::array<std::string_view, 11> unit_suffixes = {
    ".service", ".socket", ".target", ".mount", ".timer",    ".path",
    ".slice",   ".scope",  ".device", ".swap",  ".automount"};

bool unit_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == ':' ||
           c == '-' || c == '_' || c == '.' || c == '\\' || c == '@';
}

} // namespace

Result<std::string> normalise_unit_name(std::string_view name) {
    if (name.empty())
        return usage_error("unit name is empty", "e.g. --unit ollama.service");
    if (name.find('/') != std::string_view::npos || name.find("..") != std::string_view::npos)
        return usage_error(fmt::format("'{}' is not a unit name", name),
                           "give a name such as ollama or ollama.service, not a path");
    if (!std::all_of(name.begin(), name.end(), unit_char) || name.front() == '.')
        return usage_error(fmt::format("'{}' is not a valid unit name", name),
                           "e.g. --unit ollama.service");
    std::string full(name);
    bool has_suffix = std::any_of(unit_suffixes.begin(), unit_suffixes.end(),
                                  [&](auto s) { return name.ends_with(s); });
    if (!has_suffix)
        full += ".service";
    if (!full.ends_with(".service"))
        return usage_error(fmt::format("'{}' is not a service unit", name),
                           "ollama-netcfg manages services: e.g. --unit ollama.service");
    if (full.size() > 255)
        return usage_error("unit name is longer than 255 characters", "e.g. --unit ollama.service");
    return full;
}

Status check_drop_in_name(std::string_view name) {
    if (name.find('/') != std::string_view::npos || name.starts_with("."))
        return usage_error(fmt::format("drop-in '{}' must be a plain file name", name),
                           "e.g. --drop-in override.conf");
    if (!name.ends_with(".conf") || name.size() == 5)
        return usage_error(fmt::format("drop-in '{}' must end in .conf", name),
                           "systemd reads only *.conf files from a unit's .d/ directory");
    bool ok = std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '_' || c == '.' || c == '@' || c == '+';
    });
    if (!ok)
        return usage_error(fmt::format("drop-in '{}' contains characters outside "
                                       "[A-Za-z0-9._@+-]",
                                       name),
                           "e.g. --drop-in override.conf");
    return Ok{};
}

} // namespace netcfg::unitfile
