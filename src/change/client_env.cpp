#include "ollama-netcfg/change/client_env.hpp"

#include <fmt/format.h>

namespace netcfg::change {

std::string client_profile_text(const std::string& unit, const std::string& value) {
    return fmt::format("# Written by `ollama-netcfg expose --client-env` for {}: the ollama\n"
                       "# command on this host finds its server here. `ollama-netcfg reset\n"
                       "# --client-env` removes this file.\n"
                       "export OLLAMA_HOST={}\n",
                       unit, value);
}

std::string client_environment_text(const std::string& unit, const std::string& value) {
    return fmt::format("# Written by `ollama-netcfg expose --client-env` for {} (systemd user\n"
                       "# sessions); `ollama-netcfg reset --client-env` removes this file.\n"
                       "OLLAMA_HOST={}\n",
                       unit, value);
}

std::optional<std::string> client_env_value(std::string_view text) {
    std::optional<std::string> value;
    while (!text.empty()) {
        auto nl = text.find('\n');
        auto line = text.substr(0, nl);
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
        if (line.starts_with("export "))
            line.remove_prefix(7);
        if (line.starts_with("OLLAMA_HOST="))
            value = std::string(line.substr(12));
    }
    return value;
}

std::string client_env_wanted(std::string_view client_export) {
    constexpr std::string_view prefix = "export OLLAMA_HOST=";
    return client_export.starts_with(prefix) ? std::string(client_export.substr(prefix.size()))
                                             : std::string();
}

} // namespace netcfg::change
