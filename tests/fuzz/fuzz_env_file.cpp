// EnvironmentFile= files (parse_env_file) and the lines the tool writes.
// Input: FILE \0 VALUE. Property: env_file_line() reads back as VALUE.
#include "fuzz.hpp"
#include "ollama-netcfg/unitfile/env_file.hpp"

using namespace netcfg::unitfile;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto p = fuzz::parts(data, size, 2);
    (void)parse_env_file(p[0]);
    std::string value;
    for (char c : p[1])
        if (c != '\n' && c != '\r' && c != '\0')
            value += c;
    // parse_env_file trims unquoted blanks only; inside quotes all stays.
    fuzz::require(env_file_value(env_file_line("HTTPS_PROXY", value), "HTTPS_PROXY") == value,
                  "env_file_line reads back");
    return 0;
}
