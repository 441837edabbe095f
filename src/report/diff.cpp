#include "ollama-netcfg/report/diff.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <vector>

namespace netcfg::report {
namespace {

std::vector<std::string> split_lines(const std::optional<std::string>& text) {
    std::vector<std::string> lines;
    if (!text)
        return lines;
    std::size_t pos = 0;
    while (pos < text->size()) {
        auto nl = text->find('\n', pos);
        auto end = nl == std::string::npos ? text->size() : nl + 1;
        lines.push_back(text->substr(pos, end - pos));
        pos = end;
    }
    return lines;
}

enum class Op { keep, remove, add };
struct Step {
    Op op;
    std::size_t a, b; // line indexes in before / after
};

// Longest common subsequence over lines; unit files are small.
std::vector<Step> edit_script(const std::vector<std::string>& a,
                              const std::vector<std::string>& b) {
    const std::size_t n = a.size(), m = b.size();
    std::vector<std::vector<std::size_t>> lcs(n + 1, std::vector<std::size_t>(m + 1, 0));
    for (std::size_t i = n; i-- > 0;)
        for (std::size_t j = m; j-- > 0;)
            lcs[i][j] =
                a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : std::max(lcs[i + 1][j], lcs[i][j + 1]);
    std::vector<Step> steps;
    std::size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[i] == b[j])
            steps.push_back({Op::keep, i++, j++});
        else if (i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]))
            steps.push_back({Op::remove, i++, j}); // removals first, as diff -u
        else
            steps.push_back({Op::add, i, j++});
    }
    return steps;
}

std::string shown(const std::string& line) {
    if (!line.empty() && line.back() == '\n')
        return line;
    return line + "\n\\ No newline at end of file\n";
}

std::string range(std::size_t start, std::size_t count) {
    // diff -u numbers from 1, leaves out a count of 1, and names the line
    // before an empty range.
    if (count == 1)
        return fmt::format("{}", start + 1);
    return fmt::format("{},{}", count == 0 ? start : start + 1, count);
}

} // namespace

std::string unified_diff(const std::string& path, const std::optional<std::string>& before,
                         const std::optional<std::string>& after, std::size_t context) {
    if (before == after)
        return {};
    auto a = split_lines(before), b = split_lines(after);
    auto steps = edit_script(a, b);
    std::string out = fmt::format("--- {}\n+++ {}\n", before ? "a" + path : "/dev/null",
                                  after ? "b" + path : "/dev/null");
    std::size_t k = 0;
    while (k < steps.size()) {
        while (k < steps.size() && steps[k].op == Op::keep)
            ++k;
        if (k == steps.size())
            break;
        // A hunk: from `context` lines before this change to `context` lines
        // after the last change that is within 2*context of the next one.
        std::size_t first = k >= context ? k - context : 0;
        std::size_t last = k;
        for (std::size_t s = k; s < steps.size(); ++s) {
            if (steps[s].op != Op::keep) {
                last = s;
                continue;
            }
            if (s - last > 2 * context)
                break;
        }
        std::size_t end = std::min(steps.size(), last + context + 1);
        std::size_t a_count = 0, b_count = 0;
        std::string body;
        for (std::size_t s = first; s < end; ++s) {
            const auto& st = steps[s];
            if (st.op != Op::add)
                ++a_count;
            if (st.op != Op::remove)
                ++b_count;
            if (st.op == Op::keep)
                body += " " + shown(a[st.a]);
            else if (st.op == Op::remove)
                body += "-" + shown(a[st.a]);
            else
                body += "+" + shown(b[st.b]);
        }
        out += fmt::format("@@ -{} +{} @@\n", range(steps[first].a, a_count),
                           range(steps[first].b, b_count));
        out += body;
        k = end;
    }
    return out;
}

} // namespace netcfg::report
