// The decision names and the commands that open a port, per firewall.
#include "ollama-netcfg/firewall/verdict.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

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

namespace {

// The tool for a chain iptables made (iptables-nft, the `iptables` of
// Debian, Ubuntu and Fedora: table filter, chain INPUT), whose rules
// iptables-save and netfilter-persistent keep; empty for any other chain.
std::string_view iptables_tool(std::string_view chain) {
    if (chain == "ip filter INPUT")
        return "iptables";
    if (chain == "ip6 filter INPUT")
        return "ip6tables";
    return {};
}

} // namespace

std::string nft_allow(const std::string& nft_chain, std::uint16_t port, const std::string& from) {
    if (auto tool = iptables_tool(nft_chain); !tool.empty())
        return fmt::format("{} -I INPUT -p tcp{} --dport {} -j ACCEPT", tool,
                           from.empty() ? "" : " -s " + from, port);
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
    if (auto tool = iptables_tool(nft_chain); !tool.empty())
        return fmt::format("{} -I INPUT -i {} -p tcp --dport {} -j ACCEPT", tool, iface, port);
    return fmt::format("nft insert rule {} iifname \"{}\" tcp dport {} accept", nft_chain, iface,
                       port);
}

std::string until_reboot(const std::vector<std::string>& chains) {
    std::vector<std::string> saved;
    bool nft = false;
    for (const auto& c : chains) {
        const auto tool = iptables_tool(c);
        if (tool == "iptables")
            saved.push_back("`iptables-save > /etc/iptables/rules.v4`");
        else if (tool == "ip6tables")
            saved.push_back("`ip6tables-save > /etc/iptables/rules.v6`");
        else if (!c.empty())
            nft = true;
    }
    std::string out;
    if (!saved.empty())
        out = fmt::format("the rule lasts until the next reboot unless saved where "
                          "netfilter-persistent loads it at boot: {}",
                          fmt::join(saved, " and "));
    if (nft)
        out += std::string(out.empty() ? "the rule" : "; an nft rule") +
               " lasts until the next reboot unless it is also in /etc/nftables.conf, which "
               "nftables.service loads at boot";
    return out;
}

} // namespace netcfg::firewall
