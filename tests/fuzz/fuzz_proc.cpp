// What /proc hands out: a process's environment block, its status and
// cgroup files, and /proc/net/tcp{,6}. The first byte picks the reader.
// Property: the environment is read as Go reads its own (a name is what
// precedes the first '=', the first entry with that name counts), checked
// against a reading of the block written here the long way.
#include "fuzz.hpp"
#include "ollama-netcfg/probe/proc_text.hpp"

#include <map>
#include <netinet/in.h>

using namespace netcfg::probe;

namespace {

std::map<std::string, std::string> go_environment(std::string_view block) {
    std::map<std::string, std::string> env;
    std::size_t start = 0;
    while (start <= block.size()) {
        auto end = block.find('\0', start);
        if (end == std::string_view::npos)
            end = block.size();
        auto entry = block.substr(start, end - start);
        for (std::size_t j = 0; j < entry.size(); ++j)
            if (entry[j] == '=') {
                env.emplace(std::string(entry.substr(0, j)), std::string(entry.substr(j + 1)));
                break;
            }
        start = end + 1;
    }
    return env;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0)
        return 0;
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    switch (data[0] % 4) {
    case 0: {
        const auto env = go_environment(text);
        std::vector<std::string> keys{"OLLAMA_HOST", "HTTPS_PROXY", ""};
        for (const auto& [k, v] : env)
            if (keys.size() < 8)
                keys.push_back(k);
        std::vector<std::string_view> names(keys.begin(), keys.end());
        const auto values = environ_values(text, names);
        for (std::size_t i = 0; i < names.size(); ++i) {
            const auto it = env.find(keys[i]);
            fuzz::require(it == env.end() ? !values[i] : values[i] == it->second,
                          "a name's value is the first entry's, as Go reads it");
        }
        break;
    }
    case 1:
        (void)status_uid_parent(text);
        (void)cgroup_path(text);
        break;
    default:
        (void)parse_proc_net_tcp(text, data[0] % 4 == 2 ? AF_INET : AF_INET6, 0);
        (void)parse_proc_net_tcp(text, data[0] % 4 == 2 ? AF_INET : AF_INET6, 11434);
    }
    return 0;
}
