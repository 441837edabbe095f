// The monitoring-plugin line: status, text, perfdata (warn;crit;min;max).
#include "ollama-netcfg/report/status_report.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace netcfg::report {
namespace {

using health::Facts;
using health::Problem;
using health::Severity;

// Monitoring-plugin perfdata: label=value[UOM];warn;crit;min;max.
std::string perfdata(const Facts* f, std::size_t problems, double seconds) {
    auto out = fmt::format("time={:.3f}s;;;0 problems={};;;0", seconds, problems);
    if (!f)
        return out;
    auto limit = [](const std::optional<double>& v) {
        return v ? fmt::format("{:g}", *v) : std::string();
    };
    if (f->api_tried && f->api_error.empty())
        out += fmt::format(" api_time={:.3f}s;{};{};0;{:g}", f->api_seconds,
                           limit(f->limits.api_warning), limit(f->limits.api_critical),
                           f->api_timeout_seconds);
    if (f->models_tried && f->models_error.empty())
        out += fmt::format(" models={};;;0", f->models.size());
    return out;
}

} // namespace

std::string plugin_line(const Facts& f, const std::vector<Problem>& problems, double seconds,
                        const std::string& note) {
    auto worst = health::overall(problems);
    std::string text;
    if (worst == Severity::ok && !f.container_check.empty()) {
        text = fmt::format("container {}: Ollama {} answers at {}", f.container_check,
                           f.version.value_or("?"), f.api_url);
    } else if (worst == Severity::ok) {
        text = fmt::format("{} listens on {}", f.unit, f.listen_endpoint());
        if (f.version)
            text += fmt::format(", Ollama {} answers at {}", *f.version, f.want.connect_url());
    } else {
        for (const auto& p : problems)
            if (p.severity != Severity::info)
                text += fmt::format("{}{}: {}", text.empty() ? "" : "; ", p.code, p.message);
    }
    if (!note.empty())
        text += "; " + note;
    std::replace(text.begin(), text.end(), '|', '/'); // '|' starts perfdata
    auto counted = std::count_if(problems.begin(), problems.end(),
                                 [](const Problem& p) { return p.severity != Severity::info; });
    return fmt::format("OLLAMA-NETCFG {} - {} | {}", health::severity_name(worst), text,
                       perfdata(&f, static_cast<std::size_t>(counted), seconds));
}

std::string plugin_unknown_line(const std::string& why, double seconds) {
    auto text = why;
    std::replace(text.begin(), text.end(), '|', '/');
    return fmt::format("OLLAMA-NETCFG UNKNOWN - {} | {}", text, perfdata(nullptr, 0, seconds));
}

} // namespace netcfg::report
