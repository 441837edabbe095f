// Files the unit tests read whole: fixtures of real tools' output and the
// docs and sources they hold the code to.
#pragma once

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

inline std::string read_whole(const std::filesystem::path& p) {
    std::ifstream in(p);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// `relative` to the source tree (NETCFG_SOURCE_DIR): "tests/fixtures/ufw/status".
inline std::string source_file(const std::string& relative) {
    return read_whole(std::filesystem::path(NETCFG_SOURCE_DIR) / relative);
}
