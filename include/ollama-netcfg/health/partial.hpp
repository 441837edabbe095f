// `check` without root (a monitoring agent's own user) cannot see
// everything: the firewall's rules, the main process's environment, which
// process holds a socket. What it could not see must not read as OK. A
// `check --record` run as root (the packaged timer) leaves its full view
// in /run; an unprivileged check fills the gap with it while it is fresh.
#pragma once

#include "ollama-netcfg/health/problems.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::health {

inline constexpr const char* check_record_path = "/run/ollama-netcfg/check.json";
inline constexpr double default_record_max_age = 400; // the timer's 5 min, its delay, margin

// What a root `check --record` saw.
struct RecordedCheck {
    std::string unit;
    double time = 0; // seconds since the epoch
    std::vector<Problem> problems;
};

// Pure: a record's text (`check --json`'s object with `recorded_at`);
// nullopt when it is not one.
std::optional<RecordedCheck> parse_check_record(std::string_view text);

struct PartialView {
    std::vector<Problem> problems;    // what the check reports
    std::optional<double> record_age; // seconds: the record filled in what was not seen
    bool partial = false;             // not seen, no record, and --accept-partial
    std::string note;                 // for the plugin line
};

// Pure. With no not-visible problem, `own` as it is. Otherwise a record of
// `unit` made within `max_age` seconds before `now` adds each of its
// problems above INFO whose code `own` lacks (saying how old it is); without
// one, `accept_partial` keeps `own` and the note says what was not seen, and
// else every not-visible problem becomes UNKNOWN.
PartialView settle(std::vector<Problem> own, const std::optional<RecordedCheck>& record,
                   const std::string& unit, double now, double max_age, bool accept_partial);

} // namespace netcfg::health
