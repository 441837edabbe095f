// The version of the --json contract (docs/json.md), printed as "format" by
// every command. It goes up only when a field changes meaning or goes away;
// a new field does not change it.
#pragma once

namespace netcfg::report {

inline constexpr int json_format = 1;

} // namespace netcfg::report
