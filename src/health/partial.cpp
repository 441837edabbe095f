#include "ollama-netcfg/health/partial.hpp"

#include "ollama-netcfg/health/catalogue.hpp"

#include <algorithm>
#include <cmath>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace netcfg::health {
namespace {

std::optional<Severity> severity_of(const std::string& name) {
    for (auto s :
         {Severity::ok, Severity::info, Severity::warning, Severity::critical, Severity::unknown})
        if (severity_name(s) == name)
            return s;
    return std::nullopt;
}

bool unseen(const Problem& p) {
    return p.code == code_name(Code::not_visible);
}

std::string age_text(double seconds) {
    return fmt::format("{:.0f} s ago", std::max(0.0, std::floor(seconds)));
}

} // namespace

std::optional<RecordedCheck> parse_check_record(std::string_view text) {
    auto j = nlohmann::json::parse(text, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("recorded_at") ||
        !j["recorded_at"].is_number() || !j.contains("problems") || !j["problems"].is_array() ||
        !j.contains("unit") || !j["unit"].is_string())
        return std::nullopt;
    RecordedCheck r{j["unit"].get<std::string>(), j["recorded_at"].get<double>(), {}};
    for (const auto& p : j["problems"]) {
        if (!p.is_object())
            return std::nullopt;
        auto s = severity_of(p.value("severity", ""));
        if (!s || !p.contains("code") || !p["code"].is_string())
            return std::nullopt;
        r.problems.push_back(
            {p["code"].get<std::string>(), *s, p.value("message", ""), p.value("advice", "")});
    }
    return r;
}

PartialView settle(std::vector<Problem> own, const std::optional<RecordedCheck>& record,
                   const std::string& unit, double now, double max_age, bool accept_partial) {
    PartialView v;
    std::string not_seen;
    for (const auto& p : own)
        if (unseen(p))
            not_seen += (not_seen.empty() ? "" : "; ") + p.message;
    if (not_seen.empty()) {
        v.problems = std::move(own);
        return v;
    }
    const double age = record ? now - record->time : 0;
    if (record && record->unit == unit && age >= -5 && age <= max_age) {
        v.record_age = std::max(0.0, age);
        for (const auto& p : record->problems) {
            const bool have = std::any_of(own.begin(), own.end(), [&](const Problem& o) {
                return o.code == p.code && o.severity != Severity::info;
            });
            if (p.severity == Severity::info || have || unseen(p))
                continue;
            auto q = p;
            q.message += fmt::format(" (seen by the root check {})", age_text(*v.record_age));
            own.push_back(std::move(q));
        }
        v.note = fmt::format("what needs root is from the root check {}", age_text(*v.record_age));
        v.problems = std::move(own);
        return v;
    }
    if (accept_partial) {
        v.partial = true;
        v.note = "partial view (--accept-partial): " + not_seen;
        v.problems = std::move(own);
        return v;
    }
    const std::string why =
        !record ? std::string("no root check is recorded")
        : record->unit != unit
            ? fmt::format("the root check recorded is of {}", record->unit)
            : fmt::format("the root check recorded is {:.0f} s old (--max-age {:g})", age, max_age);
    for (auto& p : own)
        if (unseen(p)) {
            p.severity = Severity::unknown;
            p.advice = fmt::format(
                "{}: run the check as root, or enable ollama-netcfg-check.timer (a root check "
                "every 5 minutes, read here while fresh), or pass --accept-partial to judge "
                "only what this user sees",
                why);
        }
    v.problems = std::move(own);
    return v;
}

} // namespace netcfg::health
