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

json owner_json(const Owner& o) {
    return {{"unit", o.unit}, {"layer", o.layer()}};
}

// A record from before owners were kept: the persistent layer of any unit.
std::vector<Owner> owners_of(const json& rule) {
    if (!rule.contains("owners") || !rule["owners"].is_array())
        return {Owner{"", false}};
    std::vector<Owner> out;
    for (const auto& o : rule["owners"])
        if (o.is_object())
            out.push_back({o.value("unit", ""), o.value("layer", "") == "runtime"});
    return out;
}

bool owned_by(const Owner& recorded, const Owner& o) {
    return (recorded.unit.empty() || recorded.unit == o.unit) && recorded.runtime == o.runtime;
}

json without_owners(json rule) {
    rule.erase("owners");
    return rule;
}

// Adds `owner` to the recorded rule `key` (the rule without owners); a rule
// not yet recorded is added only when `add` (the tool just opened it).
Status note_owner(const json& key, const Owner& owner, bool add) {
    auto rules = read_record();
    if (!rules)
        return rules.error();
    auto it = std::find_if(rules->begin(), rules->end(),
                           [&](const json& r) { return without_owners(r) == key; });
    if (it == rules->end() && !add)
        return Ok{};
    if (it == rules->end()) {
        rules->push_back(key);
        it = std::prev(rules->end());
        (*it)["owners"] = json::array();
    }
    auto owners = owners_of(*it);
    if (std::any_of(owners.begin(), owners.end(),
                    [&](const Owner& o) { return owned_by(o, owner); }))
        return Ok{};
    json list = json::array();
    for (const auto& o : owners)
        list.push_back(owner_json(o));
    list.push_back(owner_json(owner));
    (*it)["owners"] = list;
    return write_record(*rules);
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

Result<std::vector<Opening>> recorded_openings() {
    auto rules = read_record();
    if (!rules)
        return rules.error();
    std::vector<Opening> out;
    for (const auto& r : *rules)
        out.push_back({r.value("backend", ""), static_cast<std::uint16_t>(r.value("port", 0)),
                       r.value("from", ""), r.value("interface", ""), owners_of(r)});
    return out;
}

Result<FirewallChange> open_firewall(const Firewall& fw, std::uint16_t port,
                                     const std::string& from, const Owner& owner, bool dry_run) {
    FirewallChange c;
    const auto& v = fw.verdict;
    if (!fw.visible)
        return failure("cannot open the firewall: " + fw.why_not,
                       "run as root, or open it by hand with the rule `ollama-netcfg status` "
                       "prints");
    const json key{{"backend", v.backend}, {"port", port}, {"from", from}};
    if (v.decision == firewall::Decision::accept) {
        c.actions.push_back(fmt::format("firewall: {} already accepts new connections from {} to "
                                        "port {} ({}); nothing added",
                                        v.backend, from.empty() ? "other hosts" : from, port,
                                        v.reason));
        // An opening recorded for another owner now serves this one too:
        // its reset must not close it while this one still needs it.
        if (!dry_run)
            if (auto st = note_owner(key, owner, false); !st)
                return st.error();
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
    if (auto st = note_owner(key, owner, true); !st)
        return st.error();
    systemd::log_change(
        fmt::format("opened port {} in {} for {}", port, v.backend, from.empty() ? "any" : from),
        {{"OLLAMA_NETCFG_ACTION", "open-firewall"},
         {"OLLAMA_NETCFG_FIREWALL", v.backend},
         {"OLLAMA_NETCFG_FROM", from}});
    return c;
}

Result<FirewallChange> open_for_containers(const std::vector<Bridge>& bridges,
                                           std::uint16_t port, const Owner& owner, bool dry_run) {
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
        json rule = v.backend == "ufw"
                        ? json{{"backend", "ufw"}, {"port", port}, {"interface", b.interface}}
                        : json{{"backend", v.backend}, {"port", port}, {"from", b.subnet}};
        if (auto st = note_owner(rule, owner, true); !st)
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

Result<FirewallChange> close_recorded_rules(const Owner& owner, bool dry_run) {
    FirewallChange c;
    auto rules = read_record();
    if (!rules)
        return rules.error();
    json kept = json::array();
    bool changed = false;
    for (const auto& rule : *rules) {
        auto owners = owners_of(rule);
        auto mine = std::find_if(owners.begin(), owners.end(),
                                 [&](const Owner& o) { return owned_by(o, owner); });
        if (mine == owners.end()) {
            kept.push_back(rule);
            continue;
        }
        changed = true;
        owners.erase(mine);
        if (owners.empty()) {
            for (const auto& cmd : removal(rule))
                if (auto st = run_noted(cmd, dry_run, c); !st)
                    return st.error();
            continue;
        }
        json rest = without_owners(rule);
        rest["owners"] = json::array();
        for (const auto& o : owners)
            rest["owners"].push_back(owner_json(o));
        c.notes.push_back(fmt::format("kept the {} opening of port {} for {}: {} ({}) needs it too",
                                      rule.value("backend", ""), rule.value("port", 0),
                                      rule.value("from", "").empty() ? rule.value("interface", "")
                                                                    : rule.value("from", ""),
                                      owners.front().unit.empty() ? owner.unit
                                                                  : owners.front().unit,
                                      owners.front().layer()));
        kept.push_back(rest);
    }
    if (!dry_run && changed) {
        if (auto st = write_record(kept); !st)
            return st.error();
        systemd::log_change(fmt::format("removed the firewall rules ollama-netcfg had added for "
                                        "{} ({})",
                                        owner.unit, owner.layer()),
                            {{"OLLAMA_NETCFG_ACTION", "close-firewall"},
                             {"OLLAMA_NETCFG_UNIT", owner.unit}});
    }
    return c;
}

} // namespace netcfg::reach
