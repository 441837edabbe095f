// Text helpers that read values as Ollama's Go code does (strings.Trim and
// the white space envconfig takes off), shared by host.cpp and origins.cpp.
#pragma once

#include <string_view>

namespace netcfg::ollama {

// unicode.IsSpace for ASCII, which envconfig.Var trims.
inline constexpr std::string_view space_chars = " \t\n\r\v\f";

// Go's strings.Trim: every leading and trailing byte found in `chars`.
inline std::string_view trim(std::string_view s, std::string_view chars) {
    auto first = s.find_first_not_of(chars);
    if (first == std::string_view::npos)
        return {};
    return s.substr(first, s.find_last_not_of(chars) - first + 1);
}

} // namespace netcfg::ollama
