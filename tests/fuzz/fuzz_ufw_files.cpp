// ufw's files as the fast path reads them (user.rules, user6.rules, then
// /etc/default/ufw), NUL-separated. Properties: each tuple read gives one
// row of the status text, and the text is judged without a crash.
#include "fuzz.hpp"
#include "ollama-netcfg/firewall/ufw_files.hpp"
#include "ollama-netcfg/firewall/verdict.hpp"

#include <algorithm>

using namespace netcfg::firewall;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    auto p = fuzz::parts(data, size, 3);
    const auto defaults = read_ufw_defaults(p[2], "");
    auto text = ufw_status_from_files(p[0], p[1], defaults);
    if (!text)
        return 0;
    const auto v4 = read_ufw_tuples(p[0], false), v6 = read_ufw_tuples(p[1], true);
    fuzz::require(v4 && v6, "a status text only when both files were read");
    const auto rows = static_cast<std::size_t>(std::count(text->begin(), text->end(), '\n'));
    const std::size_t tuples = v4->size() + v6->size();
    // Status and Default; with rules, a blank line, the table's two header
    // lines and at most two blank lines between the blocks.
    fuzz::require(tuples == 0 ? rows == 2 : rows >= tuples + 5 && rows <= tuples + 7,
                  "one row per tuple");
    for (int family : {4, 6}) {
        Packet packet{family, 11434, std::nullopt, std::nullopt, std::nullopt};
        (void)evaluate_ufw(*text, packet);
        packet.saddr = family == 4 ? "192.0.2.11" : "2001:db8::11";
        packet.iif = "docker0";
        (void)evaluate_ufw(*text, packet);
    }
    return 0;
}
