#include "ollama-netcfg/report/change_report.hpp"

#include "ollama-netcfg/ollama/proxy.hpp"
#include "ollama-netcfg/report/diff.hpp"
#include "ollama-netcfg/report/reach_view.hpp"
#include "ollama-netcfg/report/status_report.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fmt/ranges.h>

namespace netcfg::report {

bool ChangeReport::proven() const {
    return !proofs.empty() &&
           std::all_of(proofs.begin(), proofs.end(), [](const Proof& p) { return p.ok; });
}

void ChangeReport::record_file(const std::string& path, const std::optional<std::string>& before,
                               const std::optional<std::string>& after) {
    if (before == after)
        return;
    diffs.push_back(unified_diff(path, before, after));
    files.push_back({path, before, after});
}

Status ChangeReport::take(change::Outcome o) {
    changed = changed || o.changed;
    for (auto& f : o.files)
        record_file(f.path, f.before, f.after);
    actions.insert(actions.end(), o.actions.begin(), o.actions.end());
    backups.insert(backups.end(), o.backups.begin(), o.backups.end());
    proofs = std::move(o.proofs);
    journal = std::move(o.journal);
    rolled_back = o.rolled_back;
    if (o.error)
        return std::move(*o.error);
    return Ok{};
}

std::string body_text(const ChangeReport& r);

namespace {

std::string entries_text(const std::vector<std::string>& e) {
    return e.empty() ? std::string("none") : fmt::format("{}", fmt::join(e, ","));
}

// The first line of `origins add/remove` (and reset --origins): the list
// before and after.
std::string origins_headline(const ChangeReport& r) {
    const auto& o = *r.origins;
    const auto now = o.after.empty() ? std::string("OLLAMA_ORIGINS unset")
                                     : fmt::format("OLLAMA_ORIGINS=\"{}\"", entries_text(o.after));
    if (r.dry_run)
        return fmt::format("{}: would make it {} (now {}); dry run, nothing changed\n", r.unit, now,
                           entries_text(o.before));
    if (r.changed)
        return fmt::format("{}: {} (was {})\n", r.unit, now, entries_text(o.before));
    return fmt::format("{}: {} already in effect; nothing changed\n", r.unit, now);
}

// The first line of `pull-proxy set/unset`: both variables, before and after.
std::string pull_proxy_headline(const ChangeReport& r) {
    const auto& p = *r.pull_proxy;
    auto text = [](std::string_view name, const std::optional<std::string>& v) {
        return v ? fmt::format("{}=\"{}\"", name, ollama::redact_proxy(*v))
                 : fmt::format("{} unset", name);
    };
    auto was = [](const std::optional<std::string>& v) {
        return v ? fmt::format("\"{}\"", ollama::redact_proxy(*v)) : std::string("unset");
    };
    const auto now = fmt::format("{}, {}", text("HTTPS_PROXY", p.https_after),
                                 text("NO_PROXY", p.no_proxy_after));
    if (r.dry_run)
        return fmt::format("{}: would make it {} (now {}, {}); dry run, nothing changed\n", r.unit,
                           now, was(p.https_before), was(p.no_proxy_before));
    if (r.offline)
        return fmt::format("{}: {} in the image\n", r.unit, now);
    const bool same = p.https_before == p.https_after && p.no_proxy_before == p.no_proxy_after;
    if (r.changed && same)
        return fmt::format("{}: {} (the same values{})\n", r.unit, now,
                           p.ca_file.empty() ? ", brought in line"
                                             : "; Ollama restarted to read the trust store");
    if (r.changed)
        return fmt::format("{}: {} (was {}, {})\n", r.unit, now, was(p.https_before),
                           was(p.no_proxy_before));
    return fmt::format("{}: {} already in effect; nothing changed\n", r.unit, now);
}

// The boot order in the managed drop-in: "at boot: after docker.service
// (docker0 is Docker's bridge, ...)".
std::string ordering_text(const ChangeReport& r) {
    if (!r.ordering)
        return {};
    const auto& o = *r.ordering;
    std::string out;
    if (!o.after.empty())
        out += fmt::format("  at boot: after {} (After=, Wants=): {}\n", fmt::join(o.after, ", "),
                           o.why);
    if (!o.removed.empty())
        out += fmt::format("  at boot: no longer after {} (this tool's After=, Wants=)\n",
                           fmt::join(o.removed, ", "));
    return out;
}

} // namespace

std::string to_text(const ChangeReport& r) {
    std::string out;
    if (r.origins && r.command.starts_with("origins")) {
        out += origins_headline(r);
        return out + body_text(r);
    }
    if (r.pull_proxy)
        return pull_proxy_headline(r) + body_text(r);
    auto text = [](const std::optional<std::string>& v) {
        return v ? fmt::format("\"{}\"", *v) : std::string("unset");
    };
    auto now = r.new_value ? "OLLAMA_HOST=" + text(r.new_value) : std::string("OLLAMA_HOST unset");
    const auto listen =
        r.listen_covers.empty() ? r.listen : fmt::format("{} ({})", r.listen, r.listen_covers);
    if (r.dry_run)
        out += fmt::format("{}: would make it {} (now {}), listening on {}; dry run, nothing "
                           "changed\n",
                           r.unit, now, text(r.old_value), listen);
    else if (r.offline)
        out += fmt::format("{}: {} in the image (was {}), Ollama will listen on {}\n", r.unit, now,
                           text(r.old_value), listen);
    else if (r.changed && r.old_value == r.new_value)
        out += fmt::format("{}: {} (the same value, brought in line), listening on {}\n", r.unit,
                           now, listen);
    else if (r.changed)
        out += fmt::format("{}: {} (was {}), listening on {}\n", r.unit, now, text(r.old_value),
                           listen);
    else
        out += fmt::format("{}: {} already in effect, listening on {}; nothing changed\n", r.unit,
                           now, listen);
    if (r.origins)
        out += fmt::format("  origins: {} (was {})\n", entries_text(r.origins->after),
                           entries_text(r.origins->before));
    return out + ordering_text(r) + body_text(r);
}

std::string body_text(const ChangeReport& r) {
    std::string out;
    for (const auto& n : r.notes)
        out += fmt::format("  note: {}\n", n);
    if (r.dry_run || r.offline)
        for (const auto& d : r.diffs)
            out += d;
    for (const auto& a : r.actions)
        out += fmt::format("  {}\n", a);
    for (const auto& p : r.proofs)
        out += fmt::format("  {:<4} {:<9} {}\n", p.ok ? "ok" : "FAIL", p.name, p.detail);
    if (r.pull_proxy)
        for (const auto& s : r.pull_proxy->path)
            out += fmt::format("  {:<4} {:<9} {}: {}\n", s.ok() ? "ok" : "FAIL", "pull", s.host,
                               s.detail);
    for (const auto& line : r.reach)
        out += fmt::format("  {}\n", line);
    if (!r.who_can_connect.empty())
        out += fmt::format("  who can connect: {}\n", r.who_can_connect);
    if (!r.client_export.empty())
        out +=
            fmt::format("  the local `ollama` command needs `{}` in its shell\n", r.client_export);
    return out;
}

nlohmann::json to_json(const ChangeReport& r) {
    auto opt = [](const std::optional<std::string>& v) {
        return v ? nlohmann::json(*v) : nlohmann::json(nullptr);
    };
    nlohmann::json j;
    j["format"] = json_format;
    j["command"] = r.command;
    j["unit"] = r.unit;
    j["drop_in"] = r.drop_in;
    j["old_value"] = opt(r.old_value);
    j["new_value"] = opt(r.new_value);
    j["listen"] = r.listen;
    j["listen_covers"] = r.listen_covers;
    j["listen_address"] = r.listen_address;
    j["connect_url"] = r.connect_url;
    j["changed"] = r.changed;
    j["actions"] = r.actions;
    j["backups"] = r.backups;
    j["dry_run"] = r.dry_run;
    j["offline"] = r.offline;
    j["diffs"] = r.diffs;
    auto files = nlohmann::json::array();
    for (const auto& f : r.files)
        files.push_back({{"path", f.path}, {"before", opt(f.before)}, {"after", opt(f.after)}});
    j["files"] = files;
    j["notes"] = r.notes;
    auto proofs = nlohmann::json::array();
    for (const auto& p : r.proofs)
        proofs.push_back({{"name", p.name}, {"ok", p.ok}, {"detail", p.detail}});
    j["proofs"] = proofs;
    j["reach"] = r.reach;
    j["addresses"] = addresses_json(r.addresses);
    j["bridges"] = bridges_json(r.bridges);
    j["firewall"] = firewall_json(r.firewall, r.from);
    j["who_can_connect"] =
        r.who_can_connect.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.who_can_connect);
    j["client_export"] =
        r.client_export.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.client_export);
    j["ok"] = !r.error && (r.proven() || r.dry_run || r.offline);
    if (r.error) {
        j["error"] = {{"message", r.error->message},
                      {"hint", r.error->hint},
                      {"exit_status", static_cast<int>(r.error->status)}};
    } else {
        j["error"] = nullptr;
    }
    j["rolled_back"] = r.rolled_back;
    if (r.origins)
        j["origins"] = {{"before", r.origins->before},
                        {"after", r.origins->after},
                        {"added", r.origins->added},
                        {"removed", r.origins->removed}};
    else
        j["origins"] = nullptr;
    if (r.ordering)
        j["ordering"] = {{"after", r.ordering->after},
                         {"removed", r.ordering->removed},
                         {"why", r.ordering->why}};
    else
        j["ordering"] = nullptr;
    if (r.pull_proxy) {
        auto shown = [](const std::optional<std::string>& v) {
            return v ? nlohmann::json(ollama::redact_proxy(*v)) : nlohmann::json(nullptr);
        };
        const auto& p = *r.pull_proxy;
        j["pull_proxy"] = {
            {"before",
             {{"https_proxy", shown(p.https_before)}, {"no_proxy", shown(p.no_proxy_before)}}},
            {"after",
             {{"https_proxy", shown(p.https_after)}, {"no_proxy", shown(p.no_proxy_after)}}},
            {"ca_file", p.ca_file.empty() ? nlohmann::json(nullptr) : nlohmann::json(p.ca_file)},
            {"path", pull_path_json(p.path)}};
    } else {
        j["pull_proxy"] = nullptr;
    }
    j["journal"] = r.journal;
    return j;
}

} // namespace netcfg::report
