#include "ollama-netcfg/cli/suggest.hpp"

#include <algorithm>

namespace netcfg::cli {

std::size_t edit_distance(std::string_view a, std::string_view b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
    for (std::size_t i = 0; i <= n; ++i)
        d[i][0] = i;
    for (std::size_t j = 0; j <= m; ++j)
        d[0][j] = j;
    for (std::size_t i = 1; i <= n; ++i)
        for (std::size_t j = 1; j <= m; ++j) {
            const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    return d[n][m];
}

std::optional<std::string> closest_name(std::string_view typed,
                                        const std::vector<std::string>& names) {
    if (typed.empty())
        return std::nullopt;
    std::vector<std::string> prefixed;
    for (const auto& n : names)
        if (n.starts_with(typed))
            prefixed.push_back(n);
    if (prefixed.size() == 1)
        return prefixed.front();
    const std::size_t limit = typed.size() <= 4 ? 1 : 2;
    std::optional<std::string> best;
    std::size_t best_distance = limit + 1;
    for (const auto& n : names) {
        auto d = edit_distance(typed, n);
        if (d < best_distance) {
            best = n;
            best_distance = d;
        }
    }
    return best;
}

} // namespace netcfg::cli
