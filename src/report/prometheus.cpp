#include "ollama-netcfg/report/prometheus.hpp"

#include "ollama-netcfg/report/reach_view.hpp"
#include "ollama-netcfg/report/status_report.hpp"

#include <algorithm>
#include <fmt/format.h>

namespace netcfg::report {
namespace {

// Label values escape backslash, double quote and line feed.
std::string label(const std::string& v) {
    std::string out;
    for (char c : v) {
        if (c == '\\' || c == '"')
            out += '\\';
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out += c;
    }
    return out;
}

void metric(std::string& out, const char* name, const char* type, const char* help) {
    out += fmt::format("# HELP {} {}\n# TYPE {} {}\n", name, help, name, type);
}

} // namespace

std::string prometheus_text(const std::string& unit, const health::Facts* f,
                            const std::vector<health::Problem>& problems, double seconds,
                            double now_seconds) {
    const auto u = label(unit);
    const auto worst = f ? health::overall(problems) : health::Severity::unknown;
    std::string out;
    metric(out, "ollama_netcfg_up", "gauge",
           "1 when Ollama listens where expected and answers (check OK), else 0.");
    out += fmt::format("ollama_netcfg_up{{unit=\"{}\"}} {}\n", u,
                       worst == health::Severity::ok ? 1 : 0);
    metric(out, "ollama_netcfg_status", "gauge",
           "The check's exit status: 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN.");
    out += fmt::format("ollama_netcfg_status{{unit=\"{}\"}} {}\n", u,
                       health::plugin_exit_status(worst));
    metric(out, "ollama_netcfg_problem", "gauge",
           "1 when the check found this problem code (docs/problem-codes.md), else 0.");
    for (const auto& code : health::known_problem_codes()) {
        bool found = std::any_of(problems.begin(), problems.end(),
                                 [&](const health::Problem& p) { return p.code == code; });
        out += fmt::format("ollama_netcfg_problem{{unit=\"{}\",code=\"{}\"}} {}\n", u, code,
                           found ? 1 : 0);
    }
    metric(out, "ollama_netcfg_check_duration_seconds", "gauge", "How long the check took.");
    out += fmt::format("ollama_netcfg_check_duration_seconds{{unit=\"{}\"}} {:.6f}\n", u, seconds);
    metric(out, "ollama_netcfg_last_check_timestamp_seconds", "gauge",
           "When the check ran, in seconds since the epoch.");
    out += fmt::format("ollama_netcfg_last_check_timestamp_seconds{{unit=\"{}\"}} {:.3f}\n", u,
                       now_seconds);
    if (f && f->api_tried && f->api_error.empty()) {
        metric(out, "ollama_netcfg_api_duration_seconds", "gauge",
               "How long GET /api/version took to answer.");
        out += fmt::format("ollama_netcfg_api_duration_seconds{{unit=\"{}\"}} {:.6f}\n", u,
                           f->api_seconds);
    }
    if (f && f->firewall) {
        metric(out, "ollama_netcfg_firewall_decision", "gauge",
               "1 for the firewall's decision on a new connection from other hosts (or "
               "--from) to Ollama's port, per IP version: accepted, dropped, rejected, "
               "undecided, not-covered (the socket does not accept that version), not-judged.");
        for (int version : {4, 6})
            out += fmt::format("ollama_netcfg_firewall_decision{{unit=\"{}\",family=\"ipv{}\","
                               "decision=\"{}\"}} 1\n",
                               u, version, family_decision(*f->firewall, version));
    }
    if (f && f->models_tried && f->models_error.empty()) {
        metric(out, "ollama_netcfg_models", "gauge", "How many models GET /api/tags lists.");
        out += fmt::format("ollama_netcfg_models{{unit=\"{}\"}} {}\n", u, f->models.size());
    }
    if (f && f->version) {
        metric(out, "ollama_netcfg_ollama_info", "gauge",
               "The Ollama version that answered, and where it listens.");
        out +=
            fmt::format("ollama_netcfg_ollama_info{{unit=\"{}\",version=\"{}\",listen=\"{}\"}} 1\n",
                        u, label(*f->version),
                        label(f->container_check.empty() ? f->listen_endpoint() : f->api_url));
    }
    return out;
}

} // namespace netcfg::report
