#include "ollama-netcfg/reach/open.hpp"

#include "ollama-netcfg/systemd/journal.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/command.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace netcfg::reach {
namespace {

using nlohmann::json;
constexpr std::chrono::milliseconds timeout{30000};

Result<json> read_record() {
    auto content = read_file(firewall_record);
    if (!content)
        return content.error();
    if (!*content)
        return json::array();
    auto j = json::parse(**content, nullptr, false);
    if (j.is_discarded() || !j.is_array())
        return failure(fmt::format("{} is not a JSON array of rules", firewall_record),
                       "remove the rules by hand and delete the file");
    return j;
}

Status write_record(const json& rules) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(firewall_record).parent_path(), ec);
    if (rules.empty())
        return remove_file_durable(firewall_record);
    return write_file_atomic(firewall_record, rules.dump(2) + "\n", 0644);
}

Status run(const std::vector<std::string>& argv) {
    auto r = run_command(argv, timeout);
    if (!r)
        return r.error();
    if (r->exit_status != 0)
        return failure(fmt::format("`{}` failed (exit status {}): {}", shell_words(argv),
                                   r->exit_status, r->err.empty() ? r->out : r->err),
                       "run it by hand to see why; `ollama-netcfg status` shows the firewall's "
                       "state");
    return Ok{};
}

// Runs `cmd` (or, in a dry run, says it would) and notes it in `c`.
Status run_noted(const std::vector<std::string>& cmd, bool dry_run, FirewallChange& c) {
    if (dry_run) {
        c.actions.push_back("would run: " + shell_words(cmd));
        return Ok{};
    }
    if (auto st = run(cmd); !st)
        return st;
    c.actions.push_back("ran: " + shell_words(cmd));
    return Ok{};
}

std::vector<std::vector<std::string>> removal(const json& rule) {
    const std::string backend = rule.value("backend", "");
    const auto port = rule.value("port", 0);
    const std::string from = rule.value("from", "");
    const std::string iface = rule.value("interface", "");
    if (backend == "ufw" && !iface.empty())
        return {{"ufw", "delete", "allow", "in", "on", iface, "proto", "tcp", "to", "any", "port",
                 std::to_string(port)}};
    if (backend == "ufw")
        return {{"ufw", "delete", "allow", "proto", "tcp", "from", from.empty() ? "any" : from,
                 "to", "any", "port", std::to_string(port)}};
    auto add = firewall::firewalld_allow(static_cast<std::uint16_t>(port), from);
    auto& opt = add.back();
    opt.replace(0, 5, "--remove"); // --add-port / --add-rich-rule
    return {add, {"firewall-cmd", "--reload"}};
}

} // namespace

Result<FirewallChange> open_firewall(const Firewall& fw, std::uint16_t port,
                                     const std::string& from, bool dry_run) {
    FirewallChange c;
    const auto& v = fw.verdict;
    if (!fw.visible)
        return failure("cannot open the firewall: " + fw.why_not,
                       "run as root, or open it by hand with the rule `ollama-netcfg status` "
                       "prints");
    if (v.decision == firewall::Decision::accept) {
        c.actions.push_back(fmt::format("firewall: {} already accepts new connections from {} to "
                                        "port {} ({}); nothing added",
                                        v.backend, from.empty() ? "other hosts" : from, port,
                                        v.reason));
        return c;
    }
    if (v.backend != "ufw" && v.backend != "firewalld") {
        c.notes.push_back(fmt::format("{} is not changed by this tool; to open port {}{}, run: {}",
                                      v.backend, port, from.empty() ? "" : " for " + from,
                                      fw.open_command_text.empty() ? "(no command known)"
                                                                   : fw.open_command_text));
        return c;
    }
    std::vector<std::vector<std::string>> commands{fw.open_command};
    if (v.backend == "firewalld")
        commands.push_back({"firewall-cmd", "--reload"});
    for (const auto& cmd : commands)
        if (auto st = run_noted(cmd, dry_run, c); !st)
            return st.error();
    if (dry_run)
        return c;
    auto rules = read_record();
    if (!rules)
        return rules.error();
    json rule{{"backend", v.backend}, {"port", port}, {"from", from}};
    bool known = false;
    for (const auto& r : *rules)
        known = known || r == rule;
    if (!known)
        rules->push_back(rule);
    if (auto st = write_record(*rules); !st)
        return st.error();
    systemd::log_change(
        fmt::format("opened port {} in {} for {}", port, v.backend, from.empty() ? "any" : from),
        {{"OLLAMA_NETCFG_ACTION", "open-firewall"},
         {"OLLAMA_NETCFG_FIREWALL", v.backend},
         {"OLLAMA_NETCFG_FROM", from}});
    return c;
}

Result<FirewallChange> open_for_containers(const std::vector<Bridge>& bridges,
                                           std::uint16_t port, bool dry_run) {
    FirewallChange c;
    bool reload = false;
    for (const auto& b : bridges) {
        if (!b.reachable)
            continue;
        if (!b.firewall) {
            c.notes.push_back(fmt::format("containers on {}: the firewall was not judged", b.interface));
            continue;
        }
        const auto& v = *b.firewall;
        if (v.decision == firewall::Decision::accept) {
            c.actions.push_back(fmt::format("firewall: {} already accepts containers on {} ({}); "
                                            "nothing added",
                                            v.backend, b.interface, v.reason));
            continue;
        }
        if (b.open_command.empty()) {
            c.notes.push_back(fmt::format("{} is not changed by this tool; to let containers on {} "
                                          "in, run: {}",
                                          v.backend, b.interface,
                                          b.open_command_text.empty() ? "(no command known)"
                                                                      : b.open_command_text));
            continue;
        }
        if (auto st = run_noted(b.open_command, dry_run, c); !st)
            return st.error();
        reload = reload || v.backend == "firewalld";
        if (dry_run)
            continue;
        auto rules = read_record();
        if (!rules)
            return rules.error();
        json rule = v.backend == "ufw"
                        ? json{{"backend", "ufw"}, {"port", port}, {"interface", b.interface}}
                        : json{{"backend", v.backend}, {"port", port}, {"from", b.subnet}};
        if (std::find(rules->begin(), rules->end(), rule) == rules->end())
            rules->push_back(rule);
        if (auto st = write_record(*rules); !st)
            return st.error();
        systemd::log_change(fmt::format("opened port {} in {} for containers on {}", port,
                                        v.backend, b.interface),
                            {{"OLLAMA_NETCFG_ACTION", "open-firewall"},
                             {"OLLAMA_NETCFG_FIREWALL", v.backend},
                             {"OLLAMA_NETCFG_FROM", b.subnet}});
    }
    if (reload)
        if (auto st = run_noted({"firewall-cmd", "--reload"}, dry_run, c); !st)
            return st.error();
    return c;
}

Result<FirewallChange> close_recorded_rules(bool dry_run) {
    FirewallChange c;
    auto rules = read_record();
    if (!rules)
        return rules.error();
    for (const auto& rule : *rules) {
        for (const auto& cmd : removal(rule))
            if (auto st = run_noted(cmd, dry_run, c); !st)
                return st.error();
    }
    if (!dry_run && !rules->empty()) {
        if (auto st = write_record(json::array()); !st)
            return st.error();
        systemd::log_change("removed the firewall rules ollama-netcfg had added",
                            {{"OLLAMA_NETCFG_ACTION", "close-firewall"}});
    }
    return c;
}

} // namespace netcfg::reach
