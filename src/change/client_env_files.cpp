#include "ollama-netcfg/change/client_env.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"

#include <filesystem>
#include <fmt/format.h>

namespace netcfg::change {
namespace {

// One file: written when its text differs, removed when `text` is empty.
Status put(const char* path, const std::string& text, bool dry_run,
           std::vector<std::string>& done) {
    auto old = read_file(path);
    if (!old)
        return old.error();
    if ((text.empty() && !*old) || (*old && **old == text))
        return Ok{};
    const char* verb = dry_run ? (text.empty() ? "would remove" : "would write")
                               : (text.empty() ? "removed" : "wrote");
    done.push_back(fmt::format("{} {}", verb, path));
    if (dry_run)
        return Ok{};
    if (text.empty())
        return remove_file_durable(path);
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    return write_file_atomic(path, text, 0644);
}

} // namespace

Result<std::vector<std::string>> set_client_env(const std::string& unit, const std::string& value,
                                                bool dry_run) {
    std::vector<std::string> done;
    const bool on = !value.empty();
    if (auto st =
            put(client_profile_file, on ? client_profile_text(unit, value) : "", dry_run, done);
        !st)
        return st.error();
    if (auto st = put(client_environment_file, on ? client_environment_text(unit, value) : "",
                      dry_run, done);
        !st)
        return st.error();
    if (!done.empty())
        done.push_back(on ? fmt::format("new login shells and user sessions get "
                                        "OLLAMA_HOST={} for the local ollama command",
                                        value)
                          : std::string("new login shells and user sessions use the ollama "
                                        "command's default (127.0.0.1:11434) again"));
    return done;
}

std::optional<std::string> read_client_env() {
    auto text = read_file(client_profile_file);
    if (!text || !*text)
        return std::nullopt;
    return client_env_value(**text).value_or("");
}

} // namespace netcfg::change
