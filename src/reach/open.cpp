#include "ollama-netcfg/reach/open.hpp"

#include "ollama-netcfg/systemd/journal.hpp"
#include "ollama-netcfg/util/atomic_file.hpp"
#include "ollama-netcfg/util/command.hpp"

#include <algorithm>
#include <filesystem>
#include <fmt/format.h>

namespace netcfg::reach {
namespace {

constexpr std::chrono::milliseconds timeout{30000};

Result<std::vector<Opening>> read_record() {
    auto content = read_file(firewall_record);
    if (!content)
        return content.error();
    if (!*content)
        return std::vector<Opening>{};
    auto record = parse_openings(**content);
    if (!record)
        return failure(fmt::format("{} is not a JSON array of rules", firewall_record),
                       "remove the rules by hand and delete the file");
    return *record;
}

Status write_record(const std::vector<Opening>& record) {
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(firewall_record).parent_path(), ec);
    if (record.empty())
        return remove_file_durable(firewall_record);
    return write_file_atomic(firewall_record, openings_json(record), 0644);
}

// `owner` noted on the recorded `rule` (recorded when `add`), written back
// when that changed the record.
Status note(const Opening& rule, const Owner& owner, bool add) {
    auto record = read_record();
    if (!record)
        return record.error();
    if (!note_owner(*record, rule, owner, add))
        return Ok{};
    return write_record(*record);
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

std::vector<std::vector<std::string>> removal(const Opening& o) {
    const auto port = std::to_string(o.port);
    if (o.backend == "ufw" && !o.interface.empty())
        return {{"ufw", "delete", "allow", "in", "on", o.interface, "proto", "tcp", "to", "any",
                 "port", port}};
    if (o.backend == "ufw")
        return {{"ufw", "delete", "allow", "proto", "tcp", "from", o.from.empty() ? "any" : o.from,
                 "to", "any", "port", port}};
    auto add = firewall::firewalld_allow(o.port, o.from);
    auto& opt = add.back();
    opt.replace(0, 5, "--remove"); // --add-port / --add-rich-rule
    return {add, {"firewall-cmd", "--reload"}};
}

} // namespace

Result<std::vector<Opening>> recorded_openings() {
    return read_record();
}

Result<FirewallChange> open_firewall(const Firewall& fw, std::uint16_t port,
                                     const std::string& from, const Owner& owner, bool dry_run) {
    FirewallChange c;
    const auto& v = fw.verdict;
    if (!fw.visible)
        return failure("cannot open the firewall: " + fw.why_not,
                       "run as root, or open it by hand with the rule `ollama-netcfg status` "
                       "prints");
    const Opening rule{v.backend, port, from, {}, {}};
    if (v.decision == firewall::Decision::accept) {
        c.actions.push_back(fmt::format("firewall: {} already accepts new connections from {} to "
                                        "port {} ({}); nothing added",
                                        v.backend, from.empty() ? "other hosts" : from, port,
                                        v.reason));
        // An opening recorded for another owner now serves this one too:
        // its reset must not close it while this one still needs it.
        if (!dry_run)
            if (auto st = note(rule, owner, false); !st)
                return st.error();
        return c;
    }
    if (v.backend != "ufw" && v.backend != "firewalld") {
        const auto hint = until_reboot(fw);
        c.notes.push_back(
            fmt::format("{} is not changed by this tool; to open port {}{}, run: {}{}", v.backend,
                        port, from.empty() ? "" : " for " + from,
                        fw.open_command_text.empty() ? "(no command known)" : fw.open_command_text,
                        hint.empty() ? hint : "; " + hint));
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
    if (auto st = note(rule, owner, true); !st)
        return st.error();
    systemd::log_entry(
        fmt::format("opened port {} in {} for {}", port, v.backend, from.empty() ? "any" : from),
        {{"OLLAMA_NETCFG_ACTION", "open-firewall"},
         {"OLLAMA_NETCFG_FIREWALL", v.backend},
         {"OLLAMA_NETCFG_FROM", from}});
    return c;
}

Result<FirewallChange> open_for_containers(const std::vector<Bridge>& bridges, std::uint16_t port,
                                           const Owner& owner, bool dry_run) {
    FirewallChange c;
    bool reload = false;
    for (const auto& b : bridges) {
        if (!b.reachable)
            continue;
        if (!b.firewall) {
            c.notes.push_back(
                fmt::format("containers on {}: the firewall was not judged", b.interface));
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
        const Opening rule = v.backend == "ufw" ? Opening{"ufw", port, {}, b.interface, {}}
                                                : Opening{v.backend, port, b.subnet, {}, {}};
        if (auto st = note(rule, owner, true); !st)
            return st.error();
        systemd::log_entry(
            fmt::format("opened port {} in {} for containers on {}", port, v.backend, b.interface),
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
    auto record = read_record();
    if (!record)
        return record.error();
    const auto before = record->size();
    auto closed = release(*record, owner, c.notes);
    for (const auto& o : closed)
        for (const auto& cmd : removal(o))
            if (auto st = run_noted(cmd, dry_run, c); !st)
                return st.error();
    const bool changed = !closed.empty() || !c.notes.empty() || record->size() != before;
    if (dry_run || !changed)
        return c;
    if (auto st = write_record(*record); !st)
        return st.error();
    systemd::log_entry(
        fmt::format("removed the firewall rules ollama-netcfg had added for {} "
                    "({})",
                    owner.unit, owner.layer()),
        {{"OLLAMA_NETCFG_ACTION", "close-firewall"}, {"OLLAMA_NETCFG_UNIT", owner.unit}});
    return c;
}

} // namespace netcfg::reach
