// Helpers more than one rule file words its findings with.
#include "ollama-netcfg/ollama/host.hpp"
#include "rules.hpp"

#include <fmt/format.h>

namespace netcfg::health::rules {

// Where Ollama will listen with `v`, as ss will show it (a name: as given).
std::string listen_of(const std::optional<std::string>& v, bool kernel_ipv6) {
    auto h = ollama::read_ollama_host(v.value_or(""));
    if (h.family() == ollama::Family::name)
        return h.listen_address();
    return probe::expected_socket(h.host, h.port, {}, kernel_ipv6).endpoint();
}

bool same(const std::optional<std::string>& a, const std::optional<std::string>& b) {
    return ollama::read_ollama_host(a.value_or(""))
        .same_listener(ollama::read_ollama_host(b.value_or("")));
}

std::string unit_option(const Facts& f) {
    return f.unit == "ollama.service" ? "" : " --unit " + f.unit;
}

std::string expose_hint(const Facts& f) {
    return fmt::format("ollama-netcfg expose {}{}", f.want.listen_address(), unit_option(f));
}

bool runtime_wins(const Facts& f) {
    if (!f.layers.winner)
        return false;
    const auto& w = f.layers.layers[*f.layers.winner];
    return w.kind == config::LayerKind::drop_in && w.path.starts_with("/run/");
}

bool blocked(firewall::Decision d) {
    return d == firewall::Decision::drop || d == firewall::Decision::reject;
}

void not_visible(Findings& r, std::string what, std::string advice) {
    r.add(Code::not_visible, Severity::info, std::move(what), std::move(advice));
}

} // namespace netcfg::health::rules
