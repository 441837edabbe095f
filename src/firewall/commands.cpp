// The decision names and the commands that open a port, per firewall.
#include "ollama-netcfg/firewall/verdict.hpp"

#include <fmt/format.h>

namespace netcfg::firewall {

std::string_view decision_name(Decision d) {
    switch (d) {
    case Decision::accept:
        return "accepted";
    case Decision::drop:
        return "dropped";
    case Decision::reject:
        return "rejected";
    case Decision::undecided:
        return "undecided";
    case Decision::partial:
        return "partial";
    }
    return "undecided";
}

std::vector<std::string> ufw_allow(std::uint16_t port, const std::string& from) {
    return {"ufw",     "allow",
            "proto",   "tcp",
            "from",    from.empty() ? "any" : from,
            "to",      "any",
            "port",    std::to_string(port),
            "comment", "ollama-netcfg"};
}

std::vector<std::string> firewalld_allow(std::uint16_t port, const std::string& from) {
    if (from.empty())
        return {"firewall-cmd", "--permanent", fmt::format("--add-port={}/tcp", port)};
    return {"firewall-cmd", "--permanent",
            fmt::format("--add-rich-rule=rule family=\"{}\" source address=\"{}\" port "
                        "port=\"{}\" protocol=\"tcp\" accept",
                        from.find(':') != std::string::npos ? "ipv6" : "ipv4", from, port)};
}

std::string nft_allow(const std::string& nft_chain, std::uint16_t port, const std::string& from) {
    std::string src;
    if (!from.empty())
        src = fmt::format("{} saddr {} ", from.find(':') != std::string::npos ? "ip6" : "ip", from);
    return fmt::format("nft insert rule {} {}tcp dport {} accept", nft_chain, src, port);
}

std::vector<std::string> ufw_allow_in_on(const std::string& iface, std::uint16_t port) {
    return {"ufw",
            "allow",
            "in",
            "on",
            iface,
            "proto",
            "tcp",
            "to",
            "any",
            "port",
            std::to_string(port),
            "comment",
            "ollama-netcfg containers"};
}

std::string nft_allow_in_on(const std::string& nft_chain, const std::string& iface,
                            std::uint16_t port) {
    return fmt::format("nft insert rule {} iifname \"{}\" tcp dport {} accept", nft_chain, iface,
                       port);
}

} // namespace netcfg::firewall
