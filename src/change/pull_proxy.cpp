#include "ollama-netcfg/change/pull_proxy.hpp"

#include "ollama-netcfg/change/plan_variable.hpp"
#include "ollama-netcfg/ollama/proxy.hpp"
#include "ollama-netcfg/unitfile/env_file.hpp"
#include "ollama-netcfg/unitfile/environment.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace netcfg::change {
namespace {

using config::LayerKind;

bool blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

std::vector<std::string> split_list(std::string_view s) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= s.size()) {
        auto end = std::min(s.find(',', start), s.size());
        auto e = s.substr(start, end - start);
        while (!e.empty() && blank(e.front()))
            e.remove_prefix(1);
        while (!e.empty() && blank(e.back()))
            e.remove_suffix(1);
        if (!e.empty())
            out.emplace_back(e);
        start = end + 1;
    }
    return out;
}

bool movable(const config::LayerInput& l, const std::string& managed, std::string_view name) {
    return l.path != managed && l.content &&
           (l.kind == LayerKind::unit_file || l.kind == LayerKind::drop_in) &&
           l.path.starts_with("/etc/systemd/system/") &&
           unitfile::environment_effect(*l.content, name, std::nullopt).assigns;
}

FileEdit managed_edit(const config::LayerInput& l, const std::string& unit, std::string_view name,
                      const std::optional<std::string>& value, const std::string& old) {
    const std::string content = l.content.value_or("");
    FileEdit e{l.path, l.content, l.content, false, {}, {}};
    auto edit = value ? unitfile::set_variable(content, name, *value)
                      : unitfile::unset_variable(content, name);
    if (!edit.changed)
        return e;
    e.new_content = edit.content;
    if (!value && unitfile::is_effectively_empty(edit.content))
        e.new_content.reset();
    const auto shown_old = ollama::redact_proxy(old);
    e.log_message =
        value ? fmt::format("{}: set {}=\"{}\" in {} (was \"{}\")", unit, name,
                            ollama::redact_proxy(*value), l.path, shown_old)
              : fmt::format("{}: removed {} from {} (was \"{}\")", unit, name, l.path, shown_old);
    e.log_fields = {{"OLLAMA_NETCFG_UNIT", unit},
                    {"OLLAMA_NETCFG_ACTION", "pull-proxy"},
                    {"OLLAMA_NETCFG_VARIABLE", std::string(name)},
                    {"OLLAMA_NETCFG_OLD", shown_old},
                    {"OLLAMA_NETCFG_NEW", ollama::redact_proxy(value.value_or(""))}};
    return e;
}

FileEdit moved_edit(const config::LayerInput& l, const std::string& unit, std::string_view name) {
    auto edit = unitfile::unset_variable(*l.content, name);
    FileEdit e{l.path, l.content, edit.content, true, {}, {}};
    if (l.kind == LayerKind::drop_in && unitfile::is_effectively_empty(edit.content))
        e.new_content.reset();
    e.log_message = fmt::format("{}: moved {}=\"{}\" out of {} into the managed drop-in", unit,
                                name, ollama::redact_proxy(edit.old_value.value_or("")), l.path);
    e.log_fields = {{"OLLAMA_NETCFG_UNIT", unit},
                    {"OLLAMA_NETCFG_ACTION", "pull-proxy-move"},
                    {"OLLAMA_NETCFG_VARIABLE", std::string(name)}};
    return e;
}

} // namespace

std::string proxy_env_file(const std::string& unit) {
    return "/etc/ollama-netcfg/pull-proxy-" + unit + ".env";
}

FileEdit env_file_edit(const std::string& unit, const std::optional<std::string>& now,
                       const std::optional<std::string>& url) {
    const auto path = proxy_env_file(unit);
    FileEdit e{path, now, now, false, {}, {}};
    e.mode = 0600;
    e.new_content =
        url ? std::optional<std::string>("# written by ollama-netcfg pull-proxy set --env-file\n" +
                                         unitfile::env_file_line(https_proxy_var, *url))
            : std::nullopt;
    if (!e.changes())
        return e;
    e.log_message = url ? fmt::format("{}: set HTTPS_PROXY=\"{}\" in {} (mode 0600)", unit,
                                      ollama::redact_proxy(*url), path)
                        : fmt::format("{}: removed {}", unit, path);
    e.log_fields = {{"OLLAMA_NETCFG_UNIT", unit}, {"OLLAMA_NETCFG_ACTION", "pull-proxy"}};
    return e;
}

FileEdit env_file_line_edit(const std::string& managed, const std::optional<std::string>& old,
                            const std::optional<std::string>& content, const std::string& unit,
                            bool on) {
    const auto file = proxy_env_file(unit);
    const std::string text = content.value_or("");
    auto edit = on ? unitfile::add_setting(text, "Service", "EnvironmentFile", file)
                   : unitfile::remove_setting(text, "Service", "EnvironmentFile", file);
    FileEdit e{managed, old, content, false, {}, {}};
    if (!edit.changed)
        return e;
    e.new_content = edit.content;
    if (!on && unitfile::is_effectively_empty(edit.content))
        e.new_content.reset();
    e.log_message = fmt::format("{}: {} EnvironmentFile={} {} {}", unit, on ? "added" : "removed",
                                file, on ? "to" : "from", managed);
    return e;
}

Status check_proxy_url(std::string_view url, bool env_file) {
    const auto hint = "e.g. sudo ollama-netcfg pull-proxy set http://proxy.example.org:3128";
    const auto scheme = url.find("://");
    if (scheme == std::string_view::npos ||
        (url.substr(0, scheme) != "http" && url.substr(0, scheme) != "https"))
        return usage_error(fmt::format("proxy URL \"{}\": it must start with http:// or https:// "
                                       "(the scheme Ollama speaks to the proxy)",
                                       url),
                           hint);
    auto rest = url.substr(scheme + 3);
    if (!rest.empty() && rest.back() == '/')
        rest.remove_suffix(1);
    if (const auto at = rest.find('@'); at != std::string_view::npos && env_file)
        rest.remove_prefix(at + 1);
    if (rest.find('@') != std::string_view::npos)
        return usage_error(
            fmt::format("proxy URL \"{}\" has a user and password: the drop-in is readable "
                        "by every local user (mode 0644), and so would they be",
                        ollama::redact_proxy(url)),
            "add --env-file: the URL then goes into a file only root reads (mode 0600), which "
            "the drop-in names with EnvironmentFile=; and give it on stdin (URL -), not on the "
            "command line, where every local user sees it");
    if (rest.empty() || rest.front() == ':' ||
        rest.find_first_of("/?#") != std::string_view::npos ||
        std::any_of(rest.begin(), rest.end(), blank))
        return usage_error(fmt::format("proxy URL \"{}\": it must be SCHEME://HOST[:PORT], nothing "
                                       "more",
                                       url),
                           hint);
    const auto colon = rest.rfind(':');
    const bool v6 = rest.front() == '[';
    if (colon != std::string_view::npos && (!v6 || colon > rest.find(']'))) {
        const auto port = rest.substr(colon + 1);
        if (port.empty() || port.size() > 5 ||
            !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
            std::stoi(std::string(port)) > 65535 || std::stoi(std::string(port)) == 0)
            return usage_error(fmt::format("proxy URL \"{}\": the port must be 1-65535", url),
                               hint);
    }
    return Ok{};
}

Status check_registry(std::string_view host) {
    if (host.empty() || host.find_first_of("/:@ \t") != std::string_view::npos)
        return usage_error(fmt::format("--registry \"{}\": not a host name", host),
                           "the registry's host, e.g. --registry registry.ollama.ai");
    return Ok{};
}

Result<std::vector<std::string>> check_no_proxy(const std::vector<std::string>& asked) {
    std::vector<std::string> out;
    for (const auto& a : asked) {
        if (split_list(a).empty())
            return usage_error("--no-proxy: an empty entry",
                               "e.g. --no-proxy 10.0.0.0/8,.corp.example.org");
        for (auto& e : split_list(a)) {
            if (std::any_of(e.begin(), e.end(), blank))
                return usage_error(
                    fmt::format("--no-proxy \"{}\": an entry has no blanks inside", e),
                    "separate entries with commas");
            out.push_back(std::move(e));
        }
    }
    return out;
}

std::string no_proxy_value(const ollama::HostSetting& listen, std::string_view current,
                           const std::vector<std::string>& asked) {
    std::vector<std::string> entries{"localhost", "127.0.0.1", "::1"};
    auto add = [&](const std::string& e) {
        if (!e.empty() && std::find(entries.begin(), entries.end(), e) == entries.end())
            entries.push_back(e);
    };
    add(listen.host);
    for (const auto& e : split_list(current))
        add(e);
    for (const auto& e : asked)
        add(e);
    return fmt::format("{}", fmt::join(entries, ","));
}

Result<SettingPlan> plan_setting(const std::vector<config::LayerInput>& layers,
                                 const std::string& unit, const std::string& managed,
                                 std::string_view name, const std::optional<std::string>& value,
                                 bool only_managed) {
    const auto old = config::resolve(layers, name).effective.value_or("");
    VariableChange change;
    change.variable = name;
    change.managed = managed;
    change.set = [&](const config::LayerInput& l) {
        return std::vector{managed_edit(l, unit, name, value, old)};
    };
    change.move = [&](const config::LayerInput& l) -> std::optional<FileEdit> {
        if (only_managed || !movable(l, managed, name))
            return std::nullopt;
        return moved_edit(l, unit, name);
    };
    // Taking it out (nullopt) concerns the managed drop-in only: what the
    // admin set elsewhere is in effect again, as before `set`.
    change.holds = [&](const config::Resolution& after) {
        return !value || after.effective == value;
    };
    change.refuse = [&](const config::Resolution& after) {
        const auto& w = after.winner ? after.layers[*after.winner] : config::Layer{};
        return failure(fmt::format("{} would still be \"{}\" from {} {}, which this tool does not "
                                   "edit",
                                   name, ollama::redact_proxy(after.effective.value_or("")),
                                   config::kind_name(w.kind),
                                   w.path.empty() ? "(the manager environment)" : w.path),
                       fmt::format("change or remove {} there, then run the command again", name));
    };
    auto planned = plan_variable(layers, change);
    if (!planned)
        return planned.error();
    SettingPlan plan;
    plan.edits = std::move(planned->edits);
    plan.target = {std::string(name), planned->after.environment, planned->after.effective};
    plan.previous = {std::string(name), planned->before.environment, planned->before.effective};
    return plan;
}

} // namespace netcfg::change
