// Catch2 v2 (Debian 12) and v3 (Debian 13, Ubuntu 24.04) behind one
// include: the tests use v2's names (Catch::Contains, Catch::StartsWith,
// Catch::EndsWith, Approx), which v3 moved into Catch::Matchers.
#pragma once

#if __has_include(<catch2/catch_all.hpp>)
#include <catch2/catch_all.hpp>
#include <string>

namespace Catch {
inline auto Contains(const std::string& s) { return Matchers::ContainsSubstring(s); }
inline auto StartsWith(const std::string& s) { return Matchers::StartsWith(s); }
inline auto EndsWith(const std::string& s) { return Matchers::EndsWith(s); }
} // namespace Catch
using Catch::Approx;
#else
#include <catch2/catch.hpp>
#endif
