// What a command line typed wrong should have been: "did you mean", as git
// and systemctl answer. Pure.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace netcfg::cli {

// The name in `names` closest to `typed`: a unique one it is a prefix of,
// else the one at the smallest edit distance, when that is at most 2 (or 1
// for words of up to 4 letters). nullopt when none is close.
std::optional<std::string> closest_name(std::string_view typed,
                                        const std::vector<std::string>& names);

// Optimal string alignment distance: insertions, deletions, substitutions
// and swaps of two neighbours each cost 1.
std::size_t edit_distance(std::string_view a, std::string_view b);

} // namespace netcfg::cli
